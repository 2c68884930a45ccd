import Foundation
import Testing
@testable import NewsEntities
@testable import NERTraining
@testable import NewsIO
@testable import NewsText
@testable import NewsRecords

@Suite("Entities: tickers with cues")
struct EntityTickerTests {
    struct Case: CustomStringConvertible, Sendable {
        var text: String, ticker: String, entity: String
        var description: String { text }
    }

    private func tickers(_ text: String) -> [EntityMention] {
        entityAnnotate(text).filter { $0.type == .ticker }
    }

    static let cases: [Case] = [
        Case(text: "Microsoft Corp. (NASDAQ: MSFT) said on Tuesday it would invest.", ticker: "MSFT", entity: "org:microsoft"),
        Case(text: "Amazon.com Inc. NYSE:AMZN is listed elsewhere in this test.", ticker: "AMZN", entity: "org:amazon"),
        Case(text: "Alphabet (Nasdaq:GOOGL) rose.", ticker: "GOOGL", entity: "org:alphabet"),
        Case(text: "Traders piled into $GOOGL after the event.", ticker: "GOOGL", entity: "org:alphabet"),
        Case(text: "Investors sold shares of MSFT on the news.", ticker: "MSFT", entity: "org:microsoft"),
        Case(text: "MSFT shares slipped in early trading.", ticker: "MSFT", entity: "org:microsoft"),
        Case(text: "Berkshire Hathaway (NYSE: BRK.B) gained.", ticker: "BRK-B", entity: "org:berkshire-hathaway"),
        Case(text: "Agilent Technologies (NYSE: A) fell.", ticker: "A", entity: "org:agilent-technologies"),
        Case(text: "Some bought $CAT before the results.", ticker: "CAT", entity: "org:caterpillar"),
        Case(text: "AT&T (NYSE: T) cut prices.", ticker: "T", entity: "org:att"),
        Case(text: "ServiceNow (NYSE: NOW) beat estimates.", ticker: "NOW", entity: "org:servicenow"),
        Case(text: "Alphabet Inc. (GOOG) is the class C line.", ticker: "GOOG", entity: "org:alphabet"),
        Case(text: "Nvidia (NVDA.O) climbed.", ticker: "NVDA", entity: "org:nvidia"),
    ]

    @Test(arguments: cases) func tickerWithCue(_ c: Case) {
        let found = tickers(c.text)
        #expect(found.map { $0.ticker ?? "" } == [c.ticker])
        #expect(found.first?.entityId == c.entity)
        #expect(found.first.map { $0.surface.hasPrefix(c.ticker.prefix(1)) } == true)
        #expect((found.first?.confidence ?? 0) >= 0.9)
    }

    static let negatives = [
        // Word tickers without an exchange cue or cashtag.
        "IT spending is up and ALL analysts agree it is ON track.",
        "Shares of CAT rose, and NOW the firm CAN grow. A V T.",
        "CAT shares rose sharply.",
        "It will be Caterpillar (CAT) next.",
        // All-caps headline and a results table.
        "MICROSOFT (MSFT) AND AMAZON (AMZN) SHARES SOAR AFTER EARNINGS\nThe story follows.",
        "Ticker | Price | Change\nMSFT | 410.2 | +1.2\nAMZN | 180.1 | -0.4\n",
        "MSFT\t410.2\t1.2\nAMZN\t180.1\t0.4\n",
        // Page chrome around share buttons; FB is no longer a listed ticker.
        "Share to Facebook\nShare to X\nEmail\n$FB\nThe article text follows.",
        "Follow Facebook $FB on our page.",
        // Unknown tickers and no cue.
        "Shares of ZZZZQ rose.",
        "The MSFT team met.",
        "(MSFT) alone is not after a company name.",
        "Apple (MSFT) is not Apple's ticker.",
    ]

    @Test(arguments: negatives) func noTicker(_ text: String) {
        #expect(tickers(text).isEmpty, "\(tickers(text).map(\.surface))")
    }

    @Test func chromeYieldsNoCompany() {
        let text = "Share to Facebook\nShare to LinkedIn\nMeta said revenue rose."
        let m = entityAnnotate(text, ner: [entitySpan("Meta", in: text, "ORG")])
        #expect(!m.contains { $0.surface == "Facebook" || $0.surface == "LinkedIn" })
        #expect(m.contains { $0.surface == "Meta" && $0.entityId == "org:meta" })
    }

    @Test func shortNewsLineStartingWithShareIsNotChrome() {
        let m = entityAnnotate("Share prices at Intel fell.\nFollow Microsoft on X")
        #expect(m.map(\.entityId) == ["org:intel"])
    }

    @Test func exchangeWordIsNotACompanyMention() {
        let text = "Intel (NASDAQ: INTC) slid."
        let m = entityAnnotate(text, ner: [entitySpan("NASDAQ", in: text, "ORG")])
        #expect(!m.contains { $0.surface == "NASDAQ" })
        #expect(m.contains { $0.type == .ticker && $0.ticker == "INTC" && $0.entityId == "org:intel" })
    }
}

@Suite("Entities: names that look like tickers")
struct EntityTickerNameTests {
    @Test func companyNamedLikeItsTickerStaysAName() {
        let m = entityAnnotate("Advanced Micro Devices grew. AMD stock rose and IBM shares fell.")
        #expect(m.filter { $0.surface == "AMD" }.map(\.type) == [.organization])
        #expect(m.filter { $0.surface == "IBM" }.map(\.type) == [.organization])
        #expect(m.first { $0.surface == "IBM" }?.tone == .bearish)
    }

    @Test func cashtagOverNameIsATicker() {
        let m = entityAnnotate("Buyers chased $AMD all day.")
        #expect(m.map(\.type) == [.ticker])
        #expect(m.first?.entityId == "org:amd")
    }
}
