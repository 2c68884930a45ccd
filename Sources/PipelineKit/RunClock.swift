import Foundation
import NewsIO

/// The time a run starts at: now, or for tests and the nights benchmark the instant in
/// `NEWSPIPE_NOW` (ISO 8601, `2026-11-26T02:30:00Z`), so a night can be dated without waiting
/// for the calendar. Reports, retention and WARC dates all follow it.
public enum RunClock {
    public static func now(environment: [String: String] = ProcessInfo.processInfo.environment) -> Date {
        if let text = environment["NEWSPIPE_NOW"], let date = Timestamp.parse(text) { return date }
        return Date()
    }
}
