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
