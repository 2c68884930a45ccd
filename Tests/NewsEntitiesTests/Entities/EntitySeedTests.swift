import Foundation
import Testing
@testable import NewsEntities
@testable import NERTraining
@testable import NewsIO
@testable import NewsText
@testable import NewsRecords

@Suite("Entities: seed article acceptance")
struct EntitySeedTests {
    let text: String
    let mentions: [EntityMention]

    init() throws {
        text = try entityFixture("seed-article")
        mentions = entityAnnotate(text, published: "2026-04-20")
    }

    private func mentions(surface: String) -> [EntityMention] { mentions.filter { $0.surface == surface } }

    @Test func offsetsAreScalarOffsetsOfTheSurface() {
        let scalars = Array(text.unicodeScalars)
        #expect(!mentions.isEmpty)
        for m in mentions {
            var s = String.UnicodeScalarView()
            s.append(contentsOf: scalars[m.start..<m.end])
            #expect(String(s) == m.surface, "\(m.surface) at \(m.start)")
        }
    }

    @Test func findsTheCompaniesAndLinksBrands() {
        #expect(mentions(surface: "OpenAI").allSatisfy { $0.entityId == "org:openai" && $0.type == .organization })
        #expect(mentions(surface: "OpenAI").count >= 8)
        #expect(mentions(surface: "Microsoft").allSatisfy { $0.entityId == "org:microsoft" && $0.ticker == "MSFT" })
        #expect(mentions(surface: "Amazon").allSatisfy { $0.entityId == "org:amazon" && $0.ticker == "AMZN" })
        #expect(mentions(surface: "AWS").count == 2)
        #expect(mentions(surface: "AWS").allSatisfy { $0.entityId == "org:amazon" && $0.canonicalName == "Amazon" })
        #expect(mentions(surface: "Amazon Web Services").first?.entityId == "org:amazon")
        #expect(mentions(surface: "Alphabet").first?.entityId == "org:alphabet")
        #expect(mentions(surface: "Alphabet").first?.ticker == "GOOGL")
        #expect(mentions(surface: "Google").first?.entityId == "org:alphabet")
        #expect(mentions(surface: "Azure").count == 2)
        #expect(mentions(surface: "Azure").allSatisfy { $0.entityId == "org:microsoft" })
        #expect(mentions(surface: "Vertex AI").first?.entityId == "org:alphabet")
        #expect(mentions(surface: "Cailian Press").first?.entityId == "org:cailian-press")
        let gpt = mentions(surface: "GPT-4")
        #expect(gpt.count == 1 && gpt[0].type == .miscellaneous && gpt[0].entityId == "misc:gpt-4")
    }

    @Test func longestMatchWins() {
        let gcp = mentions(surface: "Google Cloud Platform")
        #expect(gcp.count == 1)
        #expect(gcp.first?.entityId == "org:alphabet")
        let r = entityScalarRange(of: "Google Cloud Platform", in: text)
        // No second mention inside the long one ("Google", "Google Cloud").
        #expect(mentions.filter { $0.start >= r.lowerBound && $0.end <= r.upperBound }.count == 1)
    }

    @Test func possessivesAreNotPartOfSpans() {
        #expect(!mentions.contains { $0.surface.hasSuffix("'s") || $0.surface.hasSuffix("\u{2019}s") })
        let r = entityScalarRange(of: "Microsoft's platform", in: text)
        #expect(mentions.contains { $0.start == r.lowerBound && $0.end == r.lowerBound + 9 && $0.surface == "Microsoft" })
    }

    @Test func tickersAfterCompanyNames() {
        let tickers = mentions.filter { $0.type == .ticker }
        #expect(Set(tickers.map { $0.ticker ?? "" }) == ["MSFT", "AMZN", "GOOGL"])
        #expect(tickers.first { $0.ticker == "MSFT" }?.entityId == "org:microsoft")
        #expect(tickers.first { $0.ticker == "AMZN" }?.entityId == "org:amazon")
        #expect(tickers.first { $0.ticker == "GOOGL" }?.entityId == "org:alphabet")
    }

    @Test func dateAndMoney() {
        let dates = mentions.filter { $0.type == .date }
        #expect(dates.map(\.surface) == ["April 13"])
        #expect(dates.first?.value == "2026-04-13")
        let money = mentions.filter { $0.type == .money }
        #expect(money.map(\.surface) == ["$600 billion"])
        #expect(money.first?.value == "600000000000 USD")
    }

    @Test func microsoftBearishAmazonBullish() {
        let bearishSentence = mentions.filter { $0.entityId == "org:microsoft" && $0.tone == .bearish }
        #expect(bearishSentence.count == 2)   // "Microsoft (MSFT)"
        #expect(bearishSentence.allSatisfy { $0.cue == "bearish" })
        let bullish = mentions.filter { $0.entityId == "org:amazon" && $0.tone == .bullish }
        #expect(bullish.count == 2)           // "Amazon (AMZN)"
        #expect(bullish.allSatisfy { $0.cue == "bullish signal" })
        #expect(!mentions.contains { $0.entityId == "org:microsoft" && $0.tone == .bullish })
        #expect(!mentions.contains { $0.entityId == "org:amazon" && $0.tone == .bearish })
        // The other companies of those sentences keep a neutral tone.
        #expect(mentions.filter { $0.entityId == "org:openai" }.allSatisfy { $0.tone == .neutral })
        #expect(mentions.filter { $0.entityId == "org:alphabet" }.allSatisfy { $0.tone == .neutral })
    }

    @Test func deterministic() {
        let again = entityAnnotate(text, published: "2026-04-20")
        #expect(again == mentions)
        let encoder = JSONLines.makeEncoder()
        let a = try? mentions.map { try JSONLines.line($0, encoder: encoder) }
        let b = try? again.map { try JSONLines.line($0, encoder: encoder) }
        #expect(a != nil && a == b)
    }

    @Test func givenSentencesAreUsed() {
        // One sentence for the whole text: every mention is in sentence 0.
        let scalarsCount = text.unicodeScalars.count
        let one = entityTestAnnotator.annotate(documentId: "d", text: text, sentences: [0..<scalarsCount], nerSpans: [], published: "2026-04-20")
        #expect(one.allSatisfy { $0.sentence == 0 && $0.documentId == "d" })
    }
}
