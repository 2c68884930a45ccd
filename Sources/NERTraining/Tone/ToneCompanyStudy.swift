import Foundation
import NewsEntities

/// Chooses how the tone model's mention probabilities become a company's tone in a document
/// (`CompanyToneRule`: statistic and margin over neutral) by grouped cross-validation on labelled
/// (document, company) rows: leave one document out; inside, the rule with the best accuracy on the
/// other documents is chosen and applied to the held-out document. Prints the held-out accuracy and
/// macro-F1 next to all-neutral, the lexicon and the model's plain argmax.
public enum ToneCompanyStudy {
    public struct Row: Sendable {
        public var doc: String
        public var entityId: String
        public var gold: String
    }

    /// Candidate rules: both statistics × `margins`.
    public static func candidates(margins: [Double]) -> [CompanyToneRule] {
        CompanyToneRule.Statistic.allCases.flatMap { s in margins.map { CompanyToneRule(statistic: s, margin: $0) } }
    }

    /// Reads labels (`doc`, `entity_id`, `tone` ∈ positive/negative/neutral/not_company; not_company
    /// rows are left out) and the documents (article records as the dedup stage writes them).
    public static func run(labels: URL, documents: URL, toneModel: URL?, margins: [Double], dump: URL? = nil) throws -> String {
        var rows: [Row] = []
        for line in try String(contentsOf: labels, encoding: .utf8).split(separator: "\n") where !line.isEmpty {
            guard let o = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any],
                  let doc = o["doc"] as? String, let id = o["entity_id"] as? String, let tone = o["tone"] as? String else {
                throw ToneError.data("bad label line: \(line.prefix(80))")
            }
            if ["positive", "negative", "neutral"].contains(tone) { rows.append(Row(doc: doc, entityId: id, gold: tone)) }
        }
        let wanted = Set(rows.map(\.doc))
        struct Article { var id: String; var text: String; var published: String? }
        var articles: [String: Article] = [:]
        for line in try String(contentsOf: documents, encoding: .utf8).split(separator: "\n") where !line.isEmpty {
            guard let o = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any],
                  let id = o["id"] as? String, let text = o["text"] as? String else { throw ToneError.data("bad document line") }
            if wanted.contains(id) { articles[id] = Article(id: id, text: text, published: o["published"] as? String) }
        }
        let lexicon = try EntityEngine(settings: EntityEngine.Settings(lexiconTone: true))
        let modelEngine = try EntityEngine(settings: EntityEngine.Settings(toneModel: toneModel, lexiconTone: false))

        var evidence: [String: [String: [EntityToneScore]]] = [:]
        var lexiconTone: [String: [String: String]] = [:]
        var mismatches = 0
        for doc in wanted.sorted() {
            guard let a = articles[doc] else { throw ToneError.data("document \(doc) not in \(documents.path)") }
            let lex = lexicon.analyze(documentId: a.id, text: a.text, published: a.published)
            lexiconTone[doc] = Dictionary(lex.companyTones.map { ($0.entityId, CompanyToneRule.label($0.tone)) }, uniquingKeysWith: { x, _ in x })
            let (analysis, ev) = modelEngine.companyToneEvidence(documentId: a.id, text: a.text, published: a.published)
            evidence[doc] = Dictionary(ev.map { ($0.entityId, $0.scores) }, uniquingKeysWith: { x, _ in x })
            // The evidence must give the stage's own calls: the company's under the shipped rule, and
            // the mentions' (the row's counts) from their most probable tone.
            for c in analysis.companyTones {
                let ev = evidence[doc]?[c.entityId] ?? []
                if CompanyToneRule.label(CompanyToneRule.shipped.call(ev).tone) != CompanyToneRule.label(c.tone)
                    || (!ev.isEmpty && (ev.filter { CompanyToneRule.label($0.tone) == "positive" }.count != c.bullish
                                        || ev.filter { CompanyToneRule.label($0.tone) == "negative" }.count != c.bearish
                                        || ev.count != c.bullish + c.bearish + c.neutral)) {
                    mismatches += 1
                }
            }
        }
        let missing = rows.filter { evidence[$0.doc]?[$0.entityId] == nil && lexiconTone[$0.doc]?[$0.entityId] == nil }.count
        func predict(_ rule: CompanyToneRule, _ r: Row) -> String { CompanyToneRule.label(rule.call(evidence[r.doc]?[r.entityId] ?? []).tone) }
        func accuracy(_ rule: CompanyToneRule, _ rs: [Row]) -> Double {
            rs.isEmpty ? 0 : Double(rs.filter { predict(rule, $0) == $0.gold }.count) / Double(rs.count)
        }

        if let dump {
            // One line per labelled row: its label, the lexicon's call and the model's evidence.
            var lines = ""
            for r in rows {
                let ev = evidence[r.doc]?[r.entityId] ?? []
                let o: [String: Any] = ["doc": r.doc, "entity_id": r.entityId, "gold": r.gold,
                                        "lexicon": lexiconTone[r.doc]?[r.entityId] ?? "neutral",
                                        "mentions": ev.map { [$0.positive, $0.negative, $0.neutral] }]
                lines += String(decoding: try JSONSerialization.data(withJSONObject: o, options: [.sortedKeys]), as: UTF8.self) + "\n"
            }
            try lines.write(to: dump, atomically: true, encoding: .utf8)
        }
        let cands = candidates(margins: margins)
        var heldOut: [String] = Array(repeating: "neutral", count: rows.count)
        var chosenCounts: [String: Int] = [:]
        let docs = wanted.sorted()
        for d in docs {
            let train = rows.filter { $0.doc != d }
            // Best training accuracy; ties go to the larger margin (fewer non-neutral calls), then `mean`.
            var best = cands[0], bestAcc = -1.0
            for c in cands {
                let acc = accuracy(c, train)
                if acc > bestAcc + 1e-12 || (abs(acc - bestAcc) <= 1e-12 && c.margin > best.margin) { best = c; bestAcc = acc }
            }
            chosenCounts[best.description, default: 0] += 1
            for (i, r) in rows.enumerated() where r.doc == d { heldOut[i] = predict(best, r) }
        }
        var finalRule = cands[0], finalAcc = -1.0
        for c in cands {
            let acc = accuracy(c, rows)
            if acc > finalAcc + 1e-12 || (abs(acc - finalAcc) <= 1e-12 && c.margin > finalRule.margin) { finalRule = c; finalAcc = acc }
        }

        let gold = rows.map(\.gold)
        var out = "company tone on \(rows.count) labelled company rows of \(docs.count) documents "
        out += "(gold: \(gold.filter { $0 == "positive" }.count) positive, \(gold.filter { $0 == "negative" }.count) negative, "
        out += "\(gold.filter { $0 == "neutral" }.count) neutral); rows without a system row (called neutral): \(missing)\n"
        out += "check: company rows whose call or mention counts differ from the evidence: \(mismatches) of \(evidence.values.map(\.count).reduce(0, +))\n"
        out += "leave-one-document-out, rule chosen inside each fold from \(cands.count) candidates (statistic × margins \(margins.map { String($0) }.joined(separator: ",")))\n"
        out += "method                               accuracy  macro-F1  non-neutral calls\n"
        func line(_ name: String, _ pred: [String]) -> String {
            let acc = Double(zip(pred, gold).filter { $0 == $1 }.count) / Double(max(gold.count, 1))
            return name.padding(toLength: 36, withPad: " ", startingAt: 0)
                + " " + String(format: "%.3f     %.3f     %d", acc, macroF1(pred, gold), pred.filter { $0 != "neutral" }.count) + "\n"
        }
        out += line("model + margin (held-out folds)", heldOut)
        out += line("all-neutral", rows.map { _ in "neutral" })
        out += line("lexicon (stage without the model)", rows.map { lexiconTone[$0.doc]?[$0.entityId] ?? "neutral" })
        out += line("model, argmax of mean (margin 0)", rows.map { predict(CompanyToneRule(statistic: .mean, margin: 0), $0) })
        out += line("model, shipped rule \(CompanyToneRule.shipped)", rows.map { predict(.shipped, $0) })
        out += "rules chosen by the folds: " + chosenCounts.sorted { $0.value > $1.value }.map { "\($0.key) ×\($0.value)" }.joined(separator: ", ") + "\n"
        out += "rule chosen on all documents (to ship): \(finalRule) (in-sample accuracy \(String(format: "%.3f", finalAcc)))\n"
        out += "in-sample accuracy per candidate (not a held-out figure):\n"
        for s in CompanyToneRule.Statistic.allCases {
            out += "  \(s.rawValue):" + margins.map { String(format: " %.2f→%.3f", $0, accuracy(CompanyToneRule(statistic: s, margin: $0), rows)) }.joined() + "\n"
        }
        return out
    }

    /// Macro-F1 over positive, negative and neutral (a class with no gold and no prediction counts 0).
    static func macroF1(_ pred: [String], _ gold: [String]) -> Double {
        var total = 0.0
        for c in ["positive", "negative", "neutral"] {
            let tp = Double(zip(pred, gold).filter { $0 == c && $1 == c }.count)
            let p = Double(pred.filter { $0 == c }.count), g = Double(gold.filter { $0 == c }.count)
            total += p + g > 0 ? 2 * tp / (p + g) : 0
        }
        return total / 3
    }
}
