import Foundation
import NewsIO
import NewsRecords

/// Sorts mention lines into one order whatever order the shard files hold them in, with bounded
/// memory: lines are sorted in chunks, chunks beyond the first are spilled to temporary run files
/// in the report folder, and the runs are merged.
///
/// Order: document id, start, end, entity id, then the whole line's bytes, so that equal inputs
/// split into shards differently (an array job, a resumed crash) give byte-identical output.
///
/// **Memory budget.** The chunk shares `budgetBytes` with what the caller holds besides (the
/// report's counters, `add(_:line:besides:)`): it is spilled when it reaches `chunkLines`, or when
/// it and the caller's bytes together reach the budget and it holds at least `minimumChunkBytes`.
/// A small night sorts in a few large chunks; on a large night the counters grow (about 65 MB
/// at 100,000 pages) and the chunk gives them its room, so the pass's peak no longer is the
/// counters plus a full chunk. Where chunks end never changes the output: the order is total
/// (the line is part of the key).
final class ReportMentionSorter {
    /// Lines held in memory before a chunk is spilled (about 40 MB of typical mentions).
    let chunkLines: Int
    /// Bytes the chunk and the caller's other structures share (`Int.max`: no budget).
    let budgetBytes: Int
    /// The least a chunk holds before the budget spills it (so a night over budget still sorts
    /// in chunks of a useful size, and the runs stay few).
    let minimumChunkBytes: Int
    private let folder: URL
    private var chunk: [ReportSortRecord] = []
    /// What the chunk's records take in memory, by `recordBytes`.
    private(set) var chunkBytes = 0
    private var runs: [URL] = []
    /// Runs spilled so far.
    var runCount: Int { runs.count }
    /// The merge's state: the in-memory chunk's next record when nothing was spilled, else each
    /// run's reader and its current record, and the runs with a record by their heads, least
    /// first (a binary heap: a night spills tens of runs, and a scan of every head per record
    /// was a comparison per run per mention).
    private var position = 0
    private var readers: [ReportSortRunReader] = []
    private var heads: [ReportSortRecord?] = []
    private var heap: [Int] = []

    init(folder: URL, chunkLines: Int = 100_000, budgetBytes: Int = .max, minimumChunkBytes: Int = 8 << 20) {
        self.folder = folder
        self.chunkLines = max(1, chunkLines)
        self.budgetBytes = max(0, budgetBytes)
        self.minimumChunkBytes = max(0, minimumChunkBytes)
    }

    /// A record of `count` bytes in the chunk: its bytes, the array's header and the allocator's
    /// word, and the record itself.
    static func recordBytes(_ count: Int) -> Int { count + 48 + MemoryLayout<ReportSortRecord>.stride }

    deinit { removeRuns() }

    /// Adds a line; `held` is what the caller holds besides the chunk (bytes, an estimate), which
    /// the budget counts against the chunk.
    func add(_ mention: EntityMention, line: ArraySlice<UInt8>, besides held: Int = 0) throws {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(mention.documentId.utf8.count + mention.entityId.utf8.count + 18 + line.count)
        bytes.append(contentsOf: mention.documentId.utf8)
        bytes.append(0)
        Self.appendOrdered(mention.start, to: &bytes)
        Self.appendOrdered(mention.end, to: &bytes)
        bytes.append(contentsOf: mention.entityId.utf8)
        bytes.append(0)
        let prefix = bytes.count
        bytes.append(contentsOf: line)
        chunkBytes += Self.recordBytes(bytes.count)
        chunk.append(ReportSortRecord(bytes: bytes, prefix: prefix))
        if chunk.count >= chunkLines
            || (budgetBytes != .max && chunkBytes >= minimumChunkBytes && chunkBytes >= budgetBytes - min(budgetBytes, held)) {
            try spill()
        }
    }

    /// Ends the adding: sorts the last chunk and, when runs were spilled, spills it too and opens
    /// the runs for the merge. `next()` then hands out the records in order.
    func startMerge() throws {
        guard !runs.isEmpty else {
            chunk.sort()
            return
        }
        try spill()
        let block = Self.mergeBlockBytes(runs: runs.count)
        readers = try runs.map { try ReportSortRunReader($0, blockBytes: block) }
        heads = try readers.indices.map { try readers[$0].next() }
        heap = []
        for index in heads.indices where heads[index] != nil {
            heap.append(index)
            siftUp(heap.count - 1)
        }
    }

    /// The next record in sorted order (after `startMerge()`), nil at the end, when the runs are
    /// removed.
    func next() throws -> ReportSortRecord? {
        if runs.isEmpty {
            guard position < chunk.count else {
                chunk = []
                position = 0
                return nil
            }
            position += 1
            return chunk[position - 1]
        }
        guard let chosen = heap.first, let record = heads[chosen] else {
            readers = []
            heads = []
            heap = []
            removeRuns()
            return nil
        }
        heads[chosen] = try readers[chosen].next()
        if heads[chosen] == nil {
            heap[0] = heap[heap.count - 1]
            heap.removeLast()
        }
        if !heap.isEmpty { siftDown(0) }
        return record
    }

    /// Whether run `a`'s head comes before run `b`'s (equal heads by run: equal records are the
    /// same bytes, so this only makes the merge's steps repeatable).
    private func headPrecedes(_ a: Int, _ b: Int) -> Bool {
        guard let x = heads[a], let y = heads[b] else { return heads[a] != nil }
        if x < y { return true }
        if y < x { return false }
        return a < b
    }

    private func siftUp(_ start: Int) {
        var child = start
        while child > 0 {
            let parent = (child - 1) / 2
            guard headPrecedes(heap[child], heap[parent]) else { return }
            heap.swapAt(child, parent)
            child = parent
        }
    }

    private func siftDown(_ start: Int) {
        var parent = start
        while true {
            let left = 2 * parent + 1
            guard left < heap.count else { return }
            let right = left + 1
            let child = right < heap.count && headPrecedes(heap[right], heap[left]) ? right : left
            guard headPrecedes(heap[child], heap[parent]) else { return }
            heap.swapAt(child, parent)
            parent = child
        }
    }

    /// Writes the lines held in memory to a run of their own when earlier chunks were spilled
    /// (the merge reads every line from disk then anyway), so they are not held through the
    /// work between the mention pass and `finish`: at 100,000 pages the last, partial chunk was
    /// 23 MB of the report's largest moment (the corpus's `finish()`). A night whose lines fit
    /// one chunk keeps them in memory.
    func spillHeld() throws {
        guard !runs.isEmpty else { return }
        try spill()
        chunk = []
    }

    private func spill() throws {
        guard !chunk.isEmpty else { return }
        chunk.sort()
        let url = folder.appendingPathComponent(".tmp-\(ProcessInfo.processInfo.processIdentifier)-\(UInt32.random(in: 0 ... .max))-mentions-run-\(runs.count)")
        runs.append(url)
        guard FileManager.default.createFile(atPath: url.path, contents: nil), let handle = FileHandle(forWritingAtPath: url.path) else {
            throw FileError.io(path: url.path, reason: "cannot create a temporary file for sorting mentions")
        }
        defer { try? handle.close() }
        var buffer: [UInt8] = []
        buffer.reserveCapacity(1 << 20)
        for record in chunk {
            Self.appendLength(record.prefix, to: &buffer)
            Self.appendLength(record.bytes.count, to: &buffer)
            buffer.append(contentsOf: record.bytes)
            if buffer.count >= 1 << 20 {
                do { try handle.write(contentsOf: buffer) } catch {
                    throw FileError.io(path: url.path, reason: "write failed: \(error.localizedDescription)")
                }
                buffer.removeAll(keepingCapacity: true)
            }
        }
        do { try handle.write(contentsOf: buffer) } catch {
            throw FileError.io(path: url.path, reason: "write failed: \(error.localizedDescription)")
        }
        chunk.removeAll(keepingCapacity: true)
        chunkBytes = 0
        // The chunk's records (a block per line) were freed among the night's aggregates, which
        // grow while mentions are read: their pages go back now rather than once at the pass's
        // end, so the pages that blocks left behind do not pile up across chunks (peak RSS of
        // the 100,000-page report 154.5 -> 143.5 MB; 10,000 pages, 246,000 lines in 3 chunks,
        // unchanged). It also returns the held chunk's pages at the pass's end (`spillHeld`).
        ReportHeap.returnFreePages()
    }

    /// Bytes the merge holds for all its runs' read blocks together: a night of a million
    /// mentions spills about 25 runs, and a megabyte each grew the merge with the night.
    static let mergeBufferBytes = 4 << 20

    /// Each run's read block during the merge: the runs share `mergeBufferBytes`, between 64 KB
    /// (reads stay large) and 1 MB.
    static func mergeBlockBytes(runs: Int) -> Int {
        min(1 << 20, max(64 << 10, mergeBufferBytes / max(1, runs)))
    }

    private func removeRuns() {
        for url in runs { try? FileManager.default.removeItem(at: url) }
        runs = []
    }

    /// Big-endian with the sign bit flipped, so byte order is numeric order.
    private static func appendOrdered(_ value: Int, to bytes: inout [UInt8]) {
        let bits = UInt64(bitPattern: Int64(value)) ^ (1 << 63)
        for shift in stride(from: 56, through: 0, by: -8) { bytes.append(UInt8(truncatingIfNeeded: bits >> UInt64(shift))) }
    }

    private static func appendLength(_ value: Int, to bytes: inout [UInt8]) {
        for shift in stride(from: 24, through: 0, by: -8) { bytes.append(UInt8(truncatingIfNeeded: value >> shift)) }
    }
}

/// A sort key followed by the line it was made from; compared as bytes (a total order, since the
/// line itself is part of the key).
struct ReportSortRecord: Comparable {
    var bytes: [UInt8]
    var prefix: Int
    var line: ArraySlice<UInt8> { bytes[prefix...] }
    /// The key's document part: the document id up to its first NUL byte.
    var document: ArraySlice<UInt8> { bytes[..<(bytes.firstIndex(of: 0) ?? prefix)] }

    /// Byte order (`memcmp`, then the shorter first): the order `lexicographicallyPrecedes`
    /// gives, without its element-by-element iteration.
    static func < (a: ReportSortRecord, b: ReportSortRecord) -> Bool {
        a.bytes.withUnsafeBufferPointer { left in
            b.bytes.withUnsafeBufferPointer { right in
                let common = min(left.count, right.count)
                let order = common == 0 ? 0 : memcmp(left.baseAddress!, right.baseAddress!, common)
                return order != 0 ? order < 0 : left.count < right.count
            }
        }
    }
    static func == (a: ReportSortRecord, b: ReportSortRecord) -> Bool { a.bytes == b.bytes }
}

/// Reads the records of one spilled run in order, a block at a time.
struct ReportSortRunReader {
    private let handle: FileHandle
    private let url: URL
    private var buffer: [UInt8] = []
    private var position = 0
    private var exhausted = false
    private let blockBytes: Int

    init(_ url: URL, blockBytes: Int = 1 << 20) throws {
        self.url = url
        self.blockBytes = max(1, blockBytes)
        guard let handle = FileHandle(forReadingAtPath: url.path) else {
            throw FileError.io(path: url.path, reason: "cannot reopen a temporary file for sorting mentions")
        }
        self.handle = handle
    }

    private mutating func ensure(_ count: Int) throws -> Bool {
        while buffer.count - position < count && !exhausted {
            let data: Data?
            do { data = try handle.read(upToCount: blockBytes) } catch {
                throw FileError.io(path: url.path, reason: "read failed: \(error.localizedDescription)")
            }
            guard let data, !data.isEmpty else { exhausted = true; break }
            buffer.removeFirst(position)
            position = 0
            buffer.append(contentsOf: data)
        }
        return buffer.count - position >= count
    }

    private mutating func length() -> Int {
        var value = 0
        for _ in 0..<4 { value = value << 8 | Int(buffer[position]); position += 1 }
        return value
    }

    mutating func next() throws -> ReportSortRecord? {
        guard try ensure(8) else {
            try? handle.close()
            return nil
        }
        let prefix = length()
        let count = length()
        guard try ensure(count) else {
            throw FileError.io(path: url.path, reason: "temporary sort file ended early")
        }
        let bytes = Array(buffer[position..<(position + count)])
        position += count
        return ReportSortRecord(bytes: bytes, prefix: prefix)
    }
}
