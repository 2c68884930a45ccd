import Foundation
import Testing
@testable import NewsEntities
@testable import NERTraining

@Suite struct ToneNaiveBayesTests {
    /// Three rows in CSR form: row 0 (class 0) has bucket 0 twice and bucket 1, row 1 (class 1)
    /// buckets 1 and 2, row 2 (class 2) bucket 2.
    let rowStart = [0, 3, 5, 6]
    let columns: [Int32] = [0, 0, 1, 1, 2, 2]
    let labels = [0, 1, 2]
    let weights = [1.0, 1.0, 1.0]

    @Test func ratiosCountPresenceOncePerExampleWithSmoothing() {
        let r = ToneNaiveBayes.ratios(rowStart: rowStart, columns: columns, labels: labels, weights: weights, buckets: 3, classes: 3)
        // Presence counts: bucket 0 → class 0: 1 (not 2); bucket 1 → classes 0, 1; bucket 2 → classes 1, 2.
        // Class totals 2, 2, 1 (all 5); α = 1 over 3 buckets.
        func ratio(_ p: Double, _ pTotal: Double, _ q: Double, _ qTotal: Double) -> Double {
            log((1 + p) / (pTotal + 3)) - log((1 + q) / (qTotal + 3))
        }
        let expected = [
            ratio(1, 2, 0, 3), ratio(0, 2, 1, 3), ratio(0, 1, 1, 4),  // bucket 0
            ratio(1, 2, 1, 3), ratio(1, 2, 1, 3), ratio(0, 1, 2, 4),  // bucket 1
            ratio(0, 2, 2, 3), ratio(1, 2, 1, 3), ratio(1, 1, 1, 4),  // bucket 2
        ]
        #expect(r.count == 9)
        for (a, b) in zip(r, expected) { #expect(abs(a - b) < 1e-12) }
        // A feature seen only with class 0 speaks for class 0 and against the others.
        #expect(r[0] > 0 && r[1] < 0 && r[2] < 0)
    }

    @Test func scalesInterpolateAndHaveUnitMeanOverOccurrences() {
        let off = ToneNaiveBayes.scales(rowStart: rowStart, columns: columns, labels: labels, weights: weights, buckets: 3, classes: 3, beta: 0)
        #expect(off.allSatisfy { $0 == 1 })
        let full = ToneNaiveBayes.scales(rowStart: rowStart, columns: columns, labels: labels, weights: weights, buckets: 3, classes: 3, beta: 1)
        let half = ToneNaiveBayes.scales(rowStart: rowStart, columns: columns, labels: labels, weights: weights, buckets: 3, classes: 3, beta: 0.5)
        #expect(full.allSatisfy { $0 >= 0 })
        for (h, f) in zip(half, full) { #expect(abs(h - (0.5 + 0.5 * f)) < 1e-12) }
        var sum = 0.0, n = 0.0
        for p in columns.indices { for c in 0..<3 { sum += full[Int(columns[p]) * 3 + c]; n += 1 } }
        #expect(abs(sum / n - 1) < 1e-12)
    }

    static func examples(_ config: ToneFeatureConfig) -> [ToneTrainingExample] { ToneModelFileTests.tinyExamples(config) }

    /// `n` one-entity headlines, a third each positive, negative and neutral.
    static func toyItems(_ n: Int) -> [ToneItem] {
        let up = ["jumps", "rises", "gains", "beats estimates", "soars"], down = ["falls", "slips", "drops", "misses estimates", "slumps"]
        return (0..<n).map { i in
            let verb = i % 3 == 0 ? "holds meeting \(i)" : (i % 3 == 1 ? up[i % 5] + " \(i)" : down[i % 5] + " \(i)")
            let tone: ToneLabel = i % 3 == 0 ? .neutral : (i % 3 == 1 ? .positive : .negative)
            return ToneItem(idJSON: "\(i)", text: "Acme\(i) \(verb)", entities: [("Acme\(i)", tone)])
        }
    }

    static var config: ToneFeatureConfig {
        var c = ToneFeatureConfig()
        c.hashBits = 14
        c.window = 2
        return c
    }

    @Test func scaledObjectiveHasTheRightGradient() {
        let problem = ToneProblem(Self.examples(Self.config), config: Self.config, nb: 1)
        #expect(problem.scales != nil)
        // Any fixed point away from 0 will do.
        let x = (0..<problem.parameterCount).map { 0.5 * sin(Double($0) * 1.7) }
        var g = [Double](repeating: 0, count: x.count), scratch = g
        _ = problem.objective(x, &g, l2: 1e-2)
        for i in stride(from: 0, to: x.count, by: max(x.count / 40, 1)) {
            var xp = x, xm = x
            let h = 1e-6
            xp[i] += h; xm[i] -= h
            let numeric = (problem.objective(xp, &scratch, l2: 1e-2) - problem.objective(xm, &scratch, l2: 1e-2)) / (2 * h)
            #expect(abs(numeric - g[i]) < 1e-6 * max(1, abs(g[i])))
        }
    }

    @Test func scalesAreFoldedIntoAPlainLinearModel() throws {
        let config = Self.config
        let examples = Self.examples(config)
        let problem = ToneProblem(examples, config: config, nb: 1)
        var trainer = ToneTrainer(config: config, l2: 1e-2, maxIterations: 100)
        trainer.nb = 1
        let x = trainer.fit(problem).parameters
        let model = trainer.model(problem, parameters: x)
        // The saved model's scores equal the scaled problem's scores (up to 16-bit quantisation).
        let scales = try #require(problem.scales)
        var column: [UInt32: Int] = [:]
        for (j, b) in problem.buckets.enumerated() { column[b] = j }
        for e in examples {
            var s = (0..<3).map { x[problem.buckets.count * 3 + $0] }
            for f in e.features { let j = column[f]!; for c in 0..<3 { s[c] += x[j * 3 + c] * scales[j * 3 + c] } }
            let m = s.max()!
            let z = s.reduce(0) { $0 + exp($1 - m) }
            let p = model.prediction(features: e.features)
            for c in 0..<3 { #expect(abs(p.probabilities[c] - exp(s[c] - m) / z) < 1e-3) }
        }
        // Same file format: the model round-trips, and training with β is deterministic.
        let loaded = try ToneModelFile.read(ToneModelFile.encode(model))
        #expect(loaded.weights == model.weights && loaded.bias == model.bias)
        #expect(ToneModelFile.encode(trainer.train(examples)) == ToneModelFile.encode(trainer.train(examples)))
        let p = trainer.train(examples).predict(text: "Gold shines as Silver slips", entityNames: ["Gold", "Silver"])
        #expect(p.map(\.tone) == [.positive, .negative])
    }

    @Test func betaZeroIsPlainLogisticRegression() {
        let config = Self.config
        let examples = Self.examples(config)
        #expect(ToneProblem(examples, config: config, nb: 0).scales == nil)
        var off = ToneTrainer(config: config, l2: 1e-2, maxIterations: 100)
        off.nb = 0
        #expect(ToneModelFile.encode(off.train(examples)) == ToneModelFile.encode(ToneTrainer(config: config, l2: 1e-2, maxIterations: 100).train(examples)))
        var on = off
        on.nb = 1
        #expect(ToneModelFile.encode(on.train(examples)) != ToneModelFile.encode(off.train(examples)))
    }

    @Test func innerCVChoosesAmongTheBetas() {
        var cv = ToneCrossValidation(instances: ToneCorpus.labelled(Self.toyItems(40)), k: 3, seed: 5, base: Self.config)
        cv.workers = 1
        cv.maxIterations = 60
        cv.nbs = [0, 1]
        let sel = cv.select(within: [0, 1, 2], windows: [2], l2s: [1e-2, 1e-3])
        #expect(sel.table.count == 4)
        #expect(Set(sel.table.map(\.nb)) == [0, 1])
        let best = sel.table.map(\.metrics.correct).max()!
        #expect(sel.table.first { $0.nb == sel.nb && $0.l2 == sel.l2 }!.metrics.correct == best)
        // Ties go to the earlier β: with the same β listed twice, the first copy's rows win.
        cv.nbs = [1, 1]
        #expect(cv.select(within: [0, 1, 2], windows: [2], l2s: [1e-2]).nb == 1)
        let nested = cv.nested(windows: [2], l2s: [1e-2])
        #expect(nested.folds.count == 3 && nested.folds.allSatisfy { $0.nb == 1 })
    }

    @Test func blendAveragesTheTwoModelsScores() {
        let examples = Self.examples(Self.config)
        let a = ToneTrainer(config: Self.config, l2: 1e-2, maxIterations: 100).train(examples)
        var nbTrainer = ToneTrainer(config: Self.config, l2: 1e-1, maxIterations: 100)
        nbTrainer.nb = 1
        let b = nbTrainer.train(examples)
        let m = ToneModel.blend(a, b, t: 0.25)
        for e in examples {
            let pa = a.prediction(features: e.features).probabilities, pb = b.prediction(features: e.features).probabilities
            let pm = m.prediction(features: e.features).probabilities
            // log p = score − log Σ exp(score): the blend's log-probabilities are 0.75·a's + 0.25·b's
            // up to one constant per example.
            let d = (0..<3).map { log(pm[$0]) - 0.75 * log(pa[$0]) - 0.25 * log(pb[$0]) }
            #expect(abs(d[0] - d[1]) < 1e-3 && abs(d[0] - d[2]) < 1e-3)
        }
        #expect(ToneModel.blend(a, b, t: 0).weights == a.weights)
    }

    @Test func ensemblesOfTwoBetasCompeteInTheInnerCV() {
        var cv = ToneCrossValidation(instances: ToneCorpus.labelled(Self.toyItems(30)), k: 3, seed: 5, base: Self.config)
        cv.workers = 1
        cv.maxIterations = 60
        cv.nbs = [0, 1]
        cv.mixes = [0.5]
        let sel = cv.select(within: [0, 1, 2], windows: [2], l2s: [1e-2, 1e-1])
        // 2 β × 2 λ single models, then one ensemble of each β's best λ.
        #expect(sel.table.count == 5)
        let ensemble = sel.table[4]
        #expect(ensemble.nb == 0 && ensemble.second?.nb == 1 && ensemble.mix == 0.5)
        #expect(sel.table.map(\.metrics.correct).max() == sel.best.metrics.correct)
        // The outer folds train what their inner CV chose, and report it.
        let nested = cv.nested(windows: [2], l2s: [1e-2, 1e-1])
        #expect(nested.folds.count == 3 && nested.pooled.count == 30)
    }
}
