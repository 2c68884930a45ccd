import Foundation
import NewsRecords
import NewsText

/// The text around a mention that lets an analyst check it: its sentence, or a snippet of about
/// `snippetScalars` when the sentence is unknown or too long to read at a glance.
///
/// Offsets count Unicode scalars into the article text, like the mention's own `start` and `end`;
/// `text` is exactly `articleText[start..<end]` (no ellipses added).
struct ReportMentionContext: Sendable, Equatable {
    enum Kind: String, Sendable {
        /// The whole sentence the mention stands in.
        case sentence
        /// A window of the sentence (or, without a sentence, of the text) around the mention.
        case snippet
    }

    var kind: Kind
    var start: Int
    var end: Int
    var text: String
    /// The sentence the mention stands in (from the entities stage, or found by the report's
    /// own split when the stage gave none); nil when no sentence contains the mention.
    var sentenceStart: Int?
    var sentenceEnd: Int?
    /// Whether the context was cut inside its sentence (or paragraph) at the front or the back,
    /// so a reader shows an ellipsis there.
    var cutBefore: Bool
    var cutAfter: Bool

    /// Sentences up to this many scalars are given whole (ninety-something percent of news
    /// sentences are shorter; longer ones are lists, tables or text the splitter could not cut).
    static let sentenceScalarsMax = 400
    /// A snippet's length: about 200 characters, the figure for a readable window.
    static let snippetScalars = 200
    /// How far a snippet's edge may move to fall on white space instead of inside a word.
    static let wordSnapScalars = 24
}

/// Finds the context of every mention of one document.
final class ReportContextFinder {
    let scalars: [Unicode.Scalar]
    /// Sentence ranges of the text (scalar offsets), sorted; computed only when a mention
    /// arrives without the entities stage's sentence offsets.
    private var sentences: [Range<Int>]?
    private let text: String

    init(text: String) {
        self.text = text
        scalars = Array(text.unicodeScalars)
    }

    /// The context of `mention`, or nil when its offsets do not fit the text (a text that changed
    /// since the entities stage read it).
    func context(of mention: EntityMention) -> ReportMentionContext? {
        let count = scalars.count
        guard mention.start >= 0, mention.end >= mention.start, mention.end <= count else { return nil }
        var sentence: Range<Int>?
        if let from = mention.sentenceStart, let to = mention.sentenceEnd, from >= 0, from <= mention.start,
           to >= mention.end, to <= count {
            sentence = from ..< to
        } else {
            sentence = enclosingSentence(mention.start ..< mention.end)
        }
        if let sentence, sentence.count <= ReportMentionContext.sentenceScalarsMax {
            return ReportMentionContext(kind: .sentence, start: sentence.lowerBound, end: sentence.upperBound,
                                        text: slice(sentence), sentenceStart: sentence.lowerBound,
                                        sentenceEnd: sentence.upperBound, cutBefore: false, cutAfter: false)
        }
        let bounds = sentence ?? paragraph(around: mention.start ..< mention.end)
        let window = snippet(around: mention.start ..< mention.end, within: bounds)
        return ReportMentionContext(kind: .snippet, start: window.lowerBound, end: window.upperBound, text: slice(window),
                                    sentenceStart: sentence?.lowerBound, sentenceEnd: sentence?.upperBound,
                                    cutBefore: window.lowerBound > bounds.lowerBound,
                                    cutAfter: window.upperBound < bounds.upperBound)
    }

    private func slice(_ range: Range<Int>) -> String {
        var out = String.UnicodeScalarView()
        out.append(contentsOf: scalars[range])
        return String(out)
    }

    /// The tokenizer's sentence that contains `range` (the entities stage cuts sentences with the
    /// same tokenizer, so these are its sentences when it gave no offsets).
    private func enclosingSentence(_ range: Range<Int>) -> Range<Int>? {
        if sentences == nil { sentences = NewsTokenizer.tokenize(text).sentenceScalarRanges() }
        guard let sentences, !sentences.isEmpty else { return nil }
        // The last sentence starting at or before the mention.
        var low = 0, high = sentences.count - 1
        guard sentences[0].lowerBound <= range.lowerBound else { return nil }
        while low < high {
            let middle = (low + high + 1) / 2
            if sentences[middle].lowerBound <= range.lowerBound { low = middle } else { high = middle - 1 }
        }
        let candidate = sentences[low]
        return candidate.upperBound >= range.upperBound ? candidate : nil
    }

    /// The paragraph (text between line breaks) around `range`, for mentions in no sentence.
    private func paragraph(around range: Range<Int>) -> Range<Int> {
        var start = range.lowerBound
        while start > 0 && scalars[start - 1] != "\n" { start -= 1 }
        var end = range.upperBound
        while end < scalars.count && scalars[end] != "\n" { end += 1 }
        return start ..< end
    }

    /// About `snippetScalars` around `range`, inside `bounds`, its edges moved onto white space
    /// when one is near; never cuts the mention itself.
    private func snippet(around range: Range<Int>, within bounds: Range<Int>) -> Range<Int> {
        let budget = max(0, ReportMentionContext.snippetScalars - range.count)
        var start = max(bounds.lowerBound, range.lowerBound - budget / 2)
        var end = min(bounds.upperBound, range.upperBound + (budget - (range.lowerBound - start)))
        start = max(bounds.lowerBound, min(start, end - ReportMentionContext.snippetScalars))
        start = min(start, range.lowerBound)
        end = max(end, range.upperBound)
        if start > bounds.lowerBound {
            var probe = start
            while probe < range.lowerBound && probe - start < ReportMentionContext.wordSnapScalars
                    && !scalars[probe - 1].properties.isWhitespace { probe += 1 }
            if probe < range.lowerBound && scalars[probe - 1].properties.isWhitespace { start = probe }
        }
        if end < bounds.upperBound {
            var probe = end
            while probe > range.upperBound && end - probe < ReportMentionContext.wordSnapScalars
                    && !scalars[probe].properties.isWhitespace { probe -= 1 }
            if probe > range.upperBound && scalars[probe].properties.isWhitespace { end = probe }
        }
        while start < range.lowerBound && scalars[start].properties.isWhitespace { start += 1 }
        while end > range.upperBound && scalars[end - 1].properties.isWhitespace { end -= 1 }
        return start ..< end
    }
}
