import CZlib
import Foundation

/// gzip for the page's blocks (RFC 1952 through zlib), and Base64 to carry it in HTML.
///
/// The block is cut into chunks of `chunkBytes` (the last one holds the rest), each deflated on
/// its own with the previous chunk's last 32 KB as its dictionary and ended on a byte boundary
/// (a sync flush), as pigz does: the chunks are one valid deflate stream when joined, so they
/// can be compressed on several threads, and the output depends only on the input bytes. The
/// header has no file name and a zero time, so equal input gives equal bytes (with the same zlib
/// build); browsers undo it with `DecompressionStream('gzip')`.
enum ReportGzip {
    /// Level 6: zlib's default; level 9 saved under 2 % more on news sentences at about twice the time.
    static let level: Int32 = 6
    /// Input bytes per chunk: large enough that the sync flushes and dictionary priming cost
    /// little, small enough to spread a block over threads.
    static let chunkBytes = 1 << 18
    /// deflate's window: what each chunk is primed with from the one before.
    static let window = 1 << 15
    /// The member header zlib writes at level 6 on Unix: no name, no time, OS 3.
    static let header: [UInt8] = [0x1F, 0x8B, 0x08, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x03]

    /// The whole block at once (the reference `ReportGzipBase64Writer` matches, however its input
    /// is cut and on however many threads).
    static func compress(_ input: [UInt8]) -> [UInt8] {
        var out = header
        var start = 0
        var crc = crc32(0, nil, 0)
        repeat {
            let end = input.count - start > chunkBytes ? start + chunkBytes : input.count
            let chunk = Array(input[start ..< end])
            out += deflateChunk(chunk, dictionary: Array(input[max(0, start - window) ..< start]), last: end == input.count)
            crc = chunk.withUnsafeBytes { crc32(crc, $0.baseAddress?.assumingMemoryBound(to: Bytef.self), uInt($0.count)) }
            start = end
        } while start < input.count
        return out + trailer(crc: crc, count: input.count)
    }

    /// CRC-32 and length modulo 2³², little-endian: the member's end.
    static func trailer(crc: uLong, count: Int) -> [UInt8] {
        let crc = UInt32(truncatingIfNeeded: crc), size = UInt32(truncatingIfNeeded: count)
        return (0 ..< 4).map { UInt8(truncatingIfNeeded: crc >> (8 * $0)) } + (0 ..< 4).map { UInt8(truncatingIfNeeded: size >> (8 * $0)) }
    }

    /// One chunk as raw deflate, primed with `dictionary` (its last 32 KB); ends with the final
    /// block when `last`, on a byte boundary otherwise.
    static func deflateChunk(_ input: [UInt8], dictionary: [UInt8], last: Bool) -> [UInt8] {
        var stream = z_stream()
        guard deflateInit2_(&stream, level, Z_DEFLATED, -15, 8, Z_DEFAULT_STRATEGY, ZLIB_VERSION,
                            Int32(MemoryLayout<z_stream>.size)) == Z_OK else {
            preconditionFailure("zlib: deflateInit2 failed")
        }
        defer { deflateEnd(&stream) }
        if !dictionary.isEmpty {
            let status = Array(dictionary.suffix(window)).withUnsafeBytes {
                deflateSetDictionary(&stream, $0.baseAddress!.assumingMemoryBound(to: Bytef.self), uInt($0.count))
            }
            precondition(status == Z_OK, "zlib: deflateSetDictionary failed (\(status))")
        }
        var output = [UInt8](repeating: 0, count: Int(deflateBound(&stream, uLong(input.count))) + 64)
        var produced = 0
        var input = input
        input.withUnsafeMutableBytes { inBytes in
            stream.next_in = inBytes.baseAddress?.assumingMemoryBound(to: Bytef.self)
            stream.avail_in = uInt(inBytes.count)
            while true {
                let status: Int32 = output.withUnsafeMutableBytes { outBytes in
                    stream.next_out = outBytes.baseAddress!.assumingMemoryBound(to: Bytef.self) + produced
                    stream.avail_out = uInt(outBytes.count - produced)
                    let status = deflate(&stream, last ? Z_FINISH : Z_SYNC_FLUSH)
                    produced = outBytes.count - Int(stream.avail_out)
                    return status
                }
                precondition(status == Z_OK || status == Z_STREAM_END || status == Z_BUF_ERROR, "zlib: deflate failed (\(status))")
                if last ? status == Z_STREAM_END : (stream.avail_in == 0 && stream.avail_out > 0) { break }
                output += [UInt8](repeating: 0, count: 1 << 16)
            }
        }
        return Array(output[0 ..< produced])
    }

    /// Undoes `compress` (for tests and tools); nil for data that is not one gzip member.
    static func decompress(_ input: [UInt8]) -> [UInt8]? {
        var stream = z_stream()
        guard inflateInit2_(&stream, 15 + 16, ZLIB_VERSION, Int32(MemoryLayout<z_stream>.size)) == Z_OK else { return nil }
        defer { inflateEnd(&stream) }
        var output: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 1 << 16)
        var input = input
        return input.withUnsafeMutableBytes { inBytes -> [UInt8]? in
            stream.next_in = inBytes.baseAddress?.assumingMemoryBound(to: Bytef.self)
            stream.avail_in = uInt(inBytes.count)
            while true {
                let (status, produced) = buffer.withUnsafeMutableBytes { outBytes -> (Int32, Int) in
                    stream.next_out = outBytes.baseAddress!.assumingMemoryBound(to: Bytef.self)
                    stream.avail_out = uInt(outBytes.count)
                    let status = inflate(&stream, Z_NO_FLUSH)
                    return (status, outBytes.count - Int(stream.avail_out))
                }
                output.append(contentsOf: buffer[0 ..< produced])
                if status == Z_STREAM_END { return output }
                if status != Z_OK { return nil }
            }
        }
    }

    /// Standard Base64 (RFC 4648 §4) with padding, no line breaks.
    static func base64(_ bytes: [UInt8]) -> [UInt8] {
        Array(Data(bytes).base64EncodedString().utf8)
    }
}

/// gzip (as `ReportGzip.compress`) and then Base64 (as `ReportGzip.base64`), written as the input
/// arrives: the page's blocks go into `report.html` without ever being whole in memory, and the
/// bytes are the same as compressing and encoding the whole block at once, however the input is
/// cut and on however many threads (`ReportStreamingTests`). With `workers` above one the chunks
/// are deflated on at most that many Dispatch threads while the caller makes the next pieces;
/// the caller's thread encodes the results and hands them to `sink`, in order.
final class ReportGzipBase64Writer {
    /// Input not yet in a chunk: a full chunk is cut only once a byte after it arrives, since
    /// the last chunk is deflated differently.
    private var buffer: [UInt8] = []
    private var dictionary: [UInt8] = []
    private var crc = crc32(0, nil, 0)
    private var count = 0
    /// Chunks being deflated, oldest first.
    private var inFlight: [(item: DispatchWorkItem, result: Box)] = []
    private let workers: Int
    /// Compressed bytes not yet encoded (Base64 takes three at a time).
    private var pending: [UInt8] = ReportGzip.header
    private var encoded: [UInt8] = []
    private let sink: ([UInt8]) throws -> Void
    private var finished = false

    private final class Box: @unchecked Sendable { var bytes: [UInt8] = [] }

    /// `sink` receives the Base64 text in pieces, in order.
    init(workers: Int = 1, sink: @escaping ([UInt8]) throws -> Void) {
        self.workers = max(1, workers)
        self.sink = sink
    }

    deinit {
        // A writer given up on (its block failed) lets its chunks finish; nothing reads them.
        for entry in inFlight { entry.item.wait() }
    }

    func write(_ bytes: [UInt8]) throws {
        precondition(!finished, "ReportGzipBase64Writer: write after finish")
        buffer += bytes
        if buffer.count > ReportGzip.chunkBytes {
            var start = 0
            while buffer.count - start > ReportGzip.chunkBytes {
                try submit(Array(buffer[start ..< start + ReportGzip.chunkBytes]), last: false)
                start += ReportGzip.chunkBytes
            }
            buffer.removeSubrange(0 ..< start)
        }
    }

    func write(_ bytes: UnsafeRawBufferPointer) throws {
        try write(Array(bytes))
    }

    /// Ends the gzip member and writes the last Base64 group with its padding.
    func finish() throws {
        guard !finished else { return }
        finished = true
        try submit(buffer, last: true)
        buffer = []
        while !inFlight.isEmpty { try drainOldest() }
        pending += ReportGzip.trailer(crc: crc, count: count)
        try encode(final: true)
    }

    private func submit(_ chunk: [UInt8], last: Bool) throws {
        crc = chunk.withUnsafeBytes { crc32(crc, $0.baseAddress?.assumingMemoryBound(to: Bytef.self), uInt($0.count)) }
        count += chunk.count
        let primer = dictionary
        dictionary = Array(chunk.suffix(ReportGzip.window))
        guard workers > 1 else {
            pending += ReportGzip.deflateChunk(chunk, dictionary: primer, last: last)
            try encode(final: false)
            return
        }
        let result = Box()
        let item = DispatchWorkItem { result.bytes = ReportGzip.deflateChunk(chunk, dictionary: primer, last: last) }
        DispatchQueue.global().async(execute: item)
        inFlight.append((item, result))
        while inFlight.count > workers { try drainOldest() }
    }

    private func drainOldest() throws {
        let (item, result) = inFlight.removeFirst()
        item.wait()
        pending += result.bytes
        try encode(final: false)
    }

    private static let alphabet: [UInt8] = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8)

    /// Encodes whole groups of three from `pending` (and on `final` the rest with `=` padding).
    private func encode(final: Bool) throws {
        let whole = pending.count / 3 * 3
        encoded.removeAll(keepingCapacity: true)
        let table = Self.alphabet
        var index = 0
        while index < whole {
            let value = UInt32(pending[index]) << 16 | UInt32(pending[index + 1]) << 8 | UInt32(pending[index + 2])
            encoded.append(table[Int(value >> 18 & 63)])
            encoded.append(table[Int(value >> 12 & 63)])
            encoded.append(table[Int(value >> 6 & 63)])
            encoded.append(table[Int(value & 63)])
            index += 3
        }
        pending.removeSubrange(0 ..< whole)
        if final, !pending.isEmpty {
            let first = UInt32(pending[0]) << 16
            let value = pending.count == 2 ? first | UInt32(pending[1]) << 8 : first
            encoded.append(table[Int(value >> 18 & 63)])
            encoded.append(table[Int(value >> 12 & 63)])
            encoded.append(pending.count == 2 ? table[Int(value >> 6 & 63)] : 0x3D)
            encoded.append(0x3D)
            pending.removeAll()
        }
        if !encoded.isEmpty { try sink(encoded) }
    }
}
