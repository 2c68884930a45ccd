import Foundation

/// One token of a text, with Unicode-scalar offsets into that text (`end` exclusive).
public struct TextToken: Sendable, Equatable {
    public var text: String
    public var start: Int
    public var end: Int

    public init(text: String, start: Int, end: Int) {
        self.text = text; self.start = start; self.end = end
    }
}

/// A text cut into tokens and sentences; sentences are ranges of token indices.
public struct TokenizedText: Sendable {
    public var tokens: [TextToken]
    /// Token index ranges, in order, covering every token exactly once.
    public var sentences: [Range<Int>]

    public init(tokens: [TextToken], sentences: [Range<Int>]) {
        self.tokens = tokens; self.sentences = sentences
    }

    /// Unicode-scalar range of each sentence, from its first token's start to its last token's end.
    public func sentenceScalarRanges() -> [Range<Int>] {
        sentences.compactMap { r in
            guard !r.isEmpty else { return nil }
            return tokens[r.lowerBound].start ..< tokens[r.upperBound - 1].end
        }
    }
}

/// Tokeniser and sentence splitter for English news text.
///
/// Cuts like the Penn Treebank / CoNLL-2003 conventions the tagger was trained on: punctuation,
/// quotes, currency signs and possessive `'s` are tokens of their own; abbreviations, initials,
/// decimals, hyphenated words, URLs and e-mail addresses stay whole. Text that is already
/// tokenised with single spaces (CoNLL style) comes back with exactly its tokens.
public enum NewsTokenizer {
    /// Tokenises `text` and splits it into sentences; every newline ends a sentence.
    public static func tokenize(_ text: String) -> TokenizedText {
        let scalars = Array(text.unicodeScalars)
        var cutter = TokenCutter(s: scalars)
        cutter.run()
        let tokens = cutter.ranges.map { r in
            TextToken(text: String(String.UnicodeScalarView(scalars[r])), start: r.lowerBound, end: r.upperBound)
        }
        let sentences = SentenceSplitter.split(tokens: tokens, ranges: cutter.ranges,
                                                  newlineBefore: cutter.newlineBefore, scalars: scalars)
        return TokenizedText(tokens: tokens, sentences: sentences)
    }
}

// MARK: - Token cutting

/// Cuts whitespace-separated chunks into tokens.
struct TokenCutter {
    let s: [Unicode.Scalar]
    var ranges: [Range<Int>] = []
    /// Whether a newline separates token i from the token before it.
    var newlineBefore: [Bool] = []
    private var pendingNewline = false
    /// Whether the chunk being cut is the first on its line ("1. Michelle Freeman" keeps "1.").
    private var chunkAtLineStart = false

    init(s: [Unicode.Scalar]) {
        self.s = s
        ranges.reserveCapacity(s.count / 5 + 4)
        newlineBefore.reserveCapacity(s.count / 5 + 4)
    }

    mutating func run() {
        var i = 0
        let n = s.count
        while i < n {
            let c = s[i]
            if CharacterClass.isWhitespace(c) {
                if CharacterClass.isNewline(c) { pendingNewline = true }
                i += 1
                continue
            }
            var j = i + 1
            while j < n && !CharacterClass.isWhitespace(s[j]) { j += 1 }
            chunkAtLineStart = pendingNewline || ranges.isEmpty
            cutChunk(i, j, chunkEnd: j)
            i = j
        }
    }

    private mutating func emit(_ a: Int, _ b: Int) {
        guard a < b else { return }
        ranges.append(a ..< b)
        newlineBefore.append(pendingNewline)
        pendingNewline = false
    }

    /// The first non-space scalar after `index`, if any.
    private func nextVisible(after index: Int) -> Unicode.Scalar? {
        var k = index
        while k < s.count {
            if !CharacterClass.isWhitespace(s[k]) { return s[k] }
            k += 1
        }
        return nil
    }

    private func hasPrefix(_ a: Int, _ b: Int, _ p: String) -> Bool {
        var k = a
        for c in p.unicodeScalars {
            guard k < b else { return false }
            let x = s[k]
            let lx = x.value < 0x80 && CharacterClass.isUpper(x) ? Unicode.Scalar(x.value + 32)! : x
            if lx != c { return false }
            k += 1
        }
        return true
    }

    private func isURLOrEmail(_ a: Int, _ b: Int) -> Bool {
        if hasPrefix(a, b, "http://") || hasPrefix(a, b, "https://") || hasPrefix(a, b, "www.")
            || hasPrefix(a, b, "ftp://") { return true }
        // e-mail: letters before "@", a dot after it
        var at = -1
        for k in a ..< b where s[k] == "@" { at = k; break }
        if at > a && at < b - 3 {
            var dot = false
            for k in (at + 1) ..< (b - 1) where s[k] == "." { dot = true }
            return dot && CharacterClass.isLetter(s[at - 1]) || (dot && CharacterClass.isDigit(s[at - 1]))
        }
        return false
    }

    private static let openers: Set<Unicode.Scalar> = ["\"", "(", "[", "{", "<", "\u{201C}", "\u{2018}",
                                                       "\u{00AB}", "\u{2039}", "`", "\u{00BF}", "\u{00A1}", "*"]
    private static let closers: Set<Unicode.Scalar> = ["\"", ")", "]", "}", ">", "\u{201D}", "\u{2019}",
                                                       "\u{00BB}", "\u{203A}", ",", ";", ":", "!", "?", "*",
                                                       "\u{2026}"]
    private static let currency: Set<Unicode.Scalar> = ["$", "\u{20AC}", "\u{00A3}", "\u{00A5}", "\u{20B9}"]

    /// Cuts one whitespace-free chunk [a, b) into tokens.
    private mutating func cutChunk(_ a0: Int, _ b0: Int, chunkEnd: Int) {
        var a = a0, b = b0
        var trailing: [Range<Int>] = []  // in reverse order
        // Leading punctuation.
        while a < b {
            let c = s[a]
            if b - a >= 3 && c == "." && s[a + 1] == "." && s[a + 2] == "." {
                var e = a + 3
                while e < b && s[e] == "." { e += 1 }
                emit(a, e); a = e; continue
            }
            if c == "-" || c == "\u{2013}" || c == "\u{2014}" {
                // a negative number keeps its sign; a dash before a word is punctuation
                if c == "-" && a + 1 < b && CharacterClass.isDigit(s[a + 1]) { break }
                var e = a + 1
                while e < b && (s[e] == "-" || s[e] == "\u{2013}" || s[e] == "\u{2014}") { e += 1 }
                emit(a, e); a = e; continue
            }
            if CharacterClass.isApostrophe(c) || c == "\u{2018}" {
                if b - a == 1 { break }
                if apostropheStartsClitic(a, b) || (a + 1 < b && CharacterClass.isDigit(s[a + 1])) { break }
                emit(a, a + 1); a += 1; continue
            }
            if Self.openers.contains(c) || (Self.currency.contains(c) && b - a > 1) {
                if b - a == 1 { break }
                emit(a, a + 1); a += 1; continue
            }
            break
        }
        if a >= b { return }
        if isURLOrEmail(a, b) {
            while b > a + 1, Self.closers.contains(s[b - 1]) || s[b - 1] == "." || s[b - 1] == "'" {
                trailing.append((b - 1) ..< b); b -= 1
            }
            emit(a, b)
            for r in trailing.reversed() { emit(r.lowerBound, r.upperBound) }
            return
        }
        // Trailing punctuation, possessives and clitics.
        var changed = true
        while changed && b > a + 1 {
            changed = false
            let c = s[b - 1]
            // "..." at the end
            if b - a >= 4 && c == "." && s[b - 2] == "." && s[b - 3] == "." {
                var e = b - 3
                while e > a && s[e - 1] == "." { e -= 1 }
                if e > a { trailing.append(e ..< b); b = e; changed = true; continue }
            }
            if c == "\u{2019}" || c == "'" {
                // "companies'" -> "companies" + "'"; a lone closing quote too
                trailing.append((b - 1) ..< b); b -= 1; changed = true; continue
            }
            if Self.closers.contains(c) {
                trailing.append((b - 1) ..< b); b -= 1; changed = true; continue
            }
            if c == "%" && b - a > 1 {
                trailing.append((b - 1) ..< b); b -= 1; changed = true; continue
            }
            if c == "-" && (CharacterClass.isLetter(s[b - 2]) || CharacterClass.isDigit(s[b - 2])) {
                // "6- 4" in sports results: a hyphen glued to a word stays with it
            } else if c == "-" || c == "\u{2013}" || c == "\u{2014}" {
                var e = b - 1
                while e > a && (s[e - 1] == "-" || s[e - 1] == "\u{2013}" || s[e - 1] == "\u{2014}") { e -= 1 }
                if e > a { trailing.append(e ..< b); b = e; changed = true; continue }
            }
            if let clitic = cliticLength(a, b) {
                trailing.append((b - clitic) ..< b); b -= clitic; changed = true; continue
            }
            if c == "." && !keepsFinalPeriod(a, b, chunkEnd: chunkEnd, lastInChunk: trailing.isEmpty) {
                trailing.append((b - 1) ..< b); b -= 1; changed = true; continue
            }
        }
        cutCore(a, b)
        for r in trailing.reversed() { emit(r.lowerBound, r.upperBound) }
    }

    /// Whether an apostrophe at `a` starts a clitic token such as "'s", "'re", "n't" in CoNLL text.
    private func apostropheStartsClitic(_ a: Int, _ b: Int) -> Bool {
        var e = a + 1
        while e < b && CharacterClass.isLetter(s[e]) { e += 1 }
        let len = e - (a + 1)
        guard len >= 1 && len <= 2 else { return false }
        // the clitic must be the whole rest, apart from closing punctuation
        for k in e ..< b where !(Self.closers.contains(s[k]) || s[k] == ".") { return false }
        let w = String(String.UnicodeScalarView(s[(a + 1) ..< e])).lowercased()
        return ["s", "re", "ve", "ll", "d", "m", "t", "em"].contains(w)
    }

    /// Length of a possessive or contraction clitic at the end of [a, b), if one should be cut.
    private func cliticLength(_ a: Int, _ b: Int) -> Int? {
        let n = b - a
        guard n >= 3 else { return nil }
        // n't
        if n >= 4, CharacterClass.isApostrophe(s[b - 2]), s[b - 1] == "t" || s[b - 1] == "T",
           s[b - 3] == "n" || s[b - 3] == "N", CharacterClass.isLetter(s[b - 4]) {
            return 3
        }
        // "Alphabet's", and "Inc.'s" too
        if CharacterClass.isApostrophe(s[b - 2]) && (CharacterClass.isLetter(s[b - 3]) || (s[b - 3] == "." && b - a >= 4)) {
            let c = s[b - 1]
            if c == "s" || c == "S" || c == "d" || c == "D" || c == "m" || c == "M" { return 2 }
        }
        if n >= 4 && CharacterClass.isApostrophe(s[b - 3]) && CharacterClass.isLetter(s[b - 4]) {
            let w = String(String.UnicodeScalarView(s[(b - 2) ..< b])).lowercased()
            if w == "re" || w == "ve" || w == "ll" { return 3 }
        }
        return nil
    }

    /// Whether the final period of [a, b) is part of the word (abbreviation, initial, "U.S.").
    private func keepsFinalPeriod(_ a: Int, _ b: Int, chunkEnd: Int, lastInChunk: Bool) -> Bool {
        let body = a ..< (b - 1)
        if body.isEmpty { return true }
        // single-letter initial: "J."
        if body.count == 1 && CharacterClass.isLetter(s[a]) { return true }
        // list numbering at the start of a line: "1."
        if chunkAtLineStart && body.count <= 3 && lastInChunk && body.allSatisfy({ CharacterClass.isDigit(s[$0]) }) { return true }
        // letters alternating with periods: "U.S", "e.g", "a.m"
        var alternating = body.count >= 3
        var k = a
        while k < b - 1 && alternating {
            if !CharacterClass.isLetter(s[k]) { alternating = false; break }
            if k + 1 < b - 1 && s[k + 1] != "." { alternating = false; break }
            k += 2
        }
        if alternating { return true }
        let word = String(String.UnicodeScalarView(s[body])).lowercased()
        if Abbreviations.wordFinal.contains(word) { return true }
        // Not an abbreviation: the period is the sentence's unless lower-case text follows it.
        if lastInChunk, let next = nextVisible(after: chunkEnd) {
            if CharacterClass.isLower(next) || next == "," || next == ";" { return true }
        }
        return false
    }

    /// Cuts the core of a chunk at inner separators (dashes, slashes between words are kept).
    private mutating func cutCore(_ a: Int, _ b: Int) {
        var start = a
        var k = a
        while k < b {
            let c = s[k]
            var cut = 0
            if c == "\u{2014}" || c == "\u{2026}" {
                cut = 1
            } else if c == "-" && k + 1 < b && s[k + 1] == "-" {
                cut = 2
                while k + cut < b && s[k + cut] == "-" { cut += 1 }
            } else if c == "." && k + 2 < b && s[k + 1] == "." && s[k + 2] == "." {
                cut = 3
            } else if c == "\u{2013}" {
                let digits = k > a && k + 1 < b && CharacterClass.isDigit(s[k - 1]) && CharacterClass.isDigit(s[k + 1])
                if !digits { cut = 1 }
            } else if c == "," || c == ";" {
                let digits = k > a && k + 1 < b && CharacterClass.isDigit(s[k - 1]) && CharacterClass.isDigit(s[k + 1])
                if !digits && k > a && k + 1 < b { cut = 1 }
            } else if c == "(" || c == ")" || c == "[" || c == "]" || c == "\"" || c == "\u{201C}" || c == "\u{201D}" {
                cut = 1
            } else if c == "?" || c == "!" {
                cut = 1
            }
            if cut > 0 {
                if start < k { cutChunkInner(start, k) }
                emit(k, k + cut)
                k += cut
                start = k
            } else {
                k += 1
            }
        }
        if start < b {
            if start == a { emit(a, b) } else { cutChunkInner(start, b) }
        }
    }

    /// A piece between inner separators gets the possessive / clitic treatment once more.
    private mutating func cutChunkInner(_ a: Int, _ b: Int) {
        if let clitic = cliticLength(a, b) {
            emit(a, b - clitic); emit(b - clitic, b)
        } else {
            emit(a, b)
        }
    }
}

// MARK: - Sentence splitting

enum SentenceSplitter {
    static func split(tokens: [TextToken], ranges: [Range<Int>], newlineBefore: [Bool],
                      scalars: [Unicode.Scalar]) -> [Range<Int>] {
        var out: [Range<Int>] = []
        let n = tokens.count
        guard n > 0 else { return out }
        var start = 0
        var i = 0
        while i < n {
            var end = -1  // exclusive end of the sentence, if it ends after token i
            if i + 1 < n && newlineBefore[i + 1] {
                end = i + 1
            } else if isTerminal(tokens[i].text) {
                // closing quotes and brackets stay with the sentence they close
                var j = i + 1
                while j < n && !newlineBefore[j] && isCloser(tokens[j].text)
                        && (tokens[j].start == tokens[j - 1].end || !isAmbiguousQuote(tokens[j].text)) { j += 1 }
                if j >= n {
                    end = n
                } else if newlineBefore[j] || startsSentence(tokens[j].text) {
                    end = j
                } else {
                    i = j - 1
                }
            } else if i + 1 < n && Abbreviations.sentenceFinal.contains(tokens[i].text.lowercased())
                        && Abbreviations.sentenceStarters.contains(tokens[i + 1].text) {
                end = i + 1
            }
            if end > 0 {
                out.append(start ..< end)
                start = end
                i = end
            } else {
                i += 1
            }
        }
        if start < n { out.append(start ..< n) }
        return out
    }

    private static func isTerminal(_ t: String) -> Bool {
        guard let f = t.unicodeScalars.first else { return false }
        if t.unicodeScalars.allSatisfy({ $0 == "." || $0 == "!" || $0 == "?" || $0 == "\u{2026}" }) {
            // "..." ends a sentence only when a capital follows, which startsSentence checks
            return f == "." || f == "!" || f == "?" || f == "\u{2026}"
        }
        return false
    }

    private static func isCloser(_ t: String) -> Bool {
        t == "\"" || t == ")" || t == "]" || t == "\u{201D}" || t == "\u{2019}" || t == "'" || t == "\u{00BB}"
    }

    /// Straight quotes open or close: one glued to the word before it closes.
    private static func isAmbiguousQuote(_ t: String) -> Bool { t == "\"" || t == "'" }

    private static func startsSentence(_ t: String) -> Bool {
        guard let f = t.unicodeScalars.first else { return false }
        return !CharacterClass.isLower(f) && f != "," && f != ";" && f != ")" && f != ":"
    }
}
