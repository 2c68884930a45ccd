import Foundation

/// The parts of a document's metadata the report only writes out (its URL, publication text,
/// headline, authors and language), as opposed to what it counts and sorts by.
struct ReportDocumentDetails: Equatable {
    var url: String?
    var published: String?
    var title: String?
    var authors: [String] = []
    var language: String?

    static let none = ReportDocumentDetails()
}

/// Documents' details (`ReportDocumentDetails`) kept in an unlinked spill file from the moment
/// they are read until the tables and the page are written, each found again by its offset.
///
/// As Swift strings in every document's row they were about 450 bytes a document (32 MB of the
/// 71,000 documents of a 100,000-page night) held through the whole run; a document now keeps
/// the offset of its details.
final class ReportDocumentDetailStore {
    private let folder: URL
    private var file: ReportSpillFile?
    private var encoded: [UInt8] = []

    /// `folder` receives the unlinked spill file (on the first `append`).
    init(folder: URL) { self.folder = folder }

    /// Stores a document's details; returns where they are.
    func append(_ details: ReportDocumentDetails) throws -> Int64 {
        if file == nil { file = try ReportSpillFile(folder: folder, purpose: "document-details") }
        guard let file else { preconditionFailure("ReportDocumentDetailStore: no spill file") }
        encoded.removeAll(keepingCapacity: true)
        func length(_ value: Int) {
            let bits = UInt32(bitPattern: Int32(value))
            for shift in stride(from: 0, to: 32, by: 8) { encoded.append(UInt8(truncatingIfNeeded: bits >> UInt32(shift))) }
        }
        func text(_ value: String?) {
            guard let value else { return length(-1) }
            length(value.utf8.count)
            encoded.append(contentsOf: value.utf8)
        }
        // The record's length first, so that it is read back in one read.
        length(0)
        text(details.url); text(details.published); text(details.title); text(details.language)
        length(details.authors.count)
        for author in details.authors { text(author) }
        let total = UInt32(encoded.count)
        for index in 0 ..< 4 { encoded[index] = UInt8(truncatingIfNeeded: total >> UInt32(8 * index)) }
        let offset = Int64(file.count)
        try file.append(encoded)
        return offset
    }

    /// Writes out what is buffered, so that several threads may read details at once.
    func seal() throws { try file?.seal() }

    /// The details stored at `offset`.
    func details(at offset: Int64) throws -> ReportDocumentDetails {
        guard let file else { preconditionFailure("ReportDocumentDetailStore: nothing stored") }
        let head = try file.read(offset: Int(offset), count: 4)
        let total = Int(UInt32(head[0]) | UInt32(head[1]) << 8 | UInt32(head[2]) << 16 | UInt32(head[3]) << 24)
        let record = try file.read(offset: Int(offset), count: total)
        var at = 4
        func length() -> Int {
            let value = Int32(bitPattern: UInt32(record[at]) | UInt32(record[at + 1]) << 8 | UInt32(record[at + 2]) << 16
                | UInt32(record[at + 3]) << 24)
            at += 4
            return Int(value)
        }
        func text() -> String? {
            let count = length()
            guard count >= 0 else { return nil }
            defer { at += count }
            return String(decoding: record[at ..< at + count], as: UTF8.self)
        }
        var details = ReportDocumentDetails(url: text(), published: text(), title: text())
        details.language = text()
        let authors = length()
        for _ in 0 ..< max(0, authors) { details.authors.append(text() ?? "") }
        return details
    }
}

/// The headlines of the canonical documents ranked (`ReportTextOrder.ranks`): ranking 71,000
/// headlines needs them and their sort keys at once (22 MB at 100,000 pages), which costs least
/// at the start of the night, before the mention pass, not in the page at its end.
enum ReportTitleRanking {
    /// `details`: each document's details offset in page order (`ReportCorpus.orderedDocuments`),
    /// -1 for none; the ranks come in the same order.
    static func ranks(store: ReportDocumentDetailStore, details: [Int64]) throws -> [Int32] {
        try store.seal()
        return ReportTextOrder.ranks(try details.map { $0 < 0 ? nil : try store.details(at: $0).title })
    }
}
