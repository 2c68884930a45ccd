import Foundation

/// Compact JSON written straight into bytes, for the large JSON texts of the report (the page's
/// embedded data, the mention lines); `ReportJSON` remains the tree for small, indented files.
///
/// With `htmlSafe`, `<`, `>`, `&`, U+2028 and U+2029 are written as `\u003c` … so the text can sit
/// inside an HTML `<script>` element and no `</script`, `<!--` or `<script` can appear in it.
struct ReportJSONBytes {
    var bytes: [UInt8] = []
    let htmlSafe: Bool

    init(htmlSafe: Bool, capacity: Int = 0) {
        self.htmlSafe = htmlSafe
        bytes.reserveCapacity(capacity)
    }

    private static let hex: [UInt8] = Array("0123456789abcdef".utf8)

    mutating func raw(_ text: StaticString) {
        text.withUTF8Buffer { bytes.append(contentsOf: $0) }
    }

    mutating func raw(_ byte: UInt8) { bytes.append(byte) }

    mutating func integer(_ value: Int) {
        // Digits by hand: millions of numbers go into the page, and String(value) allocates.
        if value < 0 {
            bytes.append(0x2D)
            if value == Int.min { bytes.append(contentsOf: String(value).utf8.dropFirst()); return }
        }
        var magnitude = value < 0 ? -value : value
        if magnitude < 10 { bytes.append(0x30 + UInt8(magnitude)); return }
        var digits: (UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8,
                     UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8) =
            (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
        var count = 0
        withUnsafeMutableBytes(of: &digits) { buffer in
            while magnitude > 0 {
                buffer[count] = 0x30 + UInt8(magnitude % 10)
                magnitude /= 10
                count += 1
            }
            for index in stride(from: count - 1, through: 0, by: -1) { bytes.append(buffer[index]) }
        }
    }

    mutating func null() { raw("null") }

    mutating func bool(_ value: Bool) { if value { raw("true") } else { raw("false") } }

    mutating func optionalInteger(_ value: Int?) {
        if let value { integer(value) } else { null() }
    }

    mutating func optionalString(_ value: String?) {
        if let value { string(value) } else { null() }
    }

    /// A JSON string literal.
    mutating func string(_ text: String) {
        bytes.append(0x22)
        // Fast path: most text needs no escaping and is copied as it is.
        let plain = text.utf8.withContiguousStorageIfAvailable { buffer -> Bool in
            for byte in buffer where byte < 0x20 || byte == 0x22 || byte == 0x5C || (htmlSafe && (byte == 0x3C || byte == 0x3E || byte == 0x26 || byte == 0xE2)) {
                return false
            }
            bytes.append(contentsOf: buffer)
            return true
        }
        if plain != true { escape(text) }
        bytes.append(0x22)
    }

    private mutating func escape(_ text: String) {
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": raw("\\\"")
            case "\\": raw("\\\\")
            case "\n": raw("\\n")
            case "\r": raw("\\r")
            case "\t": raw("\\t")
            case "<", ">", "&", "\u{2028}", "\u{2029}":
                if htmlSafe { unicodeEscape(scalar.value) } else { bytes.append(contentsOf: String(scalar).utf8) }
            default:
                if scalar.value < 0x20 { unicodeEscape(scalar.value) } else { bytes.append(contentsOf: String(scalar).utf8) }
            }
        }
    }

    private mutating func unicodeEscape(_ value: UInt32) {
        raw("\\u")
        for shift in stride(from: 12, through: 0, by: -4) { bytes.append(Self.hex[Int((value >> UInt32(shift)) & 0xF)]) }
    }

    /// `[a,b,…]` of integers.
    mutating func integers<S: Sequence>(_ values: S) where S.Element: BinaryInteger {
        bytes.append(0x5B)
        var first = true
        for value in values {
            if !first { bytes.append(0x2C) }
            first = false
            integer(Int(value))
        }
        bytes.append(0x5D)
    }

    /// `[…]` of integers where `missing` prints as null.
    mutating func nullableIntegers(_ values: [Int32], missing: Int32) {
        bytes.append(0x5B)
        for (index, value) in values.enumerated() {
            if index > 0 { bytes.append(0x2C) }
            if value == missing { null() } else { integer(Int(value)) }
        }
        bytes.append(0x5D)
    }

    mutating func strings<S: Sequence>(_ values: S) where S.Element == String? {
        bytes.append(0x5B)
        var first = true
        for value in values {
            if !first { bytes.append(0x2C) }
            first = false
            optionalString(value)
        }
        bytes.append(0x5D)
    }

    /// `"key":` (with a leading comma unless it is the first member).
    mutating func key(_ name: StaticString, first: Bool = false) {
        if !first { bytes.append(0x2C) }
        bytes.append(0x22)
        raw(name)
        raw("\":")
    }
}
