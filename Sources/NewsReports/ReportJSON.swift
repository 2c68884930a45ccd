import Foundation
import NewsIO

/// A JSON value with ordered object keys, for report files whose layout should read well and be
/// byte-stable (`run.json`, `datapackage.json`, the snapshot for the next run).
///
/// `JSONEncoder` would reorder keys alphabetically, apply the snake_case strategy to dictionary
/// keys (rejection reasons) and print doubles in shortest form; here numbers have fixed precision.
indirect enum ReportJSON: Sendable, Equatable {
    case object([(String, ReportJSON)])
    case array([ReportJSON])
    /// An array whose `count` elements are made one at a time as they are written, for long
    /// lists (every entity of a night) that need not exist as a tree all at once.
    case generated(count: Int, element: @Sendable (Int) -> ReportJSON)
    case string(String)
    case integer(Int)
    case number(Double, digits: Int)
    case bool(Bool)
    case null

    static func == (a: ReportJSON, b: ReportJSON) -> Bool { a.rendered() == b.rendered() }

    static func optional(_ value: String?) -> ReportJSON { value.map(ReportJSON.string) ?? .null }

    /// Two-space indented JSON with a trailing newline.
    func rendered() -> String {
        var whole = ""
        stream(pieceBytes: .max) { whole += $0 }
        return whole
    }

    /// `rendered()` handed to `sink` in pieces of about `pieceBytes` (cut between array elements).
    func stream(pieceBytes: Int = 1 << 20, to sink: (String) throws -> Void) rethrows {
        var out = ""
        try write(into: &out, indent: 0, pieceBytes: pieceBytes, sink: sink)
        out.append("\n")
        try sink(out)
    }

    /// Writes the value to `url` atomically, a piece at a time.
    func write(to url: URL) throws {
        let file = try AtomicFile(url)
        try stream { try file.write($0) }
        try file.commit()
    }

    private func write(into out: inout String, indent: Int, pieceBytes: Int, sink: (String) throws -> Void) rethrows {
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
                try value.write(into: &out, indent: indent + 1, pieceBytes: pieceBytes, sink: sink)
                out.append(index + 1 < members.count ? ",\n" : "\n")
            }
            out.append(closePad + "}")
        case .array(let values):
            try ReportJSON.generated(count: values.count) { values[$0] }
                .write(into: &out, indent: indent, pieceBytes: pieceBytes, sink: sink)
        case .generated(let count, let element):
            guard count > 0 else { out.append("[]"); return }
            out.append("[\n")
            for index in 0 ..< count {
                out.append(pad)
                try element(index).write(into: &out, indent: indent + 1, pieceBytes: pieceBytes, sink: sink)
                out.append(index + 1 < count ? ",\n" : "\n")
                if out.utf8.count >= pieceBytes {
                    try sink(out)
                    out = ""
                }
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
