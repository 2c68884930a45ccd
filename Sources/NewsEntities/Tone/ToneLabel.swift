/// Tone of a sentence towards one entity mentioned in it.
public enum ToneLabel: String, Sendable, CaseIterable, Codable, Hashable {
    case positive, negative, neutral

    /// Class index used by the model (the order of `allCases`).
    public var index: Int {
        switch self {
        case .positive: 0
        case .negative: 1
        case .neutral: 2
        }
    }

    public init(index: Int) { self = Self.allCases[index] }

    /// Reads positive/negative/neutral and the newspipe spellings bullish/bearish.
    public init?(label: String) {
        switch label.lowercased() {
        case "positive", "bullish": self = .positive
        case "negative", "bearish": self = .negative
        case "neutral": self = .neutral
        default: return nil
        }
    }
}

/// The model's answer for one entity.
public struct TonePrediction: Sendable, Equatable {
    public var tone: ToneLabel
    /// Probability of `tone`.
    public var confidence: Double
    /// Probabilities in `ToneLabel.allCases` order.
    public var probabilities: [Double]

    public init(tone: ToneLabel, confidence: Double, probabilities: [Double]) {
        self.tone = tone; self.confidence = confidence; self.probabilities = probabilities
    }
}
