import Foundation

/// Learned financial-context gate: the probability that a mention stands in a non-financial context
/// (sports results and the like), where the tone model's answer is overruled towards neutral.
/// Trained on SEntFiN headlines (financial) against CoNLL-2003 sports stories (non-financial).
public struct ToneGate: Sendable, Equatable {
    /// One weight per bucket (quantised to a 16-bit grid of step `scale`).
    public let weights: [Float]
    public let bias: Float
    public let scale: Float

    public init(weights: [Float], bias: Float) {
        let q = ToneModelFile.quantize(weights)
        self.weights = q.values.map { Float($0) * q.scale }
        self.scale = q.scale
        self.bias = bias
    }

    init(exact weights: [Float], bias: Float, scale: Float) {
        self.weights = weights; self.bias = bias; self.scale = scale
    }

    /// P(non-financial context) for a feature list whose features all take `value`.
    public func probability(features: [UInt32], value: Float) -> Double {
        var s: Float = 0
        weights.withUnsafeBufferPointer { w in for f in features { s += w[Int(f)] } }
        return 1 / (1 + exp(-Double(bias + value * s)))
    }
}
