import CZlib

/// Why a compressed body was refused.
public enum FetchInflateError: Error, Sendable, Equatable {
    /// More than the size cap once decompressed.
    case tooLarge(limit: Int)
    /// Decompressed past the ratio cap: a decompression bomb.
    case ratio(limit: Int)
    /// Not valid gzip/zlib/deflate data.
    case corrupt(String)

    public var reason: String {
        switch self {
        case .tooLarge: return "too-large"
        case .ratio: return "decompression-bomb"
        case .corrupt: return "bad-encoding"
        }
    }
}

/// Streaming gzip / zlib / raw-deflate decompression with a size cap and a ratio cap, so a small
/// hostile body cannot fill memory: output is checked after every chunk zlib produces.
///
/// Concatenated gzip members (as in WARC.gz files) are decoded one after the other.
final class FetchInflater {
    enum Format { case gzip, deflate, gzipOrZlib }

    private var stream = z_stream()
    private var initialised = false
    private var finished = false
    private let maxOutput: Int
    private let maxRatio: Int
    /// Outputs below this size never trip the ratio cap: tiny bodies of repeated bytes are legal.
    static let ratioFloor = 256 * 1024
    private(set) var consumed = 0
    private(set) var produced = 0
    private var triedRaw = false
    private var format: Format
    /// Whether a stream end was seen (the last member finished cleanly).
    private(set) var sawEnd = false

    /// Whether bytes after the end of the first member start another member (WARC.gz) or are
    /// ignored (HTTP bodies, where some servers append junk).
    private let multipleMembers: Bool
    private var chunk = [UInt8](repeating: 0, count: 64 * 1024)

    init(format: Format, maxOutput: Int, maxRatio: Int, multipleMembers: Bool = false) throws {
        self.format = format
        self.multipleMembers = multipleMembers
        self.maxOutput = maxOutput
        self.maxRatio = max(1, maxRatio)
        try start(windowBits: format == .gzip ? 15 + 16 : 15 + 32)
    }

    private func start(windowBits: Int32) throws {
        if initialised { inflateEnd(&stream) }
        stream = z_stream()
        let status = inflateInit2_(&stream, windowBits, ZLIB_VERSION, Int32(MemoryLayout<z_stream>.size))
        guard status == Z_OK else { throw FetchInflateError.corrupt("inflateInit failed (\(status))") }
        initialised = true
    }

    deinit { if initialised { inflateEnd(&stream) } }

    /// Decompresses `input`, appending to `output`.
    func feed(_ input: UnsafeRawBufferPointer, into output: inout [UInt8]) throws {
        guard input.count > 0 else { return }
        var offset = 0
        while offset < input.count {
            if finished {
                guard multipleMembers else { consumed += input.count - offset; return }
                // A new gzip member follows the last one.
                try start(windowBits: 15 + 32)
                finished = false
            }
            let available = input.count - offset
            var status: Int32 = Z_OK
            var madeProgress = false
            try chunk.withUnsafeMutableBytes { out in
                stream.next_in = UnsafeMutablePointer(mutating: input.baseAddress!.advanced(by: offset).assumingMemoryBound(to: Bytef.self))
                stream.avail_in = uInt(available)
                stream.next_out = out.baseAddress!.assumingMemoryBound(to: Bytef.self)
                stream.avail_out = uInt(out.count)
                status = inflate(&stream, Z_NO_FLUSH)
                let used = available - Int(stream.avail_in)
                let made = out.count - Int(stream.avail_out)
                madeProgress = used > 0 || made > 0
                if status == Z_DATA_ERROR && format == .deflate && !triedRaw && consumed == 0 && produced == 0 {
                    // Many servers send raw deflate under "Content-Encoding: deflate": retry without the zlib header.
                    triedRaw = true
                    try start(windowBits: -15)
                    status = Z_OK
                    madeProgress = true
                    return
                }
                offset += used
                consumed += used
                produced += made
                output.append(contentsOf: UnsafeRawBufferPointer(rebasing: out[0 ..< made]))
            }
            switch status {
            case Z_OK, Z_BUF_ERROR: break
            case Z_STREAM_END:
                finished = true
                sawEnd = true
            default:
                let message = stream.msg.map { String(cString: $0) } ?? "zlib error \(status)"
                throw FetchInflateError.corrupt(message)
            }
            if produced > maxOutput { throw FetchInflateError.tooLarge(limit: maxOutput) }
            if produced > Self.ratioFloor && produced > consumed * maxRatio { throw FetchInflateError.ratio(limit: maxRatio) }
            if !madeProgress { break }
        }
        // Drain output zlib still holds for the input already given (avail_out was full).
        if !finished {
            while true {
                var made = 0
                var status: Int32 = Z_OK
                chunk.withUnsafeMutableBytes { out in
                    stream.next_in = nil
                    stream.avail_in = 0
                    stream.next_out = out.baseAddress!.assumingMemoryBound(to: Bytef.self)
                    stream.avail_out = uInt(out.count)
                    status = inflate(&stream, Z_NO_FLUSH)
                    made = out.count - Int(stream.avail_out)
                    output.append(contentsOf: UnsafeRawBufferPointer(rebasing: out[0 ..< made]))
                }
                produced += made
                if produced > maxOutput { throw FetchInflateError.tooLarge(limit: maxOutput) }
                if produced > Self.ratioFloor && produced > consumed * maxRatio { throw FetchInflateError.ratio(limit: maxRatio) }
                if status == Z_STREAM_END { finished = true; sawEnd = true; break }
                if made == 0 || (status != Z_OK) { break }
            }
        }
    }

    func feed(_ input: [UInt8], into output: inout [UInt8]) throws {
        try input.withUnsafeBytes { try feed($0, into: &output) }
    }

    /// Decompresses a whole buffer at once (sitemaps served as `.xml.gz`).
    static func inflateAll(_ input: [UInt8], maxOutput: Int, maxRatio: Int) throws -> [UInt8] {
        let inflater = try FetchInflater(format: .gzipOrZlib, maxOutput: maxOutput, maxRatio: maxRatio, multipleMembers: true)
        var output: [UInt8] = []
        try inflater.feed(input, into: &output)
        return output
    }
}

/// gzip compression, for writing WARC.gz files and compressed fixtures.
enum FetchGzip {
    /// One gzip member holding `input`.
    static func compress(_ input: [UInt8], level: Int32 = 6) -> [UInt8] {
        var stream = z_stream()
        guard deflateInit2_(&stream, level, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY, ZLIB_VERSION, Int32(MemoryLayout<z_stream>.size)) == Z_OK else { return [] }
        defer { deflateEnd(&stream) }
        var output = [UInt8](repeating: 0, count: Int(deflateBound(&stream, uLong(input.count))) + 64)
        var input = input
        let produced: Int = input.withUnsafeMutableBytes { inBytes in
            output.withUnsafeMutableBytes { outBytes in
                stream.next_in = inBytes.baseAddress?.assumingMemoryBound(to: Bytef.self)
                stream.avail_in = uInt(inBytes.count)
                stream.next_out = outBytes.baseAddress!.assumingMemoryBound(to: Bytef.self)
                stream.avail_out = uInt(outBytes.count)
                _ = deflate(&stream, Z_FINISH)
                return outBytes.count - Int(stream.avail_out)
            }
        }
        return Array(output[0 ..< produced])
    }
}
