import Foundation
import Testing
@testable import NewsEntities
@testable import NewsRecords

@Suite("Entities: ticker audit")
struct EntityAuditTests {
    private func mention(_ doc: String, _ surface: String, _ start: Int, ticker: String?, evidence: String?) -> EntityMention {
        EntityMention(documentId: doc, entityId: "org:news-corp", canonicalName: "News Corp", surface: surface, type: .organization,
                      start: start, end: start + surface.unicodeScalars.count, sentence: 0, ticker: ticker, confidence: 0.9,
                      evidence: evidence, sentenceStart: 0, sentenceEnd: 40)
    }

    @Test func groupsSurfacesPerTickerWithCountsAndAnExample() {
        let mentions = [mention("b", "News", 9, ticker: "NWSA", evidence: "full-name-in-document"),
                        mention("a", "News", 4, ticker: "NWSA", evidence: "financial-context"),
                        mention("a", "News Corp", 20, ticker: "NWSA", evidence: "unambiguous-name"),
                        mention("a", "Reuters", 30, ticker: nil, evidence: nil)]
        var audit = EntityTickerAudit(mentions: mentions)
        #expect(audit.tickers.map(\.ticker) == ["NWSA"])
        let t = audit.tickers[0]
        #expect(t.mentions == 3 && t.documents == 2)
        #expect(t.surfaces.map(\.surface) == ["News", "News Corp"])
        #expect(t.surfaces[0].documents == 2)
        #expect(t.surfaces[0].exampleDocument == "a" && t.surfaces[0].exampleStart == 4)
        audit.fillExamples(texts: ["a": "Fox News aired it, News Corp said twice."])
        #expect(audit.tickers[0].surfaces[0].exampleSentence == "Fox [[News]] aired it, News Corp said twice.")
        #expect(audit.text().contains("NWSA  News Corp (org:news-corp): 3 mention(s) in 2 document(s), 2 surface(s)"))
        #expect(audit.tsv().split(separator: "\n").count == 3)
    }
}
