import Foundation
import Testing
@testable import NewsPipe
@testable import PipelineKit
@testable import NewsIO
@testable import NewsRecords

/// `StoredPages` (the strip stage's way back to a shard's fetched pages) keeps each capture as
/// its digest's bytes and a segment number: it must find every fetched page by the hash its
/// fetch record gives, as the dictionary of hex strings did, and nothing else.
@Suite struct StoredPagesTests {
    @Test func digestsParseOnlyAsSHA256HexWrites() throws {
        let hex = ContentHash.hexString(ContentHash.sha256(Array("page".utf8)))
        let digest = try #require(StoredPages.Digest(hex: hex))
        #expect(StoredPages.Digest(hex: hex) == digest)
        #expect(StoredPages.Digest(hex: ContentHash.hexString(ContentHash.sha256(Array("other".utf8)))) != digest)
        // A digest differing only in its last digit is another digest (every word is compared).
        let last = hex.last == "0" ? "1" : "0"
        #expect(StoredPages.Digest(hex: String(hex.dropLast()) + last) != digest)
        let first = hex.first == "0" ? "1" : "0"
        #expect(StoredPages.Digest(hex: first + String(hex.dropFirst())) != digest)
        #expect(StoredPages.Digest(hex: String(repeating: "0", count: 63) + "1") != StoredPages.Digest(hex: "1" + String(repeating: "0", count: 63)))
        #expect(StoredPages.Digest(hex: String(hex.dropLast())) == nil, "63 digits")
        #expect(StoredPages.Digest(hex: hex + "0") == nil, "65 digits")
        #expect(StoredPages.Digest(hex: hex.uppercased()) == nil, "the records write lowercase; the lookup stays exact")
        #expect(StoredPages.Digest(hex: "") == nil)
    }

    @Test func everyFetchedPageIsFoundByItsRecordsHash() throws {
        var pages: [String: [UInt8]] = [:]
        for n in 0 ..< 12 { pages["p\(n).html"] = Array("<html><body><p>page \(n) text</p></body></html>".utf8) }
        pages["copy.html"] = pages["p3.html"]  // the same bytes twice: one digest
        let harness = try PipelineHarness(manifest: #"{"shards": 3}"#, sampleCorpus: false, pages: pages)
        defer { harness.remove() }
        let outcome = try harness.run(["run", "--stage", "fetch"])
        #expect(outcome.status == 0, "\(outcome.stderr)")
        let layout = OutputLayout(root: harness.output)
        var found = 0
        for shard in Shard.all(3) {
            let stored = try FetchStage.pages(layout, shard: shard)
            let records = harness.work("fetch").appendingPathComponent("records-\(shard.fileTag).jsonl")
            try JSONLines.forEach(FetchRecord.self, in: records) { record in
                let hash = try #require(record.hash)
                let name = try #require(record.source.split(separator: "/").last.map(String.init))
                #expect(try stored.payload(hash: hash) == pages[name], "\(record.source)")
                #expect(throws: FileError.self) { try stored.payload(hash: hash.uppercased()) }
                found += 1
            }
            let absent = ContentHash.hexString(ContentHash.sha256(Array("never fetched".utf8)))
            #expect(throws: FileError.self) { try stored.payload(hash: absent) }
            #expect(throws: FileError.self) { try stored.payload(hash: "not a digest") }
        }
        #expect(found == pages.count)
    }
}
