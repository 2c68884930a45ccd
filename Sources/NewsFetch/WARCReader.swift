import Foundation

/// Why a WARC file could not be read further.
public enum WARCError: Error, Sendable, Equatable {
    case unreadable(String)
    case malformed(offset: Int, String)
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
    private var inflater: FetchInflater?
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
        let chunk: [UInt8]
        do { chunk = try source.read(upTo: Self.readSize) } catch let error as WARCError { throw error } catch {
            throw WARCError.unreadable("\(path): \(error.localizedDescription)")
        }
        if chunk.isEmpty { endOfFile = true; return false }
        if !checkedFormat {
            checkedFormat = true
            if chunk.count >= 2 && chunk[0] == 0x1F && chunk[1] == 0x8B {
                // No size cap on the whole stream (files are gigabytes); records are capped one by one.
                inflater = try FetchInflater(format: .gzipOrZlib, maxOutput: .max, maxRatio: 10_000, multipleMembers: true)
            }
        }
        if let inflater {
            do { try inflater.feed(chunk, into: &buffer) } catch let error as FetchInflateError {
                throw WARCError.malformed(offset: streamOffset, "gzip: \(error.reason)")
            }
        } else {
            buffer.append(contentsOf: chunk)
        }
        return true
    }

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
            if buffer.count - position > Self.maxHeaderLine { throw WARCError.malformed(offset: streamOffset, "header line over \(Self.maxHeaderLine) bytes") }
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
            if position == buffer.count, try !fill() { throw WARCError.malformed(offset: streamOffset, "file ends inside a record block") }
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
            throw WARCError.malformed(offset: offset, "expected a WARC/1.x line, found \(String(decoding: line.prefix(40), as: UTF8.self))")
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
            throw WARCError.malformed(offset: offset, "record without a valid Content-Length")
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
