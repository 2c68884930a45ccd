import Foundation
import NewsIO
import NewsRecords

/// The feeds and sitemaps of the last night, so tonight asks for them with conditional GET (their
/// ETag and Last-Modified) and a `304 Not Modified` is read from the copy kept here, as pages are
/// from the store.
///
/// The folder holds `records.jsonl` (one `FetchRecord` per feed or sitemap URL: its last good
/// fetch) and `bodies/<sha256>` (the body each record names). A body is checked against its hash
/// when read; a missing or damaged body is not used, and that document is fetched in full, so a
/// damaged cache costs a download, never a different result. Both are written atomically; bodies
/// no record names are removed on `save`. Not thread-safe: one expansion uses it at a time.
public final class FetchDocumentCache: @unchecked Sendable {
    public let folder: URL
    private var records: [String: FetchRecord] = [:]
    private var listedTonight = Set<String>()

    private var recordsFile: URL { folder.appendingPathComponent("records.jsonl") }
    private var bodies: URL { folder.appendingPathComponent("bodies") }

    /// Reads the last night's records from `folder` (none when it does not exist yet). Lines that do
    /// not decode are skipped: their documents are fetched in full.
    public init(folder: URL) {
        self.folder = folder
        guard FileManager.default.fileExists(atPath: recordsFile.path) else { return }
        try? JSONLines.forEachLine(in: recordsFile) { line in
            guard let record = try? JSONLines.makeDecoder().decode(FetchRecord.self, from: Data(line)),
                  let url = record.url, record.hash != nil, record.error == nil else { return }
            records[url] = record
        }
    }

    /// The last good record of `url`, for conditional GET, when its body is still here and intact.
    public func previous(for url: String) -> FetchRecord? {
        listedTonight.insert(url)
        guard let record = records[url], body(for: record) != nil else { return nil }
        return record
    }

    /// The kept body of `record`, nil when missing or when its bytes do not match its hash.
    public func body(for record: FetchRecord) -> [UInt8]? {
        guard let hash = record.hash, Self.isHash(hash),
              let data = FileManager.default.contents(atPath: bodies.appendingPathComponent(hash).path) else { return nil }
        let bytes = [UInt8](data)
        return ContentHash.hex(bytes) == hash ? bytes : nil
    }

    /// Keeps `record` as `url`'s last good fetch, and `body` under its hash.
    public func keep(_ record: FetchRecord, body: [UInt8], for url: String) throws {
        let hash = ContentHash.hex(body)
        var record = record
        record.hash = hash
        record.bytes = body.count
        let file = bodies.appendingPathComponent(hash)
        if !FileManager.default.fileExists(atPath: file.path) || self.body(for: record) == nil {
            try AtomicFile.write(body, to: file)
        }
        records[url] = record
        listedTonight.insert(url)
    }

    /// Writes the records of the documents asked for since `init` (a document that failed tonight
    /// keeps its older record) and removes the bodies no record names.
    public func save() throws {
        let kept = records.filter { listedTonight.contains($0.key) }
        try JSONLines.write(kept.keys.sorted().map { kept[$0]! }, to: recordsFile)
        let named = Set(kept.values.compactMap(\.hash))
        for name in (try? FileManager.default.contentsOfDirectory(atPath: bodies.path)) ?? [] where !named.contains(name) {
            try? FileManager.default.removeItem(at: bodies.appendingPathComponent(name))
        }
    }

    private static func isHash(_ text: String) -> Bool {
        text.utf8.count == 64 && text.utf8.allSatisfy { ($0 >= 0x30 && $0 <= 0x39) || ($0 >= 0x61 && $0 <= 0x66) }
    }
}
