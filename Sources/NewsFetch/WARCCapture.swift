import Foundation
import NewsIO

/// Where one record is stored: its segment (a file name in the store's folder), the offset of its
/// gzip member and the member's length, so it is read with one positioned read and one inflate.
public struct WARCLocation: Codable, Sendable, Hashable, CustomStringConvertible {
    public var file: String
    public var offset: Int
    public var length: Int

    public init(file: String, offset: Int, length: Int) {
        self.file = file; self.offset = offset; self.length = length
    }

    public var description: String { "\(file)@\(offset)+\(length)" }
}

/// One capture as a CDXJ index line lists it (pywb's format): `<SURT> <timestamp> {json}`, with
/// `url`, `mime`, `status`, `digest`, `length`, `offset`, `filename` and, for a revisit, the record
/// holding the payload as `orig.filename`, `orig.offset`, `orig.length` (pywb's names).
public struct WARCCapture: Sendable, Equatable {
    public enum Kind: String, Sendable, Equatable {
        case response, resource, revisit
    }

    public var url: String
    /// WARC-Date, ISO 8601 UTC.
    public var date: String
    public var kind: Kind
    public var mime: String?
    public var status: Int?
    /// SHA-256 of the payload, hex: the store's content hash (`FetchRecord.hash`).
    public var digest: String
    /// The record itself.
    public var location: WARCLocation
    /// For a revisit: the record that holds the payload.
    public var original: WARCLocation?

    public init(url: String, date: String, kind: Kind, mime: String?, status: Int?, digest: String,
                location: WARCLocation, original: WARCLocation? = nil) {
        self.url = url; self.date = date; self.kind = kind; self.mime = mime; self.status = status
        self.digest = digest; self.location = location; self.original = original
    }

    /// Where the payload's bytes are: the record itself, or the one a revisit points to.
    public var payloadLocation: WARCLocation { original ?? location }

    /// One CDXJ line, without the line break.
    public var cdxjLine: String {
        var fields: [(String, String)] = [("url", url)]
        fields.append(("mime", kind == .revisit ? "warc/revisit" : (mime ?? "unk")))
        if let status { fields.append(("status", String(status))) }
        fields.append(("digest", WARCRecordBuilder.warcDigest(hex: digest)))
        fields.append(("length", String(location.length)))
        fields.append(("offset", String(location.offset)))
        fields.append(("filename", location.file))
        if let original {
            fields.append(("orig.length", String(original.length)))
            fields.append(("orig.offset", String(original.offset)))
            fields.append(("orig.filename", original.file))
        }
        if kind == .resource { fields.append(("recordtype", "resource")) }
        let json = "{" + fields.map { "\(Self.quote($0.0)): \(Self.quote($0.1))" }.joined(separator: ", ") + "}"
        return "\(WARCSurt.key(url)) \(WARCRecordBuilder.cdxTimestamp(date)) \(json)"
    }

    /// Reads a line `cdxjLine` wrote (nil for anything else).
    public init?(cdxjLine line: some Sequence<UInt8>) {
        let bytes = Array(line)
        guard let brace = bytes.firstIndex(of: UInt8(ascii: "{")) else { return nil }
        let head = bytes[..<brace].split(separator: UInt8(ascii: " "))
        // Our own lines are a flat object of strings, read without Foundation's JSON parser (15 µs
        // a line); anything else (another tool's numbers, nesting) goes through it.
        guard head.count >= 2,
              let object = CDXJFields.strings(bytes[brace...])
                ?? (try? JSONSerialization.jsonObject(with: Data(bytes[brace...])) as? [String: String]),
              let url = object["url"], let digestField = object["digest"], let file = object["filename"],
              let offset = object["offset"].flatMap(Int.init), let length = object["length"].flatMap(Int.init) else { return nil }
        let digestValue = digestField.hasPrefix("sha256:") ? String(digestField.dropFirst(7)) : digestField
        guard let raw = Base32.decode(digestValue), raw.count == 32 else { return nil }
        self.url = url
        date = Self.isoDate(head[1])
        digest = ContentHash.hexString(raw)
        location = WARCLocation(file: file, offset: offset, length: length)
        status = object["status"].flatMap(Int.init)
        if let file = object["orig.filename"], let offset = object["orig.offset"].flatMap(Int.init),
           let length = object["orig.length"].flatMap(Int.init) {
            original = WARCLocation(file: file, offset: offset, length: length)
        }
        let mime = object["mime"]
        if mime == "warc/revisit" { kind = .revisit; self.mime = nil }
        else { kind = object["recordtype"] == "resource" ? .resource : .response; self.mime = mime == "unk" ? nil : mime }
    }

    /// `20261126023000` → `2026-11-26T02:30:00Z`; a shorter timestamp (CDX allows one) is padded
    /// with zeros, a longer one cut.
    static func isoDate(_ timestamp: ArraySlice<UInt8>) -> String {
        var digits = Array(timestamp.prefix(14))
        digits += repeatElement(UInt8(ascii: "0"), count: 14 - digits.count)
        var out: [UInt8] = []
        out.reserveCapacity(20)
        for (index, digit) in digits.enumerated() {
            switch index {
            case 4, 6: out.append(UInt8(ascii: "-"))
            case 8: out.append(UInt8(ascii: "T"))
            case 10, 12: out.append(UInt8(ascii: ":"))
            default: break
            }
            out.append(digit)
        }
        out.append(UInt8(ascii: "Z"))
        return String(decoding: out, as: UTF8.self)
    }

    static func quote(_ text: String) -> String {
        var out = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            default:
                if scalar.value < 0x20 { out += String(format: "\\u%04x", scalar.value) } else { out.unicodeScalars.append(scalar) }
            }
        }
        return out + "\""
    }
}

/// The JSON block of a CDXJ line when it is a flat object whose values are all strings, as
/// `WARCCapture.cdxjLine` writes it: `{"url": "…", "offset": "…"}` (`JSONFlatObject`). Nil for
/// anything else (numbers, nesting, a malformed escape, trailing bytes), which the caller hands
/// to a full parser.
enum CDXJFields {
    static func strings(_ bytes: ArraySlice<UInt8>) -> [String: String]? {
        guard let fields = JSONFlatObject.fields(bytes) else { return nil }
        var strings: [String: String] = [:]
        for (key, value) in fields {
            guard case .string(let text) = value else { return nil }
            strings[key] = text
        }
        return strings
    }
}

/// Sort-friendly URL keys (SURT, as CDX indexes and pywb use): host labels reversed and joined by
/// commas, `www.` dropped, then `)` and the path, all lower case (`com,example)/news/a.html`).
/// URIs without a host (`file:`, `urn:`) are their own key.
public enum WARCSurt {
    public static func key(_ url: String) -> String {
        guard let components = URLComponents(string: url), let host = components.host?.lowercased(), !host.isEmpty,
              let scheme = components.scheme?.lowercased(), scheme == "http" || scheme == "https" else { return url.lowercased() }
        var labels = host.split(separator: ".").map(String.init)
        if labels.first == "www" { labels.removeFirst() }
        var key = labels.reversed().joined(separator: ",")
        if let port = components.port, !(scheme == "http" && port == 80) && !(scheme == "https" && port == 443) { key += ":\(port)" }
        var path = components.percentEncodedPath
        if path.isEmpty { path = "/" }
        if let query = components.percentEncodedQuery, !query.isEmpty { path += "?" + query }
        return key + ")" + path.lowercased()
    }
}
