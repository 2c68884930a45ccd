import Foundation
import NewsEntities

/// Settings of `newspipe tone train` (see `ToneTraining.run`).
public struct ToneTrainingOptions: Sendable {
    /// SEntFiN-format JSON Lines: `{"id", "text", "entities": [{"name", "tone"}]}`.
    public var data: String
    /// CoNLL-2003 training file: its sports stories give neutral mentions and the sports gate.
    public var conll: String?
    /// Where to write the model (nil: evaluate only).
    public var out: String?
    public var folds = 5
    /// Seed of the fold shuffle (folds are grouped by normalised headline text).
    public var seed: UInt64 = 20261203
    /// Candidate word windows and L2 strengths, chosen by cross-validation inside each outer fold.
    public var windows: [Int] = [3, 4]
    public var l2s: [Double] = [1e-4, 2e-4, 4e-4]
    /// Candidate naive-Bayes scalings β chosen by the inner CV (0: plain logistic regression; see
    /// `ToneNaiveBayes`).
    public var nbs: [Double] = [0]
    /// Candidate weights of two-model ensembles of the best λ of two β (empty: single models only;
    /// see `ToneCrossValidation.mixes`).
    public var mixes: [Double] = []
    public var groups: ToneFeatureGroups = .standard
    /// Candidate feature-group sets chosen by the inner CV with the window and λ (empty: `groups` only).
    public var variants: [ToneFeatureGroups] = []
    public var bits = 20
    public var conllWeight = 1.0
    /// Out-of-fold predictions (one line per headline, for score_tone.py).
    public var oof: String?
    /// The CV report as JSON.
    public var report: String?
    public var ablation = false
    /// Plain k-fold CV with the first window and λ instead of nested CV.
    public var plainOnly = false
    /// Only the CV over all folds for every point of the grid (exploration: optimistic figures,
    /// not to quote; no nested CV, no model).
    public var gridOnly = false
    /// CoNLL file whose sports mentions are checked for non-neutral tone after training.
    public var testa: String?
    public var splitAtComma = true
    public var normalize = false
    public var sportsAsNeutral = false
    public var clauseWeight = 1

    public init(data: String) { self.data = data }
}

/// The tone model's trainer: nested k-fold cross-validation on SEntFiN (the figures to quote),
/// the window and L2 strength chosen by CV on all folds, then the final model. Deterministic.
public enum ToneTraining {
    /// Runs the training and returns the printed report; `log` gets progress lines.
    public static func run(_ opt: ToneTrainingOptions, log: @escaping (String) -> Void) throws -> String {
        var printed = ""
        func emit(_ s: String) { printed += s.hasSuffix("\n") ? s : s + "\n" }
        let items = try ToneJSONL.read(URL(fileURLWithPath: opt.data))
        var instances = ToneCorpus.labelled(items)
        let nSentfin = instances.count
        if let c = opt.conll {
            let docs = try ToneCoNLL.read(URL(fileURLWithPath: c))
            instances += ToneCorpus.conll(docs, weight: opt.conllWeight)
        }
        log("\(items.count) items, \(nSentfin) labelled entities, \(instances.filter { $0.source == .sports }.count) CoNLL sports mentions, \(instances.filter { $0.source == .general }.count) other CoNLL mentions")
        var base = ToneFeatureConfig()
        base.groups = opt.groups; base.hashBits = opt.bits; base.splitAtComma = opt.splitAtComma
        base.normalize = opt.normalize; base.clauseWeight = opt.clauseWeight
        var cv = ToneCrossValidation(instances: instances, k: opt.folds, seed: opt.seed, base: base)
        cv.log = log
        cv.sportsAsNeutral = opt.sportsAsNeutral
        cv.variants = opt.variants
        cv.nbs = opt.nbs
        let report = ToneTrainReport(options: opt, items: items, instances: instances)

        cv.mixes = opt.mixes
        if opt.gridOnly {
            log("CV over all \(opt.folds) folds for every grid point (not nested)")
            let sel = cv.select(within: Array(0..<opt.folds), windows: opt.windows, l2s: opt.l2s)
            emit("CV over all folds (not nested: for exploring the grid only), pooled accuracy by grid point:")
            for r in sel.table { emit("  \(r.groups.names)  \(r.description)  " + String(format: "acc %.4f  macro-F1 %.4f", r.metrics.accuracy, r.metrics.macroF1)) }
            return printed
        }

        // 1. Nested CV: the figures to quote.
        log("nested \(opt.folds)-fold CV (feature sets \(cv.candidateGroups.map(\.names)), windows \(opt.windows), naive-Bayes β \(opt.nbs), ensemble weights \(opt.mixes), l2 \(opt.l2s))")
        let nested = opt.plainOnly ? cv.plain(window: opt.windows[0], l2: opt.l2s[0], nb: opt.nbs.first ?? 0)
            : cv.nested(windows: opt.windows, l2s: opt.l2s)
        emit(report.table(nested, title: opt.plainOnly ? "plain CV" : "nested CV"))
        if let path = opt.oof { try report.writeOOF(nested, to: path); log("out-of-fold predictions: \(path)") }

        // 2. Final hyper-parameters by CV on all of the data, then the final model.
        var chosen = ToneCrossValidation.GridRow(groups: cv.candidateGroups[0], window: opt.windows[0], l2: opt.l2s[0], nb: opt.nbs.first ?? 0, metrics: ToneMetrics())
        if !opt.plainOnly && (opt.windows.count > 1 || opt.l2s.count > 1 || cv.candidateGroups.count > 1 || opt.nbs.count > 1) {
            let sel = cv.select(within: Array(0..<opt.folds), windows: opt.windows, l2s: opt.l2s)
            chosen = sel.best
            emit("CV over all folds, pooled accuracy by (feature groups, window, naive-Bayes β, l2, ensemble):")
            for r in sel.table { emit("  \(r.groups.names)  \(r.description)  " + String(format: "acc %.4f  macro-F1 %.4f", r.metrics.accuracy, r.metrics.macroF1)) }
            emit("chosen: \(chosen.groups.names), \(chosen.description)")
        }
        var extraSections: [String] = []
        if opt.ablation {
            extraSections.append(report.ablation(base: base, window: chosen.window, l2: chosen.l2, log: log))
            emit(extraSections.last!)
        }
        if let out = opt.out {
            let info = report.info(chosen: chosen, groups: opt.variants.count > 1 ? chosen.groups : nil, nested: nested)
            let model = cv.finalModel(chosen, info: info)
            try model.write(to: URL(fileURLWithPath: out))
            let size = (try? FileManager.default.attributesOfItem(atPath: out)[.size] as? Int) ?? 0
            emit("model: \(out) (\(size) bytes)")
            if let t = opt.testa { emit(try report.sportsCheck(model, conll: t)) }
        }
        if let r = opt.report { try report.json(nested, extra: extraSections).write(toFile: r, atomically: true, encoding: .utf8) }
        return printed
    }
}
