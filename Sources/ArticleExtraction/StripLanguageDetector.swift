/// Cheap language guess for pages that do not declare one: script ranges for CJK, Cyrillic,
/// Greek and Arabic, then the share of each language's most frequent function words.
enum StripLanguageDetector {
    static func detect(_ text: String) -> String? {
        var han = 0, kana = 0, hangul = 0, cyrillic = 0, greek = 0, arabic = 0, latin = 0
        var sampled = 0
        for scalar in text.unicodeScalars {
            sampled += 1
            if sampled > 4_000 { break }
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
        var counts: [String: Int] = [:]
        var words = 0
        var token: [UInt8] = []
        func finishToken() {
            guard !token.isEmpty else { return }
            words += 1
            if token.count <= 6,
               let languages = stripStopwordIndex[String(decoding: token, as: UTF8.self)] {
                for language in languages { counts[language, default: 0] += 1 }
            }
            token.removeAll(keepingCapacity: true)
        }
        for byte in text.utf8 {
            if words >= 2000 { break }
            if byte >= 0x80 || (byte >= 0x61 && byte <= 0x7A) {
                token.append(byte)
            } else if byte >= 0x41 && byte <= 0x5A {
                token.append(byte + 32)
            } else {
                finishToken()
            }
        }
        finishToken()
        guard words >= 5, let best = counts.max(by: { $0.value < $1.value || ($0.value == $1.value && $0.key > $1.key) }),
              best.value * 20 >= words else { return nil }
        return best.key
    }
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

private let stripStopwordIndex: [String: [String]] = {
    var index: [String: [String]] = [:]
    for (language, words) in stripStopwords {
        for word in words { index[word, default: []].append(language) }
    }
    return index
}()
