import CZlib
import Foundation

/// Why a WARC file could not be read further.
public enum WARCError: Error, Sendable, Equatable, CustomStringConvertible {
    case unreadable(String)
    /// `offset` is the record's position in the uncompressed stream; the text says where in the file.
    case malformed(offset: Int, String)

    public var description: String {
        switch self {
        case let .unreadable(reason): return reason
        case let .malformed(offset, reason): return "malformed at offset \(offset) of the uncompressed records: \(reason)"
        }
    }
}

/// One WARC record: its named header fields and, unless it was larger than the caller's cap, its block.
public struct WARCRecord: Sendable {
    /// Header fields with lower-cased names (`warc-type`, `warc-target-uri`, `content-length` ...).
    public var headers: [String: String]
    /// Declared length of the block.
    public var contentLength: Int
    /// The block, or nil when it was over the size cap (it was skipped, not read into memory).
    public var block: [UInt8]?
    /// Position of the record in the decompressed stream (for error messages and record ids).
    public var offset: Int

    public var type: String { headers["warc-type"]?.lowercased() ?? "" }
    public var targetURI: String? {
        // Some writers wrap the URI in angle brackets (WARC 1.0 grammar).
        headers["warc-target-uri"].map { $0.hasPrefix("<") && $0.hasSuffix(">") ? String($0.dropFirst().dropLast()) : $0 }
    }
    public var date: String? { headers["warc-date"] }
}

/// An HTTP response as a WARC `response` record stores it.
public struct WARCHTTPResponse: Sendable {
    public var status: Int
    /// Header fields with lower-cased names; repeated fields joined with ", ".
    public var headers: [String: String]
    /// Payload with transfer and content encodings undone.
    public var body: [UInt8]
}

/// Where a `WARCReader` gets its bytes: `read` returns up to `count` bytes, empty at the end.
public protocol WARCByteSource: AnyObject {
    func read(upTo count: Int) throws -> [UInt8]
}

/// A local file, read in chunks.
public final class WARCFileSource: WARCByteSource {
    private let handle: FileHandle
    private let path: String

    public init(path: URL) throws {
        guard let handle = FileHandle(forReadingAtPath: path.path) else { throw WARCError.unreadable("cannot open \(path.path)") }
        self.handle = handle
        self.path = path.path
    }

    deinit { try? handle.close() }

    public func read(upTo count: Int) throws -> [UInt8] {
        do { return [UInt8](try handle.read(upToCount: count) ?? Data()) } catch {
            throw WARCError.unreadable("\(path): \(error.localizedDescription)")
        }
    }
}

/// Streams records out of a `.warc` or `.warc.gz` file (one gzip member per record, as Common
/// Crawl ships CC-NEWS): reads the file in chunks, so memory holds one record at a time whatever
/// the file's size, and skips blocks over the cap without keeping them.
public final class WARCReader {
    private let source: WARCByteSource
    private let path: String
    private var inflater: WARCGzipStream?
    private var checkedFormat = false
    private var buffer: [UInt8] = []
    private var position = 0
    private var streamOffset = 0
    private var endOfFile = false
    private static let readSize = 256 * 1024
    private static let maxHeaderLine = 64 * 1024

    public convenience init(path: URL) throws {
        try self.init(source: WARCFileSource(path: path), name: path.path)
    }

    /// Reads from any byte source (a file, an HTTP response streamed as it arrives); `name` is what
    /// error messages call it.
    public init(source: WARCByteSource, name: String) throws {
        self.path = name
        self.source = source
    }

    /// Reads more decompressed bytes into the buffer; false at the end of the file.
    private func fill() throws -> Bool {
        if endOfFile { return false }
        if position > 4 * 1024 * 1024 || (position > 0 && position == buffer.count) {
            buffer.removeFirst(position); position = 0
        }
        func read() throws -> [UInt8] {
            do { return try source.read(upTo: Self.readSize) } catch let error as WARCError { throw error } catch {
                throw WARCError.unreadable("\(path): \(error.localizedDescription)")
            }
        }
        if !checkedFormat {
            checkedFormat = true
            let chunk = try read()
            if chunk.isEmpty { endOfFile = true; return false }
            guard chunk.count >= 2 && chunk[0] == 0x1F && chunk[1] == 0x8B else {
                buffer.append(contentsOf: chunk)
                return true
            }
            // No size cap on the whole stream (files are gigabytes); records are capped one by one.
            let stream = try WARCGzipStream(maxRatio: Self.maxRatio)
            stream.give(chunk)
            inflater = stream
        }
        guard let inflater else {
            let chunk = try read()
            if chunk.isEmpty { endOfFile = true; return false }
            buffer.append(contentsOf: chunk)
            return true
        }
        // At most one output chunk per call, however far the input inflates: a small file that
        // inflates to gigabytes is read in bounded memory.
        while true {
            let made: Int
            do { made = try inflater.inflateSome(into: &buffer) } catch let error as WARCGzipStream.Failure {
                throw WARCError.malformed(offset: streamOffset, "gzip: \(error.reason) in the member starting at byte \(inflater.memberStart) of \(path)")
            }
            if made > 0 { return true }
            guard inflater.needsInput else { continue }
            let more = try read()
            if more.isEmpty {
                endOfFile = true
                if inflater.isInsideMember {
                    throw WARCError.malformed(offset: streamOffset, "\(path) is truncated: it ends at byte \(inflater.consumed) inside the gzip member "
                                              + "that starts at byte \(inflater.memberStart)")
                }
                return false
            }
            inflater.give(more)
        }
    }

    /// Where the reader is in the file as stored (compressed), for messages.
    private var fileOffsetNote: String {
        inflater.map { " (byte \($0.consumed) of \(path), gzip member starting at byte \($0.memberStart))" } ?? " of \(path)"
    }

    /// Bytes the reader holds (for the memory-bound tests).
    var bufferedBytes: Int { buffer.count }

    /// The whole-file decompression ratio past which a `.warc.gz` is refused as a bomb (Common
    /// Crawl files inflate about 5×; HTML members reach a few hundred).
    public static let maxRatio = 10_000

    /// The next line without its line break, or nil at the end of the file.
    private func readLine() throws -> [UInt8]? {
        var searchFrom = position
        while true {
            if let newline = buffer[searchFrom...].firstIndex(of: UInt8(ascii: "\n")) {
                var line = Array(buffer[position ..< newline])
                if line.last == UInt8(ascii: "\r") { line.removeLast() }
                streamOffset += newline + 1 - position
                position = newline + 1
                return line
            }
            if buffer.count - position > Self.maxHeaderLine { throw WARCError.malformed(offset: streamOffset, "header line over \(Self.maxHeaderLine) bytes" + fileOffsetNote) }
            searchFrom = buffer.count
            let before = position
            if try !fill() {
                if position == buffer.count { return nil }
                let line = Array(buffer[position...])
                streamOffset += buffer.count - position
                position = buffer.count
                return line
            }
            // fill() may have compacted the buffer.
            searchFrom = searchFrom - before + position
        }
    }

    /// Reads `count` bytes (kept when `keep`), or throws if the file ends first.
    private func readBlock(_ count: Int, keep: Bool) throws -> [UInt8]? {
        var kept: [UInt8] = []
        if keep { kept.reserveCapacity(count) }
        var remaining = count
        while remaining > 0 {
            if position == buffer.count, try !fill() { throw WARCError.malformed(offset: streamOffset, "file ends inside a record block" + fileOffsetNote) }
            let take = min(remaining, buffer.count - position)
            if keep { kept.append(contentsOf: buffer[position ..< position + take]) }
            position += take; remaining -= take; streamOffset += take
        }
        return keep ? kept : nil
    }

    /// The next record, or nil at the end of the file. Blocks over `maxBlockBytes` are skipped.
    public func next(maxBlockBytes: Int = .max) throws -> WARCRecord? {
        var line: [UInt8]
        // Records are separated by two CRLFs; tolerate any number of blank lines.
        repeat {
            guard let next = try readLine() else { return nil }
            line = next
        } while line.isEmpty
        let offset = streamOffset - line.count - 2
        guard line.starts(with: Array("WARC/".utf8)) else {
            throw WARCError.malformed(offset: offset, "expected a WARC/1.x line, found \(String(decoding: line.prefix(40), as: UTF8.self))" + fileOffsetNote)
        }
        var headers: [String: String] = [:]
        var lastName: String?
        while let field = try readLine(), !field.isEmpty {
            if field.first == UInt8(ascii: " ") || field.first == UInt8(ascii: "\t"), let name = lastName {
                headers[name, default: ""] += " " + String(decoding: field, as: UTF8.self).trimmingCharacters(in: .whitespaces)
                continue
            }
            guard let colon = field.firstIndex(of: UInt8(ascii: ":")) else { continue }
            let name = String(decoding: field[..<colon], as: UTF8.self).trimmingCharacters(in: .whitespaces).lowercased()
            headers[name] = String(decoding: field[(colon + 1)...], as: UTF8.self).trimmingCharacters(in: .whitespaces)
            lastName = name
        }
        guard let lengthText = headers["content-length"], let length = Int(lengthText), length >= 0 else {
            throw WARCError.malformed(offset: offset, "record without a valid Content-Length" + fileOffsetNote)
        }
        let block = try readBlock(length, keep: length <= maxBlockBytes)
        return WARCRecord(headers: headers, contentLength: length, block: block, offset: offset)
    }

    /// Splits an `application/http; msgtype=response` block into status, headers and payload,
    /// undoing chunked transfer coding and gzip/deflate content coding (with the given caps).
    public static func parseHTTPResponse(_ block: [UInt8], maxBytes: Int, maxRatio: Int) throws -> WARCHTTPResponse {
        var index = 0
        func line() -> [UInt8]? {
            guard index < block.count else { return nil }
            let end = block[index...].firstIndex(of: UInt8(ascii: "\n")) ?? block.count
            var text = Array(block[index ..< end])
            if text.last == UInt8(ascii: "\r") { text.removeLast() }
            index = min(block.count, end + 1)
            return text
        }
        guard let statusLine = line(), statusLine.starts(with: Array("HTTP/".utf8)) else {
            throw WARCError.malformed(offset: 0, "response block does not start with an HTTP status line")
        }
        let parts = String(decoding: statusLine, as: UTF8.self).split(separator: " ", maxSplits: 2)
        guard parts.count >= 2, let status = Int(parts[1]) else { throw WARCError.malformed(offset: 0, "bad HTTP status line") }
        var headers: [String: String] = [:]
        while let field = line(), !field.isEmpty {
            guard let colon = field.firstIndex(of: UInt8(ascii: ":")) else { continue }
            let name = String(decoding: field[..<colon], as: UTF8.self).trimmingCharacters(in: .whitespaces).lowercased()
            let value = String(decoding: field[(colon + 1)...], as: UTF8.self).trimmingCharacters(in: .whitespaces)
            headers[name] = headers[name].map { $0 + ", " + value } ?? value
        }
        var body = Array(block[index...])
        if headers["transfer-encoding"]?.lowercased().contains("chunked") == true, let plain = dechunk(body) { body = plain }
        if let coding = headers["content-encoding"]?.lowercased(), coding.contains("gzip") || coding.contains("deflate") {
            // Only when the body really is compressed: some writers store it decoded but keep the header.
            let looksGzip = body.count >= 2 && body[0] == 0x1F && body[1] == 0x8B
            let looksZlib = body.count >= 2 && body[0] & 0x0F == 8 && (UInt16(body[0]) << 8 | UInt16(body[1])) % 31 == 0
            if looksGzip || looksZlib || coding.contains("deflate") {
                let inflater = try FetchInflater(format: looksGzip ? .gzip : .deflate, maxOutput: maxBytes, maxRatio: maxRatio)
                var plain: [UInt8] = []
                do {
                    try inflater.feed(body, into: &plain)
                    body = plain
                } catch let error as FetchInflateError where error.reason != "bad-encoding" {
                    throw error
                } catch {
                    // Not compressed after all: keep the bytes as stored.
                }
            }
        }
        return WARCHTTPResponse(status: status, headers: headers, body: body)
    }

    /// Undoes chunked transfer coding, or nil if the body is not validly chunked.
    static func dechunk(_ body: [UInt8]) -> [UInt8]? {
        var out: [UInt8] = []
        var index = 0
        while index < body.count {
            guard let end = body[index...].firstIndex(of: UInt8(ascii: "\n")) else { return nil }
            let sizeText = String(decoding: body[index ..< end], as: UTF8.self).split(separator: ";").first?.trimmingCharacters(in: .whitespacesAndNewlines) ?? ""
            guard let size = Int(sizeText, radix: 16), size >= 0 else { return nil }
            index = end + 1
            if size == 0 { return out }
            guard index + size <= body.count else { return nil }
            out.append(contentsOf: body[index ..< index + size])
            index += size
            if index < body.count && body[index] == UInt8(ascii: "\r") { index += 1 }
            if index < body.count && body[index] == UInt8(ascii: "\n") { index += 1 }
        }
        return out
    }
}

/// gzip members one after another (a `.warc.gz`), inflated a bounded chunk at a time: the caller
/// gives compressed input when `needsInput` and takes at most `chunkSize` bytes per call, so
/// memory stays flat whatever the ratio. Knows where each member starts in the file, for messages.
final class WARCGzipStream {
    struct Failure: Error { var reason: String }

    private var stream = z_stream()
    private var initialised = false
    private var input: [UInt8] = []
    private var inputPosition = 0
    private var output: [UInt8]
    private let maxRatio: Int
    private var produced = 0
    /// Compressed bytes consumed so far: the position in the file.
    private(set) var consumed = 0
    /// Where the member being inflated (or the last one) starts in the file.
    private(set) var memberStart = 0
    /// Whether a member has begun and not ended (the file must not end here).
    private(set) var isInsideMember = false
    /// Output per call.
    static let chunkSize = 256 * 1024

    init(maxRatio: Int) throws {
        self.maxRatio = maxRatio
        output = [UInt8](repeating: 0, count: Self.chunkSize)
    }

    deinit { if initialised { inflateEnd(&stream) } }

    var needsInput: Bool { inputPosition >= input.count }

    func give(_ bytes: [UInt8]) {
        input = bytes
        inputPosition = 0
    }

    /// Inflates what it can into `into` (at most `chunkSize` bytes); 0 when it needs input.
    func inflateSome(into target: inout [UInt8]) throws -> Int {
        guard inputPosition < input.count || isInsideMember else { return 0 }
        if !isInsideMember {
            if initialised { inflateReset(&stream) } else {
                guard inflateInit2_(&stream, 15 + 32, ZLIB_VERSION, Int32(MemoryLayout<z_stream>.size)) == Z_OK else {
                    throw Failure(reason: "inflateInit failed")
                }
                initialised = true
            }
            isInsideMember = true
            memberStart = consumed
        }
        let available = input.count - inputPosition
        var status: Int32 = Z_OK
        var used = 0
        var made = 0
        input.withUnsafeMutableBytes { inBytes in
            output.withUnsafeMutableBytes { outBytes in
                stream.next_in = available > 0 ? inBytes.baseAddress!.advanced(by: inputPosition).assumingMemoryBound(to: Bytef.self) : nil
                stream.avail_in = uInt(available)
                stream.next_out = outBytes.baseAddress!.assumingMemoryBound(to: Bytef.self)
                stream.avail_out = uInt(outBytes.count)
                status = inflate(&stream, Z_NO_FLUSH)
                used = available - Int(stream.avail_in)
                made = outBytes.count - Int(stream.avail_out)
            }
        }
        inputPosition += used
        consumed += used
        produced += made
        target.append(contentsOf: output[0 ..< made])
        switch status {
        case Z_STREAM_END: isInsideMember = false
        case Z_OK, Z_BUF_ERROR: break
        default: throw Failure(reason: stream.msg.map { String(cString: $0) } ?? "zlib error \(status)")
        }
        if produced > 16 * 1024 * 1024 && produced / max(1, consumed) > maxRatio {
            throw Failure(reason: "inflates to over \(maxRatio) times its size (a decompression bomb)")
        }
        return made
    }
}
