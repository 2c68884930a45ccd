import CZlib
import Foundation

/// gzip for the page's sentence block (RFC 1952 through zlib), and Base64 to carry it in HTML.
///
/// The header zlib writes has no file name and a zero time, so equal input gives equal bytes
/// (with the same zlib build); browsers undo it with `DecompressionStream('gzip')`.
enum ReportGzip {
    /// Level 6: zlib's default; level 9 saved under 2 % more on news sentences at about twice the time.
    static let level: Int32 = 6

    static func compress(_ input: [UInt8]) -> [UInt8] {
        var stream = z_stream()
        guard deflateInit2_(&stream, level, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY, ZLIB_VERSION,
                            Int32(MemoryLayout<z_stream>.size)) == Z_OK else {
            preconditionFailure("zlib: deflateInit2 failed")
        }
        defer { deflateEnd(&stream) }
        var output = [UInt8](repeating: 0, count: Int(deflateBound(&stream, uLong(input.count))) + 64)
        var input = input
        let produced: Int = input.withUnsafeMutableBytes { inBytes in
            output.withUnsafeMutableBytes { outBytes in
                stream.next_in = inBytes.baseAddress?.assumingMemoryBound(to: Bytef.self)
                stream.avail_in = uInt(inBytes.count)
                stream.next_out = outBytes.baseAddress!.assumingMemoryBound(to: Bytef.self)
                stream.avail_out = uInt(outBytes.count)
                let status = deflate(&stream, Z_FINISH)
                precondition(status == Z_STREAM_END, "zlib: deflate did not finish (\(status))")
                return outBytes.count - Int(stream.avail_out)
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
/// bytes are the same as compressing and encoding the whole block at once (zlib's output does not
/// depend on how its input is cut; `ReportGzipTests` checks it on many cuts).
final class ReportGzipBase64Writer {
    private let stream: UnsafeMutablePointer<z_stream>
    private var output = [UInt8](repeating: 0, count: 1 << 16)
    /// Compressed bytes not yet encoded (Base64 takes three at a time).
    private var pending: [UInt8] = []
    private var encoded: [UInt8] = []
    private let sink: ([UInt8]) throws -> Void
    private var finished = false

    /// `sink` receives the Base64 text in pieces, in order.
    init(sink: @escaping ([UInt8]) throws -> Void) {
        self.sink = sink
        stream = UnsafeMutablePointer<z_stream>.allocate(capacity: 1)
        stream.initialize(to: z_stream())
        guard deflateInit2_(stream, ReportGzip.level, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY, ZLIB_VERSION,
                            Int32(MemoryLayout<z_stream>.size)) == Z_OK else {
            preconditionFailure("zlib: deflateInit2 failed")
        }
        pending.reserveCapacity((1 << 16) + 3)
        encoded.reserveCapacity(((1 << 16) + 3) / 3 * 4 + 4)
    }

    deinit {
        deflateEnd(stream)
        stream.deinitialize(count: 1)
        stream.deallocate()
    }

    func write(_ bytes: [UInt8]) throws {
        try bytes.withUnsafeBytes { try write($0) }
    }

    func write(_ bytes: UnsafeRawBufferPointer) throws {
        precondition(!finished, "ReportGzipBase64Writer: write after finish")
        guard let base = bytes.baseAddress, !bytes.isEmpty else { return }
        stream.pointee.next_in = UnsafeMutablePointer(mutating: base.assumingMemoryBound(to: Bytef.self))
        stream.pointee.avail_in = uInt(bytes.count)
        while stream.pointee.avail_in > 0 {
            try deflateStep(Z_NO_FLUSH)
        }
        stream.pointee.next_in = nil
    }

    /// Ends the gzip member and writes the last Base64 group with its padding.
    func finish() throws {
        guard !finished else { return }
        finished = true
        stream.pointee.next_in = nil
        stream.pointee.avail_in = 0
        while try deflateStep(Z_FINISH) != Z_STREAM_END {}
        try encode(final: true)
    }

    @discardableResult
    private func deflateStep(_ flush: Int32) throws -> Int32 {
        let (status, produced) = output.withUnsafeMutableBytes { out -> (Int32, Int) in
            stream.pointee.next_out = out.baseAddress!.assumingMemoryBound(to: Bytef.self)
            stream.pointee.avail_out = uInt(out.count)
            let status = deflate(stream, flush)
            return (status, out.count - Int(stream.pointee.avail_out))
        }
        precondition(status == Z_OK || status == Z_STREAM_END || status == Z_BUF_ERROR, "zlib: deflate failed (\(status))")
        if produced > 0 {
            pending.append(contentsOf: output[0 ..< produced])
            try encode(final: false)
        }
        return status
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
