import Foundation

/// Guesses the charset of a page that declares none and is not UTF-8: the CJK multi-byte
/// encodings (GBK/GB18030, Big5, Shift_JIS, EUC-JP, EUC-KR) and the Cyrillic single-byte ones
/// (windows-1251, KOI8-R, ISO-8859-5, IBM866); anything else stays windows-1252.
///
/// No training data: each CJK standard orders its characters so that the common ones sit in one
/// block (GB2312 level 1 holds the 3,755 most frequent hanzi, Big5's A440–C67E the 5,401 common
/// ones, KS X 1001's B0–C8 rows the 2,350 common hangul syllables, JIS X 0208 level 1 the 2,965
/// common kanji, plus kana and punctuation rows). The right charset is the one whose decoding
/// is well-formed and lands mostly in those blocks; Japanese needs kana, Korean separates words
/// with spaces. Cyrillic decodings are ranked by how lower-case and how Russian-like their letter
/// frequencies are (the windows-1251 / KOI8-R confusion swaps case).
enum StripCharsetDetector {
    struct Guess: Equatable {
        var charset: String
        /// 0...1 share of the sample in the charset's common blocks (or the Cyrillic score).
        var confidence: Double
    }

    /// Bytes of text (outside tags) looked at.
    static let sampleLimit = 65_536
    /// Fewer double-byte characters than this is no evidence for a CJK charset.
    static let minCJKCharacters = 12
    /// A CJK candidate with more malformed sequences than this share of its characters is out.
    static let maxMalformedShare = 0.02
    /// The winning CJK candidate must have this share of its characters in the common blocks.
    static let minCJKCommonShare = 0.7
    /// Fewer Cyrillic-looking letters than this is no evidence for a Cyrillic charset.
    static let minCyrillicLetters = 20

    static func detect(_ bytes: [UInt8]) -> Guess? {
        let sample = textSample(bytes)
        var high = 0
        for byte in sample where byte >= 0x80 { high += 1 }
        guard high >= 8 else { return nil }
        if let cjk = detectCJK(sample) { return cjk }
        return detectCyrillic(sample)
    }

    /// The page's text outside tags, comments, scripts and styles (first `sampleLimit` bytes).
    static func textSample(_ bytes: [UInt8]) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(min(bytes.count, sampleLimit))
        var i = 0
        let n = bytes.count
        func startsWith(_ word: String, at k: Int) -> Bool {
            var j = k
            for c in word.utf8 {
                guard j < n, bytes[j] | 0x20 == c | 0x20 else { return false }
                j += 1
            }
            return true
        }
        while i < n && out.count < sampleLimit {
            let byte = bytes[i]
            if byte != 0x3C { out.append(byte); i += 1; continue }
            if startsWith("<!--", at: i) {
                i += 4
                while i + 2 < n && !(bytes[i] == 0x2D && bytes[i + 1] == 0x2D && bytes[i + 2] == 0x3E) { i += 1 }
                i += 3
                continue
            }
            let raw = startsWith("<script", at: i) ? "</script" : (startsWith("<style", at: i) ? "</style" : nil)
            while i < n && bytes[i] != 0x3E { i += 1 }
            i += 1
            if let raw {
                while i < n && !startsWith(raw, at: i) { i += 1 }
            }
            out.append(0x20)
        }
        return out
    }

    // MARK: - CJK

    private enum CJK: CaseIterable {
        case gbk, big5, shiftJIS, eucJP, eucKR

        var name: String {
            switch self {
            case .gbk: return "gbk"
            case .big5: return "big5"
            case .shiftJIS: return "shift_jis"
            case .eucJP: return "euc-jp"
            case .eucKR: return "euc-kr"
            }
        }
    }

    /// Counts of one candidate decoding.
    private struct Tally {
        var characters = 0
        var malformed = 0
        var common = 0
        var kana = 0
        /// ASCII spaces between two double-byte characters.
        var spaces = 0
    }

    private static func detectCJK(_ sample: [UInt8]) -> Guess? {
        var best: Guess?
        var bestScore = 0.0
        for candidate in CJK.allCases {
            let tally = self.tally(sample, candidate)
            guard tally.characters >= minCJKCharacters,
                  Double(tally.malformed) <= maxMalformedShare * Double(tally.characters) else { continue }
            let share = Double(tally.common) / Double(tally.characters)
            let kanaShare = Double(tally.kana) / Double(tally.characters)
            let spaceShare = Double(tally.spaces) / Double(tally.characters)
            var score = share
            switch candidate {
            case .shiftJIS, .eucJP:
                if kanaShare < 0.05 { score -= 0.5 } // Japanese prose always has kana
            case .gbk:
                if kanaShare > 0.1 { score -= 0.5 } // GB2312 has kana rows too, but Chinese rarely uses them
            case .eucKR:
                score += spaceShare > 0.08 ? 0.2 : -0.2 // Korean separates words with spaces
            case .big5:
                break
            }
            if score > bestScore {
                bestScore = score
                best = Guess(charset: candidate.name, confidence: min(1, share))
            }
        }
        guard let best, bestScore >= minCJKCommonShare else { return nil }
        return best
    }

    /// Walks the sample as `candidate` would decode it.
    private static func tally(_ s: [UInt8], _ candidate: CJK) -> Tally {
        var t = Tally()
        var i = 0
        let n = s.count
        var lastWide = false
        var pendingSpace = false
        while i < n {
            let lead = s[i]
            if lead < 0x80 {
                if lead == 0x20 { if lastWide { pendingSpace = true } } else { lastWide = false; pendingSpace = false }
                i += 1
                continue
            }
            guard i + 1 < n else { break }
            let trail = s[i + 1]
            var width = 2
            var valid = false
            var common = false
            var kana = false
            switch candidate {
            case .gbk:
                if lead >= 0x81 && lead <= 0xFE {
                    if trail >= 0x30 && trail <= 0x39 { // GB18030 four-byte form
                        width = 4
                        valid = i + 3 < n && s[i + 2] >= 0x81 && s[i + 2] <= 0xFE && s[i + 3] >= 0x30 && s[i + 3] <= 0x39
                    } else {
                        valid = trail >= 0x40 && trail <= 0xFE && trail != 0x7F
                        common = trail >= 0xA1 && ((lead >= 0xB0 && lead <= 0xD7) || lead == 0xA1 || lead == 0xA3)
                        kana = trail >= 0xA1 && (lead == 0xA4 || lead == 0xA5)
                    }
                }
            case .big5:
                if lead >= 0xA1 && lead <= 0xF9 {
                    valid = (trail >= 0x40 && trail <= 0x7E) || (trail >= 0xA1 && trail <= 0xFE)
                    let code = UInt16(lead) << 8 | UInt16(trail)
                    common = (code >= 0xA440 && code <= 0xC67E) || (code >= 0xA140 && code <= 0xA3BF)
                }
            case .shiftJIS:
                if (lead >= 0x81 && lead <= 0x9F) || (lead >= 0xE0 && lead <= 0xFC) {
                    valid = (trail >= 0x40 && trail <= 0x7E) || (trail >= 0x80 && trail <= 0xFC)
                    let code = UInt16(lead) << 8 | UInt16(trail)
                    kana = (code >= 0x829F && code <= 0x82F1) || (code >= 0x8340 && code <= 0x8396)
                    common = kana || (code >= 0x889F && code <= 0x9872) || (lead == 0x81)
                } else if lead >= 0xA1 && lead <= 0xDF {
                    width = 1 // half-width katakana: valid, but prose is written in full-width characters
                    valid = true
                }
            case .eucJP:
                if lead == 0x8E {
                    valid = trail >= 0xA1 && trail <= 0xDF // half-width katakana, as above
                } else if lead == 0x8F {
                    width = 3
                    valid = i + 2 < n && trail >= 0xA1 && s[i + 2] >= 0xA1
                } else if lead >= 0xA1 && lead <= 0xFE {
                    valid = trail >= 0xA1 && trail <= 0xFE
                    kana = valid && (lead == 0xA4 || lead == 0xA5)
                    common = valid && (kana || (lead >= 0xB0 && lead <= 0xCF) || lead == 0xA1)
                }
            case .eucKR:
                if lead >= 0xA1 && lead <= 0xFE {
                    valid = trail >= 0xA1 && trail <= 0xFE
                    common = valid && ((lead >= 0xB0 && lead <= 0xC8) || lead == 0xA1)
                } else if lead >= 0x81 && lead <= 0xC6 {
                    // CP949 (UHC) extension: the rest of the modern hangul syllables.
                    valid = (trail >= 0x41 && trail <= 0x5A) || (trail >= 0x61 && trail <= 0x7A) || (trail >= 0x81 && trail <= 0xFE)
                    common = valid
                }
            }
            if valid {
                t.characters += 1
                if common { t.common += 1 }
                if kana { t.kana += 1 }
                if pendingSpace { t.spaces += 1 }
                lastWide = true
                pendingSpace = false
                i += width
            } else {
                t.characters += 1
                t.malformed += 1
                lastWide = false
                pendingSpace = false
                i += 1
            }
        }
        return t
    }

    // MARK: - Cyrillic

    /// Russian letter frequencies (per mille, а…я then ё), a well-known property of the language.
    private static let russianFrequency: [Double] = [
        80, 16, 45, 17, 30, 85, 9, 17, 74, 12, 35, 44, 32, 67, 110, 28, 47, 55, 63, 26, 3, 10, 5, 14, 7, 4, 0.4,
        19, 17, 3, 6, 20, 0.4,
    ]

    private static func detectCyrillic(_ sample: [UInt8]) -> Guess? {
        // Cyrillic text has runs of high bytes (whole words); Latin-1 text has isolated ones.
        var runs = 0, runBytes = 0, inRun = false
        for byte in sample {
            if byte >= 0x80 { runBytes += 1; if !inRun { runs += 1; inRun = true } } else { inRun = false }
        }
        guard runs > 0, runBytes >= minCyrillicLetters, Double(runBytes) / Double(runs) >= 3 else { return nil }
        var best: Guess?
        var bestScore = -Double.infinity
        for charset in ["windows-1251", "koi8-r", "iso-8859-5", "ibm866"] {
            let decoded = String(decoding: StripCharsetDecoder.transcode(sample, from: charset), as: UTF8.self)
            var letters = 0, lower = 0
            var logLikelihood = 0.0
            for scalar in decoded.unicodeScalars {
                let v = scalar.value
                var index = -1
                if v >= 0x430 && v <= 0x44F { index = Int(v - 0x430); lower += 1 }
                else if v >= 0x410 && v <= 0x42F { index = Int(v - 0x410) }
                else if v == 0x451 { index = 32; lower += 1 }
                else if v == 0x401 { index = 32 }
                guard index >= 0 else { continue }
                letters += 1
                logLikelihood += log2(russianFrequency[index] / 1000)
            }
            guard letters >= minCyrillicLetters else { continue }
            let lowerShare = Double(lower) / Double(letters)
            let letterShare = Double(letters) / Double(max(runBytes, 1))
            // Mean bits per letter (about -4.5 for Russian), pulled down when case or coverage is off.
            let score = logLikelihood / Double(letters) + 4 * lowerShare + 4 * letterShare
            if score > bestScore {
                bestScore = score
                best = Guess(charset: charset, confidence: min(1, lowerShare * letterShare))
            }
        }
        guard let best, best.confidence >= 0.6 else { return nil }
        return best
    }
}
