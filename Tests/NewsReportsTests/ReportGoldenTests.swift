import Foundation
import Testing
@testable import NewsReports
@testable import NewsIO
@testable import NewsRecords

/// Compares every report file built from the fixture corpus with the checked-in goldens.
///
/// After an intended change, rewrite the goldens and review the diff:
/// `NEWSPIPE_UPDATE_GOLDENS=1 swift test --filter ReportGoldenTests`
@Suite struct ReportGoldenTests {
    static let updating = ProcessInfo.processInfo.environment["NEWSPIPE_UPDATE_GOLDENS"] == "1"

    /// Files compared byte for byte; the database is compared as a dump of its tables.
    static let textFiles = ReportBuilder.fileNames.filter { $0 != ReportDatabaseWriter.fileName }

    @Test func builderReportsEveryFileItWrites() throws {
        let (folder, files) = try ReportFixture.buildFixtureReport()
        #expect(files == ReportBuilder.fileNames)
        for name in files { #expect(FileManager.default.fileExists(atPath: folder.appendingPathComponent(name).path), "\(name)") }
        let stray = try FileManager.default.contentsOfDirectory(atPath: folder.path).filter { $0.hasPrefix(".tmp-") }
        #expect(stray.isEmpty)
    }

    @Test(arguments: textFiles + ["newspipe.sqlite.txt"])
    func matchesGolden(_ name: String) throws {
        let (folder, _) = try ReportFixture.buildFixtureReport()
        let actual: Data
        if name == "newspipe.sqlite.txt" {
            actual = Data(try ReportFixture.sqliteDump(folder.appendingPathComponent("newspipe.sqlite")).utf8)
        } else {
            actual = try Data(contentsOf: folder.appendingPathComponent(name))
        }
        let golden = ReportFixture.golden.appendingPathComponent(name)
        if Self.updating {
            try FileManager.default.createDirectory(at: ReportFixture.golden, withIntermediateDirectories: true)
            try actual.write(to: golden)
            return
        }
        let expected = try Data(contentsOf: golden)
        if actual != expected {
            let a = String(decoding: actual, as: UTF8.self).components(separatedBy: "\n")
            let e = String(decoding: expected, as: UTF8.self).components(separatedBy: "\n")
            let line = zip(a, e).enumerated().first { $0.element.0 != $0.element.1 }?.offset ?? min(a.count, e.count)
            Issue.record("""
            \(name) differs from its golden at line \(line + 1):
              got:      \(line < a.count ? a[line] : "<end>")
              expected: \(line < e.count ? e[line] : "<end>")
            (NEWSPIPE_UPDATE_GOLDENS=1 swift test --filter ReportGoldenTests rewrites goldens)
            """)
        }
    }
}
