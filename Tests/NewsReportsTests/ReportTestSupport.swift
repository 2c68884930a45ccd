import Foundation
@testable import NewsReports
@testable import NewsIO
@testable import NewsRecords

/// Fixture corpus, fixed run facts and helpers shared by the report tests.
enum ReportFixture {
    /// `Tests/NewsReportsTests/Fixtures/report`, found from this file's path so that goldens can
    /// be rewritten in the source tree.
    static let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("Fixtures/report")
    static let input = folder.appendingPathComponent("input")
    static let golden = folder.appendingPathComponent("golden")

    static func file(_ name: String) -> URL { input.appendingPathComponent(name) }

    static let started = Date(timeIntervalSince1970: 1_776_240_000)  // 2026-04-15T08:00:00Z
    static let finished = Date(timeIntervalSince1970: 1_776_240_075.5)

    static let stages = [
        StageSummary(stage: "fetch", status: "done", processed: 16, cached: 2, output: 15, rejected: 1,
                     rejectsByReason: ["http-404": 1], durationSeconds: 12.25,
                     startedAt: "2026-04-15T08:00:00Z", finishedAt: "2026-04-15T08:00:12Z"),
        StageSummary(stage: "strip", status: "done", processed: 15, output: 14, rejected: 1,
                     rejectsByReason: ["too-short": 1], durationSeconds: 3.5,
                     startedAt: "2026-04-15T08:00:12Z", finishedAt: "2026-04-15T08:00:16Z"),
        StageSummary(stage: "dedup", status: "done", processed: 14, output: 8, durationSeconds: 0.75,
                     startedAt: "2026-04-15T08:00:16Z", finishedAt: "2026-04-15T08:00:17Z"),
        StageSummary(stage: "entities", status: "done", processed: 8, output: 8, durationSeconds: 41.125,
                     startedAt: "2026-04-15T08:00:17Z", finishedAt: "2026-04-15T08:00:58Z"),
    ]

    static func inputs(previous: URL? = nil, mentions: [URL]? = nil, documents: [URL]? = nil) -> ReportInputs {
        ReportInputs(documents: documents ?? [file("documents.jsonl")], clusters: file("clusters.jsonl"),
                     removed: file("removed.jsonl"), mentions: mentions ?? [file("mentions.jsonl")], stages: stages,
                     manifestHash: "3f1c9a7e5b2d4c6a8e0f1b3d5c7a9e1f", runStartedAt: started, runFinishedAt: finished,
                     previousReport: previous)
    }

    static func previousInputs() -> ReportInputs {
        ReportInputs(documents: [file("previous-documents.jsonl")], mentions: [file("previous-mentions.jsonl")],
                     stages: Array(stages.prefix(2)), manifestHash: "0a0b0c0d",
                     runStartedAt: Date(timeIntervalSince1970: 1_776_153_600),
                     runFinishedAt: Date(timeIntervalSince1970: 1_776_153_660))
    }

    static func temporaryFolder() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("newspipe-report-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    /// Builds the previous run's report and then the fixture report that compares against it.
    static func buildFixtureReport(builder: ReportBuilder = ReportBuilder()) throws -> (folder: URL, files: [String]) {
        let root = try temporaryFolder()
        let previous = root.appendingPathComponent("previous")
        _ = try builder.build(previousInputs(), into: previous)
        let current = root.appendingPathComponent("current")
        let files = try builder.build(inputs(previous: previous), into: current)
        return (current, files)
    }

    static func text(_ folder: URL, _ name: String) throws -> String {
        try String(contentsOf: folder.appendingPathComponent(name), encoding: .utf8)
    }

    static func csv(_ folder: URL, _ name: String) throws -> [[String]] {
        ReportCSVReader.records(try text(folder, name))
    }

    /// Every table of a report database as text, in a stable order, for goldens and comparisons.
    static func sqliteDump(_ url: URL) throws -> String {
        let database = try ReportSQLiteDatabase(path: url.path, readOnly: true)
        defer { database.close() }
        var out = ""
        let tables = try database.rows("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name")
        for table in tables.compactMap({ $0[0] }) {
            let schema = try database.rows("SELECT sql FROM sqlite_master WHERE name = '\(table)'")[0][0] ?? ""
            out += "-- \(schema)\n"
            for row in try database.rows("SELECT * FROM \"\(table)\" ORDER BY 1, 2, 3") {
                out += row.map { $0 ?? "NULL" }.joined(separator: "|") + "\n"
            }
        }
        for index in try database.rows("SELECT sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL ORDER BY name") {
            out += "-- \(index[0] ?? "")\n"
        }
        return out
    }
}
