import NewsEntities
/// Accuracy and macro-F1 over the three classes, computed as `score_tone.py` does.
public struct ToneMetrics: Sendable, Equatable {
    /// confusion[gold][predicted], class order of `ToneLabel.allCases`.
    public var confusion = [[Int]](repeating: [0, 0, 0], count: 3)

    public init() {}

    public mutating func add(gold: ToneLabel, predicted: ToneLabel) { confusion[gold.index][predicted.index] += 1 }

    public mutating func merge(_ o: ToneMetrics) {
        for g in 0..<3 { for p in 0..<3 { confusion[g][p] += o.confusion[g][p] } }
    }

    public var count: Int { confusion.joined().reduce(0, +) }
    public var correct: Int { (0..<3).reduce(0) { $0 + confusion[$1][$1] } }
    public var accuracy: Double { count == 0 ? 0 : Double(correct) / Double(count) }

    public func f1(_ c: Int) -> Double {
        let tp = Double(confusion[c][c])
        let fp = Double((0..<3).reduce(0) { $0 + ($1 == c ? 0 : confusion[$1][c]) })
        let fn = Double((0..<3).reduce(0) { $0 + ($1 == c ? 0 : confusion[c][$1]) })
        let p = tp + fp > 0 ? tp / (tp + fp) : 0, r = tp + fn > 0 ? tp / (tp + fn) : 0
        return p + r > 0 ? 2 * p * r / (p + r) : 0
    }

    public var macroF1: Double { (f1(0) + f1(1) + f1(2)) / 3 }
}
