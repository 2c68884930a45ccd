import Foundation

/// ISO 8601 UTC timestamps, as every record writes them (`2026-11-26T03:00:00Z`).
///
/// Written and read by hand for the one form records use: `ISO8601DateFormatter` builds an ICU
/// formatter on every call, which was over a third of the fetch stage's CPU (a WARC record
/// carries its date, parsed and written again per page). Anything else (an offset instead of
/// `Z`, a year outside 1–9999, a field out of range) goes to `ISO8601DateFormatter` as before (and so do years before 1583, which it counts in the Julian calendar),
/// so what is accepted and what it means are unchanged (`TimestampTests` compares the two).
public enum Timestamp {
    public static func string(_ date: Date) -> String {
        let seconds = date.timeIntervalSince1970.rounded(.down)
        if seconds.isFinite, abs(seconds) < 1e15 {
            let whole = Int64(seconds)
            let days = whole >= 0 ? whole / 86_400 : (whole - 86_399) / 86_400
            let secondOfDay = Int(whole - days * 86_400)
            let (year, month, day) = CivilDays.date(days: Int(days))
            if year >= Self.firstGregorianYear, year <= 9999 {
                var bytes = [UInt8](repeating: 0, count: 20)
                func put(_ value: Int, _ at: Int, _ width: Int) {
                    var value = value
                    for index in stride(from: at + width - 1, through: at, by: -1) { bytes[index] = 0x30 + UInt8(value % 10); value /= 10 }
                }
                put(year, 0, 4); bytes[4] = 0x2D; put(month, 5, 2); bytes[7] = 0x2D; put(day, 8, 2); bytes[10] = 0x54
                put(secondOfDay / 3600, 11, 2); bytes[13] = 0x3A; put(secondOfDay / 60 % 60, 14, 2); bytes[16] = 0x3A
                put(secondOfDay % 60, 17, 2); bytes[19] = 0x5A
                return String(decoding: bytes, as: UTF8.self)
            }
        }
        return formatterString(date)
    }

    public static func parse(_ text: String) -> Date? {
        var contiguous = text
        if let date = contiguous.withUTF8(parseCanonical) { return date }
        return formatterParse(text)
    }

    /// Before the Gregorian reform (October 1582) the formatter counts Julian days; those dates
    /// are left to it.
    static let firstGregorianYear = 1583

    /// `2026-11-26`: the UTC day, which names a report folder.
    public static func day(_ date: Date) -> String { String(string(date).prefix(10)) }

    // MARK: The canonical form by hand

    /// `YYYY-MM-DDTHH:MM:SSZ` with every field in range, else nil (the formatter decides).
    static func parseCanonical(_ bytes: UnsafeBufferPointer<UInt8>) -> Date? {
        guard bytes.count == 20, bytes[4] == 0x2D, bytes[7] == 0x2D, bytes[10] == 0x54, bytes[13] == 0x3A,
              bytes[16] == 0x3A, bytes[19] == 0x5A else { return nil }
        func number(_ at: Int, _ width: Int) -> Int? {
            var value = 0
            for index in at ..< at + width {
                let digit = Int(bytes[index]) - 0x30
                guard (0 ... 9).contains(digit) else { return nil }
                value = value * 10 + digit
            }
            return value
        }
        guard let year = number(0, 4), let month = number(5, 2), let day = number(8, 2), let hour = number(11, 2),
              let minute = number(14, 2), let second = number(17, 2),
              year >= firstGregorianYear, (1 ... 12).contains(month), day >= 1, day <= daysIn(month: month, year: year),
              hour <= 23, minute <= 59, second <= 59 else { return nil }
        let days = CivilDays.days(year: year, month: month, day: day)
        return Date(timeIntervalSince1970: Double(days * 86_400 + hour * 3600 + minute * 60 + second))
    }

    static func daysIn(month: Int, year: Int) -> Int {
        switch month {
        case 2: return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }

    // MARK: Everything else

    static func formatterString(_ date: Date) -> String {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime]
        formatter.timeZone = TimeZone(identifier: "UTC")
        return formatter.string(from: date)
    }

    static func formatterParse(_ text: String) -> Date? {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime]
        return formatter.date(from: text)
    }
}
