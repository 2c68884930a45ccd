import Foundation
import NewsText

/// Dates as analysts write them: quarters and halves ("the third quarter", "Q3 2019",
/// "first-half"), fiscal years ("fiscal 2009", "FY09"), and days, weeks, months and years relative
/// to the story ("yesterday", "last week", "earlier this month", "a year ago").
///
/// Values: `2019-11-18` (day), `2019-W46` (ISO week), `2019-11` (month), `2019-Q3`, `2019-H1`,
/// `FY2009`, `2019`, `199X` (decade). With no published date a relative date is kept with a nil
/// value (the mention's id and canonical name are then its words).
extension EntityPatterns {
    static let ordinals = table([("first", 1), ("second", 2), ("third", 3), ("fourth", 4), ("1st", 1), ("2nd", 2), ("3rd", 3), ("4th", 4)])
    static let periodUnits = table([("quarter", 3), ("half", 6)])
    /// Words before a weekday that make it a date when no published date resolves it.
    static let weekdayCues = table([("on", 0), ("since", 0), ("by", 0), ("until", 0), ("before", 0), ("after", 0), ("early", 0),
                                    ("late", 0), ("from", 0), ("through", 0), ("next", 1), ("last", -1), ("this", 0), ("each", 0)])
    static let partsOfDay = table([("morning", 0), ("afternoon", 0), ("evening", 0), ("night", 0)])
    static let relativeUnits = table([("day", 1), ("week", 7), ("month", 30), ("quarter", 91), ("year", 365)])
    static let agoWords = table([("ago", -1), ("earlier", -1), ("later", 1), ("before", -1)])
    static let countWords = table([("a", 1), ("an", 1), ("one", 1), ("two", 2), ("three", 3), ("four", 4), ("five", 5), ("six", 6),
                                   ("seven", 7), ("eight", 8), ("nine", 9), ("ten", 10), ("several", 0), ("few", 0)])
    static let earlierLater = table([("earlier", -1), ("later", 1), ("early", -1), ("late", 1), ("mid", 0)])
    static let dayWordsAll = table([("yesterday", -1), ("today", 0), ("tomorrow", 1)])
    private static let theHash = EntityScanHash.folded("the")
    private static let ofHash = EntityScanHash.folded("of")
    private static let fiscalHash = EntityScanHash.folded("fiscal")
    private static let yearHash = EntityScanHash.folded("year")
    private static let apostrophe = EntityScanHash.exact("'")

    // MARK: Calendar arithmetic

    /// ISO week of a day: `2019-W46`.
    static func isoWeek(_ d: EntityDay) -> String {
        // Monday = 1 ... Sunday = 7; the week belongs to the year of its Thursday.
        let weekday = d.weekday == 0 ? 7 : d.weekday
        let thursday = EntityDay(days: d.days - weekday + 4)
        let jan1 = EntityDay(year: thursday.year, month: 1, day: 1)
        let week = (thursday.days - jan1.days) / 7 + 1
        return String(format: "%04d-W%02d", thursday.year, week)
    }

    /// The `index`-th period of `months` months (quarter 3, half 6) in `year`, as text.
    static func periodValue(year: Int, index: Int, months: Int) -> String {
        String(format: months == 3 ? "%04d-Q%d" : "%04d-H%d", year, index)
    }

    /// The year of the most recent `index`-th period that has started by `p` (shifted by
    /// `direction` periods for "last"/"next quarter").
    static func periodYear(index: Int, months: Int, published p: EntityDay) -> Int {
        let startMonth = (index - 1) * months + 1
        return startMonth <= p.month ? p.year : p.year - 1
    }

    /// A four-digit year, or a two-digit one after an apostrophe or "FY" ("'19", "FY09").
    private static func yearAt(_ j: Int, _ doc: EntityScanDocument) -> (year: Int, end: Int)? {
        let toks = doc.tokens
        guard j < toks.count else { return nil }
        if let y = yearNumber(doc, toks[j]) { return (y, j + 1) }
        if toks[j].hash == apostrophe, j + 1 < toks.count, toks[j + 1].gap == 0, toks[j + 1].kind == .number, toks[j + 1].length == 2 {
            return (2000 + twoDigits(doc, toks[j + 1]), j + 2)
        }
        return nil
    }

    private static func yearNumber(_ doc: EntityScanDocument, _ t: EntityScanToken) -> Int? {
        guard t.kind == .number, t.length == 4 else { return nil }
        var v = 0
        for i in t.start..<t.end { v = v * 10 + Int(doc.scalars[i].value - 48) }
        return v >= 1900 && v <= 2100 ? v : nil
    }

    private static func twoDigits(_ doc: EntityScanDocument, _ t: EntityScanToken) -> Int {
        Int(doc.scalars[t.start].value - 48) * 10 + Int(doc.scalars[t.start + 1].value - 48)
    }

    // MARK: Periods

    /// Quarters, halves, fiscal years and decades at token `k`.
    static func period(_ k: Int, _ doc: EntityScanDocument, _ published: EntityDay?, _ hits: inout [EntityPatternHit]) -> Int? {
        let toks = doc.tokens, sc = doc.scalars
        let t = toks[k]
        guard t.kind == .word else { return nil }
        // "Q3", "3Q", "H1" (+ year): written in capitals.
        if t.length == 2, t.upper >= 1 {
            let a = sc[t.start], b = sc[t.start + 1]
            var index = 0, months = 0
            if (a == "Q" || a == "H"), CharacterClass.isASCIIDigit(b) { index = Int(b.value - 48); months = a == "Q" ? 3 : 6 }
            else if (b == "Q" || b == "H"), CharacterClass.isASCIIDigit(a) { index = Int(a.value - 48); months = b == "Q" ? 3 : 6 }
            if months > 0, index >= 1, index <= 12 / months {
                return emitPeriod(start: t.start, after: k + 1, index: index, months: months, doc, published, &hits)
            }
        }
        // "FY2009", "FY09", "FY 2009", "FY'09".
        if t.upper >= 2, doc.string(t.start, min(t.start + 2, t.end)) == "FY" {
            if t.length == 6 || t.length == 4, (t.start + 2..<t.end).allSatisfy({ CharacterClass.isASCIIDigit(sc[$0]) }) {
                var v = 0
                for i in (t.start + 2)..<t.end { v = v * 10 + Int(sc[i].value - 48) }
                let year = t.length == 4 ? 2000 + v : v
                hits.append(EntityPatternHit(start: t.start, end: t.end, type: .date, value: "FY\(year)", confidence: EntityConfidence.strong))
                return k + 1
            }
            if t.length == 2, k + 1 < toks.count, toks[k + 1].gap <= 1, let y = yearAt(k + 1, doc) {
                hits.append(EntityPatternHit(start: t.start, end: toks[y.end - 1].end, type: .date, value: "FY\(y.year)", confidence: EntityConfidence.strong))
                return y.end
            }
        }
        // "fiscal 2009", "fiscal year 2009", "fiscal-year 2010".
        if t.foldHash == fiscalHash, k + 1 < toks.count {
            var j = k + 1
            if toks[j].hash == h.dash, toks[j].gap == 0 { j += 1 }
            if j < toks.count, toks[j].foldHash == yearHash { j += 1 }
            if j < toks.count, toks[j].gap <= 1, let y = yearAt(j, doc) {
                hits.append(EntityPatternHit(start: t.start, end: toks[y.end - 1].end, type: .date, value: "FY\(y.year)", confidence: EntityConfidence.strong))
                return y.end
            }
        }
        // "1990s".
        if t.length == 5, sc[t.start + 4] == "s", (t.start..<(t.start + 4)).allSatisfy({ CharacterClass.isASCIIDigit(sc[$0]) }),
           sc[t.start + 3] == "0" {
            var v = 0
            for i in t.start..<(t.start + 3) { v = v * 10 + Int(sc[i].value - 48) }
            if v >= 180 && v <= 210 {
                let start = k > 0 && toks[k - 1].foldHash == theHash && toks[k].gap == 1 ? toks[k - 1].start : t.start
                hits.append(EntityPatternHit(start: start, end: t.end, type: .date, value: "\(v)X", confidence: EntityConfidence.likely))
                return k + 1
            }
        }
        // "the third quarter", "third-quarter", "the first half of 2019", "fourth quarter 2019".
        guard let index = ordinals[t.foldHash], k + 1 < toks.count else { return nil }
        var j = k + 1
        if toks[j].hash == h.dash, toks[j].gap == 0 { j += 1 }
        guard j < toks.count, toks[j].gap <= 1, toks[j].kind == .word, let months = periodUnits[toks[j].foldHash],
              index <= 12 / months else { return nil }
        var start = t.start
        if k > 0, toks[k - 1].foldHash == theHash, toks[k].gap == 1 { start = toks[k - 1].start }
        // "fiscal third quarter": a quarter of a fiscal year, which the calendar does not place.
        if k > 0, toks[k - 1].foldHash == fiscalHash, toks[k].gap == 1 {
            start = toks[k - 1].start
            if k > 1, toks[k - 2].foldHash == theHash { start = toks[k - 2].start }
            hits.append(EntityPatternHit(start: start, end: toks[j].end, type: .date, value: nil, confidence: EntityConfidence.likely))
            return j + 1
        }
        return emitPeriod(start: start, after: j + 1, index: index, months: months, doc, published, &hits)
    }

    /// A period with its year: written after it ("of 2019", "2019", "'19"), else the most recent one
    /// started by the published date, else unresolved.
    private static func emitPeriod(start: Int, after j: Int, index: Int, months: Int, _ doc: EntityScanDocument,
                                   _ published: EntityDay?, _ hits: inout [EntityPatternHit]) -> Int {
        let toks = doc.tokens
        var y = j
        if y < toks.count, toks[y].foldHash == ofHash, toks[y].gap == 1 { y += 1 }
        if y < toks.count, toks[y].gap <= 1, let year = yearAt(y, doc) {
            hits.append(EntityPatternHit(start: start, end: toks[year.end - 1].end, type: .date,
                                         value: periodValue(year: year.year, index: index, months: months), confidence: EntityConfidence.strong))
            return year.end
        }
        let value = published.map { periodValue(year: periodYear(index: index, months: months, published: $0), index: index, months: months) }
        hits.append(EntityPatternHit(start: start, end: toks[j - 1].end, type: .date, value: value, confidence: EntityConfidence.likely))
        return j
    }

    // MARK: Relative dates

    /// "yesterday", "today", "last week", "this month", "next year", "last quarter", "earlier this
    /// month", "late last year", "a year ago", "two weeks earlier".
    static func relative(_ k: Int, _ doc: EntityScanDocument, _ published: EntityDay?, _ hits: inout [EntityPatternHit]) -> Int? {
        let toks = doc.tokens
        let t = toks[k]
        guard t.kind == .word else { return nil }
        if let d = dayWordsAll[t.foldHash] {
            let value = published.map { EntityDay(days: $0.days + d).iso }
            hits.append(EntityPatternHit(start: t.start, end: t.end, type: .date, value: value, confidence: EntityConfidence.confirmed))
            return k + 1
        }
        // "earlier this month", "late last year": the qualifier joins the span.
        var r0 = k
        if earlierLater[t.foldHash] != nil, k + 1 < toks.count, toks[k + 1].gap == 1, relativeWords[toks[k + 1].foldHash] != nil {
            r0 = k + 1
        }
        if let r = relativeWords[toks[r0].foldHash], r0 + 1 < toks.count, toks[r0 + 1].gap == 1,
           let unit = relativeUnits[toks[r0 + 1].foldHash], unit >= 7 {
            let end = toks[r0 + 1].end
            hits.append(EntityPatternHit(start: t.start, end: end, type: .date,
                                         value: published.map { relativeValue($0, unit: unit, shift: r) }, confidence: EntityConfidence.confirmed))
            return r0 + 2
        }
        // "a year ago", "two weeks earlier", "three months later".
        guard let n = countWords[t.foldHash], k + 2 < toks.count, toks[k + 1].gap == 1, toks[k + 2].gap == 1,
              let unit = relativeUnits[singular(toks[k + 1], doc)], let direction = agoWords[toks[k + 2].foldHash] else { return nil }
        let value: String? = n == 0 ? nil : published.map { shifted($0, unit: unit, count: n * direction) }
        hits.append(EntityPatternHit(start: t.start, end: toks[k + 2].end, type: .date, value: value, confidence: EntityConfidence.confirmed))
        return k + 3
    }

    private static func singular(_ t: EntityScanToken, _ doc: EntityScanDocument) -> UInt64 {
        let w = doc.string(t.start, t.end).lowercased()
        return EntityScanHash.folded(w.hasSuffix("s") ? String(w.dropLast()) : w)
    }

    /// The period containing the published day shifted by `shift` units of `unit` days.
    private static func relativeValue(_ p: EntityDay, unit: Int, shift: Int) -> String {
        switch unit {
        case 7: return isoWeek(EntityDay(days: p.days + 7 * shift))
        case 30:
            let m = p.year * 12 + p.month - 1 + shift
            return String(format: "%04d-%02d", m / 12, m % 12 + 1)
        case 91:
            let q = p.year * 4 + (p.month - 1) / 3 + shift
            return periodValue(year: q / 4, index: q % 4 + 1, months: 3)
        default: return String(p.year + shift)
        }
    }

    /// The day, week, month or year `count` units away from the published day.
    private static func shifted(_ p: EntityDay, unit: Int, count: Int) -> String {
        switch unit {
        case 1: return EntityDay(days: p.days + count).iso
        case 7: return isoWeek(EntityDay(days: p.days + 7 * count))
        case 30, 91:
            let months = unit == 30 ? count : 3 * count
            let m = p.year * 12 + p.month - 1 + months
            return String(format: "%04d-%02d", m / 12, m % 12 + 1)
        default: return String(p.year + count)
        }
    }
}
