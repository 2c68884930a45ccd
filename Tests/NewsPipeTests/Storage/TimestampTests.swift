import Foundation
import Testing
@testable import NewsIO

/// `Timestamp` writes and reads the canonical form by hand; everything must mean what
/// `ISO8601DateFormatter` (`.withInternetDateTime`, UTC) says it means.
@Suite struct TimestampTests {
    static func dates() -> [Date] {
        var state: UInt64 = 0x9E37_79B9_7F4A_7C15
        var result: [Date] = []
        func next() -> UInt64 { state = state &* 6364136223846793005 &+ 1442695040888963407; return state >> 11 }
        // Every era: before 1970, leap days, centuries, far future; whole and fractional seconds.
        let corners: [Double] = [0, -1, -0.5, 0.999, 86_399.999, 951_782_400, 951_868_800, 4_107_542_399, -2_208_988_800,
                                 -62_135_596_800, 253_402_300_799, 253_402_300_800, 1_780_000_000.25]
        result += corners.map(Date.init(timeIntervalSince1970:))
        for _ in 0 ..< 3000 {
            let seconds = Double(next() % 500_000_000_000) - 100_000_000_000
            result.append(Date(timeIntervalSince1970: seconds + (next() % 4 == 0 ? Double(next() % 1000) / 1000 : 0)))
        }
        return result
    }

    @Test func writesWhatTheFormatterWrites() {
        for date in Self.dates() {
            #expect(Timestamp.string(date) == Timestamp.formatterString(date), "\(date.timeIntervalSince1970)")
        }
    }

    @Test func readsWhatTheFormatterReads() {
        for date in Self.dates() {
            let text = Timestamp.formatterString(date)
            #expect(Timestamp.parse(text) == Timestamp.formatterParse(text), "\(text)")
        }
        // Forms the hand-written reader leaves to the formatter, and malformed text.
        let others = ["2026-11-26T03:00:00+01:00", "2026-11-26T03:00:00-05:30", "2026-02-30T00:00:00Z", "2026-13-01T00:00:00Z",
                      "2026-11-26T24:00:00Z", "2026-11-26T03:60:00Z", "2026-11-26T03:00:60Z", "2024-02-29T12:00:00Z",
                      "2023-02-29T12:00:00Z", "0000-01-01T00:00:00Z", "2026-11-26t03:00:00z", "2026-11-26T03:00:00.5Z",
                      "2026-11-26 03:00:00Z", "２０２６-11-26T03:00:00Z", "2026-11-26T03:00Z", "", "Z", "yesterday"]
        for text in others {
            #expect(Timestamp.parse(text) == Timestamp.formatterParse(text), "\(text)")
        }
        #expect(Timestamp.parse("2024-02-29T12:00:00Z") == Date(timeIntervalSince1970: 1_709_208_000))
    }

    @Test func dayNamesTheUTCDay() {
        #expect(Timestamp.day(Date(timeIntervalSince1970: 1_764_115_199)) == "2025-11-25")
        #expect(Timestamp.day(Date(timeIntervalSince1970: 1_764_115_200)) == "2025-11-26")
    }
}
