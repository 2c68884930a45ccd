import Foundation
import NewsEntities

/// Tables, files and the ablation printed by tone-train.
struct ToneTrainReport {
    let options: ToneTrainingOptions
    let items: [ToneItem]
    let instances: [ToneInstance]

    func table(_ r: ToneCVResult, title: String) -> String {
        var s = "\(title): held-out SEntFiN entities per fold\n"
        s += "fold  window  nb    l2      entities  accuracy  macro-F1  F1 pos  F1 neg  F1 neu  sports non-neutral  other CoNLL gated  feature groups\n"
        for f in r.folds {
            let m = f.metrics
            s += String(format: "%4d  %6d  %-4g  %-6g  %8d  %8.4f  %8.4f  %6.3f  %6.3f  %6.3f  %9d/%-8d  %d/%d\n", f.fold, f.window, f.nb, f.l2,
                        m.count, m.accuracy, m.macroF1, m.f1(0), m.f1(1), m.f1(2), f.sportsNonNeutral, f.sportsMentions,
                        f.generalGated, f.generalMentions).dropLast() + "  \(f.groups.names)"
                + (f.second.map { String(format: "  + %g × (nb %g  l2 %g)", f.mix, $0.nb, $0.l2) } ?? "") + "\n"
        }
        let p = r.pooled
        s += String(format: "mean                                  %8.4f  %8.4f\n", r.meanAccuracy, r.meanMacroF1)
        s += String(format: "pooled                  %8d  %8.4f  %8.4f  %6.3f  %6.3f  %6.3f  %18.4f  %.4f\n", p.count, p.accuracy, p.macroF1,
                    p.f1(0), p.f1(1), p.f1(2), r.sportsNonNeutralShare, r.generalGatedShare)
        return s
    }

    /// One line per headline, as score_tone.py reads: every entity with its out-of-fold tone.
    func writeOOF(_ r: ToneCVResult, to path: String) throws {
        var byItem = [[TonePrediction?]](repeating: [], count: items.count)
        for (i, it) in items.enumerated() { byItem[i] = [TonePrediction?](repeating: nil, count: it.entities.count) }
        for (x, p) in zip(instances, r.predictions) where x.source == .sentfin { byItem[x.item][x.entity] = p }
        var out = ""
        for (i, it) in items.enumerated() {
            let preds = byItem[i].map { $0 ?? TonePrediction(tone: .neutral, confidence: 0, probabilities: [0, 0, 0]) }
            out += ToneJSONL.line(it, predictions: preds, probabilities: true) + "\n"
        }
        try out.write(toFile: path, atomically: true, encoding: .utf8)
    }

    func info(chosen: ToneCrossValidation.GridRow, groups: ToneFeatureGroups? = nil, nested: ToneCVResult) -> String {
        var model = String(format: "multinomial logistic regression, L-BFGS; window %d, l2 %g", chosen.window, chosen.l2)
        if chosen.nb > 0 || chosen.second != nil {
            let betas = options.nbs.map { String(format: "%g", $0) }.joined(separator: ",")
            model += String(format: ", naive-Bayes feature scaling β %g (NB-LR; β chosen by CV among ", chosen.nb) + betas + ")"
            if let m = chosen.second {
                model += String(format: "; averaged with weight %g with a second model (β %g, l2 %g; an ensemble chosen by CV, folded into one weight vector)", chosen.mix, m.nb, m.l2)
            }
        }
        return (groups.map { "feature groups \($0.names) (chosen by CV among \(options.variants.count) sets); " } ?? "")
            + "tone model v1; " + model
            + String(format: "; trained on %d SEntFiN 1.0 entities and %d CoNLL-2003 sports mentions (gate, or neutral examples of weight %.2f); nested %d-fold CV accuracy %.4f macro-F1 %.4f",
                      instances.filter { $0.source == .sentfin }.count,
                      instances.filter { $0.source == .sports }.count, options.conllWeight, options.folds,
                      nested.meanAccuracy, nested.meanMacroF1)
    }

    /// Plain k-fold CV (same folds, the window and λ chosen by CV for the final model) for the full
    /// feature set, each group removed, the bag of words alone, the entity's words added, and
    /// without the CoNLL sports data.
    func ablation(base: ToneFeatureConfig, window: Int, l2: Double, log: (String) -> Void) -> String {
        var rows: [(String, ToneCVResult)] = []
        func run(_ name: String, _ groups: ToneFeatureGroups, sentfinOnly: Bool = false) {
            var c = base; c.groups = groups
            var v = sentfinOnly
                ? ToneCrossValidation(instances: instances.filter { $0.source == .sentfin }, k: options.folds, seed: options.seed, base: c)
                : ToneCrossValidation(instances: instances, k: options.folds, seed: options.seed, base: c)
            v.sportsAsNeutral = options.sportsAsNeutral
            log("ablation: \(name)")
            let r = v.plain(window: window, l2: l2)
            rows.append((name, r))
        }
        // Feature groups: the tone model alone (SEntFiN only); then the gate's effect.
        run("all groups", base.groups, sentfinOnly: true)
        for (name, g) in ToneFeatureGroups.named where base.groups.contains(g) && g != .bagOfWords {
            run("- \(name)", base.groups.subtracting(g), sentfinOnly: true)
        }
        run("- bow (sentence bag of words)", base.groups.subtracting(.bagOfWords), sentfinOnly: true)
        run("bow only (baseline features)", [.bagOfWords], sentfinOnly: true)
        for (name, g) in [("+ sides (sentence words by side)", ToneFeatureGroups.sides), ("+ chars (character 4-grams)", .chars),
                          ("+ entity (entity's own words)", .entityWords)] where !base.groups.contains(g) {
            run(name, base.groups.union(g), sentfinOnly: true)
        }
        if instances.contains(where: { $0.source == .sports }) { run("all groups + CoNLL gate", base.groups) }
        var s = String(format: "ablation (%d-fold CV, same folds, window %d, l2 %.0e; tone model trained on SEntFiN only unless noted):\n", options.folds, window, l2)
        s += "variant                          mean acc  mean macro-F1  pooled acc  sports non-neutral\n"
        let full = rows[0].1.meanAccuracy
        for (name, r) in rows {
            let sports = r.folds.reduce(0) { $0 + $1.sportsMentions } > 0 ? String(format: "%.4f", r.sportsNonNeutralShare) : "n/a"
            s += name.padding(toLength: 31, withPad: " ", startingAt: 0)
                + String(format: "  %8.4f  %13.4f  %10.4f  ", r.meanAccuracy, r.meanMacroF1, r.pooled.accuracy)
                + sports.padding(toLength: 18, withPad: " ", startingAt: 0)
                + String(format: " (%+.4f)\n", r.meanAccuracy - full)
        }
        return s
    }

    /// Share of ORG/PER mentions in the sports documents of another CoNLL file (never used for
    /// training or selection) that the model gives a non-neutral tone.
    func sportsCheck(_ model: ToneModel, conll: String) throws -> String {
        let docs = try ToneCoNLL.read(URL(fileURLWithPath: conll))
        let alone = model.withoutGate()
        // [sports, other] × (mentions, non-neutral with gate, non-neutral tone model alone, gated)
        var n = [0, 0], nn = [0, 0], na = [0, 0], ng = [0, 0]
        for d in docs {
            let j = (d.section.map { ToneCoNLL.sportsSections.contains($0) } ?? false) ? 0 : 1
            let doc = ToneDocument(text: d.text)
            let spans = d.entities.filter { $0.type == "ORG" || $0.type == "PER" }.map { doc.tokenRange(covering: $0.span) }
            let preds = model.predict(document: doc, entityTokens: spans)
            let predsAlone = alone.predict(document: doc, entityTokens: spans)
            n[j] += preds.count
            nn[j] += preds.filter { $0.tone != .neutral }.count
            na[j] += predsAlone.filter { $0.tone != .neutral }.count
            ng[j] += zip(preds, predsAlone).filter { $0.0.tone == .neutral && $0.1.tone != .neutral }.count
        }
        func pct(_ a: Int, _ b: Int) -> String { String(format: "%d/%d (%.2f%%)", a, b, 100 * Double(a) / Double(max(b, 1))) }
        return "\(conll) (never used in training or selection), ORG/PER mentions predicted non-neutral:\n"
            + "  sports documents: \(pct(nn[0], n[0])) with the gate; tone model alone \(pct(na[0], n[0]))\n"
            + "  other documents (no gold tone): \(pct(nn[1], n[1])) with the gate; tone model alone \(pct(na[1], n[1])); turned neutral by the gate \(pct(ng[1], n[1]))"
    }

    func json(_ r: ToneCVResult, extra: [String]) -> String {
        var s = "{\n \"folds\": [\n"
        s += r.folds.map { f in
            String(format: "  {\"fold\": %d, \"window\": %d, \"nb\": %g, \"l2\": %g, \"second_nb\": %g, \"second_l2\": %g, \"mix\": %g, \"entities\": %d, \"accuracy\": %.4f, \"macro_f1\": %.4f, \"sports_mentions\": %d, \"sports_non_neutral\": %d}",
                   f.fold, f.window, f.nb, f.l2, f.second?.nb ?? 0, f.second?.l2 ?? 0, f.mix, f.metrics.count, f.metrics.accuracy, f.metrics.macroF1, f.sportsMentions, f.sportsNonNeutral)
        }.joined(separator: ",\n")
        s += String(format: "\n ],\n \"mean_accuracy\": %.4f,\n \"mean_macro_f1\": %.4f,\n \"pooled_accuracy\": %.4f,\n \"pooled_macro_f1\": %.4f,\n \"sports_non_neutral_share\": %.4f,\n",
                    r.meanAccuracy, r.meanMacroF1, r.pooled.accuracy, r.pooled.macroF1, r.sportsNonNeutralShare)
        s += " \"notes\": " + ToneJSONL.quote(extra.joined(separator: "\n")) + "\n}\n"
        return s
    }
}
