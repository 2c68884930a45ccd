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
        guard !s.isEmpty, s.allSatisfy({ $0.isASCII && $0.isNumber }) else { return nil }
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
        // Numeric day.month.year (European order).
        var k = 0
        while k + 4 < tokens.count {
            if tokens[k + 1] == ".", tokens[k + 3] == ".", let d = digits(tokens[k]),
               let m = digits(tokens[k + 2]), let y = digits(tokens[k + 4]),
               tokens[k + 4].count == 4, valid(y, m, d) {
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
