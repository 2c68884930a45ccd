import Testing
@testable import NewsEntities
@testable import NERTraining
@testable import NewsIO
@testable import NewsText
@testable import NewsRecords

@Suite struct EntityAcronymTests {
    @Test func commonAcronymsTaggedByTheModelAreNotEntities() {
        let text = "The AI boom lifted Nvidia, its CEO said."
        let spans = [NERSpan(start: 4, end: 6, label: "MISC", confidence: 0.9), NERSpan(start: 31, end: 34, label: "ORG", confidence: 0.8)]
        let mentions = entityTestAnnotator.annotate(documentId: "d", text: text, sentences: [0 ..< text.unicodeScalars.count], nerSpans: spans, published: nil)
        #expect(!mentions.contains { $0.surface == "AI" || $0.surface == "CEO" })
        #expect(mentions.contains { $0.surface == "Nvidia" && $0.type == .organization })
    }
}
