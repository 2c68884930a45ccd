import Testing
@testable import NewsEntities
@testable import NERTraining
@testable import NewsIO
@testable import NewsText
@testable import NewsRecords

/// Tokens as (text, start, end) triples, for compact exact comparisons.
private func triples(_ text: String) -> [String] {
    NewsTokenizer.tokenize(text).tokens.map { "\($0.text)@\($0.start)-\($0.end)" }
}

private func sentences(_ text: String) -> [String] {
    let scalars = Array(text.unicodeScalars)
    return NewsTokenizer.tokenize(text).sentenceScalarRanges().map { String(String.UnicodeScalarView(scalars[$0])) }
}

@Suite("NewsTokenizer")
struct NewsTokenizerTests {
    @Test func abbreviationsAndInitialsStayWhole() {
        #expect(triples("J. P. Morgan Inc. and Acme Corp. hired Mr. Lee in the U.S. today.") == [
            "J.@0-2", "P.@3-5", "Morgan@6-12", "Inc.@13-17", "and@18-21", "Acme@22-26", "Corp.@27-32",
            "hired@33-38", "Mr.@39-42", "Lee@43-46", "in@47-49", "the@50-53", "U.S.@54-58", "today@59-64", ".@64-65",
        ])
    }

    @Test func numbersCurrencyAndPercent() {
        #expect(triples("A $600 billion plan, 3.5 times 1,000 units or 12%.") == [
            "A@0-1", "$@2-3", "600@3-6", "billion@7-14", "plan@15-19", ",@19-20", "3.5@21-24", "times@25-30",
            "1,000@31-36", "units@37-42", "or@43-45", "12@46-48", "%@48-49", ".@49-50",
        ])
    }

    @Test func hyphenatedWordsAndModelNames() {
        #expect(triples("GPT-4 beat a short-lived rival 6-3.") == [
            "GPT-4@0-5", "beat@6-10", "a@11-12", "short-lived@13-24", "rival@25-30", "6-3@31-34", ".@34-35",
        ])
    }

    @Test func possessivesStraightAndCurly() {
        #expect(triples("Alphabet's and Meta’s units") == [
            "Alphabet@0-8", "'s@8-10", "and@11-14", "Meta@15-19", "’s@19-21", "units@22-27",
        ])
        #expect(triples("the banks' loans") == ["the@0-3", "banks@4-9", "'@9-10", "loans@11-16"])
        #expect(triples("Acme Inc.'s chief") == ["Acme@0-4", "Inc.@5-9", "'s@9-11", "chief@12-17"])
    }

    @Test func quotesDashesAndClitics() {
        #expect(triples("“Buy,” he said—don't wait -- now") == [
            "“@0-1", "Buy@1-4", ",@4-5", "”@5-6", "he@7-9", "said@10-14", "—@14-15", "do@15-17", "n't@17-20",
            "wait@21-25", "--@26-28", "now@29-32",
        ])
    }

    @Test func urlsAndEmailsStayWhole() {
        #expect(triples("See https://example.com/a?b=1, or write to news@example.org.") == [
            "See@0-3", "https://example.com/a?b=1@4-29", ",@29-30", "or@31-33", "write@34-39", "to@40-42",
            "news@example.org@43-59", ".@59-60",
        ])
    }

    @Test func offsetsCountUnicodeScalars() {
        // "é" as one scalar and an emoji (one scalar, two UTF-16 units) before the name
        let toks = NewsTokenizer.tokenize("Café 👍 Nestlé").tokens
        #expect(toks.map(\.text) == ["Café", "👍", "Nestlé"])
        #expect(toks.map(\.start) == [0, 5, 7])
        #expect(toks.last?.end == 13)
    }

    @Test func conllStyleTextKeepsItsTokens() {
        let gold = ["Peter", "Blackburn", "'s", "firm", "(", "U.S.", ")", "said", "1-0", "n't", "Ltd.", "said",
                    "\"", "3.5", "\"", "..."]
        #expect(NewsTokenizer.tokenize(gold.joined(separator: " ")).tokens.map(\.text) == gold)
    }

    @Test func sentencesDoNotEndAtAbbreviationsInitialsOrDecimals() {
        #expect(sentences("Mr. J. P. Smith of Acme Corp. paid $3.5 billion. Shares rose in the U.S. market.") == [
            "Mr. J. P. Smith of Acme Corp. paid $3.5 billion.", "Shares rose in the U.S. market.",
        ])
    }

    @Test func sentencesEndAtTerminalsQuotesAndNewlines() {
        #expect(sentences("He left. \"Why?\" she asked! Then\nA new paragraph") == [
            "He left.", "\"Why?\" she asked!", "Then", "A new paragraph",
        ])
        #expect(sentences("\u{201C}We will grow.\u{201D} Sales rose (as expected.) Then it fell.") == [
            "\u{201C}We will grow.\u{201D}", "Sales rose (as expected.)", "Then it fell.",
        ])
    }

    @Test func sentenceFinalAbbreviationBeforeACommonStarter() {
        #expect(sentences("He bought Acme Inc. The deal closed.") == ["He bought Acme Inc.", "The deal closed."])
    }

    @Test func sentenceRangesCoverAllTokens() {
        let t = NewsTokenizer.tokenize("One. Two three. Four\nfive")
        #expect(t.sentences == [0 ..< 2, 2 ..< 5, 5 ..< 6, 6 ..< 7])
    }
}
