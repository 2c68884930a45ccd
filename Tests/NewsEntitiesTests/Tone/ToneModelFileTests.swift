import Foundation
import Testing
@testable import NewsEntities
@testable import NERTraining

@Suite struct ToneModelFileTests {
    func tinyModel() -> ToneModel {
        var config = ToneFeatureConfig()
        config.hashBits = 14
        config.window = 2
        return ToneTrainer(config: config, l2: 1e-2, maxIterations: 100).train(Self.tinyExamples(config), info: "unit test")
    }

    /// Five labelled mentions, two of them in one contrast headline.
    static func tinyExamples(_ config: ToneFeatureConfig) -> [ToneTrainingExample] {
        let ex = ToneFeatureExtractor(config: config)
        let data: [(String, [String], Int, ToneLabel)] = [
            ("Gold shines as Silver slips", ["Gold", "Silver"], 0, .positive),
            ("Gold shines as Silver slips", ["Gold", "Silver"], 1, .negative),
            ("Infosys to hold board meeting", ["Infosys"], 0, .neutral),
            ("Wipro profit jumps 20%", ["Wipro"], 0, .positive),
            ("Tata Steel shares fall", ["Tata Steel"], 0, .negative),
        ]
        return data.map { text, names, t, label -> ToneTrainingExample in
            let doc = ToneDocument(text: text)
            let toks = ToneEntityLocator.spans(of: names, in: text).map { doc.tokenRange(covering: $0!) }
            var f: [UInt32] = []
            ex.features(doc, target: toks[t], others: toks.enumerated().filter { $0.offset != t }.map(\.element), into: &f)
            return ToneTrainingExample(features: f, label: label)
        }
    }

    @Test func roundTrip() throws {
        let model = tinyModel()
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("tone-test-\(getpid()).bin")
        defer { try? FileManager.default.removeItem(at: url) }
        try model.write(to: url)
        let loaded = try ToneModel.load(from: url)
        #expect(loaded.config == model.config)
        #expect(loaded.info == "unit test")
        #expect(loaded.weights == model.weights)
        #expect(loaded.bias == model.bias)
        for (text, names) in [("Gold shines as Silver slips", ["Gold", "Silver"]), ("Wipro shares fall", ["Wipro"]),
                              ("No entity here", ["Absent"])] {
            #expect(loaded.predict(text: text, entityNames: names) == model.predict(text: text, entityNames: names))
        }
        // Writing the loaded model gives the same bytes.
        #expect(ToneModelFile.encode(loaded) == ToneModelFile.encode(model))
    }

    @Test func roundTripWithGate() throws {
        var config = ToneFeatureConfig()
        config.hashBits = 12
        let ex = ToneFeatureExtractor(config: config)
        let texts: [(String, Bool)] = [("Infosys shares rise", true), ("Wipro profit falls", true),
                                      ("Arsenal beat Chelsea 2-1", false), ("Federer beat Sampras in the final", false)]
        var examples: [ToneTrainingExample] = []
        for (i, (t, _)) in texts.enumerated() {
            let doc = ToneDocument(text: t)
            var f: [UInt32] = []
            ex.features(doc, target: 0..<1, others: [], into: &f)
            examples.append(ToneTrainingExample(features: f, label: i == 0 ? .positive : (i == 1 ? .negative : .neutral)))
        }
        let model = ToneTrainer(config: config, l2: 1e-2, maxIterations: 100).train(examples, financial: texts.map(\.1))
        #expect(model.gate != nil)
        let loaded = try ToneModelFile.read(ToneModelFile.encode(model))
        #expect(loaded.gate == model.gate)
        for t in ["Arsenal beat Chelsea", "Infosys shares rise"] {
            #expect(loaded.predict(text: t, entitySpans: [0..<7]) == model.predict(text: t, entitySpans: [0..<7]))
        }
        #expect(ToneModelFile.encode(loaded) == ToneModelFile.encode(model))
    }

    @Test func trainingIsDeterministic() {
        #expect(ToneModelFile.encode(tinyModel()) == ToneModelFile.encode(tinyModel()))
    }

    @Test func learnsTheTinySet() {
        let p = tinyModel().predict(text: "Gold shines as Silver slips", entityNames: ["Gold", "Silver"])
        #expect(p.map(\.tone) == [.positive, .negative])
        #expect(p.allSatisfy { abs($0.probabilities.reduce(0, +) - 1) < 1e-9 && $0.confidence > 1.0 / 3 })
    }

    @Test func rejectsCorruptFiles() {
        var bytes = [UInt8](ToneModelFile.encode(tinyModel()))
        bytes[bytes.count / 2] ^= 0xff
        #expect(throws: ToneError.self) { try ToneModelFile.read(Data(bytes)) }
        #expect(throws: ToneError.self) { try ToneModelFile.read(Data("not a model".utf8)) }
    }

    @Test func spansAndNamesAgree() {
        let model = tinyModel()
        let text = "Gold shines as Silver slips"
        #expect(model.predict(text: text, entitySpans: [0..<4, 15..<21]) == model.predict(text: text, entityNames: ["Gold", "Silver"]))
    }
}
