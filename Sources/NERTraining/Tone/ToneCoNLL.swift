import Foundation
import NewsEntities

/// A CoNLL-2003 document as plain text (tokens joined by spaces, sentences by line breaks) with
/// its entity chunks in Unicode-scalar offsets.
public struct ToneCoNLLDocument: Sendable {
    public var index: Int
    /// Section label of the headline ("SOCCER" in "SOCCER - ..."), if any.
    public var section: String?
    public var text: String
    public var entities: [(span: Range<Int>, type: String)]
}

public enum ToneCoNLL {
    /// Reuters section labels of sports stories (the CoNLL headline prefix "SOCCER - ..."). Used only to
    /// label training documents as non-financial context, never as a model feature.
    public static let sportsSections: Set<String> = [
        "SOCCER", "CRICKET", "BASEBALL", "TENNIS", "CYCLING", "GOLF", "ATHLETICS", "RUGBY UNION",
        "RUGBY LEAGUE", "RALLYING", "MOTOR RACING", "BASKETBALL", "HORSE RACING", "BADMINTON",
        "MOTORCYCLING", "SQUASH", "MOTOCROSS", "SWIMMING", "ICE HOCKEY", "ROWING", "HOCKEY", "BOXING",
        "SKIING", "AMERICAN FOOTBALL", "NFL", "NBA", "NHL", "VOLLEYBALL", "HANDBALL", "SAILING", "JUDO",
        "WRESTLING", "TABLE TENNIS", "SNOOKER", "CHESS", "GYMNASTICS", "TRIATHLON", "EQUESTRIANISM",
        "SPEED SKATING", "FIGURE SKATING", "ALPINE SKIING", "NORDIC SKIING", "SUMO", "FENCING", "DIVING",
    ]

    /// Documents of a CoNLL-2003 file (`word POS chunk NER` columns, IOB1). The section prefix of a
    /// headline ("SOCCER -") is dropped from the text: real articles do not carry it.
    public static func read(_ url: URL) throws -> [ToneCoNLLDocument] {
        let raw: String
        do { raw = try String(contentsOf: url, encoding: .utf8) } catch { throw ToneError.io("cannot read \(url.path)") }
        var docs: [[[(String, String)]]] = []
        var sentence: [(String, String)] = []
        func flush() { if !sentence.isEmpty { if docs.isEmpty { docs.append([]) }; docs[docs.count - 1].append(sentence); sentence = [] } }
        for line in raw.split(separator: "\n", omittingEmptySubsequences: false) {
            if line.hasPrefix("-DOCSTART-") { flush(); docs.append([]); continue }
            if line.trimmingCharacters(in: .whitespaces).isEmpty { flush(); continue }
            let f = line.split(separator: " ")
            guard f.count >= 2 else { continue }
            sentence.append((String(f[0]), String(f[f.count - 1])))
        }
        flush()
        return docs.enumerated().compactMap { i, d in d.isEmpty ? nil : build(i, d) }
    }

    static func build(_ index: Int, _ sentences: [[(String, String)]]) -> ToneCoNLLDocument {
        var sentences = sentences
        var section: String? = nil
        if let head = sentences.first, let dash = head.firstIndex(where: { $0.0 == "-" }), dash > 0, dash < 4 {
            let label = head[..<dash].map(\.0).joined(separator: " ")
            if label == label.uppercased(), label.contains(where: \.isLetter) {
                section = label
                let rest = Array(head[(dash + 1)...])
                if rest.isEmpty { sentences.removeFirst() } else { sentences[0] = rest }
            }
        }
        var text = ""
        var pos = 0
        var ents: [(span: Range<Int>, type: String)] = []
        for (si, s) in sentences.enumerated() {
            if si > 0 { text += "\n"; pos += 1 }
            var open: (start: Int, type: String)? = nil
            var lastEnd = pos
            for (ti, (w, tag)) in s.enumerated() {
                if ti > 0 { text += " "; pos += 1 }
                let start = pos
                text += w; pos += w.unicodeScalars.count
                let type = tag == "O" ? nil : String(tag.dropFirst(2))
                let begins = tag.hasPrefix("B-") || type != open?.type
                if let o = open, type == nil || begins { ents.append((o.start..<lastEnd, o.type)); open = nil }
                if let t = type, open == nil { open = (start, t) }
                lastEnd = pos
            }
            if let o = open { ents.append((o.start..<lastEnd, o.type)) }
        }
        return ToneCoNLLDocument(index: index, section: section, text: text, entities: ents)
    }
}
