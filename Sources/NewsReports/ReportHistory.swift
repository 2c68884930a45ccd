import Foundation
import NewsIO
import NewsRecords

/// One night's figures as the history keeps them.
struct ReportHistoryNight: Sendable, Equatable {
    struct Count: Sendable, Equatable {
        var key: String
        var name: String
        var type: String
        var ticker: String?
        var mentions: Int
        var documents: Int
        var sites: Int
        var bullish: Int
        var bearish: Int
        var neutral: Int
    }

    /// The run date, `YYYY-MM-DD`: the report folder's name.
    var night: String
    var startedAt: String
    var finishedAt: String
    var manifestHash: String
    var status: String
    var documents: Int
    var mentions: Int
    var namedEntities: Int
    var sites: Int
    var mirrorsRemoved: Int
    var rejected: Int
    var firstDay: String?
    var lastDay: String?
    /// Tickers: key = symbol, name = company (today's name), type `TICKER`.
    var tickers: [Count]
    /// Named entities other than ticker symbols, most mentioned first, at most `entitiesKept`.
    var entities: [Count]
}

/// The nights of a window, oldest first, with series for the most mentioned tickers and entities.
struct ReportHistoryWindow: Sendable, Equatable {
    struct Series: Sendable, Equatable {
        var key: String
        var name: String
        var type: String
        /// One value per night of `nights`.
        var mentions: [Int]
        var bullish: [Int]
        var bearish: [Int]
    }

    var nights: [String]
    var documents: [Int]
    var mentions: [Int]
    var tickers: [Series]
    var entities: [Series]

    var isEmpty: Bool { nights.isEmpty }
}

/// `history.sqlite`, kept beside the dated report folders: per night, the run's totals and each
/// ticker's and entity's counts and tone, so that a report can show trends and what changed
/// since the previous night and week without reading old report folders.
///
/// Written idempotently: a night's rows are replaced in one transaction (a rerun of the same
/// night gives the same rows, never a second copy). SQLite's rollback journal with full sync
/// makes the write crash-safe: a run killed mid-write leaves the previous state, and the next
/// run writes the night again. Readers (a notebook, DuckDB's sqlite extension) may hold the file
/// open; the writer waits for them up to `busyMilliseconds`.
///
/// Tables: `nights` (one row per run date), `night_tickers` and `night_entities` (one row per
/// night and ticker or entity). `PRAGMA user_version` is the format version.
final class ReportHistory {
    static let fileName = "history.sqlite"
    static let formatVersion = 1
    /// Entities kept per night (most mentioned first): enough for any trend an analyst looks
    /// at, and about 1 MB a night instead of every one-mention name.
    static let entitiesKept = 5_000
    /// Nights the page and the static report read back: 30-day trends, plus the 30 before them
    /// for "week before" comparisons near the start of the window.
    static let windowDays = 60
    /// Series embedded in the page: the most mentioned over the window.
    static let tickersInWindow = 200
    static let entitiesInWindow = 300
    static let busyMilliseconds: Int32 = 30_000

    private let database: ReportSQLiteDatabase

    init(url: URL) throws {
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        database = try ReportSQLiteDatabase(path: url.path)
        database.waitWhenBusy(milliseconds: Self.busyMilliseconds)
        try database.execute("PRAGMA journal_mode = DELETE; PRAGMA synchronous = FULL;")
        let version = try database.rows("PRAGMA user_version").first?.first?.flatMap { Int($0) } ?? 0
        if version > Self.formatVersion {
            throw FileError.io(path: url.path, reason: "history format \(version) is newer than this newspipe reads (\(Self.formatVersion)); use a newer newspipe or move the file away")
        }
        try database.execute("""
        BEGIN IMMEDIATE;
        CREATE TABLE IF NOT EXISTS "nights" ("night" TEXT PRIMARY KEY, "started_at" TEXT, "finished_at" TEXT,
          "manifest_hash" TEXT, "status" TEXT, "documents" INTEGER, "mentions" INTEGER, "named_entities" INTEGER,
          "sites" INTEGER, "mirrors_removed" INTEGER, "rejected" INTEGER, "first_day" TEXT, "last_day" TEXT);
        CREATE TABLE IF NOT EXISTS "night_tickers" ("night" TEXT NOT NULL, "ticker" TEXT NOT NULL, "company" TEXT,
          "mentions" INTEGER, "documents" INTEGER, "sites" INTEGER, "bullish" INTEGER, "bearish" INTEGER,
          "neutral" INTEGER, "tone_balance" REAL, PRIMARY KEY ("night", "ticker"));
        CREATE TABLE IF NOT EXISTS "night_entities" ("night" TEXT NOT NULL, "entity_id" TEXT NOT NULL, "name" TEXT,
          "type" TEXT, "ticker" TEXT, "mentions" INTEGER, "documents" INTEGER, "sites" INTEGER, "bullish" INTEGER,
          "bearish" INTEGER, "neutral" INTEGER, "tone_balance" REAL, PRIMARY KEY ("night", "entity_id"));
        CREATE INDEX IF NOT EXISTS "night_tickers_ticker" ON "night_tickers" ("ticker", "night");
        CREATE INDEX IF NOT EXISTS "night_entities_entity" ON "night_entities" ("entity_id", "night");
        PRAGMA user_version = \(Self.formatVersion);
        COMMIT;
        """)
    }

    deinit { database.close() }

    func close() { database.close() }

    /// Replaces the rows of `night.night` with these, in one transaction.
    func record(_ night: ReportHistoryNight) throws {
        try database.execute("BEGIN IMMEDIATE")
        do {
            let key = ReportJSON.sqlString(night.night)
            try database.execute("""
            DELETE FROM "night_tickers" WHERE "night" = \(key);
            DELETE FROM "night_entities" WHERE "night" = \(key);
            DELETE FROM "nights" WHERE "night" = \(key);
            """)
            try database.prepare("INSERT INTO \"nights\" VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)").run([
                .text(night.night), .text(night.startedAt), .text(night.finishedAt), .text(night.manifestHash),
                .text(night.status), .integer(night.documents), .integer(night.mentions), .integer(night.namedEntities),
                .integer(night.sites), .integer(night.mirrorsRemoved), .integer(night.rejected), .text(night.firstDay),
                .text(night.lastDay),
            ])
            let ticker = try database.prepare("INSERT INTO \"night_tickers\" VALUES (?,?,?,?,?,?,?,?,?,?)")
            for row in night.tickers {
                try ticker.run([.text(night.night), .text(row.key), .text(row.name.isEmpty ? nil : row.name),
                                .integer(row.mentions), .integer(row.documents), .integer(row.sites), .integer(row.bullish),
                                .integer(row.bearish), .integer(row.neutral), .number(Self.balance(row), digits: 3)])
            }
            let entity = try database.prepare("INSERT INTO \"night_entities\" VALUES (?,?,?,?,?,?,?,?,?,?,?,?)")
            for row in night.entities.prefix(Self.entitiesKept) {
                try entity.run([.text(night.night), .text(row.key), .text(row.name), .text(row.type), .text(row.ticker),
                                .integer(row.mentions), .integer(row.documents), .integer(row.sites), .integer(row.bullish),
                                .integer(row.bearish), .integer(row.neutral), .number(Self.balance(row), digits: 3)])
            }
            try database.execute("COMMIT")
        } catch {
            try? database.execute("ROLLBACK")
            throw error
        }
    }

    static func balance(_ row: ReportHistoryNight.Count) -> Double {
        row.mentions == 0 ? 0 : Double(row.bullish - row.bearish) / Double(row.mentions)
    }

    /// The nights in the `windowDays` days up to and including `night` (nights after it, from a
    /// rerun of an older night, are left out), with the series of the most mentioned tickers and
    /// entities over those nights.
    func window(endingAt night: String, days: Int = ReportHistory.windowDays) throws -> ReportHistoryWindow {
        guard let end = ReportPublished(night)?.day else { return ReportHistoryWindow(nights: [], documents: [], mentions: [], tickers: [], entities: []) }
        let first = ReportJSON.sqlString(ReportDay.string(end - days + 1)), last = ReportJSON.sqlString(night)
        var nights: [String] = [], documents: [Int] = [], mentions: [Int] = []
        let statement = try database.prepare("""
        SELECT "night", "documents", "mentions" FROM "nights" WHERE "night" >= \(first) AND "night" <= \(last) ORDER BY "night"
        """)
        while try statement.step() {
            guard let name = statement.text(0) else { continue }
            nights.append(name)
            documents.append(statement.integer(1) ?? 0)
            mentions.append(statement.integer(2) ?? 0)
        }
        let position = Dictionary(uniqueKeysWithValues: nights.enumerated().map { ($0.element, $0.offset) })
        func series(table: String, key: String, name: String, type: String?, limit: Int) throws -> [ReportHistoryWindow.Series] {
            let inWindow = "\"night\" >= \(first) AND \"night\" <= \(last)"
            let top = try database.prepare("""
            SELECT \(key), sum("mentions") AS total FROM "\(table)" WHERE \(inWindow)
            GROUP BY \(key) ORDER BY total DESC, \(key) LIMIT \(limit)
            """)
            var keys: [String] = []
            while try top.step() { if let value = top.text(0) { keys.append(value) } }
            var result: [String: ReportHistoryWindow.Series] = [:]
            for key in keys {
                result[key] = .init(key: key, name: key, type: type == nil ? "TICKER" : "", mentions: Array(repeating: 0, count: nights.count),
                                    bullish: Array(repeating: 0, count: nights.count),
                                    bearish: Array(repeating: 0, count: nights.count))
            }
            let rows = try database.prepare("""
            SELECT "night", \(key), \(name), "mentions", "bullish", "bearish", \(type ?? "NULL") FROM "\(table)"
            WHERE \(inWindow) AND \(key) IN (SELECT \(key) FROM "\(table)" WHERE \(inWindow)
              GROUP BY \(key) ORDER BY sum("mentions") DESC, \(key) LIMIT \(limit))
            ORDER BY "night"
            """)
            while try rows.step() {
                guard let n = rows.text(0), let k = rows.text(1), let slot = position[n], result[k] != nil else { continue }
                // The latest night's name and type win (a company renamed keeps one series).
                if let label = rows.text(2), !label.isEmpty { result[k]?.name = label }
                if let kind = rows.text(6) { result[k]?.type = kind }
                result[k]?.mentions[slot] = rows.integer(3) ?? 0
                result[k]?.bullish[slot] = rows.integer(4) ?? 0
                result[k]?.bearish[slot] = rows.integer(5) ?? 0
            }
            return keys.compactMap { result[$0] }
        }
        return ReportHistoryWindow(
            nights: nights, documents: documents, mentions: mentions,
            tickers: try series(table: "night_tickers", key: "\"ticker\"", name: "\"company\"", type: nil, limit: Self.tickersInWindow),
            entities: try series(table: "night_entities", key: "\"entity_id\"", name: "\"name\"", type: "\"type\"", limit: Self.entitiesInWindow))
    }
}

extension ReportJSON {
    /// A SQL string literal (quotes doubled), for the few values spliced into statements.
    static func sqlString(_ text: String) -> String { "'" + text.replacingOccurrences(of: "'", with: "''") + "'" }
}

/// The history as the static report reads it: tonight against the previous night and against
/// the run a week before, and each series over the last 30 nights.
struct ReportTrends: Sendable {
    struct Row: Sendable {
        var key: String
        var name: String
        var type: String
        /// Mentions per night (day number of the night → mentions).
        var nights: [Int: Int]
        var tonight: Int
        var previousNight: Int?
        var weekBefore: Int?
        var balance: Double?
    }

    static let days = 30
    /// The "week before" run is the last one 7 to 13 nights before tonight.
    static let weekRange = 7 ... 13
    static let rowsShown = 12

    var night: Int
    var nightCount: Int
    var previousNight: String?
    var weekBefore: String?
    var documents: (tonight: Int, previousNight: Int?, weekBefore: Int?)
    var mentions: (tonight: Int, previousNight: Int?, weekBefore: Int?)
    var tickers: [Row]
    var entities: [Row]

    /// Nil without at least two nights (nothing to compare yet).
    init?(_ window: ReportHistoryWindow) {
        let days = window.nights.compactMap { ReportPublished($0)?.day }
        guard days.count == window.nights.count, days.count >= 2, let tonight = days.last else { return nil }
        night = tonight
        nightCount = days.filter { $0 > tonight - Self.days }.count
        let last = days.count - 1
        let previous = last - 1
        let week = days.lastIndex { Self.weekRange.contains(tonight - $0) }
        previousNight = window.nights[previous]
        weekBefore = week.map { window.nights[$0] }
        documents = (window.documents[last], window.documents[previous], week.map { window.documents[$0] })
        mentions = (window.mentions[last], window.mentions[previous], week.map { window.mentions[$0] })
        func rows(_ list: [ReportHistoryWindow.Series]) -> [Row] {
            list.map { series in
                var values: [Int: Int] = [:]
                for (index, day) in days.enumerated() where day > tonight - Self.days { values[day] = series.mentions[index] }
                let count = series.mentions[last]
                return Row(key: series.key, name: series.name, type: series.type, nights: values, tonight: count,
                           previousNight: series.mentions[previous], weekBefore: week.map { series.mentions[$0] },
                           balance: count > 0 ? Double(series.bullish[last] - series.bearish[last]) / Double(count) : nil)
            }.filter { $0.tonight > 0 || ($0.previousNight ?? 0) > 0 }
            .sorted { $0.tonight != $1.tonight ? $0.tonight > $1.tonight : reportPrecedes($0.key, $1.key) }
        }
        tickers = rows(window.tickers)
        entities = rows(window.entities.filter { $0.type != EntityType.ticker.rawValue })
    }
}
