import NewsEntities
/// One labelled entity mention ready for feature extraction.
public struct ToneInstance: Sendable {
    /// `sentfin`: labelled financial headline; `sports`: CoNLL sports story (non-financial context,
    /// trains the gate); `general`: other CoNLL story (financial or not, unlabelled for tone; trains
    /// the gate as "not sports" so that the gate does not learn headline-versus-article style).
    public enum Source: String, Sendable { case sentfin, sports, general }
    public var source: Source
    public var document: ToneDocument
    public var target: Range<Int>
    public var others: [Range<Int>]
    public var label: ToneLabel
    public var weight: Double
    /// Index of the headline (SEntFiN item) or the CoNLL document.
    public var item: Int
    /// Index of the entity within its item.
    public var entity: Int
    /// Instances with the same key always share a fold.
    public var groupKey: String
}

public enum ToneCorpus {
    /// Instances of the labelled entities of SEntFiN-style items (entities not found in the text are skipped).
    public static func labelled(_ items: [ToneItem]) -> [ToneInstance] {
        var out: [ToneInstance] = []
        for (i, item) in items.enumerated() {
            let doc = ToneDocument(text: item.text)
            let spans = ToneEntityLocator.spans(of: item.entities.map(\.name), in: item.text)
            let toks = spans.map { $0.map { doc.tokenRange(covering: $0) } ?? 0..<0 }
            let key = groupKey(item.text)
            for (j, e) in item.entities.enumerated() {
                guard let label = e.tone, !toks[j].isEmpty else { continue }
                let others = toks.enumerated().filter { $0.offset != j && !$0.element.isEmpty }.map(\.element)
                out.append(ToneInstance(source: .sentfin, document: doc, target: toks[j], others: others, label: label,
                                        weight: 1, item: i, entity: j, groupKey: key))
            }
        }
        return out
    }

    /// Instances of the CoNLL-2003 mentions of the given types (label neutral), `sports` in sports
    /// stories, `general` elsewhere, with the other mentions of those types in the sentence masked.
    public static func conll(_ docs: [ToneCoNLLDocument], weight: Double, types: Set<String> = ["ORG", "PER"]) -> [ToneInstance] {
        var out: [ToneInstance] = []
        for d in docs {
            let sports = d.section.map { ToneCoNLL.sportsSections.contains($0) } ?? false
            let doc = ToneDocument(text: d.text)
            let toks = d.entities.filter { types.contains($0.type) }.map { doc.tokenRange(covering: $0.span) }.filter { !$0.isEmpty }
            for (j, t) in toks.enumerated() {
                let sentence = doc.sentences[doc.sentence(of: t.lowerBound)]
                let others = toks.enumerated().filter { $0.offset != j && sentence.overlaps($0.element) }.map(\.element)
                out.append(ToneInstance(source: sports ? .sports : .general, document: doc, target: t, others: others,
                                        label: .neutral, weight: weight, item: d.index, entity: j, groupKey: "conll:\(d.index)"))
            }
        }
        return out
    }

    /// Case-folded letters and digits, single-spaced: exact and trivially different duplicates share it.
    public static func groupKey(_ text: String) -> String {
        var out = ""
        var space = false
        for c in text.lowercased().unicodeScalars {
            if c.properties.isAlphabetic || (c.value >= 0x30 && c.value <= 0x39) {
                if space && !out.isEmpty { out += " " }
                out.unicodeScalars.append(c); space = false
            } else { space = true }
        }
        return out
    }

    /// Fold of each instance: groups in order of first appearance, shuffled with `seed`, dealt round
    /// robin; each source is dealt separately so every fold gets its share of both.
    public static func folds(_ instances: [ToneInstance], k: Int, seed: UInt64) -> [Int] {
        var fold = [Int](repeating: 0, count: instances.count)
        for (si, source) in [ToneInstance.Source.sentfin, .sports, .general].enumerated() {
            var keys: [String] = []
            var seen: Set<String> = []
            for x in instances where x.source == source && seen.insert(x.groupKey).inserted { keys.append(x.groupKey) }
            var rng = ToneRandom(seed: seed &+ UInt64(si))
            rng.shuffle(&keys)
            var assigned: [String: Int] = [:]
            for (i, key) in keys.enumerated() { assigned[key] = i % k }
            for (i, x) in instances.enumerated() where x.source == source { fold[i] = assigned[x.groupKey]! }
        }
        return fold
    }
}
