import Foundation
import Testing
@testable import NewsPipe
@testable import PipelineKit
@testable import NewsIO

/// What cron sees: exit 1 only for this run's rejects, 0 for a night with nothing to do, and a
/// report rebuilt on its own keeps the facts of the run it reports on.
@Suite(.serialized) struct CronExitCodeTests {
    static func runFacts(_ harness: PipelineHarness) throws -> [String: Any] {
        let url = harness.output.appendingPathComponent("reports/latest/run.json")
        return try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: url)) as? [String: Any])
    }

    /// `--stage entities --stage report` must not quietly run the report alone.
    @Test func severalStageOptionsAreRefused() throws {
        let harness = try PipelineHarness()
        defer { harness.remove() }
        let outcome = try harness.run(["run", "--stage", "entities", "--stage", "report"])
        #expect(outcome.status == ExitStatus.usage.rawValue, "\(outcome.stderr)")
        #expect(outcome.stderr.contains("--from and --to"), "\(outcome.stderr)")
        #expect(!FileManager.default.fileExists(atPath: harness.work("fetch").path))
    }

    @Test func aQuietRunExitsZeroAndAReportOnlyRerunKeepsTheRunFacts() throws {
        let harness = try PipelineHarness()
        defer { harness.remove() }
        let first = try harness.run(["run"])
        // The sample corpus holds junk pages: this run rejected documents.
        #expect(first.status == ExitStatus.finishedWithRejects.rawValue, "\(first.stderr)")
        let facts = try Self.runFacts(harness)
        #expect(facts["status"] as? String == "finished-with-rejects")
        let stages = try #require(facts["stages"] as? [[String: Any]])
        #expect(stages.map { $0["status"] as? String } == ["done", "done", "done", "done"])

        // Nothing new: every stage is up to date, yesterday's rejects are not this run's.
        let quiet = try harness.run(["run"])
        #expect(quiet.status == ExitStatus.ok.rawValue, "\(quiet.stderr)")

        // The report rebuilt on its own: same run facts (times, duration, stage statuses), exit 0.
        let rerun = try harness.run(["run", "--stage", "report", "--force"])
        #expect(rerun.status == ExitStatus.ok.rawValue, "\(rerun.stderr)")
        #expect(rerun.logged("report", "done"))
        let again = try Self.runFacts(harness)
        for key in ["started_at", "finished_at", "duration_seconds", "status"] {
            #expect(String(describing: again[key]) == String(describing: facts[key]), "\(key)")
        }
        let againStages = try #require(again["stages"] as? [[String: Any]])
        #expect(againStages.map { $0["status"] as? String } == ["done", "done", "done", "done"])

        // One night in the history, written once however often the report was rebuilt.
        let history = harness.output.appendingPathComponent("reports/history.sqlite")
        #expect(FileManager.default.fileExists(atPath: history.path))
        let page = try String(contentsOf: harness.output.appendingPathComponent("reports/latest/report.html"), encoding: .utf8)
        #expect(page.contains("\"night\":\""))

        // A forced stage that rejects again is this run's work: exit 1.
        let forced = try harness.run(["run", "--stage", "strip", "--force"])
        #expect(forced.status == ExitStatus.finishedWithRejects.rawValue, "\(forced.stderr)")
        // The next full run reports strip's new rejects (its work was not reported yet).
        let next = try harness.run(["run"])
        #expect(next.status == ExitStatus.finishedWithRejects.rawValue, "\(next.stderr)")
        let after = try harness.run(["run"])
        #expect(after.status == ExitStatus.ok.rawValue, "\(after.stderr)")
    }
}
