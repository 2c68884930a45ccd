import Foundation
import Testing
@testable import NewsEntities
@testable import NERTraining
@testable import NewsIO
@testable import NewsText
@testable import NewsRecords

@Suite("Entities: money, percent and date patterns")
struct EntityPatternTests {
    struct Case: CustomStringConvertible, Sendable {
        var text: String, surface: String, value: String
        var description: String { text }
    }

    private func only(_ type: EntityType, in text: String, published: String? = "2026-05-02") -> [EntityMention] {
        entityAnnotate(text, published: published).filter { $0.type == type }
    }

    static let moneyCases: [Case] = [
        Case(text: "The market is worth $600 billion.", surface: "$600 billion", value: "600000000000 USD"),
        Case(text: "It paid €3.2bn for the unit.", surface: "€3.2bn", value: "3200000000 EUR"),
        Case(text: "A £45m fine followed.", surface: "£45m", value: "45000000 GBP"),
        Case(text: "Valued at US$1.5 trillion today.", surface: "US$1.5 trillion", value: "1500000000000 USD"),
        Case(text: "The deal is worth 1.2 million euros in cash.", surface: "1.2 million euros", value: "1200000 EUR"),
        Case(text: "The app costs $4.99 a month.", surface: "$4.99", value: "4.99 USD"),
        Case(text: "SoftBank raised ¥100 billion in bonds.", surface: "¥100 billion", value: "100000000000 JPY"),
        Case(text: "The offer is $5 a share.", surface: "$5", value: "5 USD"),
        Case(text: "Revenue reached $1,234.50 per unit.", surface: "$1,234.50", value: "1234.5 USD"),
        Case(text: "It raised HK$2.5 billion.", surface: "HK$2.5 billion", value: "2500000000 HKD"),
        Case(text: "It sold bonds worth USD 750 million.", surface: "USD 750 million", value: "750000000 USD"),
        Case(text: "Exports rose to 300 billion yuan last quarter.", surface: "300 billion yuan", value: "300000000000 CNY"),
        Case(text: "Profit was 20 million Swiss francs.", surface: "20 million Swiss francs", value: "20000000 CHF"),
        Case(text: "They spent $100M on ads.", surface: "$100M", value: "100000000 USD"),
        Case(text: "Sales hit 5 billion dollars.", surface: "5 billion dollars", value: "5000000000 USD"),
        Case(text: "Earnings were 45 cents a share.", surface: "45 cents", value: "0.45 USD"),
        Case(text: "It may cost $5-6 billion more.", surface: "$5", value: "5000000000 USD"),
        Case(text: "The fund raised Rs 500 crore.", surface: "Rs 500 crore", value: "5000000000 INR"),
        Case(text: "Miners lost $US1.5 billion.", surface: "$US1.5 billion", value: "1500000000 USD"),
        Case(text: "The bid was $A20m in cash.", surface: "$A20m", value: "20000000 AUD"),
        Case(text: "The shares closed at 312.5 pence.", surface: "312.5 pence", value: "3.125 GBP"),
    ]

    @Test(arguments: moneyCases) func money(_ c: Case) {
        let found = only(.money, in: c.text)
        #expect(found.map(\.surface) == [c.surface])
        #expect(found.first?.value == c.value)
        #expect(found.first?.entityId == "money:" + c.value.replacingOccurrences(of: " ", with: "-"))
        #expect((found.first?.confidence ?? 0) >= 0.9)
    }

    static let notMoney = [
        "The bag weighs 45 pounds.",
        "He won 3 games in a row.",
        "The $ sign alone is not money.",
        "Share it with $FB friends.",
        "It rose 5m in height.",
    ]

    @Test(arguments: notMoney) func noMoney(_ text: String) {
        #expect(only(.money, in: text).isEmpty)
    }

    static let percentCases: [Case] = [
        Case(text: "Margins reached 12.5% this year.", surface: "12.5%", value: "0.125"),
        Case(text: "Sales grew 3 percent.", surface: "3 percent", value: "0.03"),
        Case(text: "Shares were up 4 per cent on the day.", surface: "4 per cent", value: "0.04"),
        Case(text: "Output shrank -2.5% in March.", surface: "-2.5%", value: "-0.025"),
        Case(text: "A 100% stake.", surface: "100%", value: "1"),
        Case(text: "Yields at 0.25 % now.", surface: "0.25 %", value: "0.0025"),
        Case(text: "Sales rose 5pc last quarter.", surface: "5pc", value: "0.05"),
    ]

    @Test(arguments: percentCases) func percent(_ c: Case) {
        let found = only(.percent, in: c.text)
        #expect(found.map(\.surface) == [c.surface])
        #expect(found.first?.value == c.value)
    }

    static let dateCases: [Case] = [
        // Published 2026-05-02, a Saturday.
        Case(text: "The memo was reported on April 13 by the press.", surface: "April 13", value: "2026-04-13"),
        Case(text: "It was signed April 13, 2025 in Paris.", surface: "April 13, 2025", value: "2025-04-13"),
        Case(text: "Filed on 2026-04-13 with regulators.", surface: "2026-04-13", value: "2026-04-13"),
        Case(text: "The company said on Monday that it agreed.", surface: "Monday", value: "2026-04-27"),
        Case(text: "The company said on Saturday that it agreed.", surface: "Saturday", value: "2026-05-02"),
        Case(text: "Results are due next Tuesday, it said.", surface: "next Tuesday", value: "2026-05-05"),
        Case(text: "Shares fell last Friday after the report.", surface: "last Friday", value: "2026-05-01"),
        Case(text: "It was founded 13 March 2019 in Berlin.", surface: "13 March 2019", value: "2019-03-13"),
        Case(text: "Revenue doubled last year, it said.", surface: "last year", value: "2025"),
        Case(text: "The plant opens in December, it said.", surface: "December", value: "2025-12"),
        Case(text: "The figures date from April 2024 filings.", surface: "April 2024", value: "2024-04"),
        Case(text: "It has grown since 2019 without pause.", surface: "2019", value: "2019"),
        Case(text: "The merger closed Jan. 5 after review.", surface: "Jan. 5", value: "2026-01-05"),
        Case(text: "The vote is on May 28th, officials said.", surface: "May 28th", value: "2026-05-28"),
        Case(text: "Analysts expect more yesterday than ever.", surface: "yesterday", value: "2026-05-01"),
        Case(text: "Results come on Tuesday, April 14, 2026, it said.", surface: "April 14, 2026", value: "2026-04-14"),
    ]

    @Test(arguments: dateCases) func dates(_ c: Case) {
        let found = only(.date, in: c.text)
        #expect(found.map(\.surface) == [c.surface])
        #expect(found.first?.value == c.value)
        #expect(found.first?.entityId == "date:" + c.value)
    }

    @Test func monthDayNearestYearAcrossNewYear() {
        let found = only(.date, in: "The deal closed on December 28 after talks.", published: "2026-01-05")
        #expect(found.first?.value == "2025-12-28")
    }

    @Test func relativeDatesWithoutAPublishedDateKeepTheirWords() {
        // The dates are found, but nothing fixes them: no value, the words are the id.
        let found = only(.date, in: "It was reported on April 13 and on Monday.", published: nil)
        #expect(found.map(\.surface) == ["April 13", "Monday"])
        #expect(found.allSatisfy { $0.value == nil })
        #expect(found.map(\.entityId) == ["date:april-13", "date:monday"])
        #expect(only(.date, in: "It was signed April 13, 2025.", published: nil).map(\.value) == ["2025-04-13"])
        #expect(only(.date, in: "It was signed April 13, 2025.", published: "not a date").map(\.value) == ["2025-04-13"])
        // A weekday that is not used as a date stays out.
        #expect(only(.date, in: "Black Friday sales and Cyber Monday deals drew crowds.", published: nil).isEmpty)
    }

    static let notDates = [
        "She may 5 times try again.",
        "We will march on.",
        "The company sold 2024 units.",
        "The Mar index is a word here.",
        "Version 2026-13-45 is invalid.",
    ]

    @Test(arguments: notDates) func noDate(_ text: String) {
        #expect(only(.date, in: text).isEmpty)
    }

    @Test func decimalFormattingIsExact() {
        #expect(EntityPatterns.decimal([3, 2], fraction: 1, exponent: 9) == "3200000000")
        #expect(EntityPatterns.decimal([1, 2, 5], fraction: 1, exponent: -2) == "0.125")
        #expect(EntityPatterns.decimal([4, 9, 9], fraction: 2, exponent: 0) == "4.99")
        #expect(EntityPatterns.decimal([0, 0, 7], fraction: 0, exponent: 0) == "7")
        #expect(EntityPatterns.decimal([5], fraction: 0, exponent: -3, negative: true) == "-0.005")
    }

    @Test func calendarArithmetic() {
        let d = EntityDay(iso: "2026-04-20T08:00:00Z")!
        #expect(d.weekday == 1)   // a Monday
        #expect(EntityDay(days: d.days + 12).iso == "2026-05-02")
        #expect(EntityDay(iso: "2024-02-30") == nil)
        #expect(EntityDay(days: EntityDay(iso: "2024-02-29")!.days).iso == "2024-02-29")
    }
}
