import Foundation
import Testing
@testable import NewsEntities
@testable import NewsRecords

/// The company-tone rule: a company is non-neutral only past a margin over neutral.
@Suite("Tone: company call from mention probabilities")
struct CompanyToneRuleTests {
    private func s(_ p: Double, _ n: Double, _ u: Double) -> EntityToneScore {
        EntityToneScore(positive: p, negative: n, neutral: u, fromModel: true)
    }

    @Test func weakEvidenceStaysNeutral() {
        let rule = CompanyToneRule(statistic: .mean, margin: 0.3)
        #expect(rule.call([s(0.5, 0.1, 0.4)]).tone == .neutral)        // 0.5 - 0.4 = 0.1 ≤ 0.3
        #expect(rule.call([s(0.8, 0.05, 0.15)]).tone == .bullish)      // 0.65 > 0.3
        #expect(rule.call([s(0.05, 0.8, 0.15)]).tone == .bearish)
        #expect(rule.call([]).tone == .neutral)
    }

    @Test func meanAndMaxDifferOnOneStrongMentionAmongNeutralOnes() {
        let scores = [s(0.9, 0.05, 0.05), s(0.05, 0.05, 0.9), s(0.05, 0.05, 0.9)]
        #expect(CompanyToneRule(statistic: .mean, margin: 0.2).call(scores).tone == .neutral)
        #expect(CompanyToneRule(statistic: .max, margin: 0.2).call(scores).tone == .bullish)
    }

    @Test func confidenceIsTheMeanProbabilityOfTheCall() {
        let (tone, confidence) = CompanyToneRule(statistic: .mean, margin: 0).call([s(0.7, 0.1, 0.2), s(0.9, 0.05, 0.05)])
        #expect(tone == .bullish)
        #expect(abs(confidence - 0.8) < 1e-9)
    }

    @Test func lexiconCallsKeepTheirMajority() {
        // 0/1 scores from the lexicon are not put through the margin.
        let m = [EntityMention(documentId: "d", entityId: "org:x", canonicalName: "X", surface: "X", type: .organization,
                               start: 0, end: 1, sentence: 0, ticker: nil, value: nil, confidence: 1, tone: .bullish, cue: "up")]
        let rows = EntityCompanyToneAggregator.companyTones(m, scores: [EntityToneScore(positive: 1, negative: 0, neutral: 0)],
                                                            documentId: "d", rule: CompanyToneRule(statistic: .mean, margin: 2))
        #expect(rows.first?.tone == .bullish)
        #expect(rows.first?.bullish == 1)
    }
}

/// The evidence `newspipe tone margin-cv` studies is what the stage calls from.
@Suite("Tone: company evidence matches the stage")
struct CompanyToneEvidenceTests {
    @Test func evidenceGivesTheStageRows() throws {
        let engine = try EntityEngine(settings: EntityEngine.Settings(lexiconTone: false))
        let text = "Infosys shares gain as Wipro slips after weak results. Reuters said Infosys raised its outlook, while Wipro cut jobs."
        let (analysis, evidence) = engine.companyToneEvidence(documentId: "d", text: text, published: nil)
        #expect(!analysis.companyTones.isEmpty)
        #expect(evidence.count == analysis.companyTones.count)
        for (row, ev) in zip(analysis.companyTones, evidence) {
            #expect(row.entityId == ev.entityId)
            #expect(CompanyToneRule.shipped.call(ev.scores).tone == row.tone)
            if row.entityId != "org:thomson-reuters" {
                #expect(ev.scores.count == row.bullish + row.bearish + row.neutral)
                #expect(ev.scores.filter { $0.tone == .bullish }.count == row.bullish)
            }
        }
        let lexicon = try EntityEngine(settings: EntityEngine.Settings(lexiconTone: true))
        #expect(lexicon.companyToneEvidence(documentId: "d", text: text, published: nil).evidence.isEmpty)
    }
}
