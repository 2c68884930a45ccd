import Foundation
import Testing
@testable import NewsEntities
@testable import NERTraining
@testable import NewsIO
@testable import NewsText
@testable import NewsRecords

/// A made-up CoNLL corpus: invented people, firms and places in a few sentence patterns.
private func syntheticCorpus(copies: Int) -> String {
    let people = [("Marta", "Ostrovik"), ("Yelen", "Braskov"), ("Tomas", "Quill"), ("Ines", "Valdorra"), ("Oskar", "Pemberly")]
    let firms = ["Zorblat", "Quintrex", "Halvane", "Morrowind", "Petrasol"]
    let places = ["Quenville", "Dastra", "Ulmport", "Norvale", "Keswyn"]
    var out = ""
    for i in 0 ..< copies {
        let (f, l) = people[i % people.count]
        let firm = firms[(i * 3 + 1) % firms.count]
        let place = places[(i * 7 + 2) % places.count]
        out += "-DOCSTART- -X- -X- O\n\n"
        out += "\(f) NNP I-NP I-PER\n\(l) NNP I-NP I-PER\nof IN I-PP O\n\(firm) NNP I-NP I-ORG\nCorp NNP I-NP I-ORG\nvisited VBD I-VP O\n\(place) NNP I-NP I-LOC\n. . O O\n\n"
        out += "The DT I-NP O\nfirm NN I-NP O\n\(firm) NNP I-NP I-ORG\nopened VBD I-VP O\nan DT I-NP O\noffice NN I-NP O\nin IN I-PP O\n\(place) NNP I-NP I-LOC\n, , O O\nsaid VBD I-VP O\n\(l) NNP I-NP I-PER\n. . O O\n\n"
    }
    return out
}

private func tinyOptions() -> NERTrainingOptions {
    NERTrainingOptions(epochs: 8, seed: 7, minFeatureCount: 1, pruneWeightBelow: 0, bilou: false,
                       secondStage: true, folds: 2, gazetteerDirectory: nil, trainingEntityGazetteer: true)
}

private func trainTiny() throws -> NERModel {
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("ner-test-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: dir) }
    let train = dir.appendingPathComponent("tiny.train")
    try syntheticCorpus(copies: 25).write(to: train, atomically: true, encoding: .utf8)
    return try NERTrainer.train(trainFile: train, devFile: nil, options: tinyOptions(), log: { _ in })
}

private func labelled(_ text: String, _ spans: [NERSpan]) -> [String] {
    let scalars = Array(text.unicodeScalars)
    return spans.map { "\($0.label):\(String(String.UnicodeScalarView(scalars[$0.start ..< $0.end])))" }
}

@Suite("NERModel")
struct NERModelTests {
    @Test func conllReaderHandlesIOB1AndDocuments() {
        let docs = NERTrainer.parseConll("-DOCSTART- -X- -X- O\n\nEU NNP I-NP I-ORG\nrejects VBZ I-VP O\nPeter NNP I-NP I-PER\nSmith NNP I-NP I-PER\nJohn NNP I-NP B-PER\n\n-DOCSTART- -X- -X- O\n\nX NN I-NP O\n")
        #expect(docs.count == 2)
        #expect(docs[0].sentences == [["EU", "rejects", "Peter", "Smith", "John"]])
        #expect(docs[0].spans[0].map { "\($0.0)-\($0.1)-\($0.2)" } == ["0-1-ORG", "2-4-PER", "4-5-PER"])
    }

    @Test func trainingLearnsASyntheticCorpus() throws {
        let model = try trainTiny()
        // new combinations of known names, in a sentence pattern of the corpus
        let text = "Ines Valdorra of Petrasol Corp visited Keswyn ."
        #expect(labelled(text, model.tag(text: text)) == ["PER:Ines Valdorra", "ORG:Petrasol Corp", "LOC:Keswyn"])
        let text2 = "The firm Halvane opened an office in Dastra , said Quill ."
        #expect(labelled(text2, model.tag(text: text2)) == ["ORG:Halvane", "LOC:Dastra", "PER:Quill"])
    }

    @Test func saveAndLoadRoundTrip() throws {
        let model = try trainTiny()
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("ner-roundtrip-\(UUID().uuidString).bin")
        defer { try? FileManager.default.removeItem(at: url) }
        try model.save(to: url)
        let loaded = try NERModel.load(from: url)
        let text = "Tomas Quill of Zorblat Corp visited Norvale. The firm Quintrex opened an office in Ulmport."
        #expect(!model.tag(text: text).isEmpty)
        #expect(loaded.tag(text: text) == model.tag(text: text))
        #expect(NERModelCodec.encode(loaded) == NERModelCodec.encode(model))
    }

    @Test func loadRejectsAFileThatIsNotAModel() throws {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("ner-bad-\(UUID().uuidString).bin")
        defer { try? FileManager.default.removeItem(at: url) }
        try Array("NPNER001 but truncated".utf8).withUnsafeBufferPointer { try Data(buffer: $0).write(to: url) }
        #expect(throws: FileError.self) { try NERModel.load(from: url) }
    }

    @Test func defaultModelTagsPeopleCompaniesAndPlaces() throws {
        let model = try NERModel.loadDefault()
        let text = "Microsoft and Amazon compete in Seattle, said Satya Nadella."
        let spans = model.tag(text: text)
        #expect(labelled(text, spans) == ["ORG:Microsoft", "ORG:Amazon", "LOC:Seattle", "PER:Satya Nadella"])
        #expect(spans.allSatisfy { $0.confidence > 0 && $0.confidence <= 1 })
    }

    @Test func defaultModelReadsAllCapsHeadlines() throws {
        let model = try NERModel.loadDefault()
        let text = "GERMANY BEATS FRANCE IN PARIS\nGermany beat France 2-1 in Paris on Saturday, coach Hans Weber said."
        let spans = labelled(text, model.tag(text: text))
        #expect(spans.starts(with: ["LOC:GERMANY", "LOC:FRANCE", "LOC:PARIS"]))
        #expect(spans.contains("PER:Hans Weber"))
    }

    @Test func spansUseScalarOffsetsOfTheOriginalText() throws {
        let model = try NERModel.loadDefault()
        let text = "👍 Café owners in Paris met Angela Merkel."
        let spans = model.tag(text: text)
        #expect(labelled(text, spans).contains("LOC:Paris"))
        #expect(spans.contains { $0.label == "LOC" && $0.start == 17 && $0.end == 22 })
    }

    @Test func titleCaseHeadlinesDoNotTurnEveryWordIntoAName() throws {
        let model = try NERModel.loadDefault()
        let text = "Goldman Sachs Cuts Jobs In London And New York"
        #expect(labelled(text, model.tag(text: text)) == ["ORG:Goldman Sachs", "LOC:London", "LOC:New York"])
    }

    @Test func emptyAndPunctuationOnlyTextHaveNoEntities() throws {
        let model = try NERModel.loadDefault()
        #expect(model.tag(text: "").isEmpty)
        #expect(model.tag(text: " \n\n ... -- ").isEmpty)
    }

    @Test func concurrentTaggingGivesTheSameSpans() async throws {
        let model = try NERModel.loadDefault()
        let texts = (0 ..< 16).map { "Report \($0): Microsoft and Amazon compete in Seattle, said Satya Nadella." }
        let serial = texts.map { model.tag(text: $0) }
        let parallel = await withTaskGroup(of: (Int, [NERSpan]).self) { group in
            for (i, t) in texts.enumerated() { group.addTask { (i, model.tag(text: t)) } }
            var out = [[NERSpan]](repeating: [], count: texts.count)
            for await (i, s) in group { out[i] = s }
            return out
        }
        #expect(parallel == serial)
        #expect(serial.allSatisfy { $0.count == 4 })
    }

    @Test func shippedModelIsCompactAndHasANotice() throws {
        let url = try EntityResources.url("ner/model.bin")
        let size = try #require(try FileManager.default.attributesOfItem(atPath: url.path)[.size] as? Int)
        #expect(size > 100_000 && size < 15_000_000)
        let notice = url.deletingLastPathComponent().appendingPathComponent("NOTICE")
        let text = try String(contentsOf: notice, encoding: .utf8)
        #expect(text.contains("CoNLL-2003") && text.contains("Census"))
    }
}
