import Foundation
import NewsText

/// Where the layout of a text, not its words, says what a capitalised word is: datelines
/// ("NEW YORK (Reuters) -"), clock times ("10:30 PM ET"), the first word of a sentence or line.
enum EntityDocumentShape {
    private static let openHash = EntityScanHash.exact("(")
    private static let commaHash = EntityScanHash.exact(",")
    private static let colonHash = EntityScanHash.exact(":")
    private static let dotHash = EntityScanHash.exact(".")
    private static let dashes: Set<UInt64> = ["\u{2014}", "\u{2015}"].map(EntityScanHash.exact).reduce(into: []) { $0.insert($1) }
    private static let hyphenHash = EntityScanHash.exact("-")
    private static let openers: Set<UInt64> = ["\"", "'", "(", "[", "\u{201C}", "\u{2018}", "*", "-", "\u{2022}", "|", ">", "#"]
        .map(EntityScanHash.exact).reduce(into: []) { $0.insert($1) }
    private static let meridiem = EntityScanHashSet(hashes: ["am", "pm", "a", "p", "est", "edt", "et", "pt", "pst", "pdt",
                                                             "ct", "cst", "cdt", "mt", "gmt", "utc", "bst", "cet", "jst", "ist"]
        .map(EntityScanHash.folded))

    /// Scalar ranges of the place words of datelines: at the start of a line, one to four words in
    /// capitals (optionally ", State"), then "(Agency)", a dash or a date ("LONDON 1996-08-30").
    static func datelines(_ doc: EntityScanDocument) -> [Range<Int>] {
        let toks = doc.tokens
        var out: [Range<Int>] = []
        var k = 0
        while k < toks.count {
            defer { k += 1 }
            guard k == 0 || toks[k].gap == 2 else { continue }
            var e = k
            var letters = 0
            while e < toks.count && e - k < 4 && toks[e].kind == .word && toks[e].isAllCaps && (e == k || toks[e].matchGap == 1) {
                letters += Int(toks[e].upper); e += 1
            }
            guard e > k, letters >= 3, e < toks.count, toks[e].gap < 2 else { continue }
            var n = e
            // ", Calif." / ", N.Y." / ", Texas": a state after the place.
            if toks[n].hash == commaHash {
                var m = n + 1
                while m < toks.count && m - n <= 5 && toks[m].gap < 2 && (toks[m].kind == .word && toks[m].isCapitalized || toks[m].hash == dotHash) { m += 1 }
                if m > n + 1 { n = m }
            }
            guard n < toks.count, toks[n].gap < 2 else { continue }
            let next = toks[n]
            // "(Reuters)", an em or en dash (a hyphen also heads sports results: "CRICKET - ..."),
            // or a date ("LONDON 1996-08-30"); a plain number is a results table ("CHICAGO 62 71").
            let agency = next.hash == openHash && n + 2 < toks.count && toks[n + 1].kind == .word && toks[n + 1].isCapitalized
            let isoDate = next.kind == .number && next.length == 4 && n + 1 < toks.count && toks[n + 1].hash == hyphenHash && toks[n + 1].gap == 0
            if agency || dashes.contains(next.hash) || isoDate { out.append(toks[k].start..<toks[e - 1].end) }
        }
        return out
    }

    /// Scalar ranges of clock times with their meridiem and zone ("10:30 PM ET", "5:17 p.m."):
    /// the letters after a time are not names.
    static func clockTimes(_ doc: EntityScanDocument) -> [Range<Int>] {
        let toks = doc.tokens
        var out: [Range<Int>] = []
        var k = 0
        while k + 2 < toks.count {
            guard toks[k].kind == .number, toks[k].length <= 2, toks[k + 1].hash == colonHash, toks[k + 1].gap == 0,
                  toks[k + 2].kind == .number, toks[k + 2].length == 2, toks[k + 2].gap == 0 else { k += 1; continue }
            var e = k + 3
            var words = 0
            while e < toks.count && words < 3 && toks[e].gap <= 1 {
                if toks[e].kind == .word && meridiem.contains(toks[e].foldHash) { words += 1; e += 1; continue }
                if toks[e].hash == dotHash && toks[e].gap == 0 { e += 1; continue }
                break
            }
            out.append(toks[k].start..<toks[e - 1].end)
            k = e
        }
        return out
    }

    /// Whether token `k` starts its sentence or its line (after opening quotes, bullets or dashes).
    static func startsSentenceOrLine(_ k: Int, _ doc: EntityScanDocument) -> Bool {
        let toks = doc.tokens
        var p = k - 1
        while p >= 0 && toks[p].kind == .punct && openers.contains(toks[p].hash) && toks[p + 1].gap < 2 { p -= 1 }
        if p < 0 { return true }
        if toks[p + 1].gap == 2 { return true }
        return doc.tokenSentence[p] != doc.tokenSentence[k]
            || (toks[p].kind == .punct && (toks[p].hash == dotHash || toks[p].hash == colonHash))
    }

    /// Whether token `k` stands on a line with two or more numbers (a table row: "Hull 4 3 0 1").
    static func onTableRow(_ k: Int, _ doc: EntityScanDocument) -> Bool {
        let toks = doc.tokens
        var a = k
        while a > 0 && toks[a].gap < 2 { a -= 1 }
        var numbers = 0
        var e = a
        while e < toks.count && (e == a || toks[e].gap < 2) {
            if toks[e].kind == .number { numbers += 1 }
            e += 1
        }
        return numbers >= 2
    }

    /// Whether tokens `a..<b` are a whole line of at most four words (a heading such as "Most Popular").
    static func isWholeShortLine(_ a: Int, _ b: Int, _ doc: EntityScanDocument) -> Bool {
        let toks = doc.tokens
        guard a < toks.count, b <= toks.count, a < b else { return false }
        var s = a
        while s > 0 && toks[s].gap < 2 && toks[s - 1].kind == .punct { s -= 1 }
        guard s == 0 || toks[s].gap == 2 else { return false }
        var e = b
        while e < toks.count && toks[e].gap < 2 && toks[e].kind == .punct { e += 1 }
        guard e == toks.count || toks[e].gap == 2 else { return false }
        return toks[a..<b].filter { $0.kind != .punct }.count <= 4
    }
}
