import Foundation
import NewsEntities

/// Held-out figures of one fold.
public struct ToneFoldResult: Sendable {
    public var fold: Int
    /// Feature groups chosen for the fold (one of the candidate sets).
    public var groups: ToneFeatureGroups = .standard
    public var window: Int
    public var l2: Double
    /// Naive-Bayes scaling β chosen for the fold (0: plain logistic regression).
    public var nb: Double = 0
    /// The ensemble's second member, if the fold chose one (see `ToneCrossValidation.mixes`).
    public var second: ToneCrossValidation.Member? = nil
    /// The second member's weight in the ensemble.
    public var mix: Double = 0
    public var metrics: ToneMetrics
    /// Held-out CoNLL sports mentions and how many the model gave a non-neutral tone.
    public var sportsMentions: Int
    public var sportsNonNeutral: Int
    /// Held-out CoNLL mentions outside sports stories, and how many the gate overruled (P ≥ 0.5).
    public var generalMentions: Int = 0
    public var generalGated: Int = 0
}

public struct ToneCVResult: Sendable {
    public var folds: [ToneFoldResult]
    /// Out-of-fold prediction per instance.
    public var predictions: [TonePrediction?]

    public var pooled: ToneMetrics { folds.reduce(into: ToneMetrics()) { $0.merge($1.metrics) } }
    public var meanAccuracy: Double { folds.map(\.metrics.accuracy).reduce(0, +) / Double(max(folds.count, 1)) }
    public var meanMacroF1: Double { folds.map(\.metrics.macroF1).reduce(0, +) / Double(max(folds.count, 1)) }
    public var generalGatedShare: Double {
        let n = folds.reduce(0) { $0 + $1.generalMentions }
        return n == 0 ? 0 : Double(folds.reduce(0) { $0 + $1.generalGated }) / Double(n)
    }
    public var sportsNonNeutralShare: Double {
        let n = folds.reduce(0) { $0 + $1.sportsMentions }
        return n == 0 ? 0 : Double(folds.reduce(0) { $0 + $1.sportsNonNeutral }) / Double(n)
    }
}

/// Grouped k-fold cross-validation, plain or nested (hyper-parameters chosen inside each outer
/// training set by an inner CV over its own folds). Single-threaded and deterministic.
public struct ToneCrossValidation {
    public let instances: [ToneInstance]
    public let folds: [Int]
    public let k: Int
    public var base: ToneFeatureConfig
    /// Candidate feature-group sets, chosen by the inner CV like the window and λ (empty: only
    /// `base.groups`). Ties go to the earlier set.
    public var variants: [ToneFeatureGroups] = []
    /// Candidate naive-Bayes scalings β (`ToneNaiveBayes`), chosen by the inner CV with the rest
    /// (0: off). Ties go to the earlier value.
    public var nbs: [Double] = [0]
    /// Candidate weights t of two-model ensembles (empty: none). For every two β of `nbs` (in
    /// their order, a then b) and each window and group set, the inner CV's best λ of each gives
    /// the pair, and the ensemble (1 − t)·model_a + t·model_b, one linear model (`ToneModel.blend`:
    /// the two models' class scores averaged), competes with the single models. Ties go to the
    /// single model.
    public var mixes: [Double] = []
    /// Threads for the inner folds of a selection (results merged in fold order: deterministic).
    public var workers = ProcessInfo.processInfo.activeProcessorCount
    public var maxIterations = 400
    /// Sports instances become neutral tone examples instead of training a gate.
    public var sportsAsNeutral = false
    public var gateL2 = 1e-4
    public var log: (String) -> Void = { _ in }
    private var cache: [(ToneFeatureConfig, [[UInt32]])] = []
    private let debug = ProcessInfo.processInfo.environment["TONE_DEBUG"] != nil

    public init(instances: [ToneInstance], k: Int, seed: UInt64, base: ToneFeatureConfig) {
        self.instances = instances
        self.k = k
        self.folds = ToneCorpus.folds(instances, k: k, seed: seed)
        self.base = base
    }

    func config(window: Int) -> ToneFeatureConfig { var c = base; c.window = window; return c }
    func config(groups: ToneFeatureGroups, window: Int) -> ToneFeatureConfig { var c = base; c.groups = groups; c.window = window; return c }
    var candidateGroups: [ToneFeatureGroups] { variants.isEmpty ? [base.groups] : variants }

    /// Features of every instance under `config` (computed once per configuration).
    public mutating func features(_ config: ToneFeatureConfig) -> [[UInt32]] {
        if let hit = cache.first(where: { $0.0 == config }) { return hit.1 }
        let ex = ToneFeatureExtractor(config: config)
        let f = instances.map { x -> [UInt32] in
            var out: [UInt32] = []
            ex.features(x.document, target: x.target, others: x.others, into: &out)
            return out
        }
        cache.append((config, f))
        return f
    }

    /// Trains on `train` instances for each λ of `l2s` (largest first, each warm-started from the
    /// previous) and returns one model per λ, in the order given. Non-financial (sports) instances
    /// train the gate, or join the tone model as neutral examples when `sportsAsNeutral`.
    func path(_ config: ToneFeatureConfig, _ feats: [[UInt32]], train: [Int], l2s: [Double], nb: Double = 0, withGate: Bool = true) -> [ToneModel] {
        let ex = train.map { ToneTrainingExample(features: feats[$0], label: instances[$0].label, weight: instances[$0].weight) }
        var gate: ToneGate? = nil
        var toneExamples = zip(train, ex).filter { instances[$0.0].source == .sentfin }.map(\.1)
        if sportsAsNeutral {
            toneExamples = zip(train, ex).filter { instances[$0.0].source != .general }.map(\.1)
        } else if withGate && train.contains(where: { instances[$0].source == .sports }) {
            var t = ToneTrainer(config: config, maxIterations: maxIterations)
            t.gateL2 = gateL2
            gate = t.gate(ToneProblem(ex, config: config, classes: 2, labels: train.map { instances[$0].source == .sports ? 1 : 0 }))
        }
        // The naive-Bayes ratios come from these training examples only.
        let problem = ToneProblem(toneExamples, config: config, nb: nb)
        var models = [ToneModel?](repeating: nil, count: l2s.count)
        var start: [Double]? = nil
        for i in l2s.indices.sorted(by: { l2s[$0] > l2s[$1] }) {
            let t = ToneTrainer(config: config, l2: l2s[i], maxIterations: maxIterations)
            let fit = t.fit(problem, start: start)
            if debug { log("    fit nb \(nb) l2 \(l2s[i]): \(fit.iterations) iterations, \(problem.parameterCount) parameters") }
            start = fit.parameters
            models[i] = t.model(problem, parameters: fit.parameters, gate: gate)
        }
        return models.map { $0! }
    }

    struct Evaluation { var metrics = ToneMetrics(); var sports = 0, sportsNonNeutral = 0, general = 0, generalGated = 0; var predictions: [TonePrediction] = [] }

    func evaluate(_ model: ToneModel, _ feats: [[UInt32]], _ idx: [Int]) -> Evaluation {
        var e = Evaluation()
        for i in idx {
            let p = model.prediction(features: feats[i])
            e.predictions.append(p)
            switch instances[i].source {
            case .sentfin: e.metrics.add(gold: instances[i].label, predicted: p.tone)
            case .sports: e.sports += 1; if p.tone != .neutral { e.sportsNonNeutral += 1 }
            case .general: e.general += 1; if model.nonFinancialProbability(features: feats[i]) >= 0.5 { e.generalGated += 1 }
            }
        }
        return e
    }

    /// One model of the grid: naive-Bayes β and λ.
    public struct Member: Sendable, Equatable {
        public var nb: Double
        public var l2: Double
    }

    /// One point of the inner grid and its pooled inner-CV metrics: a single model (β, λ), or with
    /// `second` the ensemble (1 − mix)·(β, λ) + mix·second.
    public struct GridRow: Sendable {
        public var groups: ToneFeatureGroups
        public var window: Int
        public var l2: Double
        public var nb: Double
        public var second: Member? = nil
        public var mix: Double = 0
        public var metrics: ToneMetrics

        public var description: String {
            var s = String(format: "window %d  nb %g  l2 %g", window, nb, l2)
            if let m = second { s += String(format: "  + %g × (nb %g  l2 %g)", mix, m.nb, m.l2) }
            return s
        }
    }

    /// The chosen point of the grid and the whole inner table.
    public struct Selection: Sendable {
        public var best: GridRow
        public var table: [GridRow]
        public var groups: ToneFeatureGroups { best.groups }
        public var window: Int { best.window }
        public var l2: Double { best.l2 }
        public var nb: Double { best.nb }
    }

    /// (feature groups, window, naive-Bayes β, λ, and the ensembles of `mixes`) with the best
    /// pooled accuracy of the tone model over the inner folds `within` (ties: the earlier group
    /// set, then a single model before an ensemble, then the earlier β, then the larger λ, then the
    /// smaller window), and the inner table. The inner folds run on `workers` threads; their
    /// results merge in fold order.
    public mutating func select(within: [Int], windows: [Int], l2s: [Double]) -> Selection {
        var table: [GridRow] = []
        let candidates = candidateGroups
        let betas = nbs.isEmpty ? [0] : nbs
        for (gi, g) in candidates.enumerated() {
            for w in windows {
                let c = config(groups: g, window: w)
                let f = features(c)
                // Per β, per inner fold, per λ: the held-out predictions (tone model alone; the gate
                // has a fixed λ and is trained only for the outer evaluation).
                var held: [[[[TonePrediction]]]] = []
                var gold: [[ToneLabel]] = []
                var single: [Int: [GridRow]] = [:]
                for (bi, nb) in betas.enumerated() {
                    let me = self
                    let perFold = ToneParallel.map(within, workers: workers) { fold -> [[TonePrediction]] in
                        let train = me.instances.indices.filter { within.contains(me.folds[$0]) && me.folds[$0] != fold && me.instances[$0].source == .sentfin }
                        let test = me.instances.indices.filter { me.folds[$0] == fold && me.instances[$0].source == .sentfin }
                        return me.path(c, f, train: train, l2s: l2s, nb: nb).map { me.evaluate($0, f, test).predictions }
                    }
                    if gold.isEmpty {
                        gold = within.map { fold in instances.indices.filter { folds[$0] == fold && instances[$0].source == .sentfin }.map { instances[$0].label } }
                    }
                    held.append(perFold)
                    var rows: [GridRow] = []
                    for (j, l) in l2s.enumerated() {
                        var m = ToneMetrics()
                        for (fi, preds) in perFold.enumerated() { for (y, p) in zip(gold[fi], preds[j]) { m.add(gold: y, predicted: p.tone) } }
                        rows.append(GridRow(groups: g, window: w, l2: l, nb: nb, metrics: m))
                    }
                    single[bi] = rows
                    table += rows
                    if debug { log("    inner groups \(gi) (\(g.names)) window \(w) nb \(nb): " + rows.map { String(format: "%.4f", $0.metrics.accuracy) }.joined(separator: " ")) }
                }
                // Ensembles of the best λ of two β.
                guard !mixes.isEmpty else { continue }
                func bestL2(_ bi: Int) -> Int {
                    let rows = single[bi]!
                    var b = 0
                    for j in rows.indices.dropFirst() where rows[j].metrics.correct > rows[b].metrics.correct
                        || (rows[j].metrics.correct == rows[b].metrics.correct && rows[j].l2 > rows[b].l2) { b = j }
                    return b
                }
                for a in betas.indices { for b in betas.indices where b > a && betas[b] != betas[a] {
                    let ja = bestL2(a), jb = bestL2(b)
                    for t in mixes {
                        var m = ToneMetrics()
                        for fi in within.indices {
                            for (n, y) in gold[fi].enumerated() {
                                let pa = held[a][fi][ja][n].probabilities, pb = held[b][fi][jb][n].probabilities
                                // Averaged log-probabilities rank the classes as the averaged scores do.
                                var s = [0.0, 0.0, 0.0]
                                for j in 0..<3 {
                                    let la = Foundation.log(max(pa[j], 1e-300)), lb = Foundation.log(max(pb[j], 1e-300))
                                    s[j] = (1 - t) * la + t * lb
                                }
                                var k = 0
                                if s[1] > s[k] { k = 1 }
                                if s[2] > s[k] { k = 2 }
                                m.add(gold: y, predicted: ToneLabel(index: k))
                            }
                        }
                        let row = GridRow(groups: g, window: w, l2: l2s[ja], nb: betas[a], second: Member(nb: betas[b], l2: l2s[jb]), mix: t, metrics: m)
                        table.append(row)
                        if debug { log("    inner groups \(gi) window \(w) ensemble \(row.description): " + String(format: "%.4f", m.accuracy)) }
                    }
                } }
            }
        }
        func rank(_ g: ToneFeatureGroups) -> Int { candidates.firstIndex(of: g) ?? 0 }
        func rank(_ nb: Double) -> Int { betas.firstIndex(of: nb) ?? 0 }
        func before(_ x: GridRow, _ y: GridRow) -> Bool {
            if x.metrics.correct != y.metrics.correct { return x.metrics.correct > y.metrics.correct }
            if rank(x.groups) != rank(y.groups) { return rank(x.groups) < rank(y.groups) }
            if (x.second == nil) != (y.second == nil) { return x.second == nil }
            if rank(x.nb) != rank(y.nb) { return rank(x.nb) < rank(y.nb) }
            if x.l2 != y.l2 { return x.l2 > y.l2 }
            if x.mix != y.mix { return (mixes.firstIndex(of: x.mix) ?? 0) < (mixes.firstIndex(of: y.mix) ?? 0) }
            return x.window < y.window
        }
        var best = table[0]
        for row in table.dropFirst() where before(row, best) { best = row }
        return Selection(best: best, table: table)
    }

    /// Nested CV: for each outer fold, (feature groups, window, β, λ, ensemble) chosen by CV over
    /// the other folds only.
    public mutating func nested(windows: [Int], l2s: [Double]) -> ToneCVResult {
        var results: [ToneFoldResult] = []
        var oof = [TonePrediction?](repeating: nil, count: instances.count)
        let betas = nbs.isEmpty ? [0] : nbs
        for f in 0..<k {
            let within = (0..<k).filter { $0 != f }
            let sel = windows.count == 1 && l2s.count == 1 && candidateGroups.count == 1 && betas.count == 1
                ? Selection(best: GridRow(groups: candidateGroups[0], window: windows[0], l2: l2s[0], nb: betas[0], metrics: ToneMetrics()), table: [])
                : select(within: within, windows: windows, l2s: l2s)
            let r = outer(f, sel.best, oof: &oof)
            log("  fold \(f + 1): groups \(sel.groups.names) \(sel.best.description) " + String(format: " acc %.4f  macro-F1 %.4f  sports non-neutral %d/%d  other CoNLL gated %d/%d",
                       r.metrics.accuracy, r.metrics.macroF1, r.sportsNonNeutral, r.sportsMentions,
                       r.generalGated, r.generalMentions))
            results.append(r)
        }
        return ToneCVResult(folds: results, predictions: oof)
    }

    /// Plain CV with fixed hyper-parameters.
    public mutating func plain(window: Int, l2: Double, nb: Double = 0) -> ToneCVResult {
        var results: [ToneFoldResult] = []
        var oof = [TonePrediction?](repeating: nil, count: instances.count)
        for f in 0..<k { results.append(outer(f, GridRow(groups: base.groups, window: window, l2: l2, nb: nb, metrics: ToneMetrics()), oof: &oof)) }
        return ToneCVResult(folds: results, predictions: oof)
    }

    private mutating func outer(_ f: Int, _ row: GridRow, oof: inout [TonePrediction?]) -> ToneFoldResult {
        let c = config(groups: row.groups, window: row.window)
        let feats = features(c)
        let train = instances.indices.filter { folds[$0] != f }
        let test = instances.indices.filter { folds[$0] == f }
        let model = model(row, c, feats, train: train)
        let e = evaluate(model, feats, test)
        for (i, p) in zip(test, e.predictions) { oof[i] = p }
        return ToneFoldResult(fold: f + 1, groups: row.groups, window: row.window, l2: row.l2, nb: row.nb, second: row.second, mix: row.mix,
                              metrics: e.metrics, sportsMentions: e.sports,
                              sportsNonNeutral: e.sportsNonNeutral, generalMentions: e.general, generalGated: e.generalGated)
    }

    /// The model of a grid point trained on `train` (an ensemble folded into one linear model).
    func model(_ row: GridRow, _ c: ToneFeatureConfig, _ feats: [[UInt32]], train: [Int]) -> ToneModel {
        let first = path(c, feats, train: train, l2s: [row.l2], nb: row.nb)[0]
        guard let m = row.second else { return first }
        let second = path(c, feats, train: train, l2s: [m.l2], nb: m.nb, withGate: false)[0]
        return ToneModel.blend(first, second, t: row.mix)
    }

    /// The final model: trained on every instance at the chosen grid point.
    public mutating func finalModel(_ row: GridRow, info: String) -> ToneModel {
        let c = config(groups: row.groups, window: row.window)
        let feats = features(c)
        return model(row, c, feats, train: Array(instances.indices)).withInfo(info)
    }
}

/// Order-preserving parallel map (each element's result lands in its own slot).
enum ToneParallel {
    static func map<T, R>(_ xs: [T], workers: Int, _ body: (T) -> R) -> [R] {
        guard xs.count > 1, workers > 1 else { return xs.map(body) }
        return withoutActuallyEscaping(body) { body in
            // The bodies only read shared values; each result goes to its own slot.
            let shared = ToneUnsafeBox((xs, body))
            let slots = ToneSlots<R>(count: xs.count)
            DispatchQueue.concurrentPerform(iterations: xs.count) { i in slots.set(i, shared.value.1(shared.value.0[i])) }
            return slots.values()
        }
    }
}

private final class ToneUnsafeBox<V>: @unchecked Sendable {
    let value: V
    init(_ value: V) { self.value = value }
}

private final class ToneSlots<R>: @unchecked Sendable {
    private var slots: [R?]
    private let lock = NSLock()
    init(count: Int) { slots = Array(repeating: nil, count: count) }
    func set(_ i: Int, _ v: R) { lock.lock(); slots[i] = v; lock.unlock() }
    func values() -> [R] { lock.lock(); defer { lock.unlock() }; return slots.map { $0! } }
}
