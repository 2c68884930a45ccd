import Testing
@testable import NewsEntities
@testable import NERTraining

@Suite struct ToneTokenizerTests {
    @Test func splitsCliticsNumbersAndPunctuation() {
        let text = "Apple's shares didn't rise 3.5%, U.S. says"
        let toks = ToneTokenizer.tokenize(text)
        let s = Array(text.unicodeScalars)
        let surfaces = toks.map { String(String.UnicodeScalarView(s[$0.start..<$0.end])) }
        #expect(surfaces == ["Apple", "'s", "shares", "did", "n't", "rise", "3.5", "%", ",", "U", ".", "S", ".", "says"])
        #expect(toks[6].kind == .number)
        #expect(toks[0].hash == ToneTokenizer.wordHash("apple"))
    }

    @Test func conllSpacingGivesTheSameTokens() {
        let a = ToneTokenizer.tokenize("Somerset's batsmen didn't score").map(\.hash)
        let b = ToneTokenizer.tokenize("Somerset 's batsmen did n't score").map(\.hash)
        #expect(a == b)
    }

    @Test func stemsInflections() {
        let g = ToneTokenizer.wordStemHash
        #expect(g("gains") == g("gain") && g("gained") == g("gain") && g("gaining") == g("gain"))
        #expect(g("slipped") == g("slips") && g("rises") == g("rising"))
    }

    @Test func sentencesSplitAtLineBreaksAndFullStops() {
        let doc = ToneDocument(text: "Infosys rose 3%. U.S. Steel fell.\nTata gained")
        #expect(doc.sentences.count == 3)
        #expect(doc.sentence(of: doc.tokens.count - 1) == 2)
    }

    @Test func locatorPrefersWholeWordsAndLongerNames() {
        let text = "HDFC, HDFC Bank rally; SpiceJet and Jet soar"
        let spans = ToneEntityLocator.spans(of: ["HDFC Bank", "HDFC", "Jet", "Missing"], in: text)
        #expect(spans[0] == 6..<15)
        #expect(spans[1] == 0..<4)
        #expect(spans[2] == 36..<39)
        #expect(spans[3] == nil)
    }
}
