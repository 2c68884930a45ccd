import Foundation
import NewsIO

/// Builds WARC 1.1 records (ISO 28500:2017) the way Common Crawl and Heritrix write them: one gzip
/// member per record, `WARC-Record-ID` a `urn:uuid`, SHA-256 block and payload digests in base 32
/// (`sha256:…`, as warcio writes them), `\r\n\r\n` after every block.
///
/// Everything a record holds comes from the fetch (its URL, date, status, headers and payload) and
/// from where it is written, never from the clock, so the same fetch gives the same bytes.
public enum WARCRecordBuilder {
    public static let version = "WARC/1.1"
    /// The revisit profile for a payload stored before (WARC 1.1 section 6.7.2).
    public static let identicalPayloadProfile = "http://netpreserve.org/warc/1.1/revisit/identical-payload-digest"
    public static let httpResponseType = "application/http; msgtype=response"
    public static let httpRequestType = "application/http; msgtype=request"

    /// The uncompressed bytes of one record: version line, header fields, blank line, block, and
    /// the two CRLFs that end a record. `Content-Length` is added from the block.
    public static func record(_ fields: [(String, String)], block: [UInt8]) -> [UInt8] {
        var text = "\(version)\r\n"
        var lengthWritten = false
        for (name, value) in fields {
            text += "\(name): \(sanitise(value))\r\n"
            // Content-Length follows the record id, as Common Crawl orders fields.
            if name == "WARC-Record-ID" && !lengthWritten {
                text += "Content-Length: \(block.count)\r\n"
                lengthWritten = true
            }
        }
        if !lengthWritten { text += "Content-Length: \(block.count)\r\n" }
        text += "\r\n"
        var bytes = Array(text.utf8)
        bytes.reserveCapacity(bytes.count + block.count + 4)
        bytes += block
        bytes += [0x0D, 0x0A, 0x0D, 0x0A]
        return bytes
    }

    /// One record as the gzip member a `.warc.gz` segment holds.
    public static func member(_ fields: [(String, String)], block: [UInt8], level: Int32 = Deflate.defaultLevel) -> [UInt8] {
        Deflate.compress(record(fields, block: block), format: .gzip, level: level)
    }

    /// Header values are one line: line breaks become spaces.
    static func sanitise(_ value: String) -> String {
        value.contains(where: { $0 == "\r" || $0 == "\n" }) ? value.map { $0 == "\r" || $0 == "\n" ? " " : String($0) }.joined() : value
    }

    /// A record id derived from what identifies the record (segment, position, type), shaped as a
    /// version-5-style UUID: unique within the store and the same every time the record is written.
    public static func recordID(_ parts: String...) -> String {
        let hex = Array(ContentHash.hex(parts.joined(separator: "\n")).prefix(32))
        var chars = hex
        chars[12] = "5"
        let variant = Int(String(chars[16]), radix: 16)! & 0x3 | 0x8
        chars[16] = Character(String(variant, radix: 16))
        let s = String(chars)
        func part(_ from: Int, _ to: Int) -> Substring { s[s.index(s.startIndex, offsetBy: from) ..< s.index(s.startIndex, offsetBy: to)] }
        return "<urn:uuid:\(part(0, 8))-\(part(8, 12))-\(part(12, 16))-\(part(16, 20))-\(part(20, 32))>"
    }

    /// `sha256:<base 32>` of `bytes`, and the same digest in hex (the store's content hash).
    public static func digest(_ bytes: some Sequence<UInt8>) -> (warc: String, hex: String) {
        let digest = ContentHash.sha256(bytes)
        return ("sha256:" + Base32.encode(digest), ContentHash.hexString(digest))
    }

    /// `sha256:<base 32>` of a digest given in hex.
    public static func warcDigest(hex: String) -> String { "sha256:" + Base32.encode(Base32.bytes(hex: hex)) }

    /// An HTTP/1.1 status line and header block (with the blank line), as a response record stores it.
    public static func httpHead(status: Int, headers: [(String, String)]) -> [UInt8] {
        var text = "HTTP/1.1 \(status) \(reasonPhrase(status))\r\n"
        for (name, value) in headers { text += "\(name): \(sanitise(value))\r\n" }
        text += "\r\n"
        return Array(text.utf8)
    }

    static func reasonPhrase(_ status: Int) -> String {
        switch status {
        case 200: return "OK"
        case 201: return "Created"
        case 203: return "Non-Authoritative Information"
        case 204: return "No Content"
        case 206: return "Partial Content"
        case 301: return "Moved Permanently"
        case 302: return "Found"
        case 304: return "Not Modified"
        case 404: return "Not Found"
        default: return status < 300 ? "OK" : "Status"
        }
    }

    /// `2026-11-26T02:30:00Z` from any ISO 8601 date-time (WARC-Date is UTC, seconds precision).
    public static func warcDate(_ iso: String?) -> String {
        guard let iso, let date = Timestamp.parse(iso) else { return iso ?? "1970-01-01T00:00:00Z" }
        return Timestamp.string(date)
    }

    /// `20261126023000`: the 14-digit timestamp CDX indexes use.
    public static func cdxTimestamp(_ warcDate: String) -> String {
        String(warcDate.filter(\.isNumber).prefix(14)).padding(toLength: 14, withPad: "0", startingAt: 0)
    }
}

/// RFC 4648 base 32, as WARC digests are written.
public enum Base32 {
    static let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567".utf8)

    public static func encode(_ bytes: [UInt8]) -> String {
        var out: [UInt8] = []
        var buffer = 0, bits = 0
        for byte in bytes {
            buffer = (buffer << 8) | Int(byte); bits += 8
            while bits >= 5 {
                out.append(alphabet[(buffer >> (bits - 5)) & 31]); bits -= 5
            }
        }
        if bits > 0 { out.append(alphabet[(buffer << (5 - bits)) & 31]) }
        while out.count % 8 != 0 { out.append(UInt8(ascii: "=")) }
        return String(decoding: out, as: UTF8.self)
    }

    public static func decode(_ text: String) -> [UInt8]? {
        var out: [UInt8] = []
        var buffer = 0, bits = 0
        for unit in text.utf8 where unit != UInt8(ascii: "=") {
            let upper = unit >= 0x61 && unit <= 0x7A ? unit - 0x20 : unit
            guard let value = alphabet.firstIndex(of: upper) else { return nil }
            buffer = (buffer << 5) | value; bits += 5
            if bits >= 8 { out.append(UInt8((buffer >> (bits - 8)) & 0xFF)); bits -= 8 }
        }
        return out
    }

    static func bytes(hex: String) -> [UInt8] {
        var out: [UInt8] = []
        var high: UInt8?
        for unit in hex.utf8 {
            let nibble: UInt8 = unit <= 0x39 ? unit &- 0x30 : (unit | 0x20) &- 0x61 &+ 10
            if let h = high { out.append(h << 4 | (nibble & 0xF)); high = nil } else { high = nibble & 0xF }
        }
        return out
    }
}
