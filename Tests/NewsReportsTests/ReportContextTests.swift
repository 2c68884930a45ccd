import Foundation
import Testing
@testable import NewsReports
@testable import NewsIO
@testable import NewsRecords

/// The sentence (or snippet) each mention carries: found from the entities stage's offsets or by
/// the report's own split, cut to a window when long, never cutting the mention.
@Suite struct ReportContextTests {
    static func mention(_ text: String, _ surface: String, occurrence: Int = 0, sentence: Range<Int>? = nil) -> EntityMention {
        let scalars = Array(text.unicodeScalars), needle = Array(surface.unicodeScalars)
        var found: [Int] = []
        for start in 0...(scalars.count - needle.count) where Array(scalars[start ..< start + needle.count]) == needle { found.append(start) }
        let start = found[occurrence]
        return EntityMention(documentId: "d", entityId: "org:x", canonicalName: surface, surface: surface, type: .organization,
                             start: start, end: start + needle.count, sentence: 0, confidence: 1,
                             sentenceStart: sentence?.lowerBound, sentenceEnd: sentence?.upperBound)
    }

    static func slice(_ text: String, _ from: Int, _ to: Int) -> String {
        String(String.UnicodeScalarView(Array(text.unicodeScalars)[from ..< to]))
    }

    @Test func theReportFindsTheSentenceWhenTheStageGaveNone() throws {
        let text = "Shares of Apple rose 3% on Monday. Analysts at Goldman Sachs raised their target.\n\nMicrosoft was flat."
        let finder = ReportContextFinder(text: text)
        let goldman = try #require(finder.context(of: Self.mention(text, "Goldman Sachs")))
        #expect(goldman.kind == .sentence)
        #expect(goldman.text == "Analysts at Goldman Sachs raised their target.")
        #expect(Self.slice(text, goldman.start, goldman.end) == goldman.text)
        #expect(goldman.sentenceStart == goldman.start && goldman.sentenceEnd == goldman.end)
        #expect(!goldman.cutBefore && !goldman.cutAfter)
        let microsoft = try #require(finder.context(of: Self.mention(text, "Microsoft")))
        #expect(microsoft.text == "Microsoft was flat.")
    }

    @Test func theStageSentenceOffsetsWin() throws {
        let text = "One. Two words here. Three."
        let finder = ReportContextFinder(text: text)
        // The stage says the sentence is "Two words here" (without the full stop): trust it.
        let context = try #require(finder.context(of: Self.mention(text, "words", sentence: 5 ..< 19)))
        #expect(context.text == "Two words here")
        // Offsets that do not contain the mention are ignored in favour of the report's own split.
        let wrong = try #require(finder.context(of: Self.mention(text, "words", sentence: 0 ..< 4)))
        #expect(wrong.text == "Two words here.")
    }

    @Test func aLongSentenceGivesASnippetOfAbout200CharactersAroundTheMention() throws {
        let filler = (0 ..< 60).map { "word\($0)" }.joined(separator: " ")
        let text = filler + " and then Deutsche Bank said " + filler + "."
        let finder = ReportContextFinder(text: text)
        let context = try #require(finder.context(of: Self.mention(text, "Deutsche Bank")))
        #expect(context.kind == .snippet)
        #expect(context.text.unicodeScalars.count <= ReportMentionContext.snippetScalars)
        #expect(context.text.unicodeScalars.count >= ReportMentionContext.snippetScalars - 2 * ReportMentionContext.wordSnapScalars)
        #expect(context.text.contains("Deutsche Bank"))
        #expect(Self.slice(text, context.start, context.end) == context.text)
        // Cut on word boundaries, inside the sentence, and marked as cut on both sides.
        #expect(!context.text.hasPrefix(" ") && !context.text.hasSuffix(" "))
        #expect(text.unicodeScalars.map { $0 }[context.start - 1] == " ")
        #expect(context.cutBefore && context.cutAfter)
        #expect(context.sentenceStart == 0 && context.sentenceEnd == text.unicodeScalars.count)
    }

    @Test func aMentionNearTheStartOfALongSentenceKeepsTheWholeBudget() throws {
        let text = "Apple " + (0 ..< 150).map { "w\($0)" }.joined(separator: " ") + "."
        let finder = ReportContextFinder(text: text)
        let context = try #require(finder.context(of: Self.mention(text, "Apple")))
        #expect(context.start == 0 && !context.cutBefore && context.cutAfter)
        #expect(context.text.unicodeScalars.count > 150)
    }

    @Test func offsetsCountUnicodeScalars() throws {
        let text = "📈 Rally: 🇺🇸 stocks and Nestlé rose. Café owners cheered."
        let finder = ReportContextFinder(text: text)
        let mention = Self.mention(text, "Nestlé")
        let context = try #require(finder.context(of: mention))
        #expect(context.text.hasSuffix("🇺🇸 stocks and Nestlé rose."))
        #expect(Self.slice(context.text, mention.start - context.start, mention.end - context.start) == "Nestlé")
    }

    @Test func offsetsOutsideTheTextGiveNoContext() {
        let finder = ReportContextFinder(text: "Short text.")
        let mention = EntityMention(documentId: "d", entityId: "e", canonicalName: "x", surface: "x", type: .person,
                                    start: 8, end: 40, sentence: 0, confidence: 1)
        #expect(finder.context(of: mention) == nil)
    }

    @Test func mentionLinesKeepTheirBytesAndGainSortedMembers() throws {
        let line = Array(#"{"canonical_name":"A","document_id":"d","end":4,"entity_id":"e","sentence_start":0,"start":0,"surface":"A\"b","type":"ORG"}"#.utf8)
        let members = [ReportMentionLine.Member(key: "context", value: Array(#""A\"b c""#.utf8)),
                       ReportMentionLine.Member(key: "sentence_start", value: Array("9".utf8)),
                       ReportMentionLine.Member(key: "context_start", value: Array("0".utf8))]
        let out = try #require(ReportMentionLine.adding(members, to: line[...]))
        let text = String(decoding: out, as: UTF8.self)
        #expect(text == #"{"canonical_name":"A","context":"A\"b c","context_start":0,"document_id":"d","end":4,"entity_id":"e","sentence_start":0,"start":0,"surface":"A\"b","type":"ORG"}"#)
        // Nested values are carried whole; a line that is not an object is refused.
        let nested = Array(#"{"b":{"x":[1,"}"]},"a":1}"#.utf8)
        #expect(String(decoding: try #require(ReportMentionLine.adding([.init(key: "c", value: Array("2".utf8))], to: nested[...])), as: UTF8.self)
                == #"{"a":1,"b":{"x":[1,"}"]},"c":2}"#)
        #expect(ReportMentionLine.adding([], to: Array("[1]".utf8)[...]) == nil)
        #expect(ReportMentionLine.adding([], to: Array(#"{"a":"#.utf8)[...]) == nil)
    }

    @Test func jsonBytesEscapeForScriptElements() {
        var safe = ReportJSONBytes(htmlSafe: true)
        safe.string("</script><!-- & \u{2028} \"q\" \\ \n é 📈")
        #expect(String(decoding: safe.bytes, as: UTF8.self) == #""\u003c/script\u003e\u003c!-- \u0026 \u2028 \"q\" \\ \n é 📈""#)
        var plain = ReportJSONBytes(htmlSafe: false)
        plain.string("<b> & \u{1}")
        plain.integer(-1234567)
        plain.integer(0)
        #expect(String(decoding: plain.bytes, as: UTF8.self) == #""<b> & \u0001"-12345670"#)
        // Round trip through JSONSerialization.
        var array = ReportJSONBytes(htmlSafe: true)
        array.strings(["a\u{0}b", nil, "\u{2029}<x>"])
        let parsed = try? JSONSerialization.jsonObject(with: Data(array.bytes)) as? [Any]
        #expect(parsed?.first as? String == "a\u{0}b")
        #expect(parsed?.last as? String == "\u{2029}<x>")
    }

    @Test func gzipRoundTrips() throws {
        let input = Array(String(repeating: "Apple rose. Nestlé fell. 📈 ", count: 500).utf8)
        let packed = ReportGzip.compress(input)
        #expect(packed.count < input.count / 5)
        #expect(packed.prefix(2) == [0x1F, 0x8B])
        #expect(ReportGzip.decompress(packed) == input)
        #expect(ReportGzip.compress(input) == packed)
        let decoded = try #require(Data(base64Encoded: Data(ReportGzip.base64(packed))))
        #expect(Array(decoded) == packed)
    }
}
