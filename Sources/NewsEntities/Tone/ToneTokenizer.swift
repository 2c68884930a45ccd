/// One token of a text, with Unicode-scalar offsets (as newspipe and Python's `str` count).
public struct ToneToken: Sendable, Equatable {
    public enum Kind: UInt8, Sendable { case word, number, punct }
    public var start: Int
    public var end: Int
    public var kind: Kind
    /// Hash of the case-folded token.
    public var hash: UInt64
    /// Hash of the case-folded, lightly stemmed token (`hash` for numbers and punctuation).
    public var stem: UInt64
    /// Whitespace precedes the token (or it starts the text).
    public var spaceBefore: Bool
    /// A line break precedes the token.
    public var newlineBefore: Bool
    /// The token starts with an upper-case letter.
    public var upperInitial: Bool
}

/// Splits text into words, numbers and punctuation: `"Apple's"` gives `apple` + `'s`, `"doesn't"`
/// gives `does` + `n't` (as the CoNLL/Penn tokenisation does), `"10.4%"` gives `10.4` + `%`.
public enum ToneTokenizer {
    public static func tokenize(_ text: String) -> [ToneToken] {
        tokenize(scalars: Array(text.unicodeScalars))
    }

    public static func tokenize(scalars s: [Unicode.Scalar]) -> [ToneToken] {
        var out: [ToneToken] = []
        out.reserveCapacity(s.count / 4 + 4)
        var buf: [UInt32] = []
        buf.reserveCapacity(64)
        var i = 0
        var space = true
        var newline = false
        let n = s.count
        while i < n {
            let c = s[i]
            if isSpace(c) {
                space = true
                if c == "\n" || c == "\r" || c.value == 0x2028 || c.value == 0x2029 { newline = true }
                i += 1
                continue
            }
            if isWordScalar(c) {
                let start = i
                var allNumeric = true
                buf.removeAll(keepingCapacity: true)
                while i < n {
                    let d = s[i]
                    if isWordScalar(d) {
                        if !isDigit(d) { allNumeric = false }
                        appendFolded(d, &buf)
                        i += 1
                    } else if (d == "." || d == ",") && i + 1 < n && isDigit(s[i + 1]) && i > start && isDigit(s[i - 1]) {
                        buf.append(d.value); i += 1
                    } else if isApostrophe(d) && i + 1 < n && isLetter(s[i + 1]) && i > start && isLetter(s[i - 1]) {
                        buf.append(0x27); i += 1
                    } else { break }
                }
                let upper = c.properties.isUppercase
                if allNumeric {
                    let h = hashOf(buf[...])
                    out.append(ToneToken(start: start, end: i, kind: .number, hash: h, stem: h,
                                         spaceBefore: space, newlineBefore: newline, upperInitial: false))
                } else {
                    emitWord(buf, start: start, end: i, space: space, newline: newline, upper: upper, into: &out)
                }
                space = false; newline = false
                continue
            }
            // Punctuation and symbols: one scalar each; apostrophes fold to '.
            let v: UInt32 = isApostrophe(c) ? 0x27 : c.value
            var h = ToneHash.fnvOffset
            h = ToneHash.fnvStep(h, v)
            out.append(ToneToken(start: i, end: i + 1, kind: .punct, hash: h, stem: h,
                                 spaceBefore: space, newlineBefore: newline, upperInitial: false))
            space = false; newline = false
            i += 1
        }
        // "does n't" / "'s" written apart (CoNLL): fold the apostrophe-led word into one token.
        return mergeDetachedClitics(out, s)
    }

    // MARK: Words

    private static let apostropheS: [UInt32] = [0x27, 0x73]
    private static let nApostropheT: [UInt32] = [0x6e, 0x27, 0x74]

    private static func emitWord(_ buf: [UInt32], start: Int, end: Int, space: Bool, newline: Bool, upper: Bool,
                                 into out: inout [ToneToken]) {
        var cut = buf.count
        var clitic: ArraySlice<UInt32>? = nil
        if buf.count > 3 && buf[(buf.count - 3)...].elementsEqual(nApostropheT) {
            cut = buf.count - 3; clitic = buf[cut...]
        } else if buf.count > 2 && buf[(buf.count - 2)...].elementsEqual(apostropheS) {
            cut = buf.count - 2; clitic = buf[cut...]
        }
        let body = buf[..<cut]
        out.append(ToneToken(start: start, end: start + cut, kind: .word, hash: hashOf(body), stem: stemHash(body),
                             spaceBefore: space, newlineBefore: newline, upperInitial: upper))
        if let c = clitic {
            let h = hashOf(c)
            out.append(ToneToken(start: start + cut, end: end, kind: .word, hash: h, stem: h,
                                 spaceBefore: false, newlineBefore: false, upperInitial: false))
        }
    }

    private static func mergeDetachedClitics(_ toks: [ToneToken], _ s: [Unicode.Scalar]) -> [ToneToken] {
        // "n't" arrives as word "n" + "'" + "t"; "'s" as "'" + "s" when written with spaces.
        let apos = punctHash(0x27)
        let tHash = hashOf([0x74][...]), sHash = hashOf([0x73][...]), nHash = hashOf([0x6e][...])
        guard toks.contains(where: { $0.hash == apos }) else { return toks }
        var out: [ToneToken] = []
        out.reserveCapacity(toks.count)
        var k = 0
        while k < toks.count {
            let t = toks[k]
            if t.kind == .word, t.hash == nHash, k + 2 < toks.count, toks[k + 1].hash == apos, toks[k + 2].hash == tHash,
               !toks[k + 1].spaceBefore, !toks[k + 2].spaceBefore {
                let h = hashOf(nApostropheT[...])
                out.append(ToneToken(start: t.start, end: toks[k + 2].end, kind: .word, hash: h, stem: h,
                                     spaceBefore: t.spaceBefore, newlineBefore: t.newlineBefore, upperInitial: false))
                k += 3; continue
            }
            if t.hash == apos, k + 1 < toks.count, toks[k + 1].hash == sHash, !toks[k + 1].spaceBefore,
               k + 2 >= toks.count || toks[k + 2].kind != .word || toks[k + 2].spaceBefore {
                let h = hashOf(apostropheS[...])
                out.append(ToneToken(start: t.start, end: toks[k + 1].end, kind: .word, hash: h, stem: h,
                                     spaceBefore: t.spaceBefore, newlineBefore: t.newlineBefore, upperInitial: false))
                k += 2; continue
            }
            out.append(t); k += 1
        }
        return out
    }

    /// Hash of a case-folded word as the tokenizer computes it (for building word sets).
    public static func wordHash(_ word: String) -> UInt64 {
        var buf: [UInt32] = []
        for u in word.unicodeScalars { appendFolded(u, &buf) }
        return hashOf(buf[...])
    }

    /// Stem hash of a word as the tokenizer computes it.
    public static func wordStemHash(_ word: String) -> UInt64 {
        var buf: [UInt32] = []
        for u in word.unicodeScalars { appendFolded(u, &buf) }
        return stemHash(buf[...])
    }

    public static func punctHash(_ v: UInt32) -> UInt64 { ToneHash.fnvStep(ToneHash.fnvOffset, v) }

    @inline(__always)
    static func hashOf(_ b: ArraySlice<UInt32>) -> UInt64 {
        var h = ToneHash.fnvOffset
        for v in b { h = ToneHash.fnvStep(h, v) }
        return h
    }

    /// A light suffix stripper (plural, -ed, -ing, final e, doubled final consonant):
    /// gains/gained/gaining → gain, slips/slipped → slip, rises/rising/rise → ris.
    static func stemHash(_ w: ArraySlice<UInt32>) -> UInt64 {
        var e = w.endIndex
        let b = w.startIndex
        func endsWith(_ suffix: [UInt32]) -> Bool {
            e - b >= suffix.count && w[(e - suffix.count)..<e].elementsEqual(suffix)
        }
        func hasVowel(_ upTo: Int) -> Bool {
            for k in b..<upTo where isVowel(w[k]) { return true }
            return false
        }
        guard e - b > 3 else { return hashOf(w) }
        if endsWith([0x73, 0x73, 0x65, 0x73]) { e -= 2 }                       // -sses → -ss
        else if endsWith([0x69, 0x65, 0x73]) { e -= 2 }                         // -ies → -i
        else if endsWith([0x73]) && !endsWith([0x73, 0x73]) && !endsWith([0x75, 0x73]) && !endsWith([0x69, 0x73]) { e -= 1 }
        var strippedVerb = false
        if e - b > 4 && endsWith([0x69, 0x6e, 0x67]) && hasVowel(e - 3) { e -= 3; strippedVerb = true }   // -ing
        else if e - b > 3 && endsWith([0x65, 0x64]) && !endsWith([0x65, 0x65, 0x64]) && hasVowel(e - 2) { e -= 2; strippedVerb = true } // -ed
        if strippedVerb && e - b > 2 {
            let x = w[e - 1], y = w[e - 2]
            if x == y && !isVowel(x) && x != 0x6c && x != 0x73 && x != 0x7a { e -= 1 }
        }
        if e - b > 3 && w[e - 1] == 0x65 { e -= 1 }                             // final e
        return hashOf(w[b..<e])
    }

    // MARK: Scalars

    @inline(__always) static func isVowel(_ v: UInt32) -> Bool {
        v == 0x61 || v == 0x65 || v == 0x69 || v == 0x6f || v == 0x75 || v == 0x79
    }

    @inline(__always) static func isSpace(_ c: Unicode.Scalar) -> Bool {
        if c.value < 0x80 { return c == " " || c == "\t" || c == "\n" || c == "\r" || c.value == 0x0b || c.value == 0x0c }
        return c.properties.isWhitespace
    }

    @inline(__always) static func isDigit(_ c: Unicode.Scalar) -> Bool { c.value >= 0x30 && c.value <= 0x39 }

    @inline(__always) static func isLetter(_ c: Unicode.Scalar) -> Bool {
        if c.value < 0x80 { return (c.value | 0x20) >= 0x61 && (c.value | 0x20) <= 0x7a }
        return c.properties.isAlphabetic
    }

    @inline(__always) static func isWordScalar(_ c: Unicode.Scalar) -> Bool {
        if c.value < 0x80 { return isDigit(c) || isLetter(c) }
        return c.properties.isAlphabetic || c.properties.numericType != nil || c.properties.generalCategory == .nonspacingMark
    }

    @inline(__always) static func isApostrophe(_ c: Unicode.Scalar) -> Bool {
        c == "'" || c.value == 0x2019 || c.value == 0x2018
    }

    @inline(__always) static func appendFolded(_ c: Unicode.Scalar, _ buf: inout [UInt32]) {
        if c.value < 0x80 {
            buf.append(c.value >= 0x41 && c.value <= 0x5a ? c.value | 0x20 : c.value)
        } else if c.properties.changesWhenLowercased {
            for u in c.properties.lowercaseMapping.unicodeScalars { buf.append(u.value) }
        } else {
            buf.append(c.value)
        }
    }
}
