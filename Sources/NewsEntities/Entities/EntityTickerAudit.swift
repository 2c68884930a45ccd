import Foundation
import NewsRecords

/// Per ticker, the surface forms that produced it, so that a false link ("News" → NWSA) shows at a
/// glance: counts, documents, the evidence the links rested on, and one example sentence each.
public struct EntityTickerAudit: Sendable {
    public struct Surface: Sendable, Equatable {
        public var surface: String
        public var mentions: Int
        public var documents: Int
        /// Evidence labels with their counts, most frequent first ("unambiguous-name 12").
        public var evidence: [(label: String, count: Int)]
        /// The first mention (by document id, then offset): where to find the example sentence.
        public var exampleDocument: String
        public var exampleStart: Int
        public var exampleEnd: Int
        public var sentenceStart: Int?
        public var sentenceEnd: Int?
        /// Filled by `fillExamples`.
        public var exampleSentence: String?

        public static func == (a: Surface, b: Surface) -> Bool {
            a.surface == b.surface && a.mentions == b.mentions && a.documents == b.documents
                && a.evidence.map(\.label) == b.evidence.map(\.label) && a.evidence.map(\.count) == b.evidence.map(\.count)
                && a.exampleDocument == b.exampleDocument && a.exampleStart == b.exampleStart && a.exampleSentence == b.exampleSentence
        }
    }

    public struct Ticker: Sendable, Equatable {
        public var ticker: String
        public var entityId: String
        public var canonicalName: String
        public var mentions: Int
        public var documents: Int
        /// Most frequent first.
        public var surfaces: [Surface]
    }

    /// Most mentioned first (then by ticker).
    public private(set) var tickers: [Ticker]

    /// Groups the ticker-bearing mentions (organisation and ticker mentions with a ticker).
    private struct SurfaceAcc { var n = 0; var docs: Set<String> = []; var evidence: [String: Int] = [:]; var example: EntityMention }
    private struct TickerAcc { var entityId: String; var name: String; var n = 0; var docs: Set<String> = []; var surfaces: [String: SurfaceAcc] = [:] }

    public init(mentions: some Sequence<EntityMention>) {
        var acc: [String: TickerAcc] = [:]
        for m in mentions {
            guard let ticker = m.ticker, !ticker.isEmpty else { continue }
            var t = acc[ticker] ?? TickerAcc(entityId: m.entityId, name: m.canonicalName)
            t.n += 1
            t.docs.insert(m.documentId)
            var s = t.surfaces[m.surface] ?? SurfaceAcc(example: m)
            s.n += 1
            s.docs.insert(m.documentId)
            s.evidence[m.evidence ?? (m.type == .ticker ? "ticker" : "none"), default: 0] += 1
            if (m.documentId, m.start) < (s.example.documentId, s.example.start) { s.example = m }
            t.surfaces[m.surface] = s
            acc[ticker] = t
        }
        tickers = acc.map { ticker, t in
            let surfaces = t.surfaces.map { surface, s in
                Surface(surface: surface, mentions: s.n, documents: s.docs.count,
                        evidence: s.evidence.sorted { ($1.value, $0.key) < ($0.value, $1.key) }.map { (label: $0.key, count: $0.value) },
                        exampleDocument: s.example.documentId, exampleStart: s.example.start, exampleEnd: s.example.end,
                        sentenceStart: s.example.sentenceStart, sentenceEnd: s.example.sentenceEnd)
            }.sorted { ($1.mentions, $0.surface) < ($0.mentions, $1.surface) }
            return Ticker(ticker: ticker, entityId: t.entityId, canonicalName: t.name, mentions: t.n, documents: t.docs.count, surfaces: surfaces)
        }.sorted { ($1.mentions, $0.ticker) < ($0.mentions, $1.ticker) }
    }

    /// The documents whose text the examples need.
    public var exampleDocuments: Set<String> { Set(tickers.flatMap { $0.surfaces.map(\.exampleDocument) }) }

    /// Fills each example sentence from the document texts (Unicode-scalar offsets), the mention
    /// marked [[like this]], on one line and at most `width` scalars around the mention.
    public mutating func fillExamples(texts: [String: String], width: Int = 240) {
        for t in tickers.indices {
            for s in tickers[t].surfaces.indices {
                let surface = tickers[t].surfaces[s]
                guard let text = texts[surface.exampleDocument] else { continue }
                let scalars = Array(text.unicodeScalars)
                guard surface.exampleEnd <= scalars.count, surface.exampleStart < surface.exampleEnd else { continue }
                var a = max(0, min(surface.sentenceStart ?? surface.exampleStart, surface.exampleStart))
                var b = min(scalars.count, max(surface.sentenceEnd ?? surface.exampleEnd, surface.exampleEnd))
                a = max(a, surface.exampleStart - width / 2)
                b = min(b, surface.exampleEnd + width / 2)
                func piece(_ r: Range<Int>) -> String {
                    String(String.UnicodeScalarView(scalars[r].map { $0 == "\n" || $0 == "\t" || $0 == "\r" ? " " : $0 }))
                }
                tickers[t].surfaces[s].exampleSentence = piece(a..<surface.exampleStart) + "[[" + piece(surface.exampleStart..<surface.exampleEnd)
                    + "]]" + piece(surface.exampleEnd..<b)
            }
        }
    }

    /// At most `top` tickers (all when 0).
    public func prefix(_ top: Int) -> EntityTickerAudit {
        var copy = self
        if top > 0 { copy.tickers = Array(tickers.prefix(top)) }
        return copy
    }

    /// A table an operator reads in a terminal: per ticker a header line, then one line per surface.
    public func text(surfacesPerTicker: Int = 10) -> String {
        var out = ""
        for t in tickers {
            out += "\(t.ticker)  \(t.canonicalName) (\(t.entityId)): \(t.mentions) mention(s) in \(t.documents) document(s), \(t.surfaces.count) surface(s)\n"
            for s in t.surfaces.prefix(surfacesPerTicker) {
                let evidence = s.evidence.map { "\($0.label) \($0.count)" }.joined(separator: ", ")
                out += String(format: "  %5d  %@  (%d doc(s); %@)\n", s.mentions, s.surface, s.documents, evidence)
                if let sentence = s.exampleSentence { out += "         \(sentence)\n" }
            }
            if t.surfaces.count > surfacesPerTicker { out += "         … \(t.surfaces.count - surfacesPerTicker) more surface(s)\n" }
        }
        return out
    }

    /// Tab-separated, one row per (ticker, surface), with a header.
    public func tsv() -> String {
        var out = "ticker\tentity_id\tcanonical_name\tticker_mentions\tticker_documents\tsurface\tmentions\tdocuments\tevidence\texample_document\texample_sentence\n"
        func clean(_ s: String) -> String { s.replacingOccurrences(of: "\t", with: " ").replacingOccurrences(of: "\n", with: " ") }
        for t in tickers {
            for s in t.surfaces {
                let evidence = s.evidence.map { "\($0.label) \($0.count)" }.joined(separator: "; ")
                out += [t.ticker, t.entityId, clean(t.canonicalName), String(t.mentions), String(t.documents), clean(s.surface),
                        String(s.mentions), String(s.documents), evidence, s.exampleDocument, clean(s.exampleSentence ?? "")]
                    .joined(separator: "\t") + "\n"
            }
        }
        return out
    }
}
