import Foundation
import NewsIO
import NewsRecords
import NewsText

/// A money amount, percentage or date the patterns found, with its normalised value.
struct EntityPatternHit: Sendable, Equatable {
    var start: Int
    var end: Int
    var type: EntityType
    /// Normalised value; nil for a date the text does not fix ("last week" with no published date).
    var value: String?
    var confidence: Double
}

/// A calendar day as the date patterns compute with it.
struct EntityDay: Sendable, Equatable {
    var year: Int, month: Int, day: Int

    /// Parses the date part of an ISO 8601 string (`2026-04-20` or `2026-04-20T08:00:00Z`).
    init?(iso: String) {
        let s = Array(iso.utf8.prefix(10))
        guard s.count == 10, s[4] == 45, s[7] == 45 else { return nil }
        func num(_ r: Range<Int>) -> Int? {
            var v = 0
            for i in r { guard s[i] >= 48 && s[i] <= 57 else { return nil }; v = v * 10 + Int(s[i] - 48) }
            return v
        }
        guard let y = num(0..<4), let m = num(5..<7), let d = num(8..<10), EntityDay.valid(y, m, d) else { return nil }
        year = y; month = m; day = d
    }

    init(year: Int, month: Int, day: Int) { self.year = year; self.month = month; self.day = day }

    init(days: Int) { (year, month, day) = CivilDays.date(days: days) }

    /// Days since 1970-01-01.
    var days: Int { CivilDays.days(year: year, month: month, day: day) }

    /// 0 = Sunday ... 6 = Saturday.
    var weekday: Int { ((days % 7) + 11) % 7 }

    static func valid(_ y: Int, _ m: Int, _ d: Int) -> Bool {
        guard m >= 1 && m <= 12 && d >= 1 else { return false }
        let leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0
        let lengths = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]
        return d <= lengths[m - 1]
    }

    var iso: String { String(format: "%04d-%02d-%02d", year, month, day) }
}

/// High-precision patterns of financial news: money, percentages and dates.
enum EntityPatterns {
    // MARK: Cue tables (case-folded token hashes)

    static func table(_ pairs: [(String, Int)]) -> EntityScanHashTable<Int> {
        EntityScanHashTable(pairs.map { (EntityScanHash.folded($0.0), $0.1) })
    }

    /// Scale words written apart from the number ("600 billion").
    static let spacedScale = table([("thousand", 3), ("million", 6), ("mn", 6), ("mln", 6), ("billion", 9), ("bn", 9),
                                    ("bln", 9), ("trillion", 12), ("tn", 12), ("trn", 12), ("lakh", 5), ("crore", 7)])
    /// Scale suffixes glued to the number ("€3.2bn", "£45m").
    static let gluedScale: [String: Int] = ["k": 3, "m": 6, "mn": 6, "mln": 6, "mm": 6, "b": 9, "bn": 9, "bln": 9,
                                            "tn": 12, "trn": 12, "million": 6, "billion": 9, "trillion": 12]

    static let symbolCurrency: [UInt32: String] = [
        0x24: "USD", 0x20AC: "EUR", 0xA3: "GBP", 0xA5: "JPY", 0x20B9: "INR", 0x20A9: "KRW", 0x20BD: "RUB",
        0x20BA: "TRY", 0x20AA: "ILS", 0x20AB: "VND", 0x0E3F: "THB", 0x20B1: "PHP", 0xFFE5: "CNY", 0x5143: "CNY",
    ]
    /// Letters glued before `$`: "US$", "HK$", "C$".
    static let dollarPrefixes: [String: String] = ["US": "USD", "U.S.": "USD", "C": "CAD", "CA": "CAD", "CAN": "CAD",
                                                   "A": "AUD", "AU": "AUD", "HK": "HKD", "S": "SGD", "SG": "SGD",
                                                   "NZ": "NZD", "NT": "TWD", "R": "BRL", "MX": "MXN"]
    static let codes: Set<String> = ["USD", "EUR", "GBP", "JPY", "CNY", "RMB", "CHF", "CAD", "AUD", "HKD", "INR", "KRW",
                                     "SGD", "NZD", "TWD", "BRL", "MXN", "SEK", "NOK", "DKK", "ZAR", "RUB", "TRY", "SAR", "AED"]
    /// Currency words after the amount ("1.2 million euros"); the flag says the word needs a scale
    /// word before it to be money ("45 pounds" may weigh, "45 billion won" may not be a victory).
    struct CurrencyWord: Sendable { var code: String; var needsScale: Bool; var shift = 0 }
    static let currencyWords: EntityScanHashTable<CurrencyWord> = {
        var t = EntityScanHashTable<CurrencyWord>()
        for (w, c, s) in [("dollars", "USD", false), ("dollar", "USD", true), ("euros", "EUR", false), ("euro", "EUR", true),
                          ("pounds", "GBP", true), ("sterling", "GBP", false), ("yen", "JPY", false), ("yuan", "CNY", false),
                          ("renminbi", "CNY", false), ("rupees", "INR", false), ("rupee", "INR", true), ("won", "KRW", true),
                          ("francs", "CHF", false), ("pesos", "MXN", false), ("rubles", "RUB", false), ("roubles", "RUB", false),
                          ("reais", "BRL", false), ("rand", "ZAR", true), ("riyals", "SAR", false), ("dirhams", "AED", false)] {
            t[EntityScanHash.folded(w)] = CurrencyWord(code: c, needsScale: s)
        }
        for c in codes { t[EntityScanHash.folded(c)] = CurrencyWord(code: c == "RMB" ? "CNY" : c, needsScale: false) }
        // "45 cents a share", "30 pence".
        t[EntityScanHash.folded("cents")] = CurrencyWord(code: "USD", needsScale: false, shift: -2)
        t[EntityScanHash.folded("pence")] = CurrencyWord(code: "GBP", needsScale: false, shift: -2)
        return t
    }()
    /// Adjectives before "dollars"/"francs" that change the currency.
    static let dollarAdjectives = table([("us", 1), ("u.s.", 1), ("american", 1), ("canadian", 2), ("australian", 3),
                                          ("singapore", 4), ("taiwan", 5), ("swiss", 6), ("british", 7)])
    static let adjectiveCurrency = [1: "USD", 2: "CAD", 3: "AUD", 4: "SGD", 5: "TWD", 6: "CHF", 7: "GBP"]

    static let months = table(CalendarNames.englishMonths.sorted { $0.key < $1.key }.map { ($0.key, $0.value) })
    static let weekdays = table(CalendarNames.englishWeekdays.sorted { $0.key < $1.key }.map { ($0.key, $0.value) })
    static let monthCues = table([("in", 0), ("since", 0), ("during", 0), ("until", 0), ("by", 0), ("early", 0), ("late", 0),
                                  ("mid", 0), ("through", 0), ("from", 0), ("last", -1), ("next", 1), ("this", 0)])
    static let yearCues = table([("in", 0), ("since", 0), ("during", 0), ("by", 0), ("until", 0), ("through", 0), ("from", 0),
                                 ("of", 0), ("early", 0), ("late", 0), ("mid", 0), ("fiscal", 0), ("before", 0), ("after", 0),
                                 ("calendar", 0), ("for", 0), ("year", 0)])
    static let relativeWords = table([("last", -1), ("this", 0), ("next", 1)])
    static let periodWords = table([("year", 1), ("month", 2)])
    static let dayWords = table([("yesterday", -1), ("tomorrow", 1)])

    static let h = (percentSign: EntityScanHash.exact("%"), fullPercent: EntityScanHash.exact("％"), comma: EntityScanHash.exact(","),
                    dot: EntityScanHash.exact("."), dash: EntityScanHash.exact("-"), dollar: EntityScanHash.exact("$"),
                    percent: EntityScanHash.folded("percent"), pct: EntityScanHash.folded("pct"), per: EntityScanHash.folded("per"),
                    cent: EntityScanHash.folded("cent"), points: EntityScanHash.folded("points"), percentage: EntityScanHash.folded("percentage"),
                    hong: EntityScanHash.folded("hong"), kong: EntityScanHash.folded("kong"), new: EntityScanHash.folded("new"),
                    zealand: EntityScanHash.folded("zealand"), on: EntityScanHash.folded("on"), to: EntityScanHash.folded("to"), rs: EntityScanHash.exact("Rs"))

    // MARK: Numbers

    struct Number { var digits: [UInt8]; var fraction: Int; var start: Int; var end: Int }

    /// Reads "1,200.50" at scalar `p` (thousands separators only in groups of three).
    static func readNumber(_ sc: [Unicode.Scalar], _ p: Int) -> Number? {
        let n = sc.count
        guard p < n, CharacterClass.isASCIIDigit(sc[p]) else { return nil }
        if p > 0 && (CharacterClass.isWordCharacter(sc[p - 1]) || (sc[p - 1] == "." && p > 1 && CharacterClass.isASCIIDigit(sc[p - 2]))) { return nil }
        var digits: [UInt8] = []
        var i = p
        while i < n && CharacterClass.isASCIIDigit(sc[i]) { digits.append(UInt8(sc[i].value - 48)); i += 1 }
        while i + 3 < n + 0 && sc[i] == "," && CharacterClass.isASCIIDigit(sc[i + 1]) && CharacterClass.isASCIIDigit(sc[i + 2]) && CharacterClass.isASCIIDigit(sc[i + 3])
                && (i + 4 >= n || !CharacterClass.isASCIIDigit(sc[i + 4])) {
            for k in 1...3 { digits.append(UInt8(sc[i + k].value - 48)) }
            i += 4
        }
        var fraction = 0
        if i + 1 < n && sc[i] == "." && CharacterClass.isASCIIDigit(sc[i + 1]) {
            i += 1
            while i < n && CharacterClass.isASCIIDigit(sc[i]) { digits.append(UInt8(sc[i].value - 48)); fraction += 1; i += 1 }
        }
        return Number(digits: digits, fraction: fraction, start: p, end: i)
    }

    /// Exact decimal text of `digits × 10^(exponent − fraction)`, without exponent notation.
    static func decimal(_ digits: [UInt8], fraction: Int, exponent: Int, negative: Bool = false) -> String {
        var d = digits.map { Character(Unicode.Scalar($0 + 48)) }
        let shift = exponent - fraction
        var intPart: [Character], fracPart: [Character]
        if shift >= 0 {
            intPart = d + Array(repeating: "0", count: shift); fracPart = []
        } else {
            let f = -shift
            if d.count <= f { d = Array(repeating: "0", count: f - d.count + 1) + d }
            intPart = Array(d[..<(d.count - f)]); fracPart = Array(d[(d.count - f)...])
        }
        while intPart.count > 1 && intPart.first == "0" { intPart.removeFirst() }
        while fracPart.last == "0" { fracPart.removeLast() }
        let body = String(intPart) + (fracPart.isEmpty ? "" : "." + String(fracPart))
        return negative && body != "0" ? "-" + body : body
    }

    // MARK: Scanning

    /// Finds money, percentages and dates in one pass over the tokens.
    static func scan(_ doc: EntityScanDocument, published: EntityDay?) -> [EntityPatternHit] {
        var hits: [EntityPatternHit] = []
        let toks = doc.tokens, sc = doc.scalars
        var k = 0
        while k < toks.count {
            let t = toks[k]
            var next: Int? = nil
            switch t.kind {
            case .punct:
                next = money(afterSymbol: k, doc, &hits)
            case .number:
                next = isoDate(k, doc, &hits) ?? dayMonth(k, doc, published, &hits) ?? year(k, doc, &hits)
                    ?? amount(k, doc, &hits)
            case .word:
                if CharacterClass.isASCIIDigit(sc[t.start]) {
                    next = dayMonth(k, doc, published, &hits) ?? amount(k, doc, &hits)
                } else if t.isCapitalized {
                    next = money(afterCode: k, doc, &hits) ?? monthDate(k, doc, published, &hits)
                        ?? weekday(k, doc, published, &hits)
                }
                if next == nil { next = period(k, doc, published, &hits) }
                if next == nil { next = relative(k, doc, published, &hits) }
            }
            k = max(next ?? k + 1, k + 1)
        }
        return hits
    }

    /// Next token index whose start is at or after scalar `end`, from `k`.
    @inline(__always) static func tokenAfter(_ end: Int, from k: Int, _ toks: [EntityScanToken]) -> Int {
        var j = k
        while j < toks.count && toks[j].start < end { j += 1 }
        return j
    }

    /// Scale (glued or spaced) after a number ending at scalar `end`. Returns the exponent, the new
    /// end and whether the glued letters were something else (then the number is not an amount).
    static func scale(after end: Int, tokenFrom k: Int, _ doc: EntityScanDocument) -> (exp: Int, end: Int, junk: Bool) {
        let sc = doc.scalars, toks = doc.tokens
        var i = end
        var letters = ""
        while i < sc.count && CharacterClass.isWordCharacter(sc[i]) { letters.unicodeScalars.append(sc[i]); i += 1 }
        if !letters.isEmpty {
            if let e = gluedScale[letters.lowercased()] { return (e, i, false) }
            return (0, end, true)
        }
        let j = tokenAfter(end, from: k, toks)
        if j < toks.count, toks[j].kind == .word, toks[j].gap == 1, let e = spacedScale[toks[j].foldHash] {
            return (e, toks[j].end, false)
        }
        return (0, end, false)
    }

    /// Scale of the upper end of a range, which the lower end shares: "$5-6 billion", "$5 to 6 billion".
    static func rangeScale(after end: Int, tokenFrom k: Int, _ doc: EntityScanDocument) -> Int? {
        let toks = doc.tokens
        var j = tokenAfter(end, from: k, toks)
        guard j < toks.count else { return nil }
        if toks[j].hash == h.dash && toks[j].gap == 0 { j += 1 }
        else if toks[j].foldHash == h.to && toks[j].gap == 1 { j += 1 } else { return nil }
        if j < toks.count && toks[j].hash == h.dollar { j += 1 }
        guard j < toks.count, toks[j].gap <= 1, let upper = readNumber(doc.scalars, toks[j].start) else { return nil }
        let s = scale(after: upper.end, tokenFrom: j, doc)
        return s.junk || s.exp == 0 ? nil : s.exp
    }

    /// "$600 billion", "US$1.5 trillion", "€3.2bn", "HK$ 5".
    static func money(afterSymbol k: Int, _ doc: EntityScanDocument, _ hits: inout [EntityPatternHit]) -> Int? {
        let toks = doc.tokens, sc = doc.scalars
        guard var code = symbolCurrency[sc[toks[k].start].value], k + 1 < toks.count else { return nil }
        let numTok = toks[k + 1]
        var numStart = numTok.start
        // "$US1.5 billion", "$A20m" (Australian and New Zealand usage): letters between sign and number.
        if code == "USD", numTok.gap == 0, numTok.kind == .word {
            for (letters, c) in [("US", "USD"), ("A", "AUD"), ("NZ", "NZD"), ("C", "CAD")] {
                let n = letters.unicodeScalars.count
                if numStart + n < sc.count, doc.string(numStart, numStart + n) == letters, CharacterClass.isASCIIDigit(sc[numStart + n]) {
                    code = c; numStart += n; break
                }
            }
        }
        guard numTok.gap <= 1, numStart < sc.count, CharacterClass.isASCIIDigit(sc[numStart]) else { return nil }
        let num: Number
        if numStart == numTok.start {
            guard let n = readNumber(sc, numStart) else { return nil }
            num = n
        } else {
            // The number is glued to the letters, which `readNumber` refuses; read it from its first digit.
            var tail = Array(sc[numStart...].prefix(40))
            tail.insert(" ", at: 0)
            guard var n = readNumber(tail, 1) else { return nil }
            n.start += numStart - 1; n.end += numStart - 1
            num = n
        }
        var start = toks[k].start
        if code == "USD", k > 0, toks[k].gap == 0 {
            // Letters glued before the dollar sign: "US$", "HK$", "U.S.$".
            var j = k - 1
            var prefix = ""
            while j >= 0 && (toks[j].kind == .word || toks[j].hash == h.dot) && (j == k - 1 || toks[j + 1].gap == 0) {
                prefix = doc.string(toks[j].start, toks[j].end) + prefix
                if toks[j].gap != 0 || prefix.count > 4 { break }
                j -= 1
            }
            var matched = false
            while !prefix.isEmpty {
                if let c = dollarPrefixes[prefix] { code = c; start = toks[k].start - prefix.unicodeScalars.count; matched = true; break }
                prefix.removeFirst()
            }
            if !matched && k > 0 && toks[k - 1].kind == .word && toks[k].gap == 0 { return nil }  // "XYZ$5": not an amount we know
        }
        var s = scale(after: num.end, tokenFrom: k + 1, doc)
        if s.junk { return nil }
        if s.exp == 0, let carried = rangeScale(after: num.end, tokenFrom: k + 1, doc) { s.exp = carried }
        hits.append(EntityPatternHit(start: start, end: s.end, type: .money,
                                     value: decimal(num.digits, fraction: num.fraction, exponent: s.exp) + " " + code,
                                     confidence: EntityConfidence.strong))
        return tokenAfter(s.end, from: k + 1, toks)
    }

    /// "USD 5 million", "EUR 3bn".
    static func money(afterCode k: Int, _ doc: EntityScanDocument, _ hits: inout [EntityPatternHit]) -> Int? {
        let toks = doc.tokens, sc = doc.scalars
        let t = toks[k]
        // "Rs 500 crore", "Rs. 20": the rupee's usual abbreviation in Indian news.
        if t.hash == h.rs, k + 1 < toks.count {
            var j = k + 1
            if toks[j].hash == h.dot && toks[j].gap == 0 { j += 1 }
            guard j < toks.count, toks[j].gap == 1, let num = readNumber(sc, toks[j].start) else { return nil }
            let s = scale(after: num.end, tokenFrom: j, doc)
            if s.junk { return nil }
            hits.append(EntityPatternHit(start: t.start, end: s.end, type: .money,
                                         value: decimal(num.digits, fraction: num.fraction, exponent: s.exp) + " INR", confidence: EntityConfidence.likely))
            return tokenAfter(s.end, from: j, toks)
        }
        guard t.isAllCaps, t.length == 3, k + 1 < toks.count, toks[k + 1].gap == 1 else { return nil }
        let code = doc.string(t.start, t.end)
        guard codes.contains(code), let num = readNumber(sc, toks[k + 1].start) else { return nil }
        let s = scale(after: num.end, tokenFrom: k + 1, doc)
        if s.junk { return nil }
        hits.append(EntityPatternHit(start: t.start, end: s.end, type: .money,
                                     value: decimal(num.digits, fraction: num.fraction, exponent: s.exp) + " " + (code == "RMB" ? "CNY" : code),
                                     confidence: EntityConfidence.strong))
        return tokenAfter(s.end, from: k + 1, toks)
    }

    /// A bare number: a percentage ("12.5%", "3 percent", "4 per cent") or an amount with the
    /// currency after it ("1.2 million euros", "100 billion yen").
    static func amount(_ k: Int, _ doc: EntityScanDocument, _ hits: inout [EntityPatternHit]) -> Int? {
        let toks = doc.tokens, sc = doc.scalars
        guard let num = readNumber(sc, toks[k].start) else { return nil }
        var start = num.start
        var negative = false
        if start > 0, sc[start - 1] == "-" || sc[start - 1] == "\u{2212}" || sc[start - 1] == "+",
           start == 1 || !CharacterClass.isWordCharacter(sc[start - 2]) {
            negative = sc[start - 1] != "+"
            start -= 1
        }
        let j = tokenAfter(num.end, from: k, toks)
        // "5pc" (British usage): the percent sign written as glued letters.
        if num.end + 2 <= sc.count, sc[num.end] == "p", sc[num.end + 1] == "c",
           num.end + 2 == sc.count || !CharacterClass.isWordCharacter(sc[num.end + 2]) {
            hits.append(EntityPatternHit(start: start, end: num.end + 2, type: .percent,
                                         value: decimal(num.digits, fraction: num.fraction, exponent: -2, negative: negative), confidence: EntityConfidence.likely))
            return tokenAfter(num.end + 2, from: k, toks)
        }
        // Percent.
        if j < toks.count {
            let t = toks[j]
            if t.start == num.end || t.gap == 1, t.hash == h.percentSign || t.hash == h.fullPercent {
                hits.append(EntityPatternHit(start: start, end: t.end, type: .percent,
                                             value: decimal(num.digits, fraction: num.fraction, exponent: -2, negative: negative), confidence: EntityConfidence.strong))
                return j + 1
            }
            if t.gap == 1 && (t.foldHash == h.percent || t.foldHash == h.pct) {
                hits.append(EntityPatternHit(start: start, end: t.end, type: .percent,
                                             value: decimal(num.digits, fraction: num.fraction, exponent: -2, negative: negative), confidence: EntityConfidence.strong))
                return j + 1
            }
            if t.gap == 1 && t.foldHash == h.per && j + 1 < toks.count && toks[j + 1].foldHash == h.cent && toks[j + 1].gap == 1 {
                hits.append(EntityPatternHit(start: start, end: toks[j + 1].end, type: .percent,
                                             value: decimal(num.digits, fraction: num.fraction, exponent: -2, negative: negative), confidence: EntityConfidence.strong))
                return j + 2
            }
        }
        // Amount with the currency after it.
        let s = scale(after: num.end, tokenFrom: k, doc)
        if s.junk { return nil }
        var m = tokenAfter(s.end, from: k, toks)
        guard m < toks.count, toks[m].gap == 1, toks[m].kind == .word else { return nil }
        var adjective: String? = nil
        if let a = dollarAdjectives[toks[m].foldHash], m + 1 < toks.count { adjective = adjectiveCurrency[a]; m += 1 }
        else if toks[m].foldHash == h.hong, m + 2 < toks.count, toks[m + 1].foldHash == h.kong { adjective = "HKD"; m += 2 }
        else if toks[m].foldHash == h.new, m + 2 < toks.count, toks[m + 1].foldHash == h.zealand { adjective = "NZD"; m += 2 }
        else if toks[m].hash == EntityScanHash.exact("U"), m + 4 < toks.count, doc.string(toks[m].start, toks[m + 3].end) == "U.S." {
            adjective = "USD"; m += 4
        }
        guard m < toks.count, toks[m].gap == 1, let cur = currencyWords[toks[m].foldHash] else { return nil }
        if cur.needsScale && s.exp == 0 && adjective == nil { return nil }
        // Codes after the amount must be written in capitals ("5 million USD").
        if codes.contains(doc.string(toks[m].start, toks[m].end).uppercased()) && !toks[m].isAllCaps { return nil }
        var code = cur.code
        if let a = adjective, code == "USD" || code == "CHF" || code == "GBP" { code = a }
        hits.append(EntityPatternHit(start: start, end: toks[m].end, type: .money,
                                     value: decimal(num.digits, fraction: num.fraction, exponent: s.exp + cur.shift, negative: negative) + " " + code,
                                     confidence: EntityConfidence.likely))
        return m + 1
    }

    // MARK: Dates

    private static func smallNumber(_ doc: EntityScanDocument, _ t: EntityScanToken, max: Int) -> Int? {
        // "13", "13th", "1st".
        let sc = doc.scalars
        var v = 0, i = t.start
        while i < t.end && CharacterClass.isASCIIDigit(sc[i]) && i - t.start < 2 { v = v * 10 + Int(sc[i].value - 48); i += 1 }
        guard i > t.start else { return nil }
        if i < t.end {
            let suffix = doc.string(i, t.end).lowercased()
            guard ["st", "nd", "rd", "th"].contains(suffix) else { return nil }
        }
        return v >= 1 && v <= max ? v : nil
    }

    private static func yearValue(_ doc: EntityScanDocument, _ t: EntityScanToken) -> Int? {
        guard t.kind == .number, t.length == 4 else { return nil }
        var v = 0
        for i in t.start..<t.end { v = v * 10 + Int(doc.scalars[i].value - 48) }
        return v >= 1900 && v <= 2100 ? v : nil
    }

    /// Month token at `k` ("April", "Apr."), returning the month and the index after it.
    private static func month(_ k: Int, _ doc: EntityScanDocument) -> (month: Int, next: Int)? {
        let t = doc.tokens[k]
        guard t.kind == .word, t.isCapitalized, let m = months[t.foldHash] else { return nil }
        var next = k + 1
        // Abbreviations: "Jan", "Sept"; "May", "June" and "July" are full names.
        let abbreviated = (t.length == 3 && m != 5) || (t.length == 4 && m == 9)
        if abbreviated, next < doc.tokens.count, doc.tokens[next].hash == h.dot, doc.tokens[next].gap == 0 { next += 1 }
        else if abbreviated {
            // Bare abbreviations only before a day number: "Jan 5", not "Mar" the word.
            guard next < doc.tokens.count, doc.tokens[next].gap == 1, smallNumber(doc, doc.tokens[next], max: 31) != nil else { return nil }
        }
        return (m, next)
    }

    /// Year for a month and day without one: the nearest to the published date.
    private static func nearestYear(month: Int, day: Int, to p: EntityDay) -> EntityDay? {
        var best: EntityDay? = nil
        var bestDistance = Int.max
        for y in [p.year - 1, p.year, p.year + 1] where EntityDay.valid(y, month, day) {
            let d = EntityDay(year: y, month: month, day: day)
            let dist = abs(d.days - p.days)
            if dist < bestDistance || (dist == bestDistance && d.days < p.days) { best = d; bestDistance = dist }
        }
        return best
    }

    /// "April 13", "April 13, 2025", "Apr. 13th", "April 2025", "in April".
    static func monthDate(_ k: Int, _ doc: EntityScanDocument, _ published: EntityDay?, _ hits: inout [EntityPatternHit]) -> Int? {
        let toks = doc.tokens
        guard let (m, j) = month(k, doc) else { return nil }
        if j < toks.count, toks[j].gap == 1, let d = smallNumber(doc, toks[j], max: 31) {
            var end = toks[j].end, next = j + 1
            var y = j + 1
            if y < toks.count, toks[y].hash == h.comma, toks[y].gap == 0 { y += 1 }
            if y < toks.count, toks[y].gap == 1, let year = yearValue(doc, toks[y]), EntityDay.valid(year, m, d) {
                end = toks[y].end; next = y + 1
                hits.append(EntityPatternHit(start: toks[k].start, end: end, type: .date,
                                             value: EntityDay(year: year, month: m, day: d).iso, confidence: EntityConfidence.strong))
                return next
            }
            let day = published.flatMap { nearestYear(month: m, day: d, to: $0) }
            hits.append(EntityPatternHit(start: toks[k].start, end: end, type: .date, value: day?.iso, confidence: EntityConfidence.likely))
            return next
        }
        if j < toks.count, toks[j].gap == 1, let year = yearValue(doc, toks[j]) {
            hits.append(EntityPatternHit(start: toks[k].start, end: toks[j].end, type: .date,
                                         value: String(format: "%04d-%02d", year, m), confidence: EntityConfidence.likely))
            return j + 1
        }
        // Month alone, after a cue word ("in April", "last March").
        guard k > 0, toks[k].gap == 1 || (toks[k].gap == 0 && toks[k - 1].hash == h.dash) else { return nil }
        var c = k - 1
        if toks[c].hash == h.dash && c > 0 { c -= 1 }
        guard toks[c].kind == .word, let direction = monthCues[toks[c].foldHash] else { return nil }
        guard let p = published else {
            hits.append(EntityPatternHit(start: direction != 0 ? toks[c].start : toks[k].start, end: toks[j - 1].end, type: .date,
                                         value: nil, confidence: EntityConfidence.confirmed))
            return j
        }
        var best: (y: Int, m: Int)? = nil
        var bestDistance = Int.max
        let pm = p.year * 12 + p.month - 1
        for y in [p.year - 1, p.year, p.year + 1] {
            let v = y * 12 + m - 1
            if direction < 0 && v >= pm { continue }
            if direction > 0 && v <= pm { continue }
            let dist = abs(v - pm)
            if dist < bestDistance || (dist == bestDistance && v < pm) { best = (y, m); bestDistance = dist }
        }
        guard let b = best else { return nil }
        let start = direction != 0 ? toks[c].start : toks[k].start
        hits.append(EntityPatternHit(start: start, end: toks[j - 1].end, type: .date,
                                     value: String(format: "%04d-%02d", b.y, b.m), confidence: EntityConfidence.confirmed))
        return j
    }

    /// "13 April", "13 April 2025".
    static func dayMonth(_ k: Int, _ doc: EntityScanDocument, _ published: EntityDay?, _ hits: inout [EntityPatternHit]) -> Int? {
        let toks = doc.tokens
        guard let d = smallNumber(doc, toks[k], max: 31), k + 1 < toks.count, toks[k + 1].gap == 1,
              let (m, j) = month(k + 1, doc) else { return nil }
        if j < toks.count, toks[j].gap == 1, let year = yearValue(doc, toks[j]), EntityDay.valid(year, m, d) {
            hits.append(EntityPatternHit(start: toks[k].start, end: toks[j].end, type: .date,
                                         value: EntityDay(year: year, month: m, day: d).iso, confidence: EntityConfidence.strong))
            return j + 1
        }
        let day = published.flatMap { nearestYear(month: m, day: d, to: $0) }
        hits.append(EntityPatternHit(start: toks[k].start, end: toks[j - 1].end, type: .date, value: day?.iso, confidence: EntityConfidence.likely))
        return j
    }

    /// "2026-04-13" (also the date part of a timestamp).
    static func isoDate(_ k: Int, _ doc: EntityScanDocument, _ hits: inout [EntityPatternHit]) -> Int? {
        let toks = doc.tokens, sc = doc.scalars
        let t = toks[k]
        guard t.length == 4, t.start + 10 <= sc.count, yearValue(doc, t) != nil else { return nil }
        if t.start > 0 && (CharacterClass.isWordCharacter(sc[t.start - 1]) || sc[t.start - 1] == "-") { return nil }
        var text = ""
        for i in t.start..<(t.start + 10) { text.unicodeScalars.append(sc[i]) }
        guard let day = EntityDay(iso: text) else { return nil }
        let end = t.start + 10
        if end < sc.count && (CharacterClass.isASCIIDigit(sc[end]) || sc[end] == "-") { return nil }
        hits.append(EntityPatternHit(start: t.start, end: end, type: .date, value: day.iso, confidence: EntityConfidence.strong))
        return tokenAfter(end, from: k, toks)
    }

    /// "in 2024", "since 2019", "fiscal 2025".
    static func year(_ k: Int, _ doc: EntityScanDocument, _ hits: inout [EntityPatternHit]) -> Int? {
        let toks = doc.tokens
        guard k > 0, let y = yearValue(doc, toks[k]), toks[k].gap == 1 || (toks[k].gap == 0 && toks[k - 1].hash == h.dash),
              toks[k - 1].kind == .word || toks[k - 1].hash == h.dash else { return nil }
        var c = k - 1
        if toks[c].hash == h.dash && c > 0 { c -= 1 }
        guard yearCues[toks[c].foldHash] != nil else { return nil }
        if k + 1 < toks.count {
            let n = toks[k + 1]
            // "in 2024 units", "of 2024%": a count, not a year.
            if n.start == toks[k].end && CharacterClass.isWordCharacter(doc.scalars[n.start]) { return nil }
            if n.hash == h.percentSign || (n.kind == .word && spacedScale[n.foldHash] != nil) { return nil }
        }
        hits.append(EntityPatternHit(start: toks[k].start, end: toks[k].end, type: .date, value: String(y), confidence: EntityConfidence.bareYear))
        return k + 1
    }

    /// "on Monday", "last Friday", "next Tuesday" against the published date.
    static func weekday(_ k: Int, _ doc: EntityScanDocument, _ published: EntityDay?, _ hits: inout [EntityPatternHit]) -> Int? {
        let toks = doc.tokens
        guard let wd = weekdays[toks[k].foldHash] else { return nil }
        // "Monday, April 13": the explicit date that follows says it all.
        var after = k + 1
        if after < toks.count && toks[after].hash == h.comma { after += 1 }
        if after < toks.count, month(after, doc) != nil { return nil }
        // "Black Friday", "Cyber Monday": part of a name.
        if k > 0, toks[k].gap == 1, toks[k - 1].kind == .word, toks[k - 1].isCapitalized, relativeWords[toks[k - 1].foldHash] == nil,
           doc.tokenSentence[k - 1] == doc.tokenSentence[k], weekdayCues[toks[k - 1].foldHash] == nil { return nil }
        var start = toks[k].start
        var direction = 0
        if k > 0, toks[k].gap == 1, toks[k - 1].kind == .word, let r = relativeWords[toks[k - 1].foldHash] {
            direction = r; start = toks[k - 1].start
        }
        guard let p = published else {
            // Without a date, only a weekday that is used as a date: "on Monday", "last Friday", "Tuesday's".
            let cue = direction != 0 || (k > 0 && toks[k].gap == 1 && weekdayCues[toks[k - 1].foldHash] != nil)
                || (k + 1 < toks.count && toks[k + 1].gap == 0 && toks[k + 1].hash == EntityScanHash.exact("'"))
                || (k + 1 < toks.count && toks[k + 1].gap == 1 && partsOfDay[toks[k + 1].foldHash] != nil)
            guard cue else { return nil }
            hits.append(EntityPatternHit(start: start, end: toks[k].end, type: .date, value: nil, confidence: EntityConfidence.confirmed))
            return k + 1
        }
        let back = (p.weekday - wd + 7) % 7
        let offset: Int
        switch direction {
        case -1: offset = -(back == 0 ? 7 : back)
        case 1: offset = ((wd - p.weekday + 7) % 7 == 0 ? 7 : (wd - p.weekday + 7) % 7)
        default: offset = -back
        }
        hits.append(EntityPatternHit(start: start, end: toks[k].end, type: .date,
                                     value: EntityDay(days: p.days + offset).iso, confidence: EntityConfidence.confirmed))
        return k + 1
    }
}
