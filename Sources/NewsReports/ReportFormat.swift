import Foundation
import NewsIO

/// Locale-independent formatting of numbers and dates for every report file.
///
/// Report files must be byte-identical for equal inputs on any machine, so nothing here goes
/// through `NumberFormatter`, `DateFormatter` or `String(format:)` with a user locale.
enum ReportFormat {
    /// `value` rounded half away from zero to `digits` decimals, with a `.` separator and no
    /// exponent; `-0` prints as `0`. Non-finite values print as an empty string.
    static func fixed(_ value: Double, digits: Int) -> String {
        guard value.isFinite else { return "" }
        var scale = 1.0
        for _ in 0..<digits { scale *= 10 }
        let scaled = (abs(value) * scale).rounded(.toNearestOrAwayFromZero)
        // Beyond 2^53 there are no fractional digits left to print; Swift's description is exact
        // and locale-free (it may use an exponent for such absurd values).
        guard scaled < 9.0e15 else { return value.rounded().description }
        let units = Int64(scaled)
        if units == 0 { return digits == 0 ? "0" : "0." + String(repeating: "0", count: digits) }
        let sign = value < 0 ? "-" : ""
        guard digits > 0 else { return sign + String(units) }
        let divisor = Int64(scale)
        let whole = units / divisor
        var fraction = String(units % divisor)
        fraction = String(repeating: "0", count: digits - fraction.count) + fraction
        return "\(sign)\(whole).\(fraction)"
    }

    /// Thousands separated with a thin space for reading (HTML and Markdown only, never CSV).
    static func grouped(_ value: Int) -> String {
        let digits = String(abs(value))
        var out = ""
        for (index, character) in digits.enumerated() {
            if index > 0 && (digits.count - index) % 3 == 0 { out.append(",") }
            out.append(character)
        }
        return value < 0 ? "-" + out : out
    }

    /// `2026-04-13T08:00:00Z` for a date (UTC, whole seconds).
    static func timestamp(_ date: Date) -> String {
        let seconds = Int64(date.timeIntervalSince1970.rounded(.down))
        let days = Int(floorDiv(seconds, 86_400))
        let secondOfDay = Int(seconds - Int64(days) * 86_400)
        return ReportDay.string(days) + "T" + two(secondOfDay / 3600) + ":" + two(secondOfDay / 60 % 60)
            + ":" + two(secondOfDay % 60) + "Z"
    }

    static func two(_ value: Int) -> String { value < 10 ? "0\(value)" : "\(value)" }

    static func floorDiv(_ a: Int64, _ b: Int64) -> Int64 {
        let quotient = a / b
        return (a % b != 0 && (a < 0) != (b < 0)) ? quotient - 1 : quotient
    }
}

/// A calendar day as a count of days since 1970-01-01 (proleptic Gregorian, UTC).
///
/// Days are kept as integers while aggregating so per-day counters stay small and sort cheaply.
enum ReportDay {
    /// Days since the epoch for a civil date.
    static func days(year: Int, month: Int, day: Int) -> Int { CivilDays.days(year: year, month: month, day: day) }

    /// `YYYY-MM-DD` for days since the epoch.
    static func string(_ days: Int) -> String {
        let (year, month, day) = CivilDays.date(days: days)
        let yearText = String(year)
        return String(repeating: "0", count: max(0, 4 - yearText.count)) + yearText + "-"
            + ReportFormat.two(month) + "-" + ReportFormat.two(day)
    }
}

/// A document's `published` value reduced to what the report sorts and groups by.
struct ReportPublished: Sendable, Equatable {
    /// Calendar day in UTC when the value had a zone offset, otherwise the day as written.
    var day: Int
    /// Seconds since the epoch, for ordering documents within a day (date-only values sort first).
    var instant: Int64
    /// Whether the value had a time of day (and so `instant` is more than the day's start).
    var hasTime: Bool
    /// Whether the value named its zone (`Z` or an offset), so `instant` is true UTC.
    var hasZone: Bool

    init(day: Int, instant: Int64, hasTime: Bool, hasZone: Bool) {
        self.day = day
        self.instant = instant
        self.hasTime = hasTime
        self.hasZone = hasZone
    }

    /// Parses `2026-04-13`, `2026-04-13T08:00:00Z`, `2026-04-13T08:00:00.5+02:00`,
    /// `2026-04-13 08:00` and similar; nil for anything else.
    init?(_ text: String?) {
        guard let text else { return nil }
        let bytes = Array(text.trimmingCharacters(in: .whitespaces).utf8)
        func number(_ from: Int, _ count: Int) -> Int? {
            guard from + count <= bytes.count else { return nil }
            var value = 0
            for byte in bytes[from..<(from + count)] {
                guard byte >= 0x30 && byte <= 0x39 else { return nil }
                value = value * 10 + Int(byte - 0x30)
            }
            return value
        }
        guard bytes.count >= 10, bytes[4] == 0x2D, bytes[7] == 0x2D,
              let year = number(0, 4), let month = number(5, 2), let dayOfMonth = number(8, 2),
              (1...12).contains(month), (1...31).contains(dayOfMonth) else { return nil }
        var days = ReportDay.days(year: year, month: month, day: dayOfMonth)
        var seconds: Int64 = 0
        var zoned = false
        if bytes.count > 10 {
            guard bytes[10] == 0x54 || bytes[10] == 0x74 || bytes[10] == 0x20,
                  let hour = number(11, 2), bytes.count > 13, bytes[13] == 0x3A, let minute = number(14, 2),
                  hour < 24, minute < 60 else { return nil }
            var index = 16
            var second = 0
            if index < bytes.count && bytes[index] == 0x3A {
                guard let value = number(index + 1, 2), value < 61 else { return nil }
                second = value
                index += 3
                if index < bytes.count && (bytes[index] == 0x2E || bytes[index] == 0x2C) {
                    index += 1
                    while index < bytes.count && bytes[index] >= 0x30 && bytes[index] <= 0x39 { index += 1 }
                }
            }
            var offsetSeconds = 0
            zoned = index < bytes.count
            if index < bytes.count {
                switch bytes[index] {
                case 0x5A, 0x7A:
                    guard index + 1 == bytes.count else { return nil }
                case 0x2B, 0x2D:
                    let sign = bytes[index] == 0x2D ? -1 : 1
                    guard let offsetHour = number(index + 1, 2) else { return nil }
                    var offsetMinute = 0
                    var end = index + 3
                    if end < bytes.count && bytes[end] == 0x3A { end += 1 }
                    if end < bytes.count {
                        guard let value = number(end, 2), end + 2 == bytes.count else { return nil }
                        offsetMinute = value
                    }
                    offsetSeconds = sign * (offsetHour * 3600 + offsetMinute * 60)
                default:
                    return nil
                }
            }
            let local = Int64(hour * 3600 + minute * 60 + second - offsetSeconds)
            days += Int(ReportFormat.floorDiv(local, 86_400))
            seconds = local - ReportFormat.floorDiv(local, 86_400) * 86_400
        }
        day = days
        instant = Int64(days) * 86_400 + seconds
        hasTime = bytes.count > 10
        hasZone = zoned
    }

    var dayString: String { ReportDay.string(day) }

    /// `2026-04-13 08:30 UTC`, `2026-04-13 08:30` (zone unknown) or `2026-04-13`, for reading.
    var display: String {
        guard hasTime else { return dayString }
        let secondOfDay = Int(instant - Int64(day) * 86_400)
        return dayString + " " + ReportFormat.two(secondOfDay / 3600) + ":" + ReportFormat.two(secondOfDay / 60 % 60)
            + (hasZone ? " UTC" : "")
    }
}
