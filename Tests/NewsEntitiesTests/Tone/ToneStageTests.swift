import Foundation
import Testing
@testable import NewsEntities
@testable import NewsRecords

/// The shipped tone model as the entities stage uses it: per company mention, from its own clause.
@Suite("Tone: the model in the entities engine")
struct ToneStageTests {
    static let engine: EntityAnnotator = {
        EntityAnnotator(knowledge: try! EntityKnowledgeBase.loadDefault(), lexicon: try! ToneLexicon.loadDefault(),
                        toneModel: try! ToneModel.loadDefault())
    }()

    private func tones(_ text: String) -> [String: Tone] {
        let a = Self.engine.analyze(documentId: "t", text: text, sentences: [], nerSpans: [], published: nil)
        var out: [String: Tone] = [:]
        for m in a.mentions where out[m.entityId] == nil { out[m.entityId] = m.tone }
        return out
    }

    @Test func contrastGivesEachCompanyItsOwnClause() {
        let t = tones("Infosys shares gain as Wipro slips after weak results.")
        #expect(t["org:infosys"] == .bullish)
        #expect(t["org:wipro"] == .bearish)
    }

    @Test func companyToneRowsFollowTheModel() {
        let a = Self.engine.analyze(documentId: "d", text: "Infosys shares gain as Wipro slips after weak results.",
                                    sentences: [], nerSpans: [], published: nil)
        #expect(a.companyTones.first { $0.entityId == "org:infosys" }?.tone == .bullish)
        #expect(a.companyTones.allSatisfy { $0.confidence > 0 && $0.confidence <= 1 })
    }

    @Test func newsOutletsAreNotToned() {
        let t = tones("Shares of Intel fell sharply, Reuters reported.")
        #expect(t["org:thomson-reuters"] == .neutral)
    }

    @Test func modelFileLoadsWithItsNotice() throws {
        let url = try EntityResources.url("tone/model.bin")
        #expect(FileManager.default.fileExists(atPath: url.deletingLastPathComponent().appendingPathComponent("NOTICE").path))
        let model = try ToneModel.loadDefault()
        #expect(model.predict(text: "EXL beats profit estimates", entityNames: ["EXL"]).first?.tone == .positive)
    }
}
