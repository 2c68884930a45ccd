import Foundation
import Testing
@testable import MirrorDedup
@testable import NewsIO

/// Signature files written and read a signature at a time (issue 16.5, flat memory): the bytes are
/// the ones `SignatureIndex.save` writes, and reading hands out bounded batches.
@Suite("Dedup: signature files streamed")
struct SignatureFileTests {
    /// Synthetic signatures (random MinHash values, some optional fields missing, one without
    /// shingles): enough of them to cross the 1 MB write and read buffers.
    static func signatures(_ count: Int, parameters: DedupParameters) -> [DocumentSignature] {
        var rng = DedupTestRandom(seed: 7)
        let scheme = parameters.signatureScheme
        return (0 ..< count).map { i in
            DocumentSignature(id: String(format: "%032x", i), source: "pages/site\(i % 13)/\(i).html",
                              url: i % 5 == 0 ? nil : "https://site\(i % 13).example/story/\(i)", site: i % 7 == 0 ? nil : "site\(i % 13).example",
                              published: i % 3 == 0 ? nil : "2026-03-04", words: 100 + i % 400, exactHash: UInt64.random(in: 0 ... .max, using: &rng),
                              shingleCount: i == 3 ? 0 : 90 + i % 300,
                              minHashes: i == 3 ? [] : (0 ..< scheme.permutations).map { _ in UInt32.random(in: 0 ... .max, using: &rng) }, scheme: scheme)
        }
    }

    @Test func writerWritesTheBytesSaveWrites() throws {
        let folder = try MirrorIndexTests.folder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let parameters = DedupParameters()
        let all = Self.signatures(2_500, parameters: parameters)  // about 1.4 MB
        var index = SignatureIndex(parameters: parameters)
        index.add(contentsOf: all)
        try index.save(to: folder.appendingPathComponent("saved.bin"))
        let writer = try SignatureFileWriter(folder.appendingPathComponent("streamed.bin"), parameters: parameters)
        for signature in all { try writer.add(signature) }
        try writer.commit()
        #expect(writer.count == all.count)
        #expect(try Data(contentsOf: folder.appendingPathComponent("streamed.bin")) == Data(contentsOf: folder.appendingPathComponent("saved.bin")))
        // The spool is gone: only the two files remain.
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path).sorted() == ["saved.bin", "streamed.bin"])
    }

    @Test func emptyAndAbandonedFiles() throws {
        let folder = try MirrorIndexTests.folder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let parameters = DedupParameters()
        try SignatureIndex(parameters: parameters).save(to: folder.appendingPathComponent("saved.bin"))
        let empty = try SignatureFileWriter(folder.appendingPathComponent("streamed.bin"), parameters: parameters)
        try empty.commit()
        #expect(try Data(contentsOf: folder.appendingPathComponent("streamed.bin")) == Data(contentsOf: folder.appendingPathComponent("saved.bin")))
        #expect(try SignatureFile.forEachBatch(in: folder.appendingPathComponent("streamed.bin")) { _ in Issue.record("no batch expected") } == 0)
        // A writer dropped before its commit publishes nothing and leaves no spool.
        do {
            let dropped = try SignatureFileWriter(folder.appendingPathComponent("dropped.bin"), parameters: parameters)
            try dropped.add(Self.signatures(1, parameters: parameters)[0])
        }
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path).sorted() == ["saved.bin", "streamed.bin"])
    }

    @Test(arguments: [1, 1_000, 5_000])
    func batchesAreBoundedAndInFileOrder(_ batchSize: Int) throws {
        let folder = try MirrorIndexTests.folder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let parameters = DedupParameters()
        let all = Self.signatures(2_500, parameters: parameters)
        var index = SignatureIndex(parameters: parameters)
        index.add(contentsOf: all)
        let file = folder.appendingPathComponent("signatures.bin")
        try index.save(to: file)
        var read: [DocumentSignature] = []
        var largest = 0
        let count = try SignatureFile.forEachBatch(in: file, parameters: parameters, batchSize: batchSize) { batch in
            largest = max(largest, batch.count)
            read += batch
        }
        #expect(count == all.count)
        #expect(read == all)
        #expect(largest == min(batchSize, all.count))
    }

    @Test func damageIsReportedBeforeAnySignatureIsHandedOut() throws {
        let folder = try MirrorIndexTests.folder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let parameters = DedupParameters()
        let file = folder.appendingPathComponent("signatures.bin")
        let writer = try SignatureFileWriter(file, parameters: parameters)
        for signature in Self.signatures(2_500, parameters: parameters) { try writer.add(signature) }
        try writer.commit()
        let good = try Data(contentsOf: file)
        var changed = good
        changed[changed.count - 100] ^= 0x01
        try changed.write(to: file)
        var handed = 0
        #expect(throws: FileError.self) { try SignatureFile.forEachBatch(in: file, batchSize: 10) { handed += $0.count } }
        #expect(handed == 0)
        try good.prefix(good.count - 10).write(to: file)
        #expect(throws: FileError.self) { try SignatureFile.forEachBatch(in: file) { handed += $0.count } }
        #expect(handed == 0)
        try Data("not an index".utf8).write(to: file)
        #expect(throws: FileError.self) { try SignatureFile.forEachBatch(in: file) { _ in } }
        // Signed otherwise: refused, as `SignatureIndex.load(from:parameters:)` refuses it.
        try good.write(to: file)
        var other = DedupParameters(); other.shingleSize = 4
        #expect(throws: FileError.self) { try SignatureFile.forEachBatch(in: file, parameters: other) { _ in } }
        #expect(try SignatureFile.forEachBatch(in: file, parameters: parameters) { _ in } == 2_500)
    }
}
