import Foundation
import Testing
@testable import NewsEntities
@testable import NewsRecords

/// Plain text wrapped at a column: the wraps inside a paragraph are spaces to the entities
/// engine, and a name or a sentence that the wrap cut in two is whole again.
@Suite("Entities: soft line wraps")
struct EntitySoftWrapsTests {
    /// Wire copy wrapped at 72 columns, as the truth files of web-extraction benchmarks are.
    static let wrapped = """
    Markets

    Shares of the bank fell sharply on Tuesday after a report that Morgan
    Stanley had cut its forecast for the year, and traders said the sell-off
    spread to other lenders within the hour as investors weighed what the
    cut meant for the sector's earnings in the second half of the year.

    The chief executive of Cisco Systems said on a call that orders from
    telecom carriers were stable, while analysts at several firms said the
    company's guidance for the quarter was below what they had expected.
    """

    @Test func wrapsInsideAParagraphBecomeSpacesAndNothingElseMoves() {
        let joined = EntitySoftWraps.joined(Self.wrapped)
        #expect(joined.unicodeScalars.count == Self.wrapped.unicodeScalars.count)
        // Every scalar is the same except the newlines of wraps.
        for (a, b) in zip(Self.wrapped.unicodeScalars, joined.unicodeScalars) where a != b {
            #expect(a == "\n" && b == " ")
        }
        #expect(joined.contains("that Morgan Stanley had cut"))
        #expect(joined.contains("Cisco Systems said on a call that orders from telecom carriers"))
        // The heading and the blank lines between paragraphs stay.
        #expect(joined.hasPrefix("Markets\n\nShares of the bank"))
        #expect(joined.contains("half of the year.\n\nThe chief executive"))
    }

    @Test func aParagraphToALineIsLeftAlone() {
        let text = """
        Shares of the bank fell sharply on Tuesday after a report on its outlook.
        Traders said the sell-off spread to other lenders within the hour today.
        Investors weighed what the cut meant for the sector's earnings this year.
        The chief executive said on a call that orders from carriers were stable.
        Analysts said the company's guidance for the quarter was below forecasts.
        """
        #expect(EntitySoftWraps.joined(text) == text)
        // The seed article (as scraped: a paragraph to a line) too.
        let seed = try! entityFixture("seed-article")
        #expect(EntitySoftWraps.joined(seed) == seed)
    }

    @Test func listItemsAndTableRowsKeepTheirLines() {
        let text = """
        The report lists the regions where the company expects its sales to grow
        fastest over the next three years, and the products that will lead them:
        - cloud services for small and medium-sized businesses across Europe and
        - devices for schools, which the company says will double in two years
        Region                          Growth
        Europe and the Middle East      12 percent in the year to March, up from
        Asia                            9 percent in the year to March, flat on
        The chief executive said on a call that orders from carriers were stable
        and analysts at several firms said the guidance was below expectations.
        """
        let joined = EntitySoftWraps.joined(text)
        #expect(joined.contains("them:\n- cloud services"))
        #expect(joined.contains("Europe and\n- devices"))
        #expect(joined.contains("Growth\nEurope and the Middle East      12 percent in the year to March, up from\nAsia"))
        #expect(joined.contains("were stable and analysts"))
    }

    @Test func aNameCutByTheWrapIsFoundWithItsOffsetsInTheOriginalText() throws {
        let engine = try EntityEngine()
        let analysis = engine.analyze(documentId: "wrapped", text: Self.wrapped, published: "2024-05-14")
        let scalars = Array(Self.wrapped.unicodeScalars)
        let morgan = try #require(analysis.mentions.first { $0.ticker == "MS" })
        #expect(String(String.UnicodeScalarView(scalars[morgan.start..<morgan.end])) == "Morgan\nStanley")
        #expect(analysis.mentions.contains { $0.ticker == "CSCO" })
    }
}
