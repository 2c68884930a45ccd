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

    @Test func companyToneRowsFollowTheRuleOverTheModel() {
        let text = "Infosys shares gain as Wipro slips after weak results."
        let a = Self.engine.analyze(documentId: "d", text: text, sentences: [], nerSpans: [], published: nil)
        let row = try! #require(a.companyTones.first { $0.entityId == "org:infosys" })
        #expect(row.bullish == 1 && row.bearish == 0 && row.neutral == 0)   // the mention's own call
        let mention = try! #require(a.mentions.first { $0.entityId == "org:infosys" })
        let score = EntityCompanyToneAggregator.modelScores(try! ToneModel.loadDefault(), text: text,
                                                            spans: a.mentions.filter { $0.entityId.hasPrefix("org:") }.map { $0.start..<$0.end })
        #expect(score.count == 2)
        #expect(row.tone == CompanyToneRule.shipped.call([score[0]]).tone)
        #expect(mention.tone == score[0].tone)
        // A rule with margin 0 calls the clear case; the shipped margin never calls (chosen by CV).
        #expect(CompanyToneRule(statistic: .mean, margin: 0).call([score[0]]).tone == .bullish)
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
