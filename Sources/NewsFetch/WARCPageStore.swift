import Foundation
import NewsIO

/// Reads stored pages back out of WARC segments: one positioned read of the record's gzip member,
/// one inflate, the payload after the record's (and for `response` records the HTTP) headers, and
/// its SHA-256 checked against the content hash it was stored under.
///
/// Thread-safe: segments are opened once and read with `pread`, which needs no shared position.
public final class WARCPageStore: @unchecked Sendable {
    /// The folder holding the segments.
    public let folder: URL
    private let lock = NSLock()
    private var descriptors: [String: Int32] = [:]
    /// Largest record read back (a stored page is at most the fetch's `maxBytes` plus headers).
    public let maxRecordBytes: Int

    public init(folder: URL, maxRecordBytes: Int = 1 << 31) {
        self.folder = folder
        self.maxRecordBytes = maxRecordBytes
    }

    deinit {
        for fd in descriptors.values { close(fd) }
    }

    /// The payload at `location`, checked against `hash` (hex SHA-256) when given.
    public func payload(at location: WARCLocation, hash: String? = nil) throws -> [UInt8] {
        let member = try read(location)
        let record: [UInt8]
        do { record = try Deflate.decompress(member, format: .gzip, maxOutput: maxRecordBytes, sizeHint: member.count * 5) } catch {
            throw FileError.damaged(path: path(location.file), reason: "the stored page at offset \(location.offset) does not inflate (\(error)); "
                                    + "rerun fetch with --force to store it again from its source")
        }
        guard let parsed = WARCRecordBytes(record) else {
            throw FileError.damaged(path: path(location.file), reason: "no WARC record at offset \(location.offset); rerun fetch with --force")
        }
        let payload = parsed.payload
        if let hash, ContentHash.hexString(ContentHash.sha256(payload)) != hash {
            throw FileError.damaged(path: path(location.file), reason: "the stored page at offset \(location.offset) does not match its digest sha256:\(hash.prefix(16))…; "
                                    + "rerun fetch with --force to store it again from its source")
        }
        return payload
    }

    /// The raw gzip member at `location`.
    public func read(_ location: WARCLocation) throws -> [UInt8] {
        let fd = try descriptor(location.file)
        var bytes = [UInt8](repeating: 0, count: location.length)
        var done = 0
        while done < location.length {
            let n = bytes.withUnsafeMutableBytes { buffer in
                pread(fd, buffer.baseAddress! + done, location.length - done, off_t(location.offset + done))
            }
            if n < 0 && errno == EINTR { continue }
            guard n > 0 else {
                throw FileError.io(path: path(location.file), reason: n == 0 ? "segment ends before offset \(location.offset + location.length); rerun fetch with --force"
                                                               : "read failed: \(String(cString: strerror(errno)))")
            }
            done += n
        }
        return bytes
    }

    private func path(_ file: String) -> String { folder.appendingPathComponent(file).path }

    private func descriptor(_ file: String) throws -> Int32 {
        lock.lock(); defer { lock.unlock() }
        if let fd = descriptors[file] { return fd }
        guard !file.contains("/") else { throw FileError.io(path: path(file), reason: "not a segment name") }
        let fd = open(path(file), O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else {
            throw FileError.io(path: path(file), reason: "stored pages are missing (\(String(cString: strerror(errno)))); rerun fetch with --force")
        }
        descriptors[file] = fd
        return fd
    }
}

/// One uncompressed WARC record split into its header fields and block.
public struct WARCRecordBytes {
    /// Header fields, names lower-cased.
    public var headers: [String: String]
    public var block: ArraySlice<UInt8>

    public init?(_ bytes: [UInt8]) {
        guard bytes.starts(with: Array("WARC/".utf8)), let end = Self.headerEnd(bytes[...]) else { return nil }
        var headers: [String: String] = [:]
        for line in String(decoding: bytes[..<end.start], as: UTF8.self).split(separator: "\r\n").dropFirst() {
            guard let colon = line.firstIndex(of: ":") else { continue }
            headers[line[..<colon].trimmingCharacters(in: .whitespaces).lowercased()] = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
        }
        let length = headers["content-length"].flatMap(Int.init) ?? (bytes.count - end.next)
        guard length >= 0, end.next + length <= bytes.count else { return nil }
        self.headers = headers
        block = bytes[end.next ..< end.next + length]
    }

    /// The payload: the block, after the HTTP head for `application/http` records.
    public var payload: [UInt8] {
        let type = headers["content-type"]?.lowercased() ?? ""
        if type.hasPrefix("application/http"), let end = Self.headerEnd(block) { return Array(block[end.next...]) }
        return Array(block)
    }

    /// Where the first blank line (`\r\n\r\n`, or `\n\n`) is: its start, and where what follows starts.
    static func headerEnd(_ bytes: ArraySlice<UInt8>) -> (start: Int, next: Int)? {
        var i = bytes.startIndex
        while i + 1 < bytes.endIndex {
            if bytes[i] == 0x0A {
                if bytes[i + 1] == 0x0A { return (i, i + 2) }
                if bytes[i + 1] == 0x0D, i + 2 < bytes.endIndex, bytes[i + 2] == 0x0A { return (i > bytes.startIndex && bytes[i - 1] == 0x0D ? i - 1 : i, i + 3) }
            }
            i += 1
        }
        return nil
    }
}

/// Reads a whole WARC segment back and checks every record against the digests it carries
/// (`WARC-Block-Digest` over the block, `WARC-Payload-Digest` over the payload): what
/// `newspipe verify` does for stored pages. Streams the file, one record in memory at a time.
public enum WARCSegmentCheck {
    /// What is wrong with the segment, each naming it and the record's offset (empty when sound);
    /// `records` is how many records were read.
    public static func problems(in segment: URL) -> (records: Int, problems: [String]) {
        var problems: [String] = []
        var records = 0
        do {
            let reader = try WARCReader(path: segment)
            while let record = try reader.next() {
                records += 1
                guard let block = record.block else { continue }
                let where_ = "\(segment.path): record at offset \(record.offset) of the uncompressed records (\(record.type) \(record.targetURI ?? ""))"
                if let expected = record.headers["warc-block-digest"], !matches(expected, block[...]) {
                    problems.append("\(where_) does not match its WARC-Block-Digest")
                }
                if let expected = record.headers["warc-payload-digest"], record.type == "response" || record.type == "resource" {
                    let isHTTP = (record.headers["content-type"] ?? "").lowercased().hasPrefix("application/http")
                    let payload = isHTTP ? WARCRecordBytes.headerEnd(block[...]).map { block[$0.next...] } ?? block[...] : block[...]
                    if !matches(expected, payload) { problems.append("\(where_) does not match its WARC-Payload-Digest") }
                }
                if problems.count >= 20 { break }
            }
        } catch {
            problems.append("\(segment.path): unreadable after \(records) records: \(error)")
        }
        return (records, problems)
    }

    /// Whether `bytes` have the `sha256:<base32>` (or `sha1:`, not checked) digest `expected`.
    static func matches(_ expected: String, _ bytes: ArraySlice<UInt8>) -> Bool {
        guard expected.lowercased().hasPrefix("sha256:") else { return true }
        return WARCRecordBuilder.digest(bytes).warc.uppercased() == "SHA256:" + expected.dropFirst("sha256:".count).uppercased()
    }
}
