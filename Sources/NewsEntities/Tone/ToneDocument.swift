/// A tokenized text split into sentences, with look-ups from scalar offsets to tokens.
public struct ToneDocument: Sendable {
    public let tokens: [ToneToken]
    /// Token ranges of the sentences, in order, covering every token.
    public let sentences: [Range<Int>]
    /// The text's scalars (for character n-grams; empty when built from tokens alone).
    public let scalars: [Unicode.Scalar]

    public init(text: String) {
        let s = Array(text.unicodeScalars)
        self.tokens = ToneTokenizer.tokenize(scalars: s)
        self.sentences = Self.splitSentences(tokens)
        self.scalars = s
    }

    public init(tokens: [ToneToken]) {
        self.tokens = tokens
        self.sentences = Self.splitSentences(tokens)
        self.scalars = []
    }

    private static let period = ToneTokenizer.punctHash(0x2e)
    private static let bang = ToneTokenizer.punctHash(0x21)
    private static let question = ToneTokenizer.punctHash(0x3f)

    /// Sentences end at line breaks and at `.`, `!`, `?` followed by a spaced, capitalised word or a
    /// number (not after a one-letter word, as in "U.S. Steel").
    static func splitSentences(_ t: [ToneToken]) -> [Range<Int>] {
        guard !t.isEmpty else { return [] }
        var out: [Range<Int>] = []
        var start = 0
        for k in 1..<t.count {
            var cut = t[k].newlineBefore
            if !cut {
                let p = t[k - 1]
                if p.kind == .punct && (p.hash == period || p.hash == bang || p.hash == question),
                   t[k].spaceBefore, t[k].upperInitial || t[k].kind == .number {
                    let oneLetter = k >= 2 && t[k - 2].kind == .word && t[k - 2].end - t[k - 2].start == 1 && p.hash == period
                    cut = !oneLetter
                }
            }
            if cut { out.append(start..<k); start = k }
        }
        out.append(start..<t.count)
        return out
    }

    /// Tokens overlapping the scalar range `span` (empty if none).
    public func tokenRange(covering span: Range<Int>) -> Range<Int> {
        // First token whose end is after span.lowerBound.
        var lo = 0, hi = tokens.count
        while lo < hi {
            let mid = (lo + hi) / 2
            if tokens[mid].end <= span.lowerBound { lo = mid + 1 } else { hi = mid }
        }
        var e = lo
        while e < tokens.count && tokens[e].start < span.upperBound { e += 1 }
        return lo..<max(lo, e)
    }

    /// Index of the sentence holding token `k`.
    public func sentence(of k: Int) -> Int {
        var lo = 0, hi = sentences.count - 1
        while lo < hi {
            let mid = (lo + hi + 1) / 2
            if sentences[mid].lowerBound <= k { lo = mid } else { hi = mid - 1 }
        }
        return lo
    }
}
