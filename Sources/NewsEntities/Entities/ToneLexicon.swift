import Foundation
import NewsIO

/// One cue phrase of the tone lexicon, compiled to case-folded token hashes.
struct EntityToneCue: Sendable {
    let hashes: [UInt64]
    /// Positive for bullish, negative for bearish; zero for a neutral phrase, which takes its words
    /// away from the cues inside it ("declined to comment" is a refusal, not a fall).
    let weight: Double
    let phrase: String
}

/// Cue phrases that set the tone of a sentence towards a company ("shares fell", "upgraded").
///
/// File format (UTF-8, `#` comments): `phrase<TAB>bullish|bearish|neutral<TAB>weight` per line; the
/// weight is optional (default 1; a neutral phrase has none). Phrases match case-insensitively on
/// whole words, the longest at a position first, so a neutral phrase masks the shorter cues it
/// starts with: `declined to comment` (neutral) keeps `declined` (bearish) from firing there.
public struct ToneLexicon: Sendable {
    /// First-token hash -> cues starting with it, longest first.
    let cues: EntityScanHashTable<[EntityToneCue]>
    let count: Int

    /// The shipped lexicon (`Resources/entities/tone.tsv`).
    public static func loadDefault() throws -> ToneLexicon {
        let r = try EntityKnowledgeBase.resource("tone", "tsv")
        return try parse(r.text, path: r.path)
    }

    /// A lexicon from a file in the format of `tone.tsv`, replacing the shipped one.
    public static func load(from url: URL) throws -> ToneLexicon {
        try parse(EntityKnowledgeBase.readText(url), path: url.path)
    }

    static func parse(_ text: String, path: String) throws -> ToneLexicon {
        var table: [UInt64: [EntityToneCue]] = [:]
        var n = 0
        for (i, raw) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let line = raw.trimmingCharacters(in: CharacterSet(charactersIn: "\r"))
            if line.trimmingCharacters(in: .whitespaces).isEmpty || line.hasPrefix("#") { continue }
            let f = line.split(separator: "\t", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) }
            guard f.count >= 2, !f[0].isEmpty else {
                throw FileError.io(path: path, reason: "line \(i + 1): expected phrase<TAB>bullish|bearish|neutral<TAB>weight")
            }
            let sign: Double
            switch f[1].lowercased() {
            case "bullish", "positive", "+": sign = 1
            case "bearish", "negative", "-": sign = -1
            case "neutral", "0": sign = 0
            default: throw FileError.io(path: path, reason: "line \(i + 1): tone must be bullish, bearish or neutral, not \(f[1])")
            }
            var weight = 1.0
            if f.count > 2, !f[2].isEmpty {
                guard sign != 0 else { throw FileError.io(path: path, reason: "line \(i + 1): a neutral phrase has no weight") }
                guard let w = Double(f[2]), w > 0 else {
                    throw FileError.io(path: path, reason: "line \(i + 1): weight must be a positive number")
                }
                weight = w
            }
            let toks = EntityScanTokenizer.tokenize(Array(f[0].unicodeScalars))
            guard let first = toks.first else { continue }
            table[first.foldHash, default: []].append(EntityToneCue(hashes: toks.map(\.foldHash), weight: sign * weight, phrase: f[0]))
            n += 1
        }
        let compiled = EntityScanHashTable(table.map { ($0.key, $0.value.sorted { $0.hashes.count > $1.hashes.count }) })
        return ToneLexicon(cues: compiled, count: n)
    }
}
