import Foundation
import NewsText

/// Name normalisation for the gazetteer and for linking: legal suffixes, letter case, ids.
enum EntityNames {
    /// Words that only say what legal form a company has ("Inc", "plc"): dropped from names.
    static let legalSuffixes: Set<String> = [
        "inc", "incorporated", "corp", "corporation", "co", "company", "cos", "companies", "ltd", "limited",
        "plc", "llc", "lp", "llp", "nv", "sa", "ag", "se", "spa", "bv", "asa", "ab", "oyj", "kk", "gmbh",
        "pte", "pty", "sab", "de", "cv", "com", "adr", "ads", "tr", "the", "lllp",
        "ordinary", "shares", "sponsored", "new", "bhd", "tbk", "pcl", "nl",
    ]
    /// Words that name a group structure: dropped from the canonical name, kept in a variant.
    static let groupSuffixes: Set<String> = ["holdings", "holding", "hldgs", "group", "grp"]

    /// Legal-form words accepted right after a dictionary match ("Microsoft Corp.", "Apple Inc").
    static let spanSuffixes: Set<String> = [
        "Inc", "Corp", "Corporation", "Co", "Ltd", "Limited", "plc", "PLC", "Plc", "LLC", "AG", "SE", "NV", "SA",
        "Group", "Holdings", "Holding", "Incorporated", "Company", "GmbH",
    ]

    /// Honorifics and titles dropped from person names before linking.
    static let honorifics: Set<String> = ["mr", "mrs", "ms", "miss", "dr", "sir", "dame", "prof", "professor",
                                          "president", "ceo", "chairman", "senator", "sen", "rep", "gov", "lord"]

    private static func key(_ word: Substring) -> String {
        String(word.lowercased().filter { $0 != "." && $0 != "," })
    }

    /// Canonical company name: no parentheticals, `/DE/` state tags, legal forms or group words.
    ///
    /// Returns the canonical form and, when group words were dropped, the form that keeps them
    /// ("Booking" and "Booking Holdings").
    static func canonicalCompany(_ raw: String, reorderParenthetical: Bool = false) -> (name: String, withGroup: String?) {
        var s = raw
        // Parentheticals: "(Class A)", "(The)".
        while let open = s.firstIndex(of: "("), let close = s[open...].firstIndex(of: ")") {
            let inner = s[s.index(after: open)..<close].trimmingCharacters(in: .whitespaces)
            s.removeSubrange(open...close)
            // "Lilly (Eli)" is "Eli Lilly"; "(The)" and "(Class A)" say nothing.
            let innerWords = inner.split(separator: " ")
            if reorderParenthetical, innerWords.count == 1, inner.lowercased() != "the", inner.first?.isUppercase == true {
                s = inner + " " + s.trimmingCharacters(in: .whitespaces)
            }
        }
        s = s.replacingOccurrences(of: " A/S", with: "")
        // State and filer tags: "CORP /DE/", "INC/DE", "Corporation/ADR", "CORP/".
        if let slash = s.firstIndex(of: "/") {
            let tail = s[slash...].filter { $0 != "/" && $0 != " " }
            if tail.count <= 6 && tail.allSatisfy({ $0.isLetter }) { s = String(s[..<slash]) }
        }
        s = s.replacingOccurrences(of: " A/S", with: "").replacingOccurrences(of: " S.A.B. de C.V.", with: "")
        var words = s.split(whereSeparator: { $0 == " " || $0 == "\t" }).map { Substring($0) }
        // "Class A" anywhere at the end.
        if words.count >= 3, key(words[words.count - 2]) == "class" { words.removeLast(2) }
        func dropLegal() {
            while words.count > 1 {
                let k = key(words[words.count - 1])
                if legalSuffixes.contains(k) || k.isEmpty || k == "&" || k == "-" { words.removeLast() } else { break }
            }
        }
        dropLegal()
        if words.count > 1, key(words[0]) == "the" { words.removeFirst() }
        var withGroup: String? = nil
        let beforeGroup = words
        while words.count > 1 && groupSuffixes.contains(key(words[words.count - 1])) {
            words.removeLast(); dropLegal()
        }
        if words.count != beforeGroup.count { withGroup = clean(beforeGroup) }
        return (clean(words), withGroup)
    }

    private static func clean(_ words: [Substring]) -> String {
        var out = words.joined(separator: " ")
        while let last = out.last, last == "," || last == "-" || last == "&" || last == " " { out.removeLast() }
        if out.hasSuffix("."), !out.hasSuffix(".com") {
            // Keep the period of an initialism ("U.S.") but not a stray one ("Co.").
            let lastWord = out.split(separator: " ").last ?? ""
            if lastWord.filter({ $0 == "." }).count == 1 { out.removeLast() }
        }
        if out.first == "," { out.removeFirst() }
        return out.trimmingCharacters(in: .whitespaces)
    }

    /// Short all-caps words that are ordinary words, so title-cased ("OIL" -> "Oil"), not initialisms.
    private static let shortWords: Set<String> = [
        "of", "and", "the", "for", "new", "one", "two", "oil", "gas", "bio", "big", "sun", "art", "air", "car",
        "red", "sky", "sea", "bay", "box", "way", "key", "fox", "ice", "pet", "tea", "web", "inn", "hub", "net",
        "go", "up", "in", "on", "at", "to", "by", "de", "la", "le", "du", "von", "van", "a", "an", "or", "my",
        "old", "all", "star", "us", "pay", "cap", "lab", "gold", "care", "bank", "land", "life", "blue", "east",
        "west", "home", "food", "data", "rock", "iron", "coal", "corn", "city", "park", "wave", "mine", "west",
    ]
    private static let lowerConnectors: Set<String> = ["of", "and", "the", "for", "de", "la", "du", "von", "van", "a", "an", "or", "at", "on", "in", "to"]

    /// Title-cases an all-caps SEC name ("BANK OF AMERICA" -> "Bank of America"), keeping likely
    /// initialisms ("IBM", "AT&T", "3M") in capitals.
    static func titleCase(_ name: String, shortWordsAreInitialisms: Bool = true) -> String {
        let upper = name.filter { $0.isUppercase }.count, lower = name.filter { $0.isLowercase }.count
        guard upper > 0, upper * 10 >= (upper + lower) * 7 else { return name }
        let words = name.split(separator: " ")
        var out: [String] = []
        for (i, w) in words.enumerated() {
            let lower = w.lowercased()
            if w.contains(where: { $0.isLowercase }) { out.append(String(w)); continue }
            let vowelless = w.allSatisfy { $0.isLetter && !"AEIOUY".contains($0) }
            let shortInitialism = shortWordsAreInitialisms && w.count <= 3 && !shortWords.contains(lower) && w.allSatisfy({ $0.isLetter })
            if vowelless || w.contains(where: { $0.isNumber || $0 == "&" }) || shortInitialism {
                out.append(String(w)); continue
            }
            if i > 0 && lowerConnectors.contains(lower) { out.append(lower); continue }
            // Capitalise each part of hyphenated words; lowercase after an apostrophe.
            var result = ""
            var capNext = true
            for ch in lower {
                if capNext && ch.isLetter { result += ch.uppercased(); capNext = false } else { result.append(ch) }
                if ch == "-" || ch == "." { capNext = true }
            }
            out.append(result)
        }
        return out.joined(separator: " ")
    }

    /// Stable id part from a name: lowercase letters and digits joined by `-` ("Satya Nadella" -> "satya-nadella").
    static func slug(_ name: String) -> String {
        // ASCII names (nearly all) skip Foundation's folding.
        let folded = name.utf8.allSatisfy({ $0 < 128 }) ? name
            : name.folding(options: [.diacriticInsensitive, .caseInsensitive, .widthInsensitive], locale: nil)
        var out = ""
        var dash = false
        if folded.utf8.allSatisfy({ $0 < 128 }) {
            var bytes: [UInt8] = []
            bytes.reserveCapacity(folded.utf8.count)
            for b in folded.utf8 {
                if (b &- 48) < 10 || (b &- 97) < 26 || (b &- 65) < 26 {
                    if dash && !bytes.isEmpty { bytes.append(45) }
                    dash = false
                    bytes.append((b &- 65) < 26 ? b + 32 : b)
                } else if b == 39 || b == 46 {
                    continue
                } else {
                    dash = true
                }
            }
            return String(decoding: bytes, as: UTF8.self)
        }
        for s in folded.unicodeScalars {
            if CharacterClass.isWordCharacter(s) && s.properties.generalCategory != .nonspacingMark {
                if dash && !out.isEmpty { out += "-" }
                dash = false
                out.unicodeScalars.append(contentsOf: s.properties.lowercaseMapping.unicodeScalars)
            } else if s == "'" || s == "\u{2019}" || s == "." {
                continue   // "McDonald's" -> "mcdonalds", "U.S." -> "us"
            } else {
                dash = true
            }
        }
        return out
    }

    /// Key for case-insensitive name look-ups of NER spans: lowercase words joined by `-`, without
    /// legal-form and group words at the end or "the" in front ("MICROSOFT CORPORATION" and
    /// "Microsoft Corp." -> "microsoft"). Plain Swift on scalars: it runs for every NER name.
    static func lookupKey(_ name: String) -> String {
        lookupKey(Array(name.unicodeScalars)[...])
    }

    private static let droppedWords: Set<String> = legalSuffixes.union(groupSuffixes).subtracting(["the"])

    static func lookupKey(_ scalars: ArraySlice<Unicode.Scalar>) -> String {
        var words: [String] = []
        var word = String.UnicodeScalarView()
        func flush() { if !word.isEmpty { words.append(String(word)); word = String.UnicodeScalarView() } }
        for s in scalars {
            if CharacterClass.isWordCharacter(s) {
                if s.value < 128 { word.append(CharacterClass.isUpper(s) ? Unicode.Scalar(s.value + 32)! : s) }
                else { word.append(contentsOf: s.properties.lowercaseMapping.unicodeScalars) }
            } else if s == "'" || s == "\u{2019}" || s == "." {
                continue   // "McDonald's" -> "mcdonalds", "U.S." -> "us"
            } else if s == "&" {
                flush(); words.append("&")
            } else {
                flush()
            }
        }
        flush()
        while words.count > 1, let last = words.last, droppedWords.contains(last) || last == "&" { words.removeLast() }
        if words.count > 1 && words[0] == "the" { words.removeFirst() }
        return words.filter { $0 != "&" }.joined(separator: "-")
    }
}

/// Minimal RFC 4180 CSV reader (quoted fields, doubled quotes, CRLF) for gazetteer and user lists.
enum EntityCSV {
    static func parse(_ text: String) -> [[String]] {
        var rows: [[String]] = []
        var row: [String] = []
        var field = String.UnicodeScalarView()
        var quoted = false
        var it = text.unicodeScalars.makeIterator()
        var pending: Unicode.Scalar? = nil
        func next() -> Unicode.Scalar? {
            if let p = pending { pending = nil; return p }
            return it.next()
        }
        while let c = next() {
            if quoted {
                if c == "\"" {
                    if let d = next() {
                        if d == "\"" { field.append("\"") } else { quoted = false; pending = d }
                    } else { quoted = false }
                } else { field.append(c) }
                continue
            }
            switch c {
            case "\"" where field.isEmpty: quoted = true
            case ",": row.append(String(field)); field = String.UnicodeScalarView()
            case "\r": continue
            case "\n":
                row.append(String(field)); field = String.UnicodeScalarView()
                if !(row.count == 1 && row[0].isEmpty) { rows.append(row) }
                row = []
            default: field.append(c)
            }
        }
        if !field.isEmpty || !row.isEmpty { row.append(String(field)); rows.append(row) }
        return rows
    }
}
