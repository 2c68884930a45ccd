import Foundation
import NewsText

// Feature extraction for the NER tagger. Features are 64-bit hashes of (template, values) so that
// no feature string is ever built at tagging time; the model maps the hashes it kept to weights.

// MARK: - Hashing

@inline(__always) package func nerMix(_ x: UInt64) -> UInt64 {
    var z = x &+ 0x9E37_79B9_7F4A_7C15
    z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
    z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
    return z ^ (z >> 31)
}

@inline(__always) func nerCombine(_ a: UInt64, _ b: UInt64) -> UInt64 {
    nerMix((a &* 0x0000_0100_0000_01B3) ^ b)
}

@inline(__always) package func nerHashScalars(_ s: UnsafeBufferPointer<UInt32>, _ from: Int, _ to: Int) -> UInt64 {
    var h: UInt64 = 0xCBF2_9CE4_8422_2325
    var k = from
    while k < to {
        h = (h ^ UInt64(s[k])) &* 0x0000_0100_0000_01B3
        k += 1
    }
    return nerMix(h ^ UInt64(to - from))
}

func nerHashString(_ s: String) -> UInt64 {
    let a = s.unicodeScalars.map { $0.value }
    return a.withUnsafeBufferPointer { nerHashScalars($0, 0, $0.count) }
}

/// Hash of a lowercased token sequence, as gazetteer entries are keyed.
@inline(__always) package func nerSequenceStep(_ h: UInt64, _ tokenLower: UInt64) -> UInt64 {
    nerCombine(h ^ 0x5EED, tokenLower)
}
package let nerSequenceSeed: UInt64 = 0x6A5D_39EA_E116_586D

// MARK: - Casing

/// How a word is written: the casing lexicon and document evidence are kept per class.
package enum NERCaseClass: UInt8 {
    case lower = 0, title = 1, upper = 2, mixed = 3, none = 4
}

package func nerCaseClass(_ s: UnsafeBufferPointer<UInt32>, _ from: Int, _ to: Int) -> NERCaseClass {
    var upper = 0, lower = 0, letters = 0
    var firstUpper = false
    var k = from
    while k < to {
        let v = s[k]
        if CharacterClass.isUpper(v) {
            upper += 1; letters += 1
            if letters == 1 { firstUpper = true }
        } else if CharacterClass.isLower(v) {
            lower += 1; letters += 1
        }
        k += 1
    }
    if letters == 0 { return .none }
    if upper == 0 { return .lower }
    if lower == 0 { return letters >= 2 ? .upper : .title }
    if firstUpper && upper == 1 { return .title }
    return .mixed
}

/// 0 for running text, 1 for a headline mostly in capitals, 2 for a Title Case headline
/// ("Apple Unveils New iPhone In Cupertino"): there capitals say little about names.
package func nerHeadlineKind<C: Collection>(_ tokens: C, lastIsPeriod: Bool, capitalizedCommonWords: Int) -> UInt8
where C.Element == (NERCaseClass, Int) {
    var letters = 0, caps = 0, content = 0, capitalizedContent = 0
    for (cls, len) in tokens {
        switch cls {
        case .upper: letters += 1; caps += 1
        case .lower, .mixed: letters += 1
        case .title: if len > 1 { letters += 1 }
        case .none: break
        }
        if cls != .none && len >= 4 {
            content += 1
            if cls != .lower { capitalizedContent += 1 }
        }
    }
    if caps > 0 && Double(caps) >= 0.7 * Double(letters) { return 1 }
    if !lastIsPeriod && content >= 3 && Double(capitalizedContent) >= 0.85 * Double(content)
        && capitalizedCommonWords >= (content <= 4 ? 1 : 2) { return 2 }
    return 0
}

// MARK: - Gazetteer

/// Gazetteer bits: which lists a lowercased token sequence belongs to.
package enum NERGazBit {
    package static let trainPER = 0, trainORG = 1, trainLOC = 2, trainMISC = 3
    package static let firstTop = 4, first = 5, lastTop = 6, lastMid = 7, last = 8
    package static let company = 9, companyFull = 10, companyHead = 11, majorCompany = 12
    static let count = 13
    /// Set on proper prefixes of longer entries, so matching knows to keep reading.
    static let prefix: UInt32 = 1 << 31
}

/// Lowercased token sequences (hashed) with the lists they are on.
package struct NERGazetteer: Sendable {
    package var entries: [UInt64: UInt32] = [:]
    var maxLength = 1

    package init() {}

    /// Adds a sequence of lowercased token hashes with `bits`, and its prefixes as prefixes.
    package mutating func add(_ tokenHashes: [UInt64], bits: UInt32) {
        guard !tokenHashes.isEmpty, tokenHashes.count <= 8 else { return }
        var h = nerSequenceSeed
        for (k, t) in tokenHashes.enumerated() {
            h = nerSequenceStep(h, t)
            if k < tokenHashes.count - 1 {
                entries[h, default: 0] |= NERGazBit.prefix
            }
        }
        entries[h, default: 0] |= bits
        maxLength = max(maxLength, tokenHashes.count)
    }
}

/// Maps a lowercase word (hash) to its usual casing in running text.
package typealias NERCasingLexicon = [UInt64: UInt8]

// MARK: - Templates

enum NERTemplate {
    static let bias: UInt64 = 1, word: UInt64 = 2, lower: UInt64 = 3, shape: UInt64 = 4, shortShape: UInt64 = 5, prefix: UInt64 = 6, suffix: UInt64 = 7
    static let prev1: UInt64 = 8, next1: UInt64 = 9, prev2: UInt64 = 10, next2: UInt64 = 11
    static let bigramPrev: UInt64 = 12, bigramNext: UInt64 = 13, shapeTrigram: UInt64 = 14
    static let prevShape: UInt64 = 15, nextShape: UInt64 = 16, firstShape: UInt64 = 17
    static let capsSentShape: UInt64 = 18, capsSource: UInt64 = 19
    static let gaz: UInt64 = 20, gazCap: UInt64 = 21, gazPrev: UInt64 = 22, gazNext: UInt64 = 23
    static let docLowerSeen: UInt64 = 24, docCapSeen: UInt64 = 25, lexClass: UInt64 = 26
    static let lengthShape: UInt64 = 27, prevWordShape: UInt64 = 28, shapeNextWord: UInt64 = 29
    static let lexFirst: UInt64 = 30, flags: UInt64 = 31, prevWordCased: UInt64 = 32, nextWordCased: UInt64 = 33
    static let nextSuffix3: UInt64 = 34, prevSuffix3: UInt64 = 35
    // second stage
    static let s1Tag: UInt64 = 40, s1Prev: UInt64 = 41, s1Next: UInt64 = 42, s1DocType: UInt64 = 43
    static let s1DocMajority: UInt64 = 44, s1DocLonger: UInt64 = 45, s1DocFirst: UInt64 = 46
}

// MARK: - Document analysis

/// What the featuriser needs from a model: gazetteer, casing lexicon.
package struct NERResources: Sendable {
    var gazetteer: NERGazetteer
    var lexicon: NERCasingLexicon

    package init(gazetteer: NERGazetteer, lexicon: NERCasingLexicon) {
        self.gazetteer = gazetteer; self.lexicon = lexicon
    }
}

/// One document's tokens analysed for feature extraction; features are produced per token.
package struct NERDocumentFeatures {
    /// Feature hashes of all tokens, flattened; token t's are `keys[offsets[t] ..< offsets[t+1]]`.
    package var keys: [UInt64] = []
    package var offsets: [Int] = [0]
    /// Lowercase hash of each token (second stage aggregates by it).
    var lowerHashes: [UInt64] = []
    /// Whether each token is capitalised in its normalised form.
    var capitalized: [Bool] = []
    package var sentences: [Range<Int>] = []

    /// Analyses a document given as token texts per sentence.
    package init(sentences sentenceTokens: [[Substring]], resources: NERResources) {
        // Flatten the scalars of every token.
        var raw: [UInt32] = []
        var starts: [Int] = []
        var sentences: [Range<Int>] = []
        var total = 0
        for s in sentenceTokens {
            let begin = total
            for t in s {
                starts.append(raw.count)
                for u in t.unicodeScalars { raw.append(u.value) }
                total += 1
            }
            sentences.append(begin ..< total)
        }
        starts.append(raw.count)
        self.sentences = sentences
        Self.build(&self, raw: raw, starts: starts, resources: resources)
    }

    private static let bosHash = nerHashString("<S>"), eosHash = nerHashString("</S>")
    private static let bos2Hash = nerHashString("<S2>"), eos2Hash = nerHashString("</S2>")

    /// Per-document working data of the featuriser, one named step at a time: the casing of
    /// every token, which sentences are headlines, the document's own casing evidence, the
    /// normalised forms headline words take, the shapes and affixes of each token, and gazetteer
    /// matches. `emit` then turns them into feature hashes.
    private struct Analysis {
        let raw: [UInt32]
        let starts: [Int]
        let n: Int
        var lowerBuf: [UInt32] = []
        var rawClass: [NERCaseClass] = []
        var lowerHash: [UInt64] = []
        var capsSentence: [Bool] = []
        var titleSentence: [Bool] = []
        var sentenceOf: [Int] = []
        var docCase: [UInt64: (counts: (Int32, Int32, Int32, Int32), example: Int32)] = [:]
        var form: [UInt32] = []
        var formStarts: [Int] = []
        /// Per token: 0 not in a headline, 1 casing from the document, 2 from the lexicon, 3 unknown, 4 kept.
        var capsSource: [UInt8] = []
        var wordH: [UInt64] = [], shapeH: [UInt64] = [], shortH: [UInt64] = [], suffix3H: [UInt64] = []
        var formClass: [NERCaseClass] = []
        var lengths: [Int] = []
        /// Four prefixes then four suffixes (lengths 1…4) per token.
        var affixes: [UInt64] = []
        var flagBits: [UInt64] = []
        /// Four positions (B, I, L, U) × `NERGazBit.count` types per token.
        var gazBits: [UInt64] = []
        var gazAny: [UInt32] = []

        init(raw: [UInt32], starts: [Int]) {
            self.raw = raw
            self.starts = starts
            n = starts.count - 1
        }

        /// The casing class and lowercase hash of every token.
        mutating func classifyCasing() {
            lowerBuf = raw.map(CharacterClass.lowercased)
            rawClass = [NERCaseClass](repeating: .none, count: n)
            lowerHash = [UInt64](repeating: 0, count: n)
            raw.withUnsafeBufferPointer { r in
                lowerBuf.withUnsafeBufferPointer { l in
                    for t in 0 ..< n {
                        rawClass[t] = nerCaseClass(r, starts[t], starts[t + 1])
                        lowerHash[t] = nerHashScalars(l, starts[t], starts[t + 1])
                    }
                }
            }
        }

        /// Headlines: sentences written mostly in capitals, or in Title Case.
        mutating func findHeadlines(_ sentences: [Range<Int>], lexicon: NERCasingLexicon) {
            capsSentence = [Bool](repeating: false, count: sentences.count)
            titleSentence = [Bool](repeating: false, count: sentences.count)
            sentenceOf = [Int](repeating: 0, count: n)
            for (si, r) in sentences.enumerated() {
                for t in r { sentenceOf[t] = si }
                let lastIsPeriod = !r.isEmpty && starts[r.upperBound] - starts[r.upperBound - 1] == 1 && raw[starts[r.upperBound - 1]] == 46
                // Title Case shows in words that are usually lower-case ("Shares Jump After ...")
                var capitalizedCommon = 0
                for t in r where t != r.lowerBound && rawClass[t] == .title && lexicon[lowerHash[t]] == NERCaseClass.lower.rawValue {
                    capitalizedCommon += 1
                }
                let rawClass = self.rawClass, starts = self.starts
                let kind = nerHeadlineKind(r.lazy.map { (rawClass[$0], starts[$0 + 1] - starts[$0]) }, lastIsPeriod: lastIsPeriod,
                                           capitalizedCommonWords: capitalizedCommon)
                capsSentence[si] = kind != 0
                titleSentence[si] = kind == 2
            }
        }

        /// Casing evidence from running text of this document (not headlines, not sentence starts).
        mutating func collectDocumentCasing(_ sentences: [Range<Int>]) {
            for (si, r) in sentences.enumerated() where !capsSentence[si] {
                for t in r where t != r.lowerBound {
                    let c = rawClass[t]
                    guard c != .none else { continue }
                    var e = docCase[lowerHash[t]] ?? ((0, 0, 0, 0), Int32(t))
                    switch c {
                    case .lower: e.counts.0 += 1
                    case .title: e.counts.1 += 1
                    case .upper: e.counts.2 += 1
                    case .mixed: e.counts.3 += 1; e.example = Int32(t)
                    case .none: break
                    }
                    docCase[lowerHash[t]] = e
                }
            }
        }

        /// Normalised forms: headline words take the casing the document (or the lexicon) uses.
        mutating func normaliseHeadlineWords(lexicon: NERCasingLexicon) {
            form.reserveCapacity(raw.count)
            formStarts = [Int](repeating: 0, count: n + 1)
            capsSource = [UInt8](repeating: 0, count: n)
            for t in 0 ..< n {
                formStarts[t] = form.count
                let a = starts[t], b = starts[t + 1]
                guard capsSentence[sentenceOf[t]] && (rawClass[t] == .upper || (titleSentence[sentenceOf[t]] && rawClass[t] == .title)) else {
                    if capsSentence[sentenceOf[t]] { capsSource[t] = 4 }
                    form.append(contentsOf: raw[a ..< b])
                    continue
                }
                var cls: NERCaseClass? = nil
                var example = -1
                if let e = docCase[lowerHash[t]] {
                    let c = e.counts
                    let best = max(c.0, c.1, c.2, c.3)
                    if best == c.1 { cls = .title } else if best == c.0 { cls = .lower } else if best == c.2 { cls = .upper } else { cls = .mixed; example = Int(e.example) }
                    capsSource[t] = 1
                } else if let lc = lexicon[lowerHash[t]], let c = NERCaseClass(rawValue: lc) {
                    cls = c
                    capsSource[t] = 2
                } else {
                    capsSource[t] = 3
                }
                switch cls {
                case .lower?:
                    form.append(contentsOf: lowerBuf[a ..< b])
                case .title?:
                    var firstLetter = true
                    for k in a ..< b {
                        if firstLetter && CharacterClass.isLetter(raw[k]) { form.append(raw[k]); firstLetter = false } else { form.append(lowerBuf[k]) }
                    }
                case .mixed? where example >= 0:
                    form.append(contentsOf: raw[starts[example] ..< starts[example + 1]])
                default:
                    form.append(contentsOf: raw[a ..< b])
                }
            }
            formStarts[n] = form.count
        }

        /// Per-token hashes of the normalised form: word, shapes, affixes, flags.
        mutating func hashShapes() {
            wordH = [UInt64](repeating: 0, count: n)
            shapeH = [UInt64](repeating: 0, count: n)
            shortH = [UInt64](repeating: 0, count: n)
            suffix3H = [UInt64](repeating: 0, count: n)
            formClass = [NERCaseClass](repeating: .none, count: n)
            lengths = [Int](repeating: 0, count: n)
            affixes = [UInt64](repeating: 0, count: n * 8)
            flagBits = [UInt64](repeating: 0, count: n)
            var shapeBuf: [UInt32] = []
            var shortBuf: [UInt32] = []
            let form = self.form, lowerBuf = self.lowerBuf
            form.withUnsafeBufferPointer { fm in
                lowerBuf.withUnsafeBufferPointer { l in
                    for t in 0 ..< n {
                        let a = formStarts[t], b = formStarts[t + 1]
                        wordH[t] = nerHashScalars(fm, a, b)
                        formClass[t] = nerCaseClass(fm, a, b)
                        lengths[t] = b - a
                        shapeBuf.removeAll(keepingCapacity: true)
                        shortBuf.removeAll(keepingCapacity: true)
                        var hasDigit = false, hasHyphen = false, hasPeriod = false, hasLetter = false, allDigit = true
                        for k in a ..< b {
                            let v = fm[k]
                            let m: UInt32
                            if CharacterClass.isUpper(v) { m = 88; hasLetter = true; allDigit = false }  // X
                            else if CharacterClass.isLower(v) { m = 120; hasLetter = true; allDigit = false }  // x
                            else if CharacterClass.isDigit(v) { m = 100; hasDigit = true }  // d
                            else {
                                allDigit = false
                                if v == 45 { hasHyphen = true }
                                if v == 46 { hasPeriod = true }
                                m = CharacterClass.isLetter(v) ? 120 : v
                            }
                            if shapeBuf.count < 4 || shapeBuf[shapeBuf.count - 1] != m || shapeBuf[shapeBuf.count - 2] != m
                                || shapeBuf[shapeBuf.count - 3] != m || shapeBuf[shapeBuf.count - 4] != m {
                                shapeBuf.append(m)
                            }
                            if shortBuf.last != m { shortBuf.append(m) }
                        }
                        shapeH[t] = shapeBuf.withUnsafeBufferPointer { nerHashScalars($0, 0, $0.count) }
                        shortH[t] = shortBuf.withUnsafeBufferPointer { nerHashScalars($0, 0, $0.count) }
                        // affixes of the lowercased raw token
                        let la = starts[t], lb = starts[t + 1]
                        let len = lb - la
                        for k in 1 ... 4 {
                            let p = min(k, len)
                            affixes[t * 8 + k - 1] = nerHashScalars(l, la, la + p) ^ UInt64(k)
                            affixes[t * 8 + 3 + k] = nerHashScalars(l, lb - p, lb) ^ UInt64(k)
                        }
                        suffix3H[t] = affixes[t * 8 + 6]
                        var fl: UInt64 = 0
                        if hasDigit { fl |= 1 }
                        if hasHyphen { fl |= 2 }
                        if hasPeriod { fl |= 4 }
                        if hasLetter { fl |= 8 }
                        if allDigit && len > 0 { fl |= 16 }
                        flagBits[t] = fl
                    }
                }
            }
        }

        /// Gazetteer matches within sentences, as B/I/L/U bits per type.
        mutating func matchGazetteer(_ sentences: [Range<Int>], _ gaz: NERGazetteer) {
            gazBits = [UInt64](repeating: 0, count: n)
            gazAny = [UInt32](repeating: 0, count: n)
            for r in sentences {
                for i in r {
                    var h = nerSequenceSeed
                    var len = 0
                    while i + len < r.upperBound && len < gaz.maxLength {
                        h = nerSequenceStep(h, lowerHash[i + len])
                        len += 1
                        guard let bits = gaz.entries[h] else { break }
                        let types = bits & ~NERGazBit.prefix
                        if types != 0 {
                            for ty in 0 ..< NERGazBit.count where types & (1 << UInt32(ty)) != 0 {
                                let base = UInt64(ty) * 4
                                if len == 1 {
                                    gazBits[i] |= 1 << (base + 3)  // U
                                } else {
                                    gazBits[i] |= 1 << base  // B
                                    for k in (i + 1) ..< (i + len - 1) { gazBits[k] |= 1 << (base + 1) }  // I
                                    gazBits[i + len - 1] |= 1 << (base + 2)  // L
                                }
                                for k in i ..< (i + len) { gazAny[k] |= 1 << UInt32(ty) }
                            }
                        }
                        if bits & NERGazBit.prefix == 0 { break }
                    }
                }
            }
        }
    }

    private static func build(_ f: inout NERDocumentFeatures, raw: [UInt32], starts: [Int], resources: NERResources) {
        var analysis = Analysis(raw: raw, starts: starts)
        analysis.classifyCasing()
        analysis.findHeadlines(f.sentences, lexicon: resources.lexicon)
        analysis.collectDocumentCasing(f.sentences)
        analysis.normaliseHeadlineWords(lexicon: resources.lexicon)
        analysis.hashShapes()
        analysis.matchGazetteer(f.sentences, resources.gazetteer)
        emit(&f, analysis, lexicon: resources.lexicon)
    }

    /// The feature hashes of every token, from the analysis.
    private static func emit(_ f: inout NERDocumentFeatures, _ x: Analysis, lexicon: NERCasingLexicon) {
        let n = x.n
        let lowerHash = x.lowerHash, shortH = x.shortH, wordH = x.wordH, shapeH = x.shapeH, formClass = x.formClass
        var k: [UInt64] = []
        k.reserveCapacity(n * 56)
        f.lowerHashes = lowerHash
        f.capitalized = formClass.map { $0 == .title || $0 == .upper || $0 == .mixed }
        for (si, r) in f.sentences.enumerated() {
            let caps = x.capsSentence[si]
            for i in r {
                let isCap = formClass[i] == .title || formClass[i] == .upper || formClass[i] == .mixed
                let first = i == r.lowerBound
                let p1 = i - 1 >= r.lowerBound ? lowerHash[i - 1] : bosHash
                let p2 = i - 2 >= r.lowerBound ? lowerHash[i - 2] : (i - 1 >= r.lowerBound ? bosHash : bos2Hash)
                let n1 = i + 1 < r.upperBound ? lowerHash[i + 1] : eosHash
                let n2 = i + 2 < r.upperBound ? lowerHash[i + 2] : (i + 1 < r.upperBound ? eosHash : eos2Hash)
                let ps1 = i - 1 >= r.lowerBound ? shortH[i - 1] : bosHash
                let ns1 = i + 1 < r.upperBound ? shortH[i + 1] : eosHash
                let pw1 = i - 1 >= r.lowerBound ? wordH[i - 1] : bosHash
                let nw1 = i + 1 < r.upperBound ? wordH[i + 1] : eosHash
                let pShape = i - 1 >= r.lowerBound ? shapeH[i - 1] : bosHash
                let nShape = i + 1 < r.upperBound ? shapeH[i + 1] : eosHash
                let lw = lowerHash[i]
                k.append(nerCombine(NERTemplate.bias, 0))
                k.append(nerCombine(NERTemplate.word, wordH[i]))
                k.append(nerCombine(NERTemplate.lower, lw))
                k.append(nerCombine(NERTemplate.shape, shapeH[i]))
                k.append(nerCombine(NERTemplate.shortShape, shortH[i]))
                for a in 0 ..< 4 {
                    k.append(nerCombine(NERTemplate.prefix, x.affixes[i * 8 + a]))
                    k.append(nerCombine(NERTemplate.suffix, x.affixes[i * 8 + 4 + a]))
                }
                k.append(nerCombine(NERTemplate.prev1, p1))
                k.append(nerCombine(NERTemplate.next1, n1))
                k.append(nerCombine(NERTemplate.prev2, p2))
                k.append(nerCombine(NERTemplate.next2, n2))
                k.append(nerCombine(nerCombine(NERTemplate.bigramPrev, p1), lw))
                k.append(nerCombine(nerCombine(NERTemplate.bigramNext, lw), n1))
                k.append(nerCombine(nerCombine(nerCombine(NERTemplate.shapeTrigram, ps1), shortH[i]), ns1))
                k.append(nerCombine(NERTemplate.prevShape, pShape))
                k.append(nerCombine(NERTemplate.nextShape, nShape))
                k.append(nerCombine(NERTemplate.prevWordCased, pw1))
                k.append(nerCombine(NERTemplate.nextWordCased, nw1))
                k.append(nerCombine(nerCombine(NERTemplate.prevWordShape, p1), shortH[i]))
                k.append(nerCombine(nerCombine(NERTemplate.shapeNextWord, shortH[i]), n1))
                if i + 1 < r.upperBound { k.append(nerCombine(NERTemplate.nextSuffix3, x.suffix3H[i + 1])) }
                if i - 1 >= r.lowerBound { k.append(nerCombine(NERTemplate.prevSuffix3, x.suffix3H[i - 1])) }
                k.append(nerCombine(NERTemplate.lengthShape, UInt64(min(x.lengths[i], 12)) << 8 ^ shortH[i]))
                k.append(nerCombine(NERTemplate.flags, x.flagBits[i] | (isCap ? 32 : 0) | (first ? 64 : 0) | (caps ? 128 : 0)))
                if first { k.append(nerCombine(NERTemplate.firstShape, shortH[i])) }
                if caps {
                    k.append(nerCombine(NERTemplate.capsSentShape, shortH[i]))
                    k.append(nerCombine(NERTemplate.capsSource, UInt64(x.capsSource[i])))
                }
                // gazetteer
                var g = x.gazBits[i]
                while g != 0 {
                    let bit = UInt64(g.trailingZeroBitCount)
                    g &= g - 1
                    k.append(nerCombine(NERTemplate.gaz, bit))
                    k.append(nerCombine(NERTemplate.gazCap, bit << 1 | (isCap ? 1 : 0)))
                }
                if i - 1 >= r.lowerBound {
                    var pg = x.gazAny[i - 1]
                    while pg != 0 {
                        let bit = UInt64(pg.trailingZeroBitCount); pg &= pg - 1
                        k.append(nerCombine(NERTemplate.gazPrev, bit))
                    }
                }
                if i + 1 < r.upperBound {
                    var ng = x.gazAny[i + 1]
                    while ng != 0 {
                        let bit = UInt64(ng.trailingZeroBitCount); ng &= ng - 1
                        k.append(nerCombine(NERTemplate.gazNext, bit))
                    }
                }
                // document and lexicon casing evidence
                if x.rawClass[i] != .none {
                    if let e = x.docCase[lw] {
                        var c = e.counts
                        if !caps && !first {
                            switch x.rawClass[i] {
                            case .lower: c.0 -= 1
                            case .title: c.1 -= 1
                            case .upper: c.2 -= 1
                            case .mixed: c.3 -= 1
                            case .none: break
                            }
                        }
                        if c.0 > 0 { k.append(nerCombine(NERTemplate.docLowerSeen, (isCap ? 1 : 0) | (first ? 2 : 0) | (caps ? 4 : 0))) }
                        if c.1 + c.2 + c.3 > 0 { k.append(nerCombine(NERTemplate.docCapSeen, (isCap ? 1 : 0) | (first ? 2 : 0) | (caps ? 4 : 0))) }
                    }
                    let lex = UInt64(lexicon[lw] ?? 5)
                    k.append(nerCombine(NERTemplate.lexClass, lex << 2 | (isCap ? 1 : 0)))
                    if first || caps { k.append(nerCombine(NERTemplate.lexFirst, lex << 2 | (caps ? 2 : 0) | (isCap ? 1 : 0))) }
                }
                f.offsets.append(k.count)
            }
        }
        f.keys = k
    }
}
