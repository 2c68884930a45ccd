/// One labelled entity mention, already turned into feature indices.
public struct ToneTrainingExample: Sendable {
    public var features: [UInt32]
    public var label: ToneLabel
    /// Weight of this example in the loss.
    public var weight: Double

    public init(features: [UInt32], label: ToneLabel, weight: Double = 1) {
        self.features = features; self.label = label; self.weight = weight
    }
}

/// Training examples packed for the optimiser: only the buckets that occur, renumbered in
/// ascending bucket order (so the result does not depend on any hash-table order).
public struct ToneProblem: Sendable {
    let buckets: [UInt32]
    let rowStart: [Int]
    let columns: [Int32]
    let labels: [Int]
    let weights: [Double]
    /// Value of every feature of the row.
    let values: [Double]
    let totalWeight: Double
    /// Number of classes (3 for tone; 2 for the financial-context gate).
    let classes: Int
    /// Naive-Bayes feature scales (`buckets.count × classes`, bucket-major; nil: every scale 1).
    /// The model scores class c with Σ scale[f][c] · x[f][c]; `dense` folds the scales into the
    /// weights, so the saved model is a plain linear model whatever the scales were.
    let scales: [Double]?

    /// `labels[i]` overrides the examples' tone labels (class indices below `classes`). `nb` > 0
    /// scales every feature by its naive-Bayes log-count ratio computed on these examples only
    /// (`ToneNaiveBayes.scales`, interpolated with 1 by `nb`); 0 leaves the problem unscaled.
    public init(_ examples: [ToneTrainingExample], config: ToneFeatureConfig, classes: Int = 3, labels: [Int]? = nil, nb: Double = 0) {
        let dimension = 1 << config.hashBits
        var used = [Int32](repeating: -1, count: dimension)
        for e in examples { for f in e.features { used[Int(f)] = 0 } }
        var buckets: [UInt32] = []
        for b in 0..<dimension where used[b] == 0 { used[b] = Int32(buckets.count); buckets.append(UInt32(b)) }
        var rowStart = [0], columns: [Int32] = []
        columns.reserveCapacity(examples.reduce(0) { $0 + $1.features.count })
        for e in examples {
            for f in e.features { columns.append(used[Int(f)]) }
            rowStart.append(columns.count)
        }
        self.buckets = buckets; self.rowStart = rowStart; self.columns = columns
        self.labels = labels ?? examples.map(\.label.index)
        precondition(self.labels.allSatisfy { $0 < classes })
        self.classes = classes
        self.weights = examples.map(\.weight)
        self.values = examples.map { config.featureValue(count: $0.features.count) }
        self.totalWeight = max(examples.reduce(0) { $0 + $1.weight }, 1e-12)
        self.scales = nb > 0
            ? ToneNaiveBayes.scales(rowStart: rowStart, columns: columns, labels: self.labels, weights: self.weights,
                                    buckets: buckets.count, classes: classes, beta: nb)
            : nil
    }

    var parameterCount: Int { (buckets.count + 1) * classes }

    /// Mean weighted cross-entropy plus `l2`/2 × squared weights (biases not penalised).
    /// Parameters: bucket-major weights (`buckets.count × classes`), then the biases.
    /// With naive-Bayes scales, score_c = bias_c + v · Σ_f scale[f][c] · x[f][c]; the L2 penalty stays
    /// on the unscaled parameters (so a feature with a small scale is held near 0).
    func objective(_ x: [Double], _ grad: inout [Double], l2: Double) -> Double {
        let scaled = scales != nil
        let unit: [Double] = []
        let k = classes
        let nw = buckets.count * k
        var loss = 0.0
        var sc = [Double](repeating: 0, count: k)
        x.withUnsafeBufferPointer { px in
            grad.withUnsafeMutableBufferPointer { pg in
                columns.withUnsafeBufferPointer { pc in
                    (scales ?? unit).withUnsafeBufferPointer { ps in
                        sc.withUnsafeMutableBufferPointer { s in
                            for i in 0..<pg.count { pg[i] = 0 }
                            for r in 0..<labels.count {
                                for j in 0..<k { s[j] = 0 }
                                let lo = rowStart[r], hi = rowStart[r + 1]
                                for p in lo..<hi {
                                    let c = Int(pc[p]) &* k
                                    if scaled { for j in 0..<k { s[j] += px[c + j] * ps[c + j] } } else { for j in 0..<k { s[j] += px[c + j] } }
                                }
                                let v = values[r]
                                var m = -Double.infinity
                                for j in 0..<k { s[j] = px[nw + j] + v * s[j]; m = max(m, s[j]) }
                                var z = 0.0
                                let y = labels[r]
                                let sy = s[y]
                                for j in 0..<k { s[j] = exp(s[j] - m); z += s[j] }
                                let w = weights[r] / totalWeight
                                loss += w * (log(z) + m - sy)
                                for j in 0..<k {
                                    let g = w * (s[j] / z - (j == y ? 1 : 0))
                                    pg[nw + j] += g
                                    s[j] = v * g
                                }
                                for p in lo..<hi {
                                    let c = Int(pc[p]) &* k
                                    if scaled { for j in 0..<k { pg[c + j] += s[j] * ps[c + j] } } else { for j in 0..<k { pg[c + j] += s[j] } }
                                }
                            }
                            var reg = 0.0
                            for i in 0..<nw { reg += px[i] * px[i]; pg[i] += l2 * px[i] }
                            loss += 0.5 * l2 * reg
                        }
                    }
                }
            }
        }
        return loss
    }

    /// Dense per-bucket weights (`2^hashBits × classes`) and biases from parameters (naive-Bayes
    /// scales folded in).
    func dense(_ x: [Double], dimension: Int) -> (weights: [Float], bias: [Float]) {
        let k = classes
        var w = [Float](repeating: 0, count: dimension * k)
        for (j, b) in buckets.enumerated() {
            for c in 0..<k { w[Int(b) * k + c] = Float(scales.map { x[j * k + c] * $0[j * k + c] } ?? x[j * k + c]) }
        }
        let nw = buckets.count * k
        return (w, (0..<k).map { Float(x[nw + $0]) })
    }
}

/// Fits the multinomial logistic regression of a `ToneModel` with L-BFGS (deterministic).
public struct ToneTrainer: Sendable {
    public var config: ToneFeatureConfig
    /// L2 penalty on the weights (the loss is the mean cross-entropy).
    public var l2: Double
    public var maxIterations: Int
    /// L2 penalty of the financial-context gate (fixed, not tuned: the gate's effect is measured by CV).
    public var gateL2: Double = 1e-4
    /// Naive-Bayes scaling of the tone model's features (0: off; see `ToneProblem.init`).
    public var nb: Double = 0

    public init(config: ToneFeatureConfig, l2: Double = 1e-4, maxIterations: Int = 400) {
        self.config = config; self.l2 = l2; self.maxIterations = maxIterations
    }

    public var extractor: ToneFeatureExtractor { ToneFeatureExtractor(config: config) }

    /// Parameters minimising the objective, starting from `start` (a warm start) or zero.
    public func fit(_ problem: ToneProblem, start: [Double]? = nil) -> (parameters: [Double], iterations: Int) {
        var opt = ToneLBFGS()
        opt.maxIterations = maxIterations
        let x0 = start ?? [Double](repeating: 0, count: problem.parameterCount)
        let r = opt.minimize(x0) { x, g in problem.objective(x, &g, l2: l2) }
        return (r.x, r.iterations)
    }

    /// The tone model from fitted parameters, with an optional financial-context gate.
    public func model(_ problem: ToneProblem, parameters x: [Double], gate: ToneGate? = nil, info: String = "") -> ToneModel {
        precondition(problem.classes == 3)
        let d = problem.dense(x, dimension: 1 << config.hashBits)
        return ToneModel(config: config, weights: d.weights, bias: d.bias, gate: gate, info: info)
    }

    /// The gate: a binary logistic regression (financial context 0, non-financial 1) on the same
    /// features, fitted on `problem` (two classes).
    public func gate(_ problem: ToneProblem) -> ToneGate {
        precondition(problem.classes == 2)
        var t = self
        t.l2 = gateL2
        let x = t.fit(problem).parameters
        let d = problem.dense(x, dimension: 1 << config.hashBits)
        // Two-class softmax = logistic regression on the difference of the two rows.
        var w = [Float](repeating: 0, count: 1 << config.hashBits)
        for i in w.indices { w[i] = d.weights[2 * i + 1] - d.weights[2 * i] }
        return ToneGate(weights: w, bias: d.bias[1] - d.bias[0])
    }

    /// Trains the tone model on the examples labelled `financial` and, when some are not, the gate
    /// on all of them.
    public func train(_ examples: [ToneTrainingExample], financial: [Bool]? = nil, info: String = "") -> ToneModel {
        let fin = financial ?? [Bool](repeating: true, count: examples.count)
        let toneExamples = zip(examples, fin).filter { $0.1 }.map(\.0)
        let p = ToneProblem(toneExamples, config: config, nb: nb)
        var g: ToneGate? = nil
        if fin.contains(false) {
            g = gate(ToneProblem(examples, config: config, classes: 2, labels: fin.map { $0 ? 0 : 1 }))
        }
        return model(p, parameters: fit(p).parameters, gate: g, info: info)
    }
}

import Foundation
import NewsEntities
