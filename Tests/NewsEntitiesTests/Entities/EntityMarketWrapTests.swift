import Foundation
import Testing
@testable import NewsEntities
@testable import NERTraining
@testable import NewsIO
@testable import NewsText
@testable import NewsRecords

/// A hand-written market wrap with a shouting headline, share-button chrome, a results table and
/// several companies per sentence, annotated with hand-made NER spans for people and places.
@Suite("Entities: market wrap fixture")
struct EntityMarketWrapTests {
    let text: String
    let mentions: [EntityMention]

    init() throws {
        text = try entityFixture("market-wrap")
        let ner = [entitySpan("SAN FRANCISCO", in: text, "LOC", 0.9), entitySpan("Newswire", in: text, "ORG", 0.6),
                   entitySpan("Jensen Huang", in: text, "PER", 0.95), entitySpan("Taipei", in: text, "LOC", 0.9),
                   entitySpan("Huang", in: text, "PER", 0.85, occurrence: 1)]
        mentions = entityAnnotate(text, published: "2026-05-01T09:30:00Z", ner: ner)
    }

    private func first(_ surface: String, occurrence: Int = 0) -> EntityMention? {
        let r = entityScalarRange(of: surface, in: text, occurrence: occurrence)
        return mentions.first { $0.start == r.lowerBound && $0.end == r.upperBound }
    }

    @Test func headlineAndTableGiveNoTickers() {
        let tickers = mentions.filter { $0.type == .ticker }
        #expect(tickers.map(\.surface) == ["NVDA"])
        #expect(tickers.first?.start == entityScalarRange(of: "NASDAQ: NVDA", in: text).lowerBound + 8)
    }

    @Test func chromeGivesNothing() {
        let chromeEnd = entityScalarRange(of: "SAN FRANCISCO", in: text).lowerBound
        let headlineEnd = entityScalarRange(of: "Share on Facebook", in: text).lowerBound
        #expect(!mentions.contains { $0.start >= headlineEnd && $0.start < chromeEnd })
    }

    @Test func linksAndCoreference() {
        #expect(first("Nvidia Corp.")?.entityId == "org:nvidia")
        #expect(first("Taiwan Semiconductor Manufacturing Co")?.entityId == "org:tsmc")
        #expect(first("Taiwan Semiconductor Manufacturing Co")?.ticker == "TSM")
        #expect(first("Huang", occurrence: 1)?.entityId == "per:jensen-huang")
        #expect(first("Taipei")?.entityId == "loc:taipei")
        #expect(first("SAN FRANCISCO")?.entityId == "loc:san-francisco")
        #expect(first("Newswire")?.entityId == "org:newswire")
        #expect(first("H100")?.type == .miscellaneous)
        #expect(first("Advanced Micro Devices")?.entityId == "org:amd")
        #expect(first("AMD", occurrence: 1)?.type == .organization)
        #expect(first("SK Hynix")?.entityId == "org:sk-hynix")
    }

    @Test func valuesResolvedAgainstPublishedDate() {
        // Published Friday 2026-05-01.
        #expect(first("May 1")?.value == "2026-05-01")
        #expect(first("Thursday")?.value == "2026-04-30")
        #expect(first("Monday")?.value == "2026-04-27")
        #expect(first("this year")?.value == "2026")
        #expect(first("June")?.value == "2026-06")
        #expect(first("6.2%")?.value == "0.062")
        #expect(first("3 per cent")?.value == "0.03")
        #expect(first("US$40 billion")?.value == "40000000000 USD")
        #expect(first("€1.2bn")?.value == "1200000000 EUR")
    }

    @Test func toneGoesToTheRightCompany() {
        #expect(first("Nvidia Corp.")?.tone == .bullish)
        #expect(first("NVDA", occurrence: 1)?.tone == .bullish)
        #expect(first("Intel")?.tone == .bearish)
        #expect(first("Apple")?.tone == .bullish)
        #expect(first("Apple")?.cue == "bullish on")
        #expect(first("Intel", occurrence: 1)?.tone == .bearish)
        #expect(first("Morgan Stanley")?.tone == .neutral)
        #expect(first("Advanced Micro Devices")?.tone == .bullish)
        #expect(first("Samsung Electronics")?.tone == .bearish)
        #expect(first("SK Hynix")?.tone == .bearish)
        #expect(first("SK Hynix")?.cue == "a blow to")
        #expect(first("Taiwan Semiconductor Manufacturing Co")?.tone == .neutral)
    }
}
