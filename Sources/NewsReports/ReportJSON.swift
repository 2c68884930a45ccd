import Foundation

/// A JSON value with ordered object keys, for report files whose layout should read well and be
/// byte-stable (`run.json`, `datapackage.json`, the snapshot for the next run).
///
/// `JSONEncoder` would reorder keys alphabetically, apply the snake_case strategy to dictionary
/// keys (rejection reasons) and print doubles in shortest form; here numbers have fixed precision.
indirect enum ReportJSON: Sendable, Equatable {
    case object([(String, ReportJSON)])
    case array([ReportJSON])
    case string(String)
    case integer(Int)
    case number(Double, digits: Int)
    case bool(Bool)
    case null

    static func == (a: ReportJSON, b: ReportJSON) -> Bool { a.rendered() == b.rendered() }

    static func optional(_ value: String?) -> ReportJSON { value.map(ReportJSON.string) ?? .null }

    /// Two-space indented JSON with a trailing newline.
    func rendered() -> String {
        var out = ""
        write(into: &out, indent: 0)
        out.append("\n")
        return out
    }

    private func write(into out: inout String, indent: Int) {
        let pad = String(repeating: "  ", count: indent + 1)
        let closePad = String(repeating: "  ", count: indent)
        switch self {
        case .object(let members):
            guard !members.isEmpty else { out.append("{}"); return }
            out.append("{\n")
            for (index, (key, value)) in members.enumerated() {
                out.append(pad)
                out.append(Self.quoted(key))
                out.append(": ")
                value.write(into: &out, indent: indent + 1)
                out.append(index + 1 < members.count ? ",\n" : "\n")
            }
            out.append(closePad + "}")
        case .array(let values):
            guard !values.isEmpty else { out.append("[]"); return }
            out.append("[\n")
            for (index, value) in values.enumerated() {
                out.append(pad)
                value.write(into: &out, indent: indent + 1)
                out.append(index + 1 < values.count ? ",\n" : "\n")
            }
            out.append(closePad + "]")
        case .string(let text): out.append(Self.quoted(text))
        case .integer(let value): out.append(String(value))
        case .number(let value, let digits):
            out.append(value.isFinite ? ReportFormat.fixed(value, digits: digits) : "null")
        case .bool(let value): out.append(value ? "true" : "false")
        case .null: out.append("null")
        }
    }

    /// A JSON string literal; `<`, `>` and `&` are escaped too so the text is safe inside HTML.
    static func quoted(_ text: String) -> String {
        var out = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out.append("\\\"")
            case "\\": out.append("\\\\")
            case "\n": out.append("\\n")
            case "\r": out.append("\\r")
            case "\t": out.append("\\t")
            case "<", ">", "&", "\u{2028}", "\u{2029}":
                out.append("\\u" + Self.hex4(scalar.value))
            default:
                if scalar.value < 0x20 { out.append("\\u" + Self.hex4(scalar.value)) } else { out.unicodeScalars.append(scalar) }
            }
        }
        out.append("\"")
        return out
    }

    private static func hex4(_ value: UInt32) -> String {
        let digits = String(value, radix: 16)
        return String(repeating: "0", count: max(0, 4 - digits.count)) + digits
    }
}
