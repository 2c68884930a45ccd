/// Cheap language guess for pages that do not declare one: script ranges for CJK, Cyrillic,
/// Greek and Arabic, then the share of each language's most frequent function words.
enum StripLanguageDetector {
    static func detect(_ text: String) -> String? {
        var han = 0, kana = 0, hangul = 0, cyrillic = 0, greek = 0, arabic = 0, latin = 0
        var sampled = 0
        for scalar in text.unicodeScalars {
            sampled += 1
            if sampled > 2_000 { break }
            switch scalar.value {
            case 0x41...0x5A, 0x61...0x7A, 0xC0...0x24F: latin += 1
            case 0x3040...0x30FF: kana += 1
            case 0x4E00...0x9FFF: han += 1
            case 0xAC00...0xD7AF: hangul += 1
            case 0x0400...0x04FF: cyrillic += 1
            case 0x0370...0x03FF: greek += 1
            case 0x0600...0x06FF: arabic += 1
            default: break
            }
        }
        let total = han + kana + hangul + cyrillic + greek + arabic + latin
        guard total >= 20 else { return nil }
        if kana * 10 > total { return "ja" }
        if hangul * 4 > total { return "ko" }
        if han * 4 > total { return "zh" }
        if cyrillic * 2 > total { return "ru" }
        if greek * 2 > total { return "el" }
        if arabic * 2 > total { return "ar" }
        // Function words of the first `wordLimit` words, looked up by their bytes packed in an integer.
        var counts = Array(repeating: 0, count: stripStopwordLanguages.count)
        var words = 0
        var packed: UInt64 = 0
        var length = 0
        func finishToken() {
            guard length > 0 else { return }
            words += 1
            if length <= 8, let mask = stripStopwordIndex[packed] {
                for language in 0 ..< counts.count where mask & (1 << language) != 0 { counts[language] += 1 }
            }
            packed = 0
            length = 0
        }
        for byte in text.utf8 {
            if words >= wordLimit { break }
            if byte >= 0x80 || (byte >= 0x61 && byte <= 0x7A) || (byte >= 0x41 && byte <= 0x5A) {
                if length < 8 { packed |= UInt64(byte >= 0x41 && byte <= 0x5A ? byte + 32 : byte) << (8 * UInt64(length)) }
                length += 1
            } else {
                finishToken()
            }
        }
        finishToken()
        var best = -1
        for language in counts.indices where best < 0 || counts[language] > counts[best]
            || (counts[language] == counts[best] && stripStopwordLanguages[language] < stripStopwordLanguages[best]) {
            best = language
        }
        guard words >= 5, best >= 0, counts[best] * 20 >= words else { return nil }
        return stripStopwordLanguages[best]
    }

    /// Words looked at for function words: enough to tell the languages apart.
    static let wordLimit = 600
}

private let stripStopwords: [String: [String]] = [
    "en": ["the", "and", "of", "to", "is", "in", "that", "it", "was", "for", "with", "he", "she",
           "on", "are", "as", "they", "be", "at", "this", "have", "from", "by", "not", "but"],
    "de": ["der", "die", "und", "den", "das", "ist", "nicht", "mit", "sich", "des", "auf", "ein",
           "eine", "dem", "auch", "es", "zu", "im", "für", "von", "wird", "sie", "wir", "noch"],
    "fr": ["le", "la", "les", "et", "des", "est", "une", "dans", "que", "pour", "pas", "qui",
           "sur", "au", "du", "il", "avec", "ce", "sont", "aux", "mais", "nous", "elle"],
    "es": ["el", "los", "las", "y", "que", "del", "en", "por", "una", "con", "para", "es",
           "se", "su", "al", "lo", "como", "más", "pero", "sus", "fue", "este"],
    "it": ["il", "di", "che", "e", "la", "per", "un", "non", "sono", "del", "della", "con",
           "gli", "le", "una", "nel", "alla", "anche", "è", "si", "questo"],
    "pt": ["o", "os", "as", "e", "que", "do", "da", "em", "um", "uma", "para", "com", "não",
           "no", "na", "se", "por", "mais", "dos", "das", "foi", "é"],
    "nl": ["de", "het", "een", "en", "van", "is", "dat", "op", "te", "zijn", "niet", "met",
           "voor", "ook", "aan", "er", "maar", "om", "wordt", "hij", "bij"],
]

private let stripStopwordLanguages: [String] = stripStopwords.keys.sorted()

/// Function word (packed bytes) -> bit mask of the languages it belongs to.
private let stripStopwordIndex: [UInt64: Int] = {
    var index: [UInt64: Int] = [:]
    for (position, language) in stripStopwordLanguages.enumerated() {
        for word in stripStopwords[language]! {
            var packed: UInt64 = 0
            for (k, byte) in word.utf8.enumerated() { packed |= UInt64(byte) << (8 * UInt64(k)) }
            index[packed, default: 0] |= 1 << position
        }
    }
    return index
}()
