import Foundation

/// What normalising one article text yields: the exact-text hash and the word-token hashes.
struct DedupTextDigest {
    /// Hash of the normalised text (NFKC, lower case, quotes, dashes and white space folded).
    var exactHash: UInt64
    /// One hash per lower-case word token, in text order.
    var tokens: [UInt64]
}

/// Text normalisation for dedup: one pass over UTF-8 that feeds the exact-text hash and the word
/// tokenizer.
///
/// Syndicated copies differ in typography more than in words: curly or straight quotes, en or em
/// dashes or hyphens, non-breaking spaces, soft hyphens, letter case. All of these fold to one form.
/// The scanner lower-cases capitals itself (Latin, Greek, Cyrillic ...); only text with other
/// characters that NFKC changes (ligatures, full-width forms, combining marks) goes through
/// Foundation's NFKC and lower-casing first, and both paths give the same result (tested for
/// every scalar of the common scripts).
enum DedupText {
    static func digest(_ text: String) -> DedupTextDigest {
        var copy = text
        if let digest = copy.withUTF8({ DedupTextScanner.scan($0, allowSlowPath: true) }) {
            return digest
        }
        // Rare: some scalar changes under NFKC case folding beyond what the scanner folds itself.
        return digestNormalisingFirst(text)
    }

    /// The reference path: Foundation's NFKC and lower-casing, then the scanner. `digest` must
    /// agree with it on every text.
    static func digestNormalisingFirst(_ text: String) -> DedupTextDigest {
        var folded = text.precomposedStringWithCompatibilityMapping.lowercased()
        return folded.withUTF8 { DedupTextScanner.scan($0, allowSlowPath: false)! }
    }

    /// Number of word tokens, as the tokenizer counts them.
    static func wordCount(_ text: String) -> Int { digest(text).tokens.count }
}

/// Folding classes of the scanner.
private enum DedupFold {
    case word        // part of a token (letters, digits, marks)
    case lowered(UInt32) // an upper-case letter whose lower case is one NFKC-stable scalar
    case ideograph   // Han or kana: scripts written without spaces, one token per character
    case space       // white space: folds to one blank
    case ignore      // invisible: soft hyphen, zero-width characters
    case mapped(UInt8) // punctuation folded to one ASCII byte (quotes, dashes)
    case other       // punctuation kept as is
    case needsNFKC   // changes under NFKC case folding: take the slow path
}

private enum DedupTextScanner {
    // FNV-1a 64 for bytes, finished by a strong mixer: tokens are short, so per-byte cost dominates.
    static let fnvOffset: UInt64 = 0xcbf2_9ce4_8422_2325
    static let fnvPrime: UInt64 = 0x0000_0100_0000_01b3

    @inline(__always) static func fmix(_ value: UInt64) -> UInt64 {
        var k = value
        k ^= k >> 33; k &*= 0xff51_afd7_ed55_8ccd
        k ^= k >> 33; k &*= 0xc4ce_b9fe_1a85_ec53
        k ^= k >> 33
        return k
    }

    /// How one non-ASCII scalar folds. `normalised`: the text has been through NFKC and
    /// lower-casing already, so nothing needs the slow path.
    static func classify(_ scalar: UInt32, normalised: Bool) -> DedupFold {
        // Only folds that NFKC leaves alone or maps to the same result (so both paths agree).
        switch scalar {
        case 0x2018, 0x2019, 0x201A, 0x201B, 0x2032, 0x2035, 0x02BC, 0xFF07: return .mapped(0x27) // '
        case 0x201C, 0x201D, 0x201E, 0x201F, 0x00AB, 0x00BB, 0x2039, 0x203A, 0x300C, 0x300D,
             0xFF02: return .mapped(0x22) // "
        case 0x2010, 0x2011, 0x2012, 0x2013, 0x2014, 0x2015, 0x2212, 0xFE58, 0xFE63, 0xFF0D: return .mapped(0x2D) // -
        case 0x2026: return .mapped(0x2E) // … (NFKC gives "...": runs of dots fold to one)
        case 0x00A0, 0x1680, 0x2000 ... 0x200A, 0x2028, 0x2029, 0x202F, 0x205F, 0x3000, 0x0085: return .space
        case 0x00AD, 0x200B, 0x200C, 0x200D, 0x2060, 0xFEFF: return .ignore
        case 0x03C2: return .lowered(0x03C3) // final sigma: lower-casing "Σ" depends on context
        default: break
        }
        guard let s = Unicode.Scalar(scalar) else { return .other }
        let p = s.properties
        if !normalised {
            if p.changesWhenNFKCCaseFolded || p.changesWhenLowercased {
                // Capitals of Latin, Greek, Cyrillic ... (German nouns, French É): lower-case them
                // here rather than sending the whole text through Foundation's NFKC.
                if p.isAlphabetic {
                    let lower = p.lowercaseMapping.unicodeScalars
                    if lower.count == 1, let l = lower.first, l != s, !l.properties.changesWhenNFKCCaseFolded,
                       l.properties.canonicalCombiningClass == .notReordered {
                        return .lowered(l.value)
                    }
                }
                return .needsNFKC
            }
            // A combining mark may compose with the letter before it under NFKC.
            if p.canonicalCombiningClass != .notReordered { return .needsNFKC }
        }
        switch scalar {
        case 0x3041 ... 0x3096, 0x30A1 ... 0x30FA, 0x3400 ... 0x4DBF, 0x4E00 ... 0x9FFF, 0x20000 ... 0x2FA1F:
            return .ideograph
        default: break
        }
        if p.isWhitespace { return .space }
        if p.isAlphabetic || p.numericType != nil || p.generalCategory == .nonspacingMark
            || p.generalCategory == .spacingMark { return .word }
        return .other
    }

    /// Byte classes of ASCII: 0 punctuation, 1 word character (value: lower case), 2 white space,
    /// 3 control character.
    static let asciiClass: [UInt8] = (0 ..< 128).map { b -> UInt8 in
        switch b {
        case 0x30 ... 0x39, 0x41 ... 0x5A, 0x61 ... 0x7A: return 1
        case 0x20, 0x09, 0x0A, 0x0B, 0x0C, 0x0D: return 2
        case 0 ..< 0x20, 0x7F: return 3
        default: return 0
        }
    }

    /// Returns nil when the text needs Foundation's NFKC first (only if `allowSlowPath`).
    static func scan(_ bytes: UnsafeBufferPointer<UInt8>, allowSlowPath: Bool) -> DedupTextDigest? {
        asciiClass.withUnsafeBufferPointer { table in scan(bytes, table: table, allowSlowPath: allowSlowPath) }
    }

    /// The normalised text is hashed as a sequence of events (a word, a punctuation byte, one
    /// blank) rather than byte by byte: the same text gives the same events, and the exact hash
    /// then costs one step per word instead of one per byte.
    private static func scan(_ bytes: UnsafeBufferPointer<UInt8>, table: UnsafeBufferPointer<UInt8>,
                             allowSlowPath: Bool) -> DedupTextDigest? {
        var tokens: [UInt64] = []
        tokens.reserveCapacity(bytes.count / 5)
        var exact: UInt64 = 0x5851_f42d_4c95_7f2d
        var token = fnvOffset
        var inToken = false
        var pendingSpace = false   // white space since the last event: one blank before the next
        var anyEvent = false
        var lastPunctuation: UInt8 = 0  // runs of dots or dashes fold to one ("..." and "…", "--" and "—")

        @inline(__always) func event(_ value: UInt64) {
            if pendingSpace {
                if anyEvent { exact = ((exact << 23) | (exact >> 41) ^ 0x2000_0000_0000_0020) &* 0x9e37_79b9_7f4a_7c15 }
                pendingSpace = false
            }
            anyEvent = true
            exact = ((exact << 23) | (exact >> 41) ^ value) &* 0x9e37_79b9_7f4a_7c15
        }
        @inline(__always) func endToken() {
            if inToken {
                let h = fmix(token)
                tokens.append(h)
                event(h)
                token = fnvOffset
                inToken = false
            }
        }
        @inline(__always) func tokenByte(_ byte: UInt8) {
            token = (token ^ UInt64(byte)) &* fnvPrime
            inToken = true
        }
        @inline(__always) func punctuation(_ byte: UInt8) {
            endToken()
            if (byte == 0x2E || byte == 0x2D) && lastPunctuation == byte && !pendingSpace { return }
            lastPunctuation = byte
            event(0x1000_0000_0000_0000 | UInt64(byte))
        }

        let n = bytes.count
        var i = 0
        while i < n {
            let b = bytes[i]
            if b < 0x80 {
                i += 1
                let cls = table[Int(b)]
                if cls == 1 {
                    lastPunctuation = 0
                    tokenByte(b | (b &- 0x41 < 26 ? 0x20 : 0))
                } else if cls == 2 {
                    endToken(); pendingSpace = true; lastPunctuation = 0
                } else if cls == 3 {
                    endToken()
                } else {
                    punctuation(b == 0x60 ? 0x27 : b)
                }
                continue
            }
            // Decode one multi-byte scalar (String has already repaired invalid UTF-8).
            var scalar: UInt32
            var length: Int
            if b >= 0xF0 { scalar = UInt32(b & 0x07); length = 4 }
            else if b >= 0xE0 { scalar = UInt32(b & 0x0F); length = 3 }
            else { scalar = UInt32(b & 0x1F); length = 2 }
            if i + length > n { break }
            for j in 1 ..< length { scalar = (scalar << 6) | UInt32(bytes[i + j] & 0x3F) }
            let fold = classify(scalar, normalised: !allowSlowPath)
            switch fold {
            case .word:
                lastPunctuation = 0
                for j in 0 ..< length { tokenByte(bytes[i + j]) }
            case .lowered(let lower):
                lastPunctuation = 0
                for byte in Unicode.Scalar(lower)!.utf8 { tokenByte(byte) }
            case .ideograph:
                endToken()
                lastPunctuation = 0
                for j in 0 ..< length { tokenByte(bytes[i + j]) }
                endToken()
            case .space:
                endToken(); pendingSpace = true; lastPunctuation = 0
            case .ignore:
                break
            case .mapped(let c):
                punctuation(c)
            case .needsNFKC:
                return nil
            case .other:
                endToken()
                lastPunctuation = 0
                event(0x3000_0000_0000_0000 | UInt64(scalar))
            }
            i += length
        }
        endToken()
        return DedupTextDigest(exactHash: fmix(exact), tokens: tokens)
    }
}
