import Foundation

/// Turns byline text ("By Jane Doe and John Roe, AP Business Writers | Updated 3:15 PM") into
/// person names: "By"-words, roles, agencies' job titles, dates and times are removed, several
/// names are split, and what is left must look like a name.
enum StripAuthorNames {
    /// At most this many authors per article (longer lists are credits, not bylines).
    static let maxAuthors = 4
    /// A name has at most this many words and characters.
    static let maxNameWords = 5, maxNameCharacters = 60

    /// Clean names from raw author strings, in order, without duplicates; `exclude` holds names
    /// that are not people here (the site and the publisher).
    static func clean(_ raws: [String], exclude: [String?] = []) -> [String] {
        let excluded = Set(exclude.compactMap { $0.map(stripComparisonKey) }.filter { !$0.isEmpty })
        var names: [String] = []
        var seen = Set<String>()
        for raw in raws {
            for name in split(raw) {
                let key = stripComparisonKey(name)
                guard !key.isEmpty, !excluded.contains(key), seen.insert(key).inserted else { continue }
                names.append(name)
                if names.count == maxAuthors { return names }
            }
        }
        return names
    }

    /// The names in one byline string.
    static func split(_ raw: String) -> [String] {
        var text = raw.replacingNewlines()
        // Dates, times and "updated" notes end the byline ("By Ann Lee | Updated 10:20 a.m.").
        for separator in ["|", "•", "·", "—", "–", " - ", "\u{2022}", "Updated", "Published", "Posted", "Last updated"] {
            if let range = text.range(of: separator), !String(text[..<range.lowerBound]).stripTrimmed().isEmpty {
                text = String(text[..<range.lowerBound])
            }
        }
        text = dropLeadingByWord(text)
        var parts: [String] = []
        for piece in text.split(whereSeparator: { $0 == "," || $0 == ";" || $0 == "&" || $0 == "/" }) {
            var remainder = String(piece)
            for joiner in [" and ", " And ", " und ", " et ", " y ", " e ", " en ", " og "] {
                remainder = remainder.replacingOccurrences(of: joiner, with: "\u{1}")
            }
            parts += remainder.split(separator: "\u{1}").map(String.init)
        }
        return parts.compactMap(personName)
    }

    /// "By", "Von", "Par", "Por", "Door", "Di", "Av", "Written by", "Reporting by", "Author:".
    private static func dropLeadingByWord(_ text: String) -> String {
        var t = text.stripTrimmed()
        let lowered = t.lowercased()
        for prefix in ["written by ", "reporting by ", "reported by ", "posted by ", "story by ", "words by ",
                       "text by ", "by: ", "by ", "von ", "par ", "por ", "door ", "di ", "av ", "author: ",
                       "authors: ", "autor: ", "auteur : ", "auteur: ", "text: "] where lowered.hasPrefix(prefix) {
            t = String(t.dropFirst(prefix.count))
            break
        }
        return t
    }

    /// The part of `piece` that is a person's name, or nil.
    static func personName(_ piece: String) -> String? {
        var words = piece.stripTrimmed().split(separator: " ").map(String.init)
        // Roles after a name ("Jane Doe AP Business Writer"): cut at the first role or agency word.
        if let cut = words.firstIndex(where: { isRoleWord($0) }) { words = Array(words[..<cut]) }
        while let last = words.last, last.hasSuffix(":") || last == "-" { words.removeLast() }
        let name = words.joined(separator: " ").trimmingPunctuation()
        guard !name.isEmpty, words.count <= maxNameWords, name.count <= maxNameCharacters else { return nil }
        let lower = name.lowercased()
        if lower.hasPrefix("http") || lower.contains("www.") || lower.contains("@") || lower.contains(".com") { return nil }
        if name.unicodeScalars.contains(where: { $0.properties.numericType != nil }) { return nil }
        if nonNames.contains(lower) { return nil }
        // Latin-script names are capitalised; other scripts have no case and pass.
        let first = words.first?.unicodeScalars.first
        if let first, first.isASCII, !first.properties.isUppercase { return nil }
        return name
    }

    /// Words that start a role or an agency credit, not a name.
    private static func isRoleWord(_ word: String) -> Bool {
        let w = word.lowercased().trimmingPunctuation()
        return roleWords.contains(w)
    }

    private static let roleWords: Set<String> = [
        "writer", "writers", "correspondent", "correspondents", "reporter", "reporters", "editor", "editors",
        "staff", "contributor", "contributing", "columnist", "photographer", "photographers", "producer",
        "special", "senior", "chief", "associated", "press", "reuters", "afp", "ap", "dpa", "bloomberg", "upi",
        "for", "in", "at", "from", "with", "is", "was", "has", "who", "news", "agency", "desk", "team",
        "international", "national", "political", "business", "sports", "science", "technology", "health",
        "auto", "economics", "markets", "investigative", "bureau", "service",
    ]

    /// Values that sit in author fields but name nobody.
    private static let nonNames: Set<String> = [
        "admin", "administrator", "staff", "editor", "editors", "the editors", "editorial", "editorial staff",
        "editorial team", "news desk", "newsdesk", "web desk", "guest", "guest author", "anonymous", "unknown",
        "author", "redaktion", "la rédaction", "redacción", "press release", "sponsored", "partner",
    ]
}

private extension String {
    func replacingNewlines() -> String {
        String(map { $0 == "\n" || $0 == "\t" ? " " : $0 })
    }

    func trimmingPunctuation() -> String {
        let strip: Set<Character> = [" ", ",", ";", ":", ".", "|", "-", "–", "—", "(", ")", "\"", "'", "“", "”", "\u{00A0}"]
        var s = Substring(self)
        while let f = s.first, strip.contains(f) { s = s.dropFirst() }
        while let l = s.last, strip.contains(l) {
            // Keep the period of an initial ("John Q.").
            if l == ".", s.count >= 2, s.dropLast().last?.isUppercase == true,
               s.dropLast().dropLast().last == " " { break }
            s = s.dropLast()
        }
        return String(s)
    }
}
