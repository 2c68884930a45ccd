import Foundation

/// A trained entity-level tone model: multinomial logistic regression over hashed features.
/// Immutable and `Sendable`: one instance can serve every thread.
public struct ToneModel: Sendable {
    public static let labels = ToneLabel.allCases
    public let extractor: ToneFeatureExtractor
    /// Weights, row-major: bucket × class (dense, `2^hashBits × 3`).
    let weights: [Float]
    let bias: [Float]
    /// Weights are multiples of this step (16-bit quantisation, as stored in the file).
    let weightScale: Float
    /// Financial-context gate, if the model was trained with non-financial examples.
    public let gate: ToneGate?
    /// Free text describing how the model was trained (stored in the file).
    public let info: String

    public var config: ToneFeatureConfig { extractor.config }

    /// A model from dense weights (`dimension × 3`) and biases. Weights are quantised to the file's
    /// 16-bit grid here, so a model in memory predicts exactly as the same model read from a file.
    public init(config: ToneFeatureConfig, weights: [Float], bias: [Float], gate: ToneGate? = nil, info: String = "") {
        precondition(weights.count == (1 << config.hashBits) * Self.labels.count && bias.count == Self.labels.count)
        self.extractor = ToneFeatureExtractor(config: config)
        let q = ToneModelFile.quantize(weights)
        self.weights = q.values.map { Float($0) * q.scale }
        self.weightScale = q.scale
        self.bias = bias
        self.gate = gate
        self.info = info
    }

    init(exact config: ToneFeatureConfig, weights: [Float], scale: Float, bias: [Float], gate: ToneGate?, info: String) {
        self.extractor = ToneFeatureExtractor(config: config)
        self.weights = weights; self.weightScale = scale; self.bias = bias; self.gate = gate; self.info = info
    }

    /// The same model with other training information.
    public func withInfo(_ info: String) -> ToneModel {
        ToneModel(exact: config, weights: weights, scale: weightScale, bias: bias, gate: gate, info: info)
    }

    /// The weighted average (1 − t)·a + t·b of two models with the same feature configuration:
    /// one linear model whose class scores are that average of theirs (an ensemble that averages
    /// the two models' scores, folded into one weight vector). Gate and info are `a`'s.
    package static func blend(_ a: ToneModel, _ b: ToneModel, t: Double) -> ToneModel {
        precondition(a.config == b.config && a.weights.count == b.weights.count)
        func mix(_ x: [Float], _ y: [Float]) -> [Float] { zip(x, y).map { Float((1 - t) * Double($0) + t * Double($1)) } }
        return ToneModel(config: a.config, weights: mix(a.weights, b.weights), bias: mix(a.bias, b.bias), gate: a.gate, info: a.info)
    }

    /// The same model without its gate (the tone model alone).
    public func withoutGate() -> ToneModel {
        ToneModel(exact: config, weights: weights, scale: weightScale, bias: bias, gate: nil, info: info)
    }

    public static func load(from url: URL) throws -> ToneModel {
        try ToneModelFile.read(Data(contentsOf: url))
    }

    public func write(to url: URL) throws {
        try ToneModelFile.encode(self).write(to: url, options: .atomic)
    }

    // MARK: Prediction

    /// Tone per entity; spans are Unicode-scalar offsets into `text` (as newspipe's mentions carry).
    public func predict(text: String, entitySpans: [Range<Int>]) -> [TonePrediction] {
        let doc = ToneDocument(text: text)
        return predict(document: doc, entityTokens: entitySpans.map { doc.tokenRange(covering: $0) })
    }

    /// Tone per entity name, each located in `text` by `ToneEntityLocator` (a name that does not
    /// occur gets neutral with confidence 0).
    public func predict(text: String, entityNames: [String]) -> [TonePrediction] {
        let doc = ToneDocument(text: text)
        let spans = ToneEntityLocator.spans(of: entityNames, in: text)
        return predict(document: doc, entityTokens: spans.map { $0.map { doc.tokenRange(covering: $0) } ?? 0..<0 })
    }

    /// Tone per entity given as token ranges of `document`; every other entity is masked as `<O>`.
    public func predict(document: ToneDocument, entityTokens: [Range<Int>]) -> [TonePrediction] {
        var feats: [UInt32] = []
        feats.reserveCapacity(256)
        var out: [TonePrediction] = []
        out.reserveCapacity(entityTokens.count)
        var others: [Range<Int>] = []
        for (i, t) in entityTokens.enumerated() {
            guard !t.isEmpty else {
                out.append(TonePrediction(tone: .neutral, confidence: 0, probabilities: [0, 0, 0])); continue
            }
            // Only entities of the target's sentence matter to its features.
            let sentence = document.sentences[document.sentence(of: t.lowerBound)]
            others.removeAll(keepingCapacity: true)
            for (j, o) in entityTokens.enumerated() where j != i && !o.isEmpty && o.overlaps(sentence) { others.append(o) }
            feats.removeAll(keepingCapacity: true)
            extractor.features(document, target: t, others: others, into: &feats)
            out.append(prediction(features: feats))
        }
        return out
    }

    /// Class probabilities for a feature list. With a gate, the tone distribution is mixed with
    /// "neutral" by the probability that the context is not financial.
    public func prediction(features: [UInt32]) -> TonePrediction {
        var s0: Float = 0, s1: Float = 0, s2: Float = 0
        weights.withUnsafeBufferPointer { w in
            for f in features {
                let b = Int(f) &* 3
                s0 += w[b]; s1 += w[b + 1]; s2 += w[b + 2]
            }
        }
        let v = Float(config.featureValue(count: features.count))
        s0 = bias[0] + v * s0; s1 = bias[1] + v * s1; s2 = bias[2] + v * s2
        let m = max(s0, s1, s2)
        let e0 = Double(exp(s0 - m)), e1 = Double(exp(s1 - m)), e2 = Double(exp(s2 - m))
        let z = e0 + e1 + e2
        var p = [e0 / z, e1 / z, e2 / z]
        if let gate {
            let g = gate.probability(features: features, value: v)
            p = [(1 - g) * p[0], (1 - g) * p[1], (1 - g) * p[2] + g]
        }
        var best = 0
        if p[1] > p[best] { best = 1 }
        if p[2] > p[best] { best = 2 }
        return TonePrediction(tone: ToneLabel(index: best), confidence: p[best], probabilities: p)
    }

    /// P(non-financial context) for the entity's features (0 without a gate).
    public func nonFinancialProbability(features: [UInt32]) -> Double {
        gate?.probability(features: features, value: Float(config.featureValue(count: features.count))) ?? 0
    }
}
