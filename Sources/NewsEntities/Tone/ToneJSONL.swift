import Foundation

/// One line of the JSONL formats: `{"id": 7, "text": "...", "entities": [{"name": "EXL", "tone": "positive"}]}`
/// (`tone` is optional on input).
public struct ToneItem: Sendable {
    /// The `id` value, re-encoded as JSON (a number or a string), written back unchanged.
    public var idJSON: String
    public var text: String
    public var entities: [(name: String, tone: ToneLabel?)]

    public init(idJSON: String, text: String, entities: [(name: String, tone: ToneLabel?)]) {
        self.idJSON = idJSON; self.text = text; self.entities = entities
    }
}

public enum ToneJSONL {
    public static func read(_ url: URL) throws -> [ToneItem] {
        let data: Data
        do { data = try Data(contentsOf: url) } catch { throw ToneError.io("cannot read \(url.path): \(error)") }
        var items: [ToneItem] = []
        for (n, line) in data.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false).enumerated() {
            guard line.contains(where: { $0 != 0x20 && $0 != 0x0d && $0 != 0x09 }) else { continue }
            items.append(try parse(Data(line), line: n + 1))
        }
        return items
    }

    public static func parse(_ line: Data, line n: Int = 0) throws -> ToneItem {
        guard let obj = (try? JSONSerialization.jsonObject(with: line)) as? [String: Any] else {
            throw ToneError.data("line \(n): not a JSON object")
        }
        guard let text = obj["text"] as? String else { throw ToneError.data("line \(n): no text") }
        let id = obj["id"] ?? NSNull()
        let idData = try JSONSerialization.data(withJSONObject: id, options: [.fragmentsAllowed])
        var ents: [(name: String, tone: ToneLabel?)] = []
        for e in obj["entities"] as? [[String: Any]] ?? [] {
            guard let name = e["name"] as? String else { throw ToneError.data("line \(n): entity without name") }
            ents.append((name, (e["tone"] as? String).flatMap { ToneLabel(label: $0) }))
        }
        return ToneItem(idJSON: String(decoding: idData, as: UTF8.self), text: text, entities: ents)
    }

    /// `{"id": …, "entities": [{"name": …, "tone": …, "confidence": …}]}` with the text kept when asked.
    public static func line(_ item: ToneItem, predictions: [TonePrediction], includeText: Bool = true,
                            probabilities: Bool = false) -> String {
        var s = "{\"id\": \(item.idJSON)"
        if includeText { s += ", \"text\": " + quote(item.text) }
        s += ", \"entities\": ["
        for (i, (e, p)) in zip(item.entities, predictions).enumerated() {
            if i > 0 { s += ", " }
            let conf = (p.confidence * 10000).rounded() / 10000
            s += "{\"name\": \(quote(e.name)), \"tone\": \"\(p.tone.rawValue)\", \"confidence\": \(String(format: "%.4f", conf))"
            if probabilities && p.probabilities.count == 3 {
                s += String(format: ", \"probabilities\": [%.4f, %.4f, %.4f]", p.probabilities[0], p.probabilities[1], p.probabilities[2])
            }
            s += "}"
        }
        return s + "]}"
    }

    public static func quote(_ s: String) -> String {
        var o = "\""
        for u in s.unicodeScalars {
            switch u {
            case "\"": o += "\\\""
            case "\\": o += "\\\\"
            case "\n": o += "\\n"
            case "\r": o += "\\r"
            case "\t": o += "\\t"
            default:
                if u.value < 0x20 { o += String(format: "\\u%04x", u.value) } else { o.unicodeScalars.append(u) }
            }
        }
        return o + "\""
    }
}
