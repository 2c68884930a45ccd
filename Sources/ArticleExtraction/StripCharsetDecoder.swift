#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Decides a page's character encoding and hands libxml2 clean UTF-8.
///
/// Order of evidence: byte-order mark, then the bytes themselves when they are valid UTF-8 with
/// multi-byte sequences (a declared single-byte charset loses to them), then the HTTP header,
/// then `<meta charset>` / `http-equiv`, then windows-1252. Undecodable bytes become U+FFFD
/// and decoding goes on, so no text after a bad byte is lost.
struct StripCharsetDecoder {
    /// The UTF-8 bytes and the charset they were decoded from (for provenance and tests).
    struct Decoded {
        var utf8: [UInt8]
        var charset: String
        var source: String
    }

    static func decode(_ bytes: [UInt8], contentType: String?) -> Decoded {
        // Byte-order marks are the strongest evidence there is.
        if bytes.count >= 3, bytes[0] == 0xEF, bytes[1] == 0xBB, bytes[2] == 0xBF {
            return Decoded(utf8: repairUTF8(Array(bytes[3...])), charset: "utf-8", source: "bom")
        }
        if bytes.count >= 2, bytes[0] == 0xFF, bytes[1] == 0xFE {
            return Decoded(utf8: utf16(bytes, from: 2, littleEndian: true),
                           charset: "utf-16le", source: "bom")
        }
        if bytes.count >= 2, bytes[0] == 0xFE, bytes[1] == 0xFF {
            return Decoded(utf8: utf16(bytes, from: 2, littleEndian: false),
                           charset: "utf-16be", source: "bom")
        }
        if let littleEndian = looksLikeUTF16(bytes) {
            return Decoded(utf8: utf16(bytes, from: 0, littleEndian: littleEndian),
                           charset: littleEndian ? "utf-16le" : "utf-16be", source: "bytes")
        }
        let scan = scanUTF8(bytes)
        // Valid UTF-8 with multi-byte sequences wins over any declaration: no need to read one.
        if scan.invalid == 0 && scan.multibyte > 0 {
            return Decoded(utf8: stripNUL(bytes), charset: "utf-8", source: "bytes")
        }
        let headerCharset = contentType.flatMap(charsetParameter)
        let metaCharset = headerCharset == nil ? sniffMetaCharset(bytes) : nil
        let declared = headerCharset ?? metaCharset
        let declaredSource = headerCharset != nil ? "http-header" : "meta"

        if scan.invalid == 0 {
            // Pure ASCII is identical in every ASCII-compatible charset; only the 7-bit
            // escape encodings (ISO-2022-*) still need a decoder.
            if scan.multibyte == 0, let declared, declared.hasPrefix("iso-2022") {
                return Decoded(utf8: transcode(bytes, from: declared), charset: declared,
                               source: declaredSource)
            }
            return Decoded(utf8: stripNUL(bytes), charset: "utf-8",
                           source: scan.multibyte > 0 ? "bytes" : (declared == nil ? "default" : declaredSource))
        }
        // Mostly valid UTF-8 with a few stray bytes: repair rather than misdecode it all.
        if scan.multibyte > 0 && scan.invalid * 20 <= scan.multibyte {
            return Decoded(utf8: repairUTF8(bytes), charset: "utf-8", source: "bytes")
        }
        if let declared, !isUTF8Name(declared), !declared.hasPrefix("utf-16") {
            return Decoded(utf8: transcode(bytes, from: declared), charset: declared,
                           source: declaredSource)
        }
        // Undeclared (or declared UTF-8 but plainly not): CJK and Cyrillic charsets are told from
        // their bytes; anything else gets the web's default legacy charset.
        if let guess = StripCharsetDetector.detect(bytes) {
            return Decoded(utf8: transcode(bytes, from: guess.charset), charset: guess.charset, source: "detector")
        }
        if let declared, isUTF8Name(declared), scan.multibyte > 0 {
            return Decoded(utf8: repairUTF8(bytes), charset: "utf-8", source: declaredSource)
        }
        return Decoded(utf8: windows1252(bytes), charset: "windows-1252", source: "bytes")
    }

    // MARK: - Evidence

    /// `charset=` parameter of a Content-Type value, lower-cased and unquoted.
    static func charsetParameter(_ contentType: String) -> String? {
        let lower = contentType.lowercased()
        guard let range = lower.range(of: "charset") else { return nil }
        var rest = lower[range.upperBound...].drop { $0 == " " || $0 == "=" }
        rest = rest.drop { $0 == "\"" || $0 == "'" }
        let name = rest.prefix { $0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" || $0 == ":" || $0 == "." }
        return name.isEmpty ? nil : normalizedName(String(name))
    }

    /// Finds `charset=` inside a `<meta>` tag in the first 4 KB, as browsers pre-scan.
    static func sniffMetaCharset(_ bytes: [UInt8]) -> String? {
        let limit = min(bytes.count, 4096)
        var head = [UInt8](bytes[0..<limit])
        for i in 0..<head.count where head[i] >= 65 && head[i] <= 90 { head[i] += 32 }
        let meta = Array("<meta".utf8)
        let charset = Array("charset".utf8)
        var i = 0
        while i + meta.count <= head.count {
            guard head[i] == meta[0], Array(head[i..<(i + meta.count)]) == meta else {
                i += 1
                continue
            }
            var tagEnd = i + meta.count
            while tagEnd < head.count && head[tagEnd] != UInt8(ascii: ">") { tagEnd += 1 }
            var j = i + meta.count
            while j + charset.count <= tagEnd {
                if head[j] == charset[0] && Array(head[j..<(j + charset.count)]) == charset {
                    var k = j + charset.count
                    while k < tagEnd && (head[k] == 0x20 || head[k] == UInt8(ascii: "=")
                                         || head[k] == 0x22 || head[k] == 0x27) { k += 1 }
                    var name: [UInt8] = []
                    while k < tagEnd {
                        let c = head[k]
                        let ok = (c >= 0x61 && c <= 0x7A) || (c >= 0x30 && c <= 0x39)
                            || c == UInt8(ascii: "-") || c == UInt8(ascii: "_")
                        if !ok { break }
                        name.append(c)
                        k += 1
                    }
                    if !name.isEmpty { return normalizedName(String(decoding: name, as: UTF8.self)) }
                }
                j += 1
            }
            i = tagEnd
        }
        return nil
    }

    /// Counts of well-formed multi-byte sequences and of invalid bytes.
    static func scanUTF8(_ bytes: [UInt8]) -> (multibyte: Int, invalid: Int) {
        var multibyte = 0
        var invalid = 0
        bytes.withUnsafeBufferPointer { buffer in
            let n = buffer.count
            guard let base = buffer.baseAddress else { return }
            let raw = UnsafeRawPointer(base)
            var i = 0
            while i < n {
                // ASCII eight bytes at a time.
                while i + 8 <= n && raw.loadUnaligned(fromByteOffset: i, as: UInt64.self) & 0x8080_8080_8080_8080 == 0 { i += 8 }
                guard i < n else { break }
                let byte = buffer[i]
                if byte < 0x80 { i += 1; continue }
                let need: Int
                var minimum: UInt32
                var scalar: UInt32
                if byte & 0xE0 == 0xC0 { need = 1; minimum = 0x80; scalar = UInt32(byte & 0x1F) }
                else if byte & 0xF0 == 0xE0 { need = 2; minimum = 0x800; scalar = UInt32(byte & 0x0F) }
                else if byte & 0xF8 == 0xF0 { need = 3; minimum = 0x10000; scalar = UInt32(byte & 0x07) }
                else { invalid += 1; i += 1; continue }
                if i + need >= n {
                    // A sequence cut by the end of the page (truncated download) is not evidence.
                    break
                }
                var ok = true
                for k in 1...need {
                    let next = buffer[i + k]
                    if next & 0xC0 != 0x80 { ok = false; break }
                    scalar = (scalar << 6) | UInt32(next & 0x3F)
                }
                if ok && scalar >= minimum && scalar <= 0x10FFFF && !(0xD800...0xDFFF).contains(scalar) {
                    multibyte += 1
                    i += need + 1
                } else {
                    invalid += 1
                    i += 1
                }
            }
        }
        return (multibyte, invalid)
    }

    /// UTF-16 without a BOM: many NUL bytes on one side of the byte pairs near the start.
    private static func looksLikeUTF16(_ bytes: [UInt8]) -> Bool? {
        let limit = min(bytes.count, 1024) & ~1
        guard limit >= 16 else { return nil }
        var evenZeros = 0
        var oddZeros = 0
        var i = 0
        while i < limit {
            if bytes[i] == 0 { evenZeros += 1 }
            if bytes[i + 1] == 0 { oddZeros += 1 }
            i += 2
        }
        let pairs = limit / 2
        if oddZeros * 10 > pairs * 6 && evenZeros * 10 < pairs { return true }
        if evenZeros * 10 > pairs * 6 && oddZeros * 10 < pairs { return false }
        return nil
    }

    // MARK: - Decoders

    static func repairUTF8(_ bytes: [UInt8]) -> [UInt8] {
        stripNUL(Array(String(decoding: bytes, as: UTF8.self).utf8))
    }

    /// NUL bytes would end libxml2's view of the text early; they carry nothing in HTML.
    private static func stripNUL(_ bytes: [UInt8]) -> [UInt8] {
        let hasNUL = bytes.withUnsafeBufferPointer { $0.count > 0 && memchr($0.baseAddress!, 0, $0.count) != nil }
        guard hasNUL else { return bytes }
        return bytes.map { $0 == 0 ? 0x20 : $0 }
    }

    private static func utf16(_ bytes: [UInt8], from start: Int, littleEndian: Bool) -> [UInt8] {
        var units: [UInt16] = []
        units.reserveCapacity((bytes.count - start) / 2)
        var i = start
        while i + 1 < bytes.count {
            let a = UInt16(bytes[i]), b = UInt16(bytes[i + 1])
            units.append(littleEndian ? (b << 8 | a) : (a << 8 | b))
            i += 2
        }
        return stripNUL(Array(String(decoding: units, as: UTF16.self).utf8))
    }

    /// windows-1252 (and ISO-8859-1, which browsers decode as windows-1252) by table.
    static func windows1252(_ bytes: [UInt8]) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count + bytes.count / 8)
        for byte in bytes {
            if byte == 0 { out.append(0x20); continue }
            if byte < 0x80 { out.append(byte); continue }
            let scalar: UInt32 = byte < 0xA0 ? stripWindows1252High[Int(byte - 0x80)] : UInt32(byte)
            appendScalar(scalar, to: &out)
        }
        return out
    }

    private static func appendScalar(_ scalar: UInt32, to out: inout [UInt8]) {
        if scalar < 0x80 {
            out.append(UInt8(scalar))
        } else if scalar < 0x800 {
            out.append(UInt8(0xC0 | (scalar >> 6)))
            out.append(UInt8(0x80 | (scalar & 0x3F)))
        } else if scalar < 0x10000 {
            out.append(UInt8(0xE0 | (scalar >> 12)))
            out.append(UInt8(0x80 | ((scalar >> 6) & 0x3F)))
            out.append(UInt8(0x80 | (scalar & 0x3F)))
        } else {
            out.append(UInt8(0xF0 | (scalar >> 18)))
            out.append(UInt8(0x80 | ((scalar >> 12) & 0x3F)))
            out.append(UInt8(0x80 | ((scalar >> 6) & 0x3F)))
            out.append(UInt8(0x80 | (scalar & 0x3F)))
        }
    }

    /// Any other charset through iconv; an undecodable byte becomes U+FFFD and decoding resumes.
    static func transcode(_ bytes: [UInt8], from charset: String) -> [UInt8] {
        guard !bytes.isEmpty else { return [] }
        if charset == "windows-1252" || charset == "iso-8859-1" || charset == "us-ascii" {
            return windows1252(bytes)
        }
        let iconvName = stripIconvNames[charset] ?? charset.uppercased()
        let descriptor = iconv_open("UTF-8", iconvName)
        if descriptor == iconv_t(bitPattern: -1) {
            return windows1252(bytes)
        }
        defer { iconv_close(descriptor) }
        var output = [UInt8](repeating: 0, count: bytes.count * 3 + 16)
        var produced = 0
        var input = bytes
        input.withUnsafeMutableBufferPointer { inBuffer in
            var inPointer: UnsafeMutablePointer<CChar>? = UnsafeMutableRawPointer(inBuffer.baseAddress!)
                .assumingMemoryBound(to: CChar.self)
            var inLeft = inBuffer.count
            while inLeft > 0 {
                if output.count - produced < 64 {
                    output.append(contentsOf: [UInt8](repeating: 0, count: output.count))
                }
                var outLeft = output.count - produced
                let result: Int = output.withUnsafeMutableBufferPointer { outBuffer in
                    var outPointer: UnsafeMutablePointer<CChar>? = UnsafeMutableRawPointer(
                        outBuffer.baseAddress! + produced).assumingMemoryBound(to: CChar.self)
                    let r = iconv(descriptor, &inPointer, &inLeft, &outPointer, &outLeft)
                    produced = outBuffer.count - outLeft
                    return r
                }
                if result == -1 {
                    if errno == E2BIG { continue }
                    // EILSEQ or EINVAL: replace one byte and go on.
                    if output.count - produced < 8 {
                        output.append(contentsOf: [UInt8](repeating: 0, count: 64))
                    }
                    output[produced] = 0xEF; output[produced + 1] = 0xBF; output[produced + 2] = 0xBD
                    produced += 3
                    inPointer = inPointer.map { $0 + 1 }
                    inLeft -= 1
                }
            }
        }
        output.removeSubrange(produced...)
        return stripNUL(output)
    }

    private static func isUTF8Name(_ name: String) -> Bool {
        name == "utf-8" || name == "utf8"
    }

    /// Lower-cased WHATWG-style label with common aliases folded.
    static func normalizedName(_ raw: String) -> String {
        let name = raw.lowercased()
        switch name {
        case "utf8", "unicode-1-1-utf-8": return "utf-8"
        case "latin1", "latin-1", "iso-8859-1", "iso8859-1", "iso_8859-1", "l1", "cp1252", "x-cp1252", "ascii":
            return "windows-1252"
        case "sjis", "x-sjis", "shift-jis", "ms_kanji", "windows-31j", "cp932": return "shift_jis"
        case "gb2312", "gbk", "x-gbk", "cp936", "chinese", "csgb2312": return "gbk"
        case "unicode", "utf-16": return "utf-16le"
        default: return name
        }
    }
}

/// iconv names for labels where glibc wants a superset or another spelling.
private let stripIconvNames: [String: String] = [
    "shift_jis": "CP932",
    "gbk": "GB18030",
    "gb18030": "GB18030",
    "euc-kr": "CP949",
    "ks_c_5601-1987": "CP949",
    "big5": "BIG5-HKSCS",
    "euc-jp": "EUC-JP",
    "iso-8859-15": "ISO-8859-15",
    "koi8-r": "KOI8-R",
    "windows-1251": "CP1251",
    "windows-1250": "CP1250",
    "tis-620": "CP874",
    "ibm866": "CP866",
]

/// windows-1252 code points of bytes 0x80...0x9F (undefined ones map to themselves, as browsers).
private let stripWindows1252High: [UInt32] = [
    0x20AC, 0x81, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021,
    0x02C6, 0x2030, 0x0160, 0x2039, 0x0152, 0x8D, 0x017D, 0x8F,
    0x90, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013, 0x2014,
    0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0x9D, 0x017E, 0x0178,
]
