import Foundation

/// The page's embedded mentions (`ReportPageData.Mention` rows), kept on disk: appended to an
/// unlinked spill file as they arrive, sorted once into a second one, read back in order.
///
/// The page embeds up to a million mentions; held as an array of 36-byte rows, sorted in memory
/// (the sort's scratch besides), they were the largest thing the report stage kept that grows
/// with the night up to that bound. Here memory holds one count per entity and one sort chunk.
///
/// The order must put entities first (`sort(by:)`'s order compares `entity` before anything
/// else), so the rows can be sorted a range of entities at a time: each range's rows (at most
/// `chunkRows`, unless one entity alone has more) are gathered in one pass over the file, sorted
/// in memory and appended to the sorted file. Which rows a range holds and the order inside it do
/// not depend on the chunk size, so neither does the result.
final class ReportPageMentionStore {
    typealias Mention = ReportPageData.Mention

    /// Bytes of one stored row: eight little-endian Int32 and the tone byte.
    static let rowBytes = 33
    /// Rows sorted together (about 4.7 MB as `Mention` values).
    static let defaultChunkRows = 1 << 17
    /// Rows read from a spill file at a time.
    private static let readRows = 32_768

    private let folder: URL
    private let chunkRows: Int
    private let arrived: ReportSpillFile
    private var sortedRows: ReportSpillFile?
    /// Rows per entity (the entity is an index below `entities`).
    private var perEntity: [Int32]
    private var encoded: [UInt8] = []

    /// Rows appended.
    private(set) var count = 0

    /// `folder` receives the unlinked temporary files; `entities` bounds the rows' `entity`.
    init(folder: URL, entities: Int, chunkRows: Int = ReportPageMentionStore.defaultChunkRows) throws {
        self.folder = folder
        self.chunkRows = max(1, chunkRows)
        arrived = try ReportSpillFile(folder: folder, purpose: "page-mentions")
        perEntity = Array(repeating: 0, count: max(0, entities))
        encoded.reserveCapacity(Self.rowBytes)
    }

    func append(_ mention: Mention) throws {
        precondition(sortedRows == nil, "ReportPageMentionStore: append after sort")
        precondition(mention.entity >= 0 && Int(mention.entity) < perEntity.count, "ReportPageMentionStore: entity \(mention.entity) out of range")
        perEntity[Int(mention.entity)] += 1
        encoded.removeAll(keepingCapacity: true)
        Self.encode(mention, into: &encoded)
        try arrived.append(encoded)
        count += 1
    }

    /// Sorts the rows by `areInIncreasingOrder`, which compares `entity` first (ascending);
    /// only the first call sorts.
    func sort(by areInIncreasingOrder: (Mention, Mention) -> Bool) throws {
        guard sortedRows == nil else { return }
        let target = try ReportSpillFile(folder: folder, purpose: "page-mentions-sorted")
        var chunk: [Mention] = []
        var out: [UInt8] = []
        var low = 0
        while low < perEntity.count {
            // The next range of entities whose rows fit in a chunk (at least one entity).
            var high = low, rows = 0
            while high < perEntity.count, high == low || rows + Int(perEntity[high]) <= chunkRows {
                rows += Int(perEntity[high])
                high += 1
            }
            if rows > 0 {
                chunk.reserveCapacity(rows)
                try forEach(in: arrived) { mention in
                    if mention.entity >= low && mention.entity < high { chunk.append(mention) }
                }
                chunk.sort(by: areInIncreasingOrder)
                for mention in chunk {
                    Self.encode(mention, into: &out)
                    if out.count >= 1 << 20 { try target.append(out); out.removeAll(keepingCapacity: true) }
                }
                chunk.removeAll(keepingCapacity: true)
            }
            low = high
        }
        try target.append(out)
        sortedRows = target
        perEntity = []
    }

    /// Calls `body` with every row in sorted order (`sort(by:)` first).
    func forEachSorted(_ body: (Mention) throws -> Void) throws {
        guard let sortedRows else { preconditionFailure("ReportPageMentionStore: forEachSorted before sort") }
        try forEach(in: sortedRows, body)
    }

    private func forEach(in file: ReportSpillFile, _ body: (Mention) throws -> Void) throws {
        let total = file.count / Self.rowBytes
        var first = 0
        while first < total {
            let rows = min(Self.readRows, total - first)
            let bytes = try file.read(offset: first * Self.rowBytes, count: rows * Self.rowBytes)
            try bytes.withUnsafeBytes { raw in
                for row in 0 ..< rows { try body(Self.decode(raw, at: row * Self.rowBytes)) }
            }
            first += rows
        }
    }

    static func encode(_ mention: Mention, into bytes: inout [UInt8]) {
        func int32(_ value: Int32) {
            let bits = UInt32(bitPattern: value)
            bytes.append(UInt8(truncatingIfNeeded: bits))
            bytes.append(UInt8(truncatingIfNeeded: bits >> 8))
            bytes.append(UInt8(truncatingIfNeeded: bits >> 16))
            bytes.append(UInt8(truncatingIfNeeded: bits >> 24))
        }
        int32(mention.doc); int32(mention.entity); int32(mention.ticker); int32(mention.name)
        int32(mention.sentence); int32(mention.start); int32(mention.length); int32(mention.evidence)
        bytes.append(mention.tone)
    }

    static func decode(_ raw: UnsafeRawBufferPointer, at offset: Int) -> Mention {
        func int32(_ field: Int) -> Int32 {
            let at = offset + 4 * field
            return Int32(bitPattern: UInt32(raw[at]) | UInt32(raw[at + 1]) << 8 | UInt32(raw[at + 2]) << 16 | UInt32(raw[at + 3]) << 24)
        }
        return Mention(doc: int32(0), entity: int32(1), ticker: int32(2), name: int32(3), sentence: int32(4), start: int32(5),
                       length: int32(6), tone: raw[offset + 32], evidence: int32(7))
    }
}
