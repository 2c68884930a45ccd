import Foundation
import Testing
@testable import NewsReports
@testable import NewsIO
@testable import NewsRecords

/// history.sqlite across nights: one set of rows per night, replaced by a rerun, read back as
/// trends by the page and the static report.
@Suite struct ReportHistoryTests {
    static let day = 86_400.0

    /// Builds the report of `night` (days after the fixture's run) into its own folder, sharing one history.
    static func night(_ offset: Int, history: URL, root: URL, previous: Bool = false) throws -> URL {
        var inputs = previous ? ReportFixture.previousInputs() : ReportFixture.inputs()
        inputs.runStartedAt = ReportFixture.started.addingTimeInterval(Double(offset) * day)
        inputs.runFinishedAt = ReportFixture.finished.addingTimeInterval(Double(offset) * day)
        inputs.history = history
        inputs.night = nil
        let folder = root.appendingPathComponent(inputs.reportNight)
        _ = try ReportBuilder().build(inputs, into: folder)
        return folder
    }

    static func rows(_ url: URL, _ sql: String) throws -> [[String?]] {
        let database = try ReportSQLiteDatabase(path: url.path, readOnly: true)
        defer { database.close() }
        return try database.rows(sql)
    }

    @Test func eachNightIsRecordedOnceAndARerunReplacesIt() throws {
        let root = try ReportFixture.temporaryFolder()
        let history = root.appendingPathComponent(ReportHistory.fileName)
        _ = try Self.night(-8, history: history, root: root, previous: true)
        _ = try Self.night(-1, history: history, root: root, previous: true)
        _ = try Self.night(0, history: history, root: root)
        #expect(try Self.rows(history, "SELECT night, documents FROM nights ORDER BY night").map { $0.compactMap { $0 } }
                == [["2026-04-07", "3"], ["2026-04-14", "3"], ["2026-04-15", "8"]])
        let before = try Self.rows(history, "SELECT count(*) FROM night_tickers")
        // A rerun of the last night, now with the smaller input: its rows are replaced, not added.
        _ = try Self.night(0, history: history, root: root, previous: true)
        #expect(try Self.rows(history, "SELECT count(*) FROM nights") == [["3"]])
        #expect(try Self.rows(history, "SELECT documents FROM nights WHERE night = '2026-04-15'") == [["3"]])
        #expect(try Self.rows(history, "SELECT count(*) FROM night_tickers WHERE night = '2026-04-15'")
                == Self.rows(history, "SELECT count(*) FROM night_tickers WHERE night = '2026-04-14'"))
        _ = try Self.night(0, history: history, root: root)
        #expect(try Self.rows(history, "SELECT count(*) FROM night_tickers") == before)
        // Counts agree with the night's report.
        let nvda = try Self.rows(history, "SELECT mentions FROM night_tickers WHERE night = '2026-04-15' AND ticker = 'NVDA'")
        let tickers = try ReportFixture.csv(root.appendingPathComponent("2026-04-15"), "tickers.csv")
        #expect(nvda == [[String(tickers.filter { $0[0] == "NVDA" }.reduce(0) { $0 + Int($1[2])! })]])
        #expect(try Self.rows(history, "SELECT company FROM night_tickers WHERE night = '2026-04-15' AND ticker = 'NVDA'") == [["Nvidia"]])
        #expect(try Self.rows(history, "PRAGMA user_version") == [["1"]])
        #expect(try Self.rows(history, "PRAGMA integrity_check") == [["ok"]])
    }

    @Test func thePageAndTheStaticReportShowTheTrends() throws {
        let root = try ReportFixture.temporaryFolder()
        let history = root.appendingPathComponent(ReportHistory.fileName)
        _ = try Self.night(-8, history: history, root: root, previous: true)
        _ = try Self.night(-1, history: history, root: root, previous: true)
        let folder = try Self.night(0, history: history, root: root)
        let page = try ReportPageTests.read(folder)
        let data = try #require(page.data["history"] as? [String: Any])
        #expect(data["nights"] as? [String] == ["2026-04-07", "2026-04-14", "2026-04-15"])
        #expect(data["documents"] as? [Int] == [3, 3, 8])
        let tickers = try #require(data["tickers"] as? [String: [Any]])
        let symbols = tickers["symbol"] as? [String] ?? []
        let nvda = try #require(symbols.firstIndex(of: "NVDA"))
        let series = try #require((tickers["mentions"] as? [[Int]])?[nvda])
        #expect(series.count == 3 && series.last == 7)
        // AMD was not mentioned in the earlier nights: zeros, not missing values.
        let amd = try #require(symbols.firstIndex(of: "AMD"))
        #expect((tickers["mentions"] as? [[Int]])?[amd].prefix(2) == [0, 0])
        let entities = try #require(data["entities"] as? [String: [Any]])
        #expect((entities["id"] as? [String] ?? []).contains("per:lisa-su"))

        let html = page.html
        #expect(html.contains("<h2 id=\"trends\">30-day trends</h2>"))
        #expect(html.contains("against the previous run (2026-04-14)"))
        #expect(html.contains("and the run a week before (2026-04-07)"))
        #expect(html.contains("<svg class=\"spark\""))
        // Without a history the page says so and the static report has no trends section.
        let (alone, _) = try ReportFixture.buildFixtureReport()
        #expect(try !ReportFixture.text(alone, "report.html").contains("<h2 id=\"trends\">"))
        #expect(try ReportPageTests.read(alone).data["history"] == nil)
    }

    @Test func trendsCompareNightAgainstNight() throws {
        func series(_ key: String, _ values: [Int]) -> ReportHistoryWindow.Series {
            .init(key: key, name: key, type: "TICKER", mentions: values, bullish: values.map { $0 / 2 }, bearish: values.map { _ in 0 })
        }
        let window = ReportHistoryWindow(nights: ["2026-03-01", "2026-04-01", "2026-04-05", "2026-04-08", "2026-04-09"],
                                         documents: [1, 2, 3, 4, 5], mentions: [10, 20, 30, 40, 50],
                                         tickers: [series("AAA", [1, 2, 3, 4, 10]), series("BBB", [5, 5, 5, 5, 0])], entities: [])
        let trends = try #require(ReportTrends(window))
        #expect(trends.previousNight == "2026-04-08")
        #expect(trends.weekBefore == "2026-04-01")  // 8 nights before; 2026-04-05 is only 4
        #expect(trends.documents.tonight == 5 && trends.documents.weekBefore == 2)
        #expect(trends.nightCount == 4)  // 2026-03-01 is more than 30 nights back
        #expect(trends.tickers.map(\.key) == ["AAA", "BBB"])
        #expect(trends.tickers[0].previousNight == 4 && trends.tickers[0].weekBefore == 2 && trends.tickers[0].balance == 0.5)
        #expect(trends.tickers[1].tonight == 0 && trends.tickers[1].balance == nil)
        #expect(trends.tickers[0].nights[ReportPublished("2026-03-01")!.day] == nil)
        #expect(ReportTrends(ReportHistoryWindow(nights: ["2026-04-09"], documents: [1], mentions: [1], tickers: [], entities: [])) == nil)
    }

    @Test func aNewerHistoryFormatIsRefused() throws {
        let root = try ReportFixture.temporaryFolder()
        let url = root.appendingPathComponent(ReportHistory.fileName)
        let database = try ReportSQLiteDatabase(path: url.path)
        try database.execute("PRAGMA user_version = 99")
        database.close()
        #expect(throws: FileError.self) { _ = try ReportHistory(url: url) }
    }
}
