import Foundation
import NewsText

// Scalar-level scanning shared by every pass of the entities stage.
//
// The annotator works on `[Unicode.Scalar]` so that offsets are Unicode-scalar offsets (the
// contract of `EntityMention`) without index conversions, and on a flat token array so that the
// dictionary, pattern and tone passes are single linear scans with hash look-ups.

/// What a token of the entities scanner is made of.
enum EntityScanTokenKind: UInt8, Sendable {
    /// A run of letters and digits with at least one letter ("Microsoft", "3M", "2bn").
    case word
    /// A run of digits only.
    case number
    /// One scalar that is neither a letter, a digit nor white space.
    case punct
}

/// One token of the entities scanner: a maximal run of letters/digits, or one punctuation scalar.
struct EntityScanToken: Sendable {
    var start: Int
    var end: Int
    var kind: EntityScanTokenKind
    /// White space before the token: 0 none, 1 spaces, 2 a line break, 3 a tab or a wide gap
    /// (3+ spaces) on the same line, which hints at a table.
    var gap: UInt8
    /// FNV-1a over the scalars, case-sensitive (curly quotes and dashes folded to ASCII).
    var hash: UInt64
    /// The same over the lowercased scalars, for case-insensitive cue look-ups.
    var foldHash: UInt64
    var upper: UInt16
    var lower: UInt16

    var length: Int { end - start }
    var isCapitalized: Bool { kind == .word && upper > 0 }
    /// Letters only uppercase (digits allowed), at least one letter.
    var isAllCaps: Bool { kind == .word && upper > 0 && lower == 0 }
    /// Gap as dictionary matching sees it: a line break never joins a name, tabs count as spaces.
    var matchGap: UInt8 { gap == 3 ? 1 : gap }
}

/// 64-bit FNV-1a, the token hash of the entities scanner.
enum EntityScanHash {
    static let seed: UInt64 = 0xcbf2_9ce4_8422_2325
    @inline(__always) static func mix(_ h: UInt64, _ v: UInt32) -> UInt64 {
        var h = h
        h = (h ^ UInt64(v & 0xFF)) &* 0x100_0000_01b3
        if v > 0xFF { h = (h ^ UInt64(v >> 8)) &* 0x100_0000_01b3 }
        return h
    }

    /// Case-folded hash of an ASCII word, for building cue tables.
    static func folded(_ word: String) -> UInt64 {
        var h = seed
        for s in word.unicodeScalars { h = mix(h, CharacterClass.folded(s)) }
        return h
    }

    static func exact(_ word: String) -> UInt64 {
        var h = seed
        for s in word.unicodeScalars { h = mix(h, CharacterClass.plain(s.value)) }
        return h
    }
}

/// Splits text into entities-scanner tokens in one pass.
enum EntityScanTokenizer {
    static func tokenize(_ sc: [Unicode.Scalar]) -> [EntityScanToken] {
        var tokens: [EntityScanToken] = []
        tokens.reserveCapacity(sc.count / 5 + 4)
        let n = sc.count
        var i = 0
        var gap: UInt8 = 2
        var spaces = 0
        while i < n {
            let s = sc[i]
            if CharacterClass.isNewline(s) { gap = 2; spaces = 0; i += 1; continue }
            if CharacterClass.isSpaceInLine(s) {
                spaces += 1
                if gap < 2 { gap = (s.value == 9 || spaces >= 3) ? 3 : max(gap, 1) }
                i += 1
                continue
            }
            let start = i
            if CharacterClass.isWordCharacter(s) {
                var h = EntityScanHash.seed, f = EntityScanHash.seed
                var up: UInt16 = 0, low: UInt16 = 0, letter = false
                while i < n {
                    let c = sc[i]
                    guard CharacterClass.isWordCharacter(c) else { break }
                    let v = c.value
                    if v < 128 {
                        if (v &- 65) < 26 { up &+= 1; letter = true; f = EntityScanHash.mix(f, v + 32) }
                        else {
                            if (v &- 97) < 26 { low &+= 1; letter = true }
                            f = EntityScanHash.mix(f, v)
                        }
                        h = EntityScanHash.mix(h, v)
                    } else {
                        if CharacterClass.isUpper(c) { up &+= 1; letter = true }
                        else if CharacterClass.isLower(c) { low &+= 1; letter = true }
                        else if c.properties.isAlphabetic { letter = true }
                        h = EntityScanHash.mix(h, v)
                        f = EntityScanHash.mix(f, CharacterClass.folded(c))
                    }
                    i += 1
                }
                tokens.append(EntityScanToken(start: start, end: i, kind: letter ? .word : .number, gap: gap,
                                          hash: h, foldHash: f, upper: up, lower: low))
            } else {
                let v = CharacterClass.plain(s.value)
                let h = EntityScanHash.mix(EntityScanHash.seed, v)
                tokens.append(EntityScanToken(start: start, end: i + 1, kind: .punct, gap: gap,
                                          hash: h, foldHash: h, upper: 0, lower: 0))
                i += 1
            }
            gap = 0
            spaces = 0
        }
        return tokens
    }
}

/// An article prepared for the entities passes: scalars, tokens, sentence of each token, and where
/// tickers must not be read (shouting headlines, tables, share-button chrome).
struct EntityScanDocument {
    let scalars: [Unicode.Scalar]
    let tokens: [EntityScanToken]
    /// Sentence ranges in scalar offsets (given by the tokenizer, or found here when none given).
    let sentences: [Range<Int>]
    /// The caller's number (index into the given ranges) of each of `sentences`.
    let sentenceNumbers: [Int]
    /// Sentence number of each token.
    let tokenSentence: [Int32]
    /// Index into `sentences` of each token.
    let tokenSentenceIndex: [Int32]
    /// Tokens on lines or in sentences where ticker-like words are not tickers.
    let tickerBlocked: [Bool]
    /// Tokens on share/follow chrome lines, where names are page furniture, not news.
    let chrome: [Bool]

    init(text: String, sentences given: [Range<Int>]) {
        let sc = EntityScanDocument.decode(text)
        scalars = sc
        let toks = EntityScanTokenizer.tokenize(sc)
        tokens = toks
        // Mentions report the caller's sentence numbers, so empty or unordered ranges keep theirs.
        let valid = given.enumerated().filter { !$0.element.isEmpty && $0.element.lowerBound >= 0 }
            .sorted { ($0.element.lowerBound, $0.offset) < ($1.element.lowerBound, $1.offset) }
        let sents = valid.isEmpty ? NewsTokenizer.tokenize(text).sentenceScalarRanges() : valid.map(\.element)
        let numbers = valid.isEmpty ? Array(sents.indices) : valid.map(\.offset)
        sentences = sents
        sentenceNumbers = numbers

        // Sentence of each token: the last sentence starting at or before it.
        var ts = [Int32](repeating: 0, count: toks.count)
        var tsi = [Int32](repeating: 0, count: toks.count)
        var si = 0
        for (k, t) in toks.enumerated() {
            while si + 1 < sents.count && sents[si + 1].lowerBound <= t.start { si += 1 }
            ts[k] = Int32(numbers.isEmpty ? 0 : numbers[si])
            tsi[k] = Int32(si)
        }
        tokenSentence = ts
        tokenSentenceIndex = tsi

        var blocked = [Bool](repeating: false, count: toks.count)
        var chromeFlags = [Bool](repeating: false, count: toks.count)
        // Lines.
        var lineStart = 0
        while lineStart < toks.count {
            var lineEnd = lineStart + 1
            while lineEnd < toks.count && toks[lineEnd].gap != 2 { lineEnd += 1 }
            let verdict = EntityScanDocument.judgeLine(toks, lineStart, lineEnd)
            if verdict.block { for k in lineStart..<lineEnd { blocked[k] = true } }
            if verdict.chrome { for k in lineStart..<lineEnd { chromeFlags[k] = true } }
            lineStart = lineEnd
        }
        // Sentences that shout (an all-caps headline run into the body on one line).
        var k = 0
        while k < toks.count {
            var e = k + 1
            while e < toks.count && ts[e] == ts[k] { e += 1 }
            if EntityScanDocument.shouts(toks, k, e) { for j in k..<e { blocked[j] = true } }
            k = e
        }
        tickerBlocked = blocked
        chrome = chromeFlags
    }

    /// The text's scalars, decoded straight from its UTF-8 (faster than `Array(text.unicodeScalars)`).
    static func decode(_ text: String) -> [Unicode.Scalar] {
        var text = text
        return text.withUTF8 { utf8 in
            let n = utf8.count
            // A String holds valid UTF-8, so lead bytes say how long each scalar is.
            return [Unicode.Scalar](unsafeUninitializedCapacity: n) { out, count in
                var i = 0, o = 0
                while i < n {
                    let b = UInt32(utf8[i])
                    var v: UInt32
                    if b < 0x80 { v = b; i += 1 }
                    else if b < 0xE0 { v = (b & 0x1F) << 6 | UInt32(utf8[i + 1] & 0x3F); i += 2 }
                    else if b < 0xF0 { v = (b & 0x0F) << 12 | UInt32(utf8[i + 1] & 0x3F) << 6 | UInt32(utf8[i + 2] & 0x3F); i += 3 }
                    else { v = (b & 0x07) << 18 | UInt32(utf8[i + 1] & 0x3F) << 12 | UInt32(utf8[i + 2] & 0x3F) << 6 | UInt32(utf8[i + 3] & 0x3F); i += 4 }
                    (out.baseAddress! + o).initialize(to: Unicode.Scalar(v) ?? "\u{FFFD}")
                    o += 1
                }
                count = o
            }
        }
    }

    private static func shouts(_ toks: [EntityScanToken], _ a: Int, _ b: Int) -> Bool {
        var up = 0, letters = 0
        for k in a..<b where toks[k].kind == .word {
            up += Int(toks[k].upper); letters += Int(toks[k].upper) + Int(toks[k].lower)
        }
        return letters >= 10 && up * 10 >= letters * 7
    }

    private static let chromeWords = EntityScanHashSet(hashes: ["share", "tweet", "follow", "email", "print", "pin",
                                                        "copy", "subscribe", "sign", "log"].map(EntityScanHash.folded))

    private static func judgeLine(_ toks: [EntityScanToken], _ a: Int, _ b: Int) -> (block: Bool, chrome: Bool) {
        var wide = 0, pipes = 0, numbers = 0, words = 0
        for k in a..<b {
            let t = toks[k]
            if k > a && t.gap == 3 { wide += 1 }
            switch t.kind {
            case .number: numbers += 1
            case .word: words += 1
            case .punct: if t.hash == pipeHash { pipes += 1 }
            }
        }
        let table = wide >= 2 || pipes >= 2 || (numbers + words >= 6 && numbers * 2 >= numbers + words)
        // "Share on Facebook", "Follow us": short, no full stop. "Share prices fell." is news.
        let last = toks[b - 1]
        let endsSentence = last.kind == .punct && (last.hash == dotHash || last.hash == bangHash || last.hash == askHash)
        let chrome = toks[a].kind == .word && chromeWords.contains(toks[a].foldHash) && b - a <= 8 && !endsSentence
        return (table || chrome || shouts(toks, a, b), chrome)
    }

    private static let pipeHash = EntityScanHash.exact("|")
    private static let dotHash = EntityScanHash.exact(".")
    private static let bangHash = EntityScanHash.exact("!")
    private static let askHash = EntityScanHash.exact("?")
    func string(_ a: Int, _ b: Int) -> String {
        let lo = max(0, a), hi = min(b, scalars.count)
        guard lo < hi else { return "" }
        var capacity = 0
        for i in lo..<hi { capacity += UTF8.width(scalars[i]) }
        return String(unsafeUninitializedCapacity: capacity) { buffer in
            var n = 0
            for i in lo..<hi {
                UTF8.encode(scalars[i]) { byte in buffer[n] = byte; n += 1 }
            }
            return n
        }
    }

    /// Scalar range of the sentence of token `k` (or of the sentence holding `offset`), without the
    /// white space at its ends; the whole text when no sentence is known.
    func sentenceBounds(token k: Int, offset: Int) -> Range<Int> {
        guard !sentences.isEmpty else { return 0..<scalars.count }
        var idx: Int
        if k < tokenSentenceIndex.count { idx = Int(tokenSentenceIndex[k]) } else {
            idx = 0
            while idx + 1 < sentences.count && sentences[idx + 1].lowerBound <= offset { idx += 1 }
        }
        var a = max(0, min(sentences[idx].lowerBound, scalars.count))
        var b = max(a, min(sentences[idx].upperBound, scalars.count))
        // A mention past its sentence's end (ranges from a caller may be short) widens it.
        if offset >= b { b = scalars.count }
        while a < b && (CharacterClass.isSpaceInLine(scalars[a]) || CharacterClass.isNewline(scalars[a])) { a += 1 }
        while b > a && (CharacterClass.isSpaceInLine(scalars[b - 1]) || CharacterClass.isNewline(scalars[b - 1])) { b -= 1 }
        return a..<b
    }

    func sentenceOf(offset: Int) -> Int {
        var lo = 0, hi = sentences.count - 1, best = 0
        while lo <= hi {
            let mid = (lo + hi) / 2
            if sentences[mid].lowerBound <= offset { best = mid; lo = mid + 1 } else { hi = mid - 1 }
        }
        return best < sentenceNumbers.count ? sentenceNumbers[best] : 0
    }

    /// Index of the first token whose end is after `offset`.
    func tokenIndex(containingOrAfter offset: Int) -> Int {
        var lo = 0, hi = tokens.count
        while lo < hi {
            let mid = (lo + hi) / 2
            if tokens[mid].end <= offset { lo = mid + 1 } else { hi = mid }
        }
        return lo
    }

    /// Index of the first token starting at or after `offset`.
    func tokenIndex(startingAtOrAfter offset: Int) -> Int {
        var lo = 0, hi = tokens.count
        while lo < hi {
            let mid = (lo + hi) / 2
            if tokens[mid].start < offset { lo = mid + 1 } else { hi = mid }
        }
        return lo
    }
}

/// Open-addressing hash table keyed by the scanner's 64-bit token hashes.
///
/// The keys are already well-mixed FNV hashes, so look-ups skip `Hasher` (SipHash), which
/// dominated the per-token cost of the dictionary, pattern and tone passes.
struct EntityScanHashTable<Value: Sendable>: Sendable {
    private var keys: [UInt64]
    private var values: [Value?]
    private var mask: Int
    private(set) var count = 0

    init(minimumCapacity: Int = 16) {
        var cap = 16
        while cap < minimumCapacity * 2 { cap <<= 1 }
        keys = [UInt64](repeating: 0, count: cap)
        values = [Value?](repeating: nil, count: cap)
        mask = cap - 1
    }

    init(_ pairs: [(UInt64, Value)]) {
        self.init(minimumCapacity: pairs.count)
        for (k, v) in pairs { self[k] = v }
    }

    @inline(__always) private static func slotKey(_ k: UInt64) -> UInt64 { k == 0 ? 1 : k }

    subscript(key: UInt64) -> Value? {
        @inline(__always) get {
            let k = Self.slotKey(key)
            var i = Int(truncatingIfNeeded: ((k ^ (k >> 29)) &* 0x9E37_79B9_7F4A_7C15) >> 32) & mask
            while true {
                let stored = keys[i]
                if stored == k { return values[i] }
                if stored == 0 { return nil }
                i = (i + 1) & mask
            }
        }
        set {
            guard let newValue else { return }   // removal is never needed
            if (count + 1) * 2 > keys.count { grow() }
            let k = Self.slotKey(key)
            var i = Int(truncatingIfNeeded: ((k ^ (k >> 29)) &* 0x9E37_79B9_7F4A_7C15) >> 32) & mask
            while keys[i] != 0 && keys[i] != k { i = (i + 1) & mask }
            if keys[i] == 0 { count += 1 }
            keys[i] = k
            values[i] = newValue
        }
    }

    func contains(_ key: UInt64) -> Bool { self[key] != nil }

    private mutating func grow() {
        let oldKeys = keys, oldValues = values
        keys = [UInt64](repeating: 0, count: oldKeys.count * 2)
        values = [Value?](repeating: nil, count: oldKeys.count * 2)
        mask = keys.count - 1
        count = 0
        for (i, k) in oldKeys.enumerated() where k != 0 { self[k] = oldValues[i] }
    }
}

typealias EntityScanHashSet = EntityScanHashTable<Bool>

extension EntityScanHashTable where Value == Bool {
    init(hashes: [UInt64]) { self.init(hashes.map { ($0, true) }) }
}
