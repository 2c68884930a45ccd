import Foundation
import NewsEntities

/// Held-out figures of one fold.
public struct ToneFoldResult: Sendable {
    public var fold: Int
    /// Feature groups chosen for the fold (one of the candidate sets).
    public var groups: ToneFeatureGroups = .standard
    public var window: Int
    public var l2: Double
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
    func path(_ config: ToneFeatureConfig, _ feats: [[UInt32]], train: [Int], l2s: [Double]) -> [ToneModel] {
        let ex = train.map { ToneTrainingExample(features: feats[$0], label: instances[$0].label, weight: instances[$0].weight) }
        var gate: ToneGate? = nil
        var toneExamples = zip(train, ex).filter { instances[$0.0].source == .sentfin }.map(\.1)
        if sportsAsNeutral {
            toneExamples = zip(train, ex).filter { instances[$0.0].source != .general }.map(\.1)
        } else if train.contains(where: { instances[$0].source == .sports }) {
            var t = ToneTrainer(config: config, maxIterations: maxIterations)
            t.gateL2 = gateL2
            gate = t.gate(ToneProblem(ex, config: config, classes: 2, labels: train.map { instances[$0].source == .sports ? 1 : 0 }))
        }
        let problem = ToneProblem(toneExamples, config: config)
        var models = [ToneModel?](repeating: nil, count: l2s.count)
        var start: [Double]? = nil
        for i in l2s.indices.sorted(by: { l2s[$0] > l2s[$1] }) {
            let t = ToneTrainer(config: config, l2: l2s[i], maxIterations: maxIterations)
            let fit = t.fit(problem, start: start)
            if debug { log("    fit l2 \(l2s[i]): \(fit.iterations) iterations, \(problem.parameterCount) parameters") }
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

    /// (feature groups, window, λ) with the best pooled accuracy of the tone model over the inner
    /// folds `within` (ties: the earlier group set, then the larger λ, then the smaller window), and
    /// the inner table. The inner folds run on `workers` threads; their metrics merge in fold order.
    public mutating func select(within: [Int], windows: [Int], l2s: [Double]) -> (groups: ToneFeatureGroups, window: Int, l2: Double, table: [(ToneFeatureGroups, Int, Double, ToneMetrics)]) {
        var table: [(ToneFeatureGroups, Int, Double, ToneMetrics)] = []
        let candidates = candidateGroups
        let grid = candidates.enumerated().flatMap { gi, g in windows.map { (gi, g, $0) } }
        for (gi, g, w) in grid {
            let c = config(groups: g, window: w)
            let f = features(c)
            // The tone model's hyper-parameters are chosen on the tone model alone (the gate
            // has a fixed λ and is trained only for the outer evaluation).
            let me = self
            let perFold = ToneParallel.map(within, workers: workers) { held -> [ToneMetrics] in
                let train = me.instances.indices.filter { within.contains(me.folds[$0]) && me.folds[$0] != held && me.instances[$0].source == .sentfin }
                let test = me.instances.indices.filter { me.folds[$0] == held && me.instances[$0].source == .sentfin }
                let models = me.path(c, f, train: train, l2s: l2s)
                return models.map { me.evaluate($0, f, test).metrics }
            }
            let pooled = l2s.indices.map { j in perFold.reduce(into: ToneMetrics()) { $0.merge($1[j]) } }
            for (j, l) in l2s.enumerated() { table.append((g, w, l, pooled[j])) }
            if debug { log("    inner groups \(gi) (\(g.names)) window \(w): " + pooled.map { String(format: "%.4f", $0.accuracy) }.joined(separator: " ")) }
        }
        func rank(_ g: ToneFeatureGroups) -> Int { candidates.firstIndex(of: g) ?? 0 }
        var best = table[0]
        for row in table.dropFirst() {
            let a = row.3.correct, b = best.3.correct
            if a > b || (a == b && (rank(row.0) < rank(best.0) || (rank(row.0) == rank(best.0)
                && (row.2 > best.2 || (row.2 == best.2 && row.1 < best.1))))) { best = row }
        }
        return (best.0, best.1, best.2, table)
    }

    /// Nested CV: for each outer fold, (window, λ) chosen by CV over the other folds only.
    public mutating func nested(windows: [Int], l2s: [Double]) -> ToneCVResult {
        var results: [ToneFoldResult] = []
        var oof = [TonePrediction?](repeating: nil, count: instances.count)
        for f in 0..<k {
            let within = (0..<k).filter { $0 != f }
            let sel = windows.count == 1 && l2s.count == 1 && candidateGroups.count == 1
                ? (candidateGroups[0], windows[0], l2s[0], []) : select(within: within, windows: windows, l2s: l2s)
            let r = outer(f, groups: sel.0, window: sel.1, l2: sel.2, oof: &oof)
            log("  fold \(f + 1): groups \(sel.0.names) " + String(format: "window %d l2 %.0e  acc %.4f  macro-F1 %.4f  sports non-neutral %d/%d  other CoNLL gated %d/%d",
                       sel.1, sel.2, r.metrics.accuracy, r.metrics.macroF1, r.sportsNonNeutral, r.sportsMentions,
                       r.generalGated, r.generalMentions))
            results.append(r)
        }
        return ToneCVResult(folds: results, predictions: oof)
    }

    /// Plain CV with fixed hyper-parameters.
    public mutating func plain(window: Int, l2: Double) -> ToneCVResult {
        var results: [ToneFoldResult] = []
        var oof = [TonePrediction?](repeating: nil, count: instances.count)
        for f in 0..<k { results.append(outer(f, groups: base.groups, window: window, l2: l2, oof: &oof)) }
        return ToneCVResult(folds: results, predictions: oof)
    }

    private mutating func outer(_ f: Int, groups: ToneFeatureGroups, window: Int, l2: Double, oof: inout [TonePrediction?]) -> ToneFoldResult {
        let c = config(groups: groups, window: window)
        let feats = features(c)
        let train = instances.indices.filter { folds[$0] != f }
        let test = instances.indices.filter { folds[$0] == f }
        let model = path(c, feats, train: train, l2s: [l2])[0]
        let e = evaluate(model, feats, test)
        for (i, p) in zip(test, e.predictions) { oof[i] = p }
        return ToneFoldResult(fold: f + 1, groups: groups, window: window, l2: l2, metrics: e.metrics, sportsMentions: e.sports,
                              sportsNonNeutral: e.sportsNonNeutral, generalMentions: e.general, generalGated: e.generalGated)
    }

    /// The final model: trained on every instance with the given hyper-parameters.
    public mutating func finalModel(groups: ToneFeatureGroups? = nil, window: Int, l2: Double, info: String) -> ToneModel {
        let c = config(groups: groups ?? base.groups, window: window)
        let feats = features(c)
        return path(c, feats, train: Array(instances.indices), l2s: [l2])[0].withInfo(info)
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
