import Foundation

/// Reads a flat JSON object (string, number, `true`, `false` and `null` values, no nesting) into
/// its fields without a JSON parser: the report's mention lines and the fetch stage's CDXJ index
/// lines are read this way, many thousands a night.
///
/// Anything else returns nil: nesting, invalid UTF-8 or escapes, a control character in a string,
/// a repeated key, bytes after the object. The caller then hands the line to a full parser
/// (`JSONDecoder`, `JSONSerialization`), which decides and words the error, so a line is never
/// read differently from the parser's reading.
public enum JSONFlatObject {
    public enum Value: Sendable, Equatable {
        case string(String)
        /// The number's characters as written.
        case number(ArraySlice<UInt8>)
        /// `true`, `false` or `null`.
        case other
    }

    public static func fields(_ line: ArraySlice<UInt8>) -> [String: Value]? {
        var index = line.startIndex
        let end = line.endIndex
        func skipSpace() {
            while index < end, line[index] == 0x20 || line[index] == 0x09 || line[index] == 0x0A || line[index] == 0x0D {
                index += 1
            }
        }
        func string() -> String? {
            guard index < end, line[index] == 0x22 else { return nil }
            index += 1
            let start = index
            var plain = true
            while index < end, line[index] != 0x22 {
                if line[index] == 0x5C { plain = false; index += 2; continue }
                if line[index] < 0x20 { return nil }
                index += 1
            }
            guard index < end else { return nil }
            let body = line[start..<index]
            index += 1
            return plain ? String(validating: body, as: UTF8.self) : unescape(body)
        }
        func value() -> Value? {
            guard index < end else { return nil }
            switch line[index] {
            case 0x22: return string().map(Value.string)
            case 0x2D, 0x30...0x39:
                let start = index
                while index < end, (0x30...0x39).contains(line[index]) || line[index] == 0x2D || line[index] == 0x2B
                        || line[index] == 0x2E || line[index] == 0x65 || line[index] == 0x45 {
                    index += 1
                }
                return .number(line[start..<index])
            default:
                for word in [Array("null".utf8), Array("true".utf8), Array("false".utf8)]
                where line[index...].starts(with: word) {
                    index += word.count
                    return .other
                }
                return nil
            }
        }

        var fields: [String: Value] = [:]
        skipSpace()
        guard index < end, line[index] == 0x7B else { return nil }
        index += 1
        skipSpace()
        if index < end, line[index] == 0x7D {
            index += 1
        } else {
            while true {
                skipSpace()
                guard let key = string() else { return nil }
                skipSpace()
                guard index < end, line[index] == 0x3A else { return nil }
                index += 1
                skipSpace()
                guard let parsed = value(), fields.updateValue(parsed, forKey: key) == nil else { return nil }
                skipSpace()
                guard index < end else { return nil }
                if line[index] == 0x2C { index += 1; continue }
                guard line[index] == 0x7D else { return nil }
                index += 1
                break
            }
        }
        skipSpace()
        return index == end ? fields : nil
    }

    /// Decodes a JSON string body with escapes; nil for invalid escapes or UTF-8.
    static func unescape(_ body: ArraySlice<UInt8>) -> String? {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(body.count)
        var index = body.startIndex
        func hex4(_ at: Int) -> UInt32? {
            guard at + 4 <= body.endIndex else { return nil }
            var value: UInt32 = 0
            for byte in body[at..<(at + 4)] {
                let digit: UInt8
                switch byte {
                case 0x30...0x39: digit = byte - 0x30
                case 0x41...0x46: digit = byte - 0x41 + 10
                case 0x61...0x66: digit = byte - 0x61 + 10
                default: return nil
                }
                value = value << 4 | UInt32(digit)
            }
            return value
        }
        while index < body.endIndex {
            let byte = body[index]
            guard byte == 0x5C else { bytes.append(byte); index += 1; continue }
            guard index + 1 < body.endIndex else { return nil }
            let escape = body[index + 1]
            index += 2
            switch escape {
            case 0x22, 0x5C, 0x2F: bytes.append(escape)
            case 0x62: bytes.append(0x08)
            case 0x66: bytes.append(0x0C)
            case 0x6E: bytes.append(0x0A)
            case 0x72: bytes.append(0x0D)
            case 0x74: bytes.append(0x09)
            case 0x75:
                guard var scalar = hex4(index) else { return nil }
                index += 4
                if (0xD800...0xDBFF).contains(scalar) {
                    guard index + 1 < body.endIndex, body[index] == 0x5C, body[index + 1] == 0x75,
                          let low = hex4(index + 2), (0xDC00...0xDFFF).contains(low) else { return nil }
                    index += 6
                    scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
                }
                guard let unicode = Unicode.Scalar(scalar) else { return nil }
                bytes.append(contentsOf: Array(String(Character(unicode)).utf8))
            default:
                return nil
            }
        }
        return String(validating: bytes, as: UTF8.self)
    }
}

extension JSONFlatObject {
    /// A member read as `String?` where `JSONDecoder` would certainly agree: absent is `.some(nil)`,
    /// a string its value; anything else (`null`, a boolean, a number) is nil, for the decoder to
    /// decide (it accepts `null`, rejects the others).
    public static func optionalString(_ field: Value?) -> String?? {
        switch field {
        case nil: return .some(nil)
        case .string(let value)?: return .some(value)
        case .other?, .number?: return nil
        }
    }

    /// A member read as `Int?` where `JSONDecoder` would certainly agree: absent is `.some(nil)`,
    /// a number written as a whole `Int` its value; anything else is nil, for the decoder to decide.
    public static func optionalInteger(_ field: Value?) -> Int?? {
        switch field {
        case nil: return .some(nil)
        case .number(let digits)?: return Int(String(decoding: digits, as: UTF8.self)).map { .some($0) }
        case .other?, .string?: return nil
        }
    }
}
