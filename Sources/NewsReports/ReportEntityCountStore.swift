import Foundation

/// Every canonical document's mentions per entity (`ReportCorpus`), on disk from the moment the
/// document's mentions end until the report is written: a record of little-endian `Int32`
/// (entity slot, mentions) pairs per document in an unlinked spill file, found again by its span.
///
/// Held as an array per document they were 16.5 MB of a 100,000-page night's heap at its peak
/// (two million pairs, 8 bytes each, and an array per document), kept through the whole run
/// though each pass over them reads one document at a time.
///
/// Appended to by one thread; once sealed, read with positioned reads only, by any number of
/// threads (the night's end reads it on two), hence `@unchecked Sendable`.
final class ReportEntityCountStore: @unchecked Sendable {
    typealias Counts = [(key: Int32, value: Int32)]
    private let folder: URL
    private var file: ReportSpillFile?
    private var encoded: [UInt8] = []

    /// `folder` receives the unlinked spill file (on the first `append`).
    init(folder: URL) { self.folder = folder }

    /// Stores one document's counters; returns where they are (an empty span for none).
    func append(_ counts: some Sequence<(key: Int32, value: Int32)>) throws -> ReportSpillFile.Span {
        encoded.removeAll(keepingCapacity: true)
        for (key, value) in counts {
            Self.put(key, into: &encoded)
            Self.put(value, into: &encoded)
        }
        guard !encoded.isEmpty else { return ReportSpillFile.Span(offset: 0, count: 0) }
        if file == nil { file = try ReportSpillFile(folder: folder, purpose: "entity-counts") }
        guard let file else { preconditionFailure("ReportEntityCountStore: no spill file") }
        return try file.append(span: encoded)
    }

    /// Writes out what is buffered: from then on, until the next `append`, several threads may
    /// read at once (each with a `Reader` of its own).
    func seal() throws { try file?.seal() }

    /// The counters stored at `span`.
    func counts(at span: ReportSpillFile.Span) throws -> Counts {
        guard span.count > 0 else { return [] }
        guard let file else { preconditionFailure("ReportEntityCountStore: nothing stored") }
        return Self.decode(try file.read(span)[...])
    }

    /// Reads counters for one pass over the documents: a window of the file at a time while
    /// the pass goes forward through the file (documents read in about the order they were
    /// stored cost a read per window, not one each); a record behind the last one asked for is
    /// read on its own. Not shared between threads.
    struct Reader {
        let store: ReportEntityCountStore
        private var window: [UInt8] = []
        private var windowStart = 0
        private var lastEnd = 0
        static let windowBytes = 1 << 20

        init(_ store: ReportEntityCountStore) { self.store = store }

        mutating func counts(at span: ReportSpillFile.Span) throws -> Counts {
            guard span.count > 0 else { return [] }
            guard let file = store.file else { preconditionFailure("ReportEntityCountStore: nothing stored") }
            let start = Int(span.offset), end = start + Int(span.count)
            defer { lastEnd = end }
            if start < windowStart || end > windowStart + window.count {
                guard start >= lastEnd else { return ReportEntityCountStore.decode(try file.read(span)[...]) }
                windowStart = start
                window = try file.read(offset: start, count: max(Int(span.count), min(Self.windowBytes, file.count - start)))
            }
            return ReportEntityCountStore.decode(window[(start - windowStart) ..< (end - windowStart)])
        }
    }

    private static func put(_ value: Int32, into bytes: inout [UInt8]) {
        let bits = UInt32(bitPattern: value)
        bytes.append(UInt8(truncatingIfNeeded: bits))
        bytes.append(UInt8(truncatingIfNeeded: bits >> 8))
        bytes.append(UInt8(truncatingIfNeeded: bits >> 16))
        bytes.append(UInt8(truncatingIfNeeded: bits >> 24))
    }

    private static func decode(_ bytes: ArraySlice<UInt8>) -> Counts {
        var counts: Counts = []
        counts.reserveCapacity(bytes.count / 8)
        bytes.withUnsafeBytes { raw in
            var at = 0
            while at + 8 <= raw.count {
                let key = Int32(bitPattern: raw.loadUnaligned(fromByteOffset: at, as: UInt32.self).littleEndian)
                let value = Int32(bitPattern: raw.loadUnaligned(fromByteOffset: at + 4, as: UInt32.self).littleEndian)
                counts.append((key, value))
                at += 8
            }
        }
        return counts
    }
}
