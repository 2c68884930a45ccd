import CZlib
import Foundation

/// zlib compression for stores: gzip members (one per WARC record, RFC 1952) and zlib blobs for
/// cached results. Output depends only on the input and the level (the gzip header carries no time
/// and no name), so equal inputs give equal bytes on every run.
public enum Deflate {
    /// zlib's default level: the usual trade of speed for size, and what WARC writers use.
    public static let defaultLevel: Int32 = 6

    public enum Format: Sendable {
        /// RFC 1952: one gzip member.
        case gzip
        /// RFC 1950: a zlib stream.
        case zlib
    }

    /// Compresses `bytes` as one gzip member or one zlib stream.
    public static func compress(_ bytes: some Collection<UInt8>, format: Format = .gzip, level: Int32 = defaultLevel) -> [UInt8] {
        let input = Array(bytes)
        var stream = z_stream()
        let windowBits: Int32 = format == .gzip ? 15 + 16 : 15
        guard deflateInit2_(&stream, level, Z_DEFLATED, windowBits, 8, Z_DEFAULT_STRATEGY, ZLIB_VERSION,
                            Int32(MemoryLayout<z_stream>.size)) == Z_OK else {
            preconditionFailure("zlib: deflateInit2 failed")
        }
        defer { deflateEnd(&stream) }
        let bound = Int(deflateBound(&stream, uLong(input.count)))
        var output = [UInt8](repeating: 0, count: bound)
        var produced = 0
        input.withUnsafeBufferPointer { source in
            output.withUnsafeMutableBufferPointer { target in
                stream.next_in = UnsafeMutablePointer(mutating: source.baseAddress)
                stream.avail_in = uInt(source.count)
                stream.next_out = target.baseAddress
                stream.avail_out = uInt(target.count)
                let status = deflate(&stream, Z_FINISH)
                precondition(status == Z_STREAM_END, "zlib: deflate did not finish within deflateBound (\(status))")
                produced = target.count - Int(stream.avail_out)
            }
        }
        output.removeLast(output.count - produced)
        return output
    }

    /// Why compressed bytes could not be read.
    public struct Failure: Error, Sendable, CustomStringConvertible {
        public var reason: String
        public var description: String { reason }
    }

    /// Decompresses one gzip member or zlib stream, refusing more than `maxOutput` bytes.
    /// `consumed` is set to how many input bytes the member took (gzip members may follow).
    public static func decompress(_ bytes: some Collection<UInt8>, format: Format = .gzip, maxOutput: Int = .max,
                                  sizeHint: Int = 0, consumed: UnsafeMutablePointer<Int>? = nil) throws -> [UInt8] {
        let input = Array(bytes)
        var stream = z_stream()
        let windowBits: Int32 = format == .gzip ? 15 + 16 : 15
        guard inflateInit2_(&stream, windowBits, ZLIB_VERSION, Int32(MemoryLayout<z_stream>.size)) == Z_OK else {
            throw Failure(reason: "zlib: inflateInit2 failed")
        }
        defer { inflateEnd(&stream) }
        var output: [UInt8] = []
        output.reserveCapacity(sizeHint > 0 ? sizeHint : min(maxOutput, max(4096, input.count * 4)))
        var chunk = [UInt8](repeating: 0, count: 64 * 1024)
        var finished = false
        try input.withUnsafeBufferPointer { source in
            stream.next_in = UnsafeMutablePointer(mutating: source.baseAddress)
            stream.avail_in = uInt(source.count)
            while !finished {
                let (status, produced) = chunk.withUnsafeMutableBufferPointer { target -> (Int32, Int) in
                    stream.next_out = target.baseAddress
                    stream.avail_out = uInt(target.count)
                    let status = inflate(&stream, Z_NO_FLUSH)
                    return (status, target.count - Int(stream.avail_out))
                }
                if status == Z_BUF_ERROR || (status == Z_OK && stream.avail_in == 0 && produced == 0) {
                    throw Failure(reason: "compressed data ends early")
                }
                if status != Z_OK && status != Z_STREAM_END { throw Failure(reason: "corrupt compressed data (zlib status \(status))") }
                if output.count + produced > maxOutput { throw Failure(reason: "more than \(maxOutput) bytes once decompressed") }
                output.append(contentsOf: chunk[0 ..< produced])
                if status == Z_STREAM_END { finished = true }
            }
        }
        consumed?.pointee = input.count - Int(stream.avail_in)
        return output
    }
}
