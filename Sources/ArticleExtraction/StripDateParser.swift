import Foundation
import NewsText
/// Reads the date formats news pages use (ISO 8601, RFC 822-ish, "April 13, 2026",
/// "13 April 2026", "13.04.2026") and writes ISO 8601 (`2026-04-13` or with time and zone).
enum StripDateParser {
    /// ISO 8601 form of `raw`, or nil when no plausible date is in it.
    static func iso(_ raw: String) -> String? {
        let text = raw.stripTrimmed()
        if text.isEmpty { return nil }
        if let iso = isoLike(text) { return iso }
        return wordy(text)
    }

    /// A short line that is mostly a date ("Published 13 April 2026, 10:02"): a dateline.
    static func looksLikeDateLine(_ text: String) -> Bool {
        let words = text.split(whereSeparator: { $0 == " " })
        guard words.count <= 14 else { return false }
        return iso(text) != nil
    }

    private static func digits(_ s: Substring) -> Int? {
        var s = s
        // Ordinal day numbers: "27th", "1st", "2nd", "3rd".
        for suffix in ["st", "nd", "rd", "th"] where s.count > 2 && s.hasSuffix(suffix) { s = s.dropLast(2); break }
        guard !s.isEmpty, s.count <= 4, s.allSatisfy({ $0.isASCII && $0.isNumber }) else { return nil }
        return Int(s)
    }

    /// `2026-04-13`, `2026-04-13T08:00:00Z`, `2026-04-13 08:00:00+02:00`, `2026/04/13`.
    private static func isoLike(_ text: String) -> String? {
        let chars = Array(text.utf8)
        var i = 0
        while i + 10 <= chars.count {
            if isDigit(chars[i]) && isDigit(chars[i + 1]) && isDigit(chars[i + 2])
                && isDigit(chars[i + 3]) && (chars[i + 4] == 0x2D || chars[i + 4] == 0x2F)
                && isDigit(chars[i + 5]) && isDigit(chars[i + 6]) && chars[i + 7] == chars[i + 4]
                && isDigit(chars[i + 8]) && isDigit(chars[i + 9])
                && (i == 0 || !isDigit(chars[i - 1])) {
                let year = number(chars, i, 4), month = number(chars, i + 5, 2)
                let day = number(chars, i + 8, 2)
                guard valid(year, month, day) else { i += 1; continue }
                var out = pad(year, 4) + "-" + pad(month, 2) + "-" + pad(day, 2)
                var j = i + 10
                if j + 5 < chars.count + 0 && (chars[j] == 0x54 || chars[j] == 0x20)
                    && j + 6 <= chars.count && isDigit(chars[j + 1]) && isDigit(chars[j + 2])
                    && chars[j + 3] == 0x3A && isDigit(chars[j + 4]) && isDigit(chars[j + 5]) {
                    let hour = number(chars, j + 1, 2), minute = number(chars, j + 4, 2)
                    var second = 0
                    j += 6
                    if j + 3 <= chars.count && chars[j] == 0x3A && isDigit(chars[j + 1])
                        && isDigit(chars[j + 2]) {
                        second = number(chars, j + 1, 2)
                        j += 3
                    }
                    while j < chars.count && (chars[j] == 0x2E || isDigit(chars[j])) { j += 1 }
                    guard hour < 24 && minute < 60 && second < 61 else { return out }
                    out += "T" + pad(hour, 2) + ":" + pad(minute, 2) + ":" + pad(second, 2)
                    if j < chars.count && (chars[j] == 0x5A || chars[j] == 0x7A) {
                        out += "Z"
                    } else if j + 3 <= chars.count && (chars[j] == 0x2B || chars[j] == 0x2D)
                                && isDigit(chars[j + 1]) && isDigit(chars[j + 2]) {
                        let sign = chars[j] == 0x2B ? "+" : "-"
                        let zh = number(chars, j + 1, 2)
                        var zm = 0
                        var k = j + 3
                        if k < chars.count && chars[k] == 0x3A { k += 1 }
                        if k + 2 <= chars.count && isDigit(chars[k]) && isDigit(chars[k + 1]) {
                            zm = number(chars, k, 2)
                        }
                        out += (zh == 0 && zm == 0) ? "Z" : sign + pad(zh, 2) + ":" + pad(zm, 2)
                    }
                }
                return out
            }
            i += 1
        }
        return nil
    }

    /// "April 13, 2026", "13 April 2026", "Apr. 13 2026", "13. April 2026", "13.04.2026".
    private static func wordy(_ text: String) -> String? {
        let lower = text.lowercased()
        var tokens: [Substring] = []
        var current = lower.startIndex
        var start: String.Index? = nil
        while current < lower.endIndex {
            let c = lower[current]
            if c.isLetter || c.isNumber {
                if start == nil { start = current }
            } else {
                if let s = start { tokens.append(lower[s..<current]); start = nil }
                if c == "." || c == "/" { tokens.append(lower[current...current]) }
            }
            current = lower.index(after: current)
        }
        if let s = start { tokens.append(lower[s..<lower.endIndex]) }
        let words = tokens.filter { $0 != "." && $0 != "/" }
        for (index, token) in words.enumerated() {
            guard let month = CalendarNames.months[String(token)] else { continue }
            // Month then day then year, or day then month then year.
            if index + 2 < words.count, let day = digits(words[index + 1]),
               let year = digits(words[index + 2]), valid(year, month, day) {
                return pad(year, 4) + "-" + pad(month, 2) + "-" + pad(day, 2)
            }
            if index >= 1, index + 1 < words.count, let day = digits(words[index - 1]),
               let year = digits(words[index + 1]), valid(year, month, day) {
                return pad(year, 4) + "-" + pad(month, 2) + "-" + pad(day, 2)
            }
        }
        // Numeric day.month.year (European order); month/day/year only when the day is over 12.
        var k = 0
        while k + 4 < tokens.count {
            if tokens[k + 1] == ".", tokens[k + 3] == ".", let d = digits(tokens[k]),
               let m = digits(tokens[k + 2]), let y = digits(tokens[k + 4]),
               tokens[k + 4].count == 4, valid(y, m, d) {
                return pad(y, 4) + "-" + pad(m, 2) + "-" + pad(d, 2)
            }
            if tokens[k + 1] == "/", tokens[k + 3] == "/", let m = digits(tokens[k]),
               let d = digits(tokens[k + 2]), let y = digits(tokens[k + 4]),
               tokens[k + 4].count == 4, d > 12, valid(y, m, d) {
                return pad(y, 4) + "-" + pad(m, 2) + "-" + pad(d, 2)
            }
            k += 1
        }
        return nil
    }

    private static func valid(_ year: Int, _ month: Int, _ day: Int) -> Bool {
        year >= 1990 && year <= 2100 && month >= 1 && month <= 12 && day >= 1 && day <= 31
    }

    @inline(__always) private static func isDigit(_ b: UInt8) -> Bool { b >= 0x30 && b <= 0x39 }

    private static func number(_ chars: [UInt8], _ at: Int, _ count: Int) -> Int {
        var value = 0
        for k in at..<(at + count) { value = value * 10 + Int(chars[k] - 0x30) }
        return value
    }

    private static func pad(_ value: Int, _ width: Int) -> String {
        let s = String(value)
        return s.count >= width ? s : String(repeating: "0", count: width - s.count) + s
    }
}


extension String {
    /// Trims ASCII and Unicode whitespace at both ends (Foundation-free).
    func stripTrimmed() -> String {
        let scalars = unicodeScalars
        guard let first = scalars.firstIndex(where: { !$0.properties.isWhitespace }),
              let last = scalars.lastIndex(where: { !$0.properties.isWhitespace }) else {
            return ""
        }
        return String(scalars[first...last])
    }
}

/// A date in a URL's path: `/2012/09/14/`, `/2012/09/`, `/20120914/`, `-20120914-`, `/2012-09-14/`.
struct StripURLDate: Equatable {
    var year: Int
    var month: Int
    /// nil when the path names only the month.
    var day: Int?

    /// `2012-09-14` (only when the day is known).
    var iso: String? {
        guard let day else { return nil }
        return String(format: "%04d-%02d-%02d", year, month, day)
    }

    /// Days since 1970-01-01 of the date (the first of the month when the day is not known).
    var dayNumber: Int { StripDates.dayNumber(year, month, day ?? 1) }

    static func find(in url: String?) -> StripURLDate? {
        guard let url else { return nil }
        // The path only: no host, query or fragment.
        var path = Substring(url)
        if let scheme = path.range(of: "://") { path = path[scheme.upperBound...] }
        guard let slash = path.firstIndex(of: "/") else { return nil }
        path = path[slash...]
        if let end = path.firstIndex(where: { $0 == "?" || $0 == "#" }) { path = path[..<end] }
        let bytes = Array(path.utf8)
        let n = bytes.count
        func digits(_ at: Int, _ count: Int) -> Int? {
            guard at >= 0, at + count <= n else { return nil }
            var value = 0
            for k in at ..< at + count {
                guard bytes[k] >= 0x30 && bytes[k] <= 0x39 else { return nil }
                value = value * 10 + Int(bytes[k] - 0x30)
            }
            return value
        }
        func isBoundary(_ at: Int) -> Bool { at < 0 || at >= n || !(bytes[at] >= 0x30 && bytes[at] <= 0x39) && !(bytes[at] | 0x20 >= 0x61 && bytes[at] | 0x20 <= 0x7A) }
        func plausible(_ y: Int, _ m: Int, _ d: Int?) -> Bool {
            y >= StripDates.minYear && y <= 2100 && m >= 1 && m <= 12 && (d.map { $0 >= 1 && $0 <= 31 } ?? true)
        }
        var i = 0
        while i < n {
            if bytes[i] == 0x2F || bytes[i] == 0x2D || bytes[i] == 0x5F {
                let s = i + 1
                // yyyy/mm/dd, yyyy/mm, yyyy-mm-dd
                if let y = digits(s, 4), s + 4 < n, bytes[s + 4] == 0x2F || bytes[s + 4] == 0x2D,
                   let m = digits(s + 5, 2), isBoundary(s + 7) {
                    let sep = bytes[s + 4]
                    if s + 7 < n, bytes[s + 7] == sep, let d = digits(s + 8, 2), isBoundary(s + 10), plausible(y, m, d) {
                        return StripURLDate(year: y, month: m, day: d)
                    }
                    if sep == 0x2F, plausible(y, m, nil) { return StripURLDate(year: y, month: m, day: nil) }
                }
                // yyyymmdd between separators
                if let y = digits(s, 4), let m = digits(s + 4, 2), let d = digits(s + 6, 2),
                   isBoundary(s + 8), plausible(y, m, d) {
                    return StripURLDate(year: y, month: m, day: d)
                }
            }
            i += 1
        }
        return nil
    }
}

/// Calendar arithmetic for the date sanity rules.
enum StripDates {
    /// Dates before this year are not news publication dates (the web's news archives start later).
    static let minYear = 1994

    /// Days since 1970-01-01 (proleptic Gregorian).
    static func dayNumber(_ year: Int, _ month: Int, _ day: Int) -> Int {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let mp = (month + 9) % 12
        let doy = (153 * mp + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }

    /// The day number of an ISO date or date-time (`2012-09-14…`).
    static func dayNumber(iso: String) -> Int? {
        let b = Array(iso.utf8.prefix(10))
        guard b.count == 10, b[4] == 0x2D, b[7] == 0x2D else { return nil }
        func n(_ r: Range<Int>) -> Int? {
            var v = 0
            for k in r { guard b[k] >= 0x30 && b[k] <= 0x39 else { return nil }; v = v * 10 + Int(b[k] - 0x30) }
            return v
        }
        guard let y = n(0 ..< 4), let m = n(5 ..< 7), let d = n(8 ..< 10) else { return nil }
        return dayNumber(y, m, d)
    }
}
