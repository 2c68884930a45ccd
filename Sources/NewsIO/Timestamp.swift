import Foundation

/// ISO 8601 UTC timestamps, as every record writes them.
public enum Timestamp {
    public static func string(_ date: Date) -> String {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime]
        formatter.timeZone = TimeZone(identifier: "UTC")
        return formatter.string(from: date)
    }

    public static func parse(_ text: String) -> Date? {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime]
        return formatter.date(from: text)
    }

    /// `2026-11-26`: the UTC day, which names a report folder.
    public static func day(_ date: Date) -> String { String(string(date).prefix(10)) }
}
