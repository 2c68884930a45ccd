import Foundation
import NewsIO

/// Writes a shard's signatures to a file in the `SignatureIndex` format (the same bytes
/// `SignatureIndex.save` writes) one at a time, so a shard never holds its signatures whole.
///
/// The file's header carries the record count, which is known only at the end: records go to a
/// spool file beside the destination (`.tmp-…`, swept with the other temporaries), and `commit()`
/// writes header, records and digest through an `AtomicFile` (temp + rename, one sync).
/// Memory stays at the two 1 MB buffers whatever the shard's size.
public final class SignatureFileWriter {
    public let destination: URL
    private let scheme: DedupSignatureScheme
    private let parameters: DedupParameters
    private let spoolURL: URL
    private let spool: FileHandle
    private var buffer = DedupByteWriter()
    private var finished = false
    /// Signatures written so far.
    public private(set) var count = 0
    static let flushThreshold = 1 << 20

    public init(_ destination: URL, parameters: DedupParameters) throws {
        self.destination = destination
        self.parameters = parameters
        scheme = parameters.signatureScheme
        let folder = destination.deletingLastPathComponent()
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        spoolURL = folder.appendingPathComponent(".tmp-\(ProcessInfo.processInfo.processIdentifier)-\(UInt32.random(in: 0 ... .max))-\(destination.lastPathComponent).records")
        guard FileManager.default.createFile(atPath: spoolURL.path, contents: nil), let handle = FileHandle(forUpdatingAtPath: spoolURL.path) else {
            throw FileError.io(path: spoolURL.path, reason: "cannot create file (is the folder writable?)")
        }
        spool = handle
        buffer.bytes.reserveCapacity(Self.flushThreshold + 4096)
    }

    deinit { abandon() }

    /// Appends a signature (made with the writer's parameters).
    public func add(_ signature: DocumentSignature) throws {
        precondition(signature.scheme == scheme, "signature \(signature.id) has scheme (\(signature.scheme)), file has (\(scheme))")
        buffer.record(signature)
        count += 1
        if buffer.bytes.count >= Self.flushThreshold { try flush() }
    }

    private func flush() throws {
        guard !buffer.bytes.isEmpty else { return }
        do { try spool.write(contentsOf: buffer.bytes) } catch {
            throw FileError.io(path: spoolURL.path, reason: "write failed: \(error.localizedDescription)")
        }
        buffer.bytes.removeAll(keepingCapacity: true)
    }

    /// Publishes the file: header, the spooled records and the SHA-256 of both, then removes the spool.
    public func commit() throws {
        guard !finished else { return }
        try flush()
        let file = try AtomicFile(destination)
        do {
            var hasher = ContentHash.Hasher()
            let header = SignatureIndex.header(scheme: scheme, parameters: parameters, count: count).bytes
            hasher.update(header)
            try file.write(header)
            try spool.seek(toOffset: 0)
            while let chunk = try spool.read(upToCount: Self.flushThreshold), !chunk.isEmpty {
                let bytes = [UInt8](chunk)
                hasher.update(bytes)
                try file.write(bytes)
            }
            try file.write(MirrorBandRun.hexBytes(hasher.finalize()))
            try file.commit()
        } catch {
            file.abandon()
            throw (error as? FileError) ?? FileError.io(path: destination.path, reason: "cannot write signatures: \(error)")
        }
        abandon()
    }

    /// Drops the spool without publishing anything.
    public func abandon() {
        guard !finished else { return }
        finished = true
        try? spool.close()
        try? FileManager.default.removeItem(at: spoolURL)
    }
}

/// Reads a signature file (`SignatureIndex.save`, `SignatureFileWriter`) a batch at a time: the
/// digest is checked over the whole file first (a changed byte is reported before any signature is
/// handed out), then the records are decoded from 1 MB reads. Memory follows the batch, not the file.
public enum SignatureFile {
    /// Hands the signatures of `url` to `body` in file order, at most `batchSize` at a time, and
    /// returns how many it read. With `parameters`, a file signed otherwise is refused, as
    /// `SignatureIndex.load(from:parameters:)` refuses it. Unlike `SignatureIndex.load`, a repeated
    /// id is handed out again (the mirror index skips ids it holds).
    @discardableResult
    public static func forEachBatch(in url: URL, parameters: DedupParameters? = nil, batchSize: Int = 1024,
                                    _ body: ([DocumentSignature]) throws -> Void) throws -> Int {
        guard let handle = FileHandle(forReadingAtPath: url.path) else {
            throw FileError.io(path: url.path, reason: "cannot read signature index: no such file or not readable")
        }
        defer { try? handle.close() }
        do {
            return try read(handle, url: url, parameters: parameters, batchSize: max(1, batchSize), body)
        } catch let reason as DedupIndexFormatError {
            throw FileError.damaged(path: url.path, reason: "signature file \(reason.message); rerun dedup with --force to sign "
                                    + "the documents again (or, for an index of earlier nights, restore it from a backup)")
        }
    }

    private static func read(_ handle: FileHandle, url: URL, parameters: DedupParameters?, batchSize: Int,
                             _ body: ([DocumentSignature]) throws -> Void) throws -> Int {
        let size = Int(try handle.seekToEnd())
        try handle.seek(toOffset: 0)
        let start = [UInt8](try handle.read(upToCount: 12) ?? Data())
        guard start.count == 12, Array(start[0 ..< 8]) == SignatureIndex.magic else { throw DedupIndexFormatError("is not a dedup signature index") }
        let format = UInt32(start[8]) | UInt32(start[9]) << 8 | UInt32(start[10]) << 16 | UInt32(start[11]) << 24
        let current = SignatureIndex.formatVersion
        guard format == 1 || format == current else { throw DedupIndexFormatError("has format version \(format), expected \(current)") }
        var end = size
        if format == current {
            guard size >= 12 + SignatureIndex.digestBytes else { throw DedupIndexFormatError("is shorter than its digest") }
            end = size - SignatureIndex.digestBytes
            var hasher = ContentHash.Hasher()
            try handle.seek(toOffset: 0)
            var left = end
            while left > 0 {
                guard let chunk = try handle.read(upToCount: min(left, SignatureFileWriter.flushThreshold)), !chunk.isEmpty else {
                    throw DedupIndexFormatError("is truncated at byte \(end - left)")
                }
                hasher.update([UInt8](chunk))
                left -= chunk.count
            }
            let stored = [UInt8](try handle.read(upToCount: SignatureIndex.digestBytes) ?? Data())
            guard stored == MirrorBandRun.hexBytes(hasher.finalize()) else { throw DedupIndexFormatError("does not match its SHA-256 digest") }
        }
        try handle.seek(toOffset: 12)
        var source = ChunkedBytes(handle: handle, position: 12, end: end)
        let scheme = try source.decode { r -> DedupSignatureScheme in
            let version = Int(try r.u32()), shingleSize = Int(try r.u32()), permutations = Int(try r.u32())
            return DedupSignatureScheme(shingleSize: shingleSize, permutations: permutations, seed: try r.u64(), version: version)
        }
        if let expected = parameters?.signatureScheme, scheme != expected {
            throw FileError.io(path: url.path, reason: "signature index was built with \(scheme) but the dedup parameters give \(expected); delete the index (or restore the old parameters) to rebuild it")
        }
        let jsonLength = Int(try source.decode { try $0.u32() })
        try source.skip(jsonLength)
        let count = try source.decode { try $0.u64() }
        guard count <= UInt64(size) else { throw DedupIndexFormatError("has a bad record count") }
        var batch: [DocumentSignature] = []
        batch.reserveCapacity(min(batchSize, Int(count)))
        for _ in 0 ..< Int(count) {
            batch.append(try source.decode { try $0.signature(scheme: scheme) })
            if batch.count >= batchSize {
                try body(batch)
                batch.removeAll(keepingCapacity: true)
            }
        }
        if !batch.isEmpty { try body(batch) }
        guard source.atEnd else { throw DedupIndexFormatError("has trailing bytes") }
        return Int(count)
    }
}

/// A window over a file read 1 MB at a time, for decoding variable-length records in order.
private struct ChunkedBytes {
    let handle: FileHandle
    /// File offset of `buffer[0]`.
    var position: Int
    /// Where the records end (the digest follows).
    let end: Int
    var buffer: [UInt8] = []
    var offset = 0

    init(handle: FileHandle, position: Int, end: Int) {
        self.handle = handle; self.position = position; self.end = end
    }

    var atEnd: Bool { position + offset == end }

    /// Reads more of the file into the window (dropping what is decoded); false at the end.
    mutating func more() throws -> Bool {
        let loaded = position + buffer.count
        guard loaded < end else { return false }
        if offset > 0 {
            buffer.removeFirst(offset)
            position += offset
            offset = 0
        }
        let want = max(SignatureFileWriter.flushThreshold, buffer.count)
        guard let chunk = try handle.read(upToCount: min(want, end - loaded)), !chunk.isEmpty else { return false }
        buffer += chunk
        return true
    }

    /// Runs `decode` on the window, reading more and trying again when it ends inside a field.
    mutating func decode<T>(_ decode: (inout DedupByteReader) throws -> T) throws -> T {
        while true {
            let attempt: Result<(T, Int), Error> = buffer.withUnsafeBytes { raw in
                var reader = DedupByteReader(raw: raw)
                reader.offset = offset
                return Result { (try decode(&reader), reader.offset) }
            }
            switch attempt {
            case let .success((value, next)):
                offset = next
                return value
            case let .failure(error as DedupIndexFormatError) where error.truncated:
                guard try more() else { throw DedupIndexFormatError("is truncated at byte \(position + offset)") }
            case let .failure(error):
                throw error
            }
        }
    }

    mutating func skip(_ count: Int) throws {
        try decode { reader -> Void in _ = try reader.bytes(count) }
    }
}
