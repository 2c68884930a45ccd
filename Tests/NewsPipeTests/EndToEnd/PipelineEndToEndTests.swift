import Foundation
import Testing
@testable import NewsPipeCLI
@testable import NewsPipe
@testable import PipelineKit
@testable import NewsIO
@testable import NewsText
@testable import NewsRecords
@testable import ArticleExtraction
@testable import MirrorDedup
@testable import NewsEntities
@testable import NewsFetch
@testable import NewsReports
@testable import NERTraining
@testable import NewsBench

/// The built binary on fixture corpora in temporary folders: outputs, exit codes, reruns, locks
/// and crashes, as the cron job and the operator meet them.
@Suite(.serialized) struct PipelineEndToEndTests {
    @Test func runsTheSampleCorpusEndToEnd() throws {
        let harness = try PipelineHarness()
        defer { harness.remove() }
        let outcome = try harness.run(["run", "--log-format", "text"])
        // The sample corpus holds an empty file, a binary file, a 404 page …: rejects, so exit 1.
        #expect(outcome.status == ExitStatus.finishedWithRejects.rawValue, "\(outcome.stderr)")
        for stage in StageName.allCases {
            #expect(outcome.logged(stage.rawValue, "done"), "\(stage)")
            #expect(FileManager.default.fileExists(atPath: harness.work("\(stage.rawValue)/stage.json").path))
        }
        let rejects = try harness.lines("work/strip/rejects.jsonl")
        #expect(rejects.contains { $0.contains(#""reason":"empty""#) })
        let documents = try harness.lines("work/strip/documents-0000-of-0002.jsonl") + harness.lines("work/strip/documents-0001-of-0002.jsonl")
        #expect(documents.count >= 25)
        #expect(FileManager.default.fileExists(atPath: harness.output.appendingPathComponent("reports/latest/summary.md").path))
    }

    @Test func secondRunDoesNoStageWorkAndForcedStageMakesLaterStagesStale() throws {
        let harness = try PipelineHarness()
        defer { harness.remove() }
        try harness.run(["run"])
        let second = try harness.run(["run"])
        for stage in StageName.allCases {
            #expect(second.logged(stage.rawValue, "up to date, skipped"), "\(stage): \(second.stderr)")
        }
        #expect(!StageName.allCases.contains { second.logged($0.rawValue, "done") })

        let forced = try harness.run(["run", "--stage", "strip", "--force"])
        #expect(forced.logged("strip", "done"))
        for stage in ["fetch", "dedup", "entities", "report"] {
            #expect(!forced.logged(stage, "done"), "\(stage) ran")
        }
        let status = try harness.run(["status", "--json"])
        let parsed = try JSONLines.makeDecoder().decode(PipelineStatus.self, from: Data(status.stdout.utf8))
        let states = Dictionary(uniqueKeysWithValues: parsed.stages.map { ($0.stage, $0.state) })
        #expect(states == ["fetch": "done", "strip": "done", "dedup": "stale", "entities": "stale", "report": "stale"])
        #expect(parsed.stages.first { $0.stage == "dedup" }?.reason == "strip ran again since")

        let third = try harness.run(["run"])
        #expect(third.logged("fetch", "up to date, skipped") && third.logged("strip", "up to date, skipped"))
        #expect(third.logged("dedup", "done") && third.logged("report", "done"))
    }

    @Test func changedSettingsMakeThatStageAndLaterOnesRunAgain() throws {
        let harness = try PipelineHarness()
        defer { harness.remove() }
        try harness.run(["run"])
        try Data(#"{"shards": 2, "stages": {"dedup": {"threshold": 0.6}}}"#.utf8).write(to: harness.folder.appendingPathComponent("pipeline.json"))
        let status = try harness.run(["status"])
        #expect(status.stdout.contains("its settings in the manifest changed"))
        let rerun = try harness.run(["run"])
        #expect(rerun.logged("strip", "up to date, skipped"))
        #expect(rerun.logged("dedup", "done") && rerun.logged("entities", "done"))
    }

    /// A night with one new page does one page of strip and entities work.
    @Test func aNewNightProcessesOnlyTheNewDocuments() throws {
        let harness = try PipelineHarness()
        defer { harness.remove() }
        try harness.run(["run"])
        let first = try harness.stageCounts()
        let page = harness.folder.appendingPathComponent("corpus/new-site.example/fresh-story.html")
        try FileManager.default.createDirectory(at: page.deletingLastPathComponent(), withIntermediateDirectories: true)
        let story = (0 ..< 12).map { "Paragraph \($0): Intel said on Tuesday that its foundry business in Arizona won a new customer, a deal analysts valued at about $2 billion over five years." }
        try Data("<html lang=en><head><title>Intel wins foundry customer</title></head><body><article><h1>Intel wins foundry customer</h1>\(story.map { "<p>\($0)</p>" }.joined())</article></body></html>".utf8).write(to: page)
        try harness.run(["run"])
        let second = try harness.stageCounts()
        #expect(second["strip"]?.processed == 1)
        #expect(second["strip"]?.cached == first["strip"].map { $0.processed + $0.cached })
        #expect(second["dedup"]?.processed == 1)
        #expect(second["entities"]?.processed == 1)
        #expect(second["entities"]?.cached == first["entities"].map { $0.processed + $0.cached })
    }

    static let malformed: [(manifest: String, message: String)] = [
        (#"{"stages": {"dedup": {"threshold": "high"}}}"#, #"stages.dedup.threshold: expected a number from 0 to 1, found "high""#),
        (#"{"shards": 2, "colour": "blue"}"#, "colour: unknown key"),
        (#"{"stages": {"fetch": {"sources": [{"type": "folder", "path": "missing-folder"}]}}}"#, "stages.fetch.sources[0].path: expected an existing folder"),
    ]

    @Test(arguments: malformed)
    func malformedManifestExitsTwoNamingTheField(_ bad: (manifest: String, message: String)) throws {
        let harness = try PipelineHarness(manifest: bad.manifest, sampleCorpus: false)
        defer { harness.remove() }
        for command in [["run"], ["validate"]] {
            let outcome = try harness.run(command)
            #expect(outcome.status == ExitStatus.usage.rawValue)
            #expect(outcome.stderr.contains(bad.message), "\(outcome.stderr)")
            #expect(!outcome.stderr.contains("DecodingError"))
        }
        #expect(!FileManager.default.fileExists(atPath: harness.output.path))
    }

    @Test func aSecondRunOnTheSameOutputExitsWithTheLockCode() throws {
        let harness = try PipelineHarness(sampleCorpus: false, pages: ["a.html": Array("<html><body><p>Hello</p></body></html>".utf8)])
        defer { harness.remove() }
        let lock = RunLock(url: harness.output.appendingPathComponent(".newspipe.lock"))
        try lock.acquire(command: "test holder")
        let outcome = try harness.run(["run"])
        #expect(outcome.status == ExitStatus.locked.rawValue)
        #expect(outcome.stderr.contains("pid \(getpid())"), "\(outcome.stderr)")
        lock.release()
        #expect(try harness.run(["run"]).status != ExitStatus.locked.rawValue)
    }

    @Test func twoRunsStartedAtOnceOneRunsOneIsLockedOut() throws {
        let harness = try PipelineHarness()
        defer { harness.remove() }
        let gate = harness.folder.appendingPathComponent("gate").path
        // The first run holds the lock and waits at a gate, so the second certainly meets it.
        let (first, _, _) = try harness.start(["run"], environment: ["NEWSPIPE_PAUSE_AT": "lock:0:\(gate)"])
        try harness.waitFor(gate + ".waiting", while: first)
        let second = try harness.run(["run"])
        FileManager.default.createFile(atPath: gate, contents: Data())
        first.waitUntilExit()
        #expect(second.status == ExitStatus.locked.rawValue)
        #expect(second.stderr.contains("another newspipe run holds the lock"))
        #expect(second.stderr.contains("pid \(first.processIdentifier)"), "\(second.stderr)")
        #expect(first.terminationStatus == ExitStatus.finishedWithRejects.rawValue)
    }

    @Test func runningAStageWithoutItsInputNamesTheMissingStage() throws {
        let harness = try PipelineHarness(sampleCorpus: false)
        defer { harness.remove() }
        let outcome = try harness.run(["run", "--stage", "dedup"])
        #expect(outcome.status == ExitStatus.missingInput.rawValue)
        #expect(outcome.stderr.contains("stage dedup needs the output of stage strip"))
    }

    /// Killed with SIGKILL in the middle of a stage, then rerun: the same outputs as a run that
    /// was never interrupted. Points spread over every stage: documents of each shard, merge
    /// steps (dedup's clustering, before and after its index is saved), the report build and swap,
    /// and the stores' own steps: a WARC segment published before its captures, a shard's cache
    /// batch committed, a shard's cache folded into the stage's database, the WARC index updated.
    @Test(arguments: ["fetch:1", "fetch:12", "fetch:30", "fetch-finish:1",
                      "warc:1", "warc:2", "fetch-index:1",
                      "strip:1", "strip:9", "strip:17", "strip:33", "strip-finish:1",
                      "cache-commit:1", "cache-commit:3", "cache-fold:1", "cache-fold:2",
                      "dedup:1", "dedup:14", "dedup:29", "dedup-merge:1", "dedup-merge:2", "dedup-finish:1",
                      "entities:1", "entities:11", "entities:22", "entities-finish:1",
                      "report:1", "report:2", "report:3", "report-finish:1"])
    func killedRunResumesToTheSameOutputs(_ crashPoint: String) throws {
        let crashed = try PipelineHarness()
        defer { crashed.remove() }
        let killed = try crashed.run(["run"], environment: ["NEWSPIPE_CRASH_AT": crashPoint])
        #expect(killed.killed, "the crash point \(crashPoint) was not reached")
        let resumed = try crashed.run(["run"])
        #expect(resumed.status == ExitStatus.finishedWithRejects.rawValue, "\(resumed.stderr)")

        let clean = try Self.uninterrupted()
        for stage in ["fetch", "strip", "dedup", "entities"] {
            let actual = try Self.comparable(crashed, stage)
            #expect(clean[stage]?.keys.sorted() == actual.keys.sorted(), "\(stage)")
            for (name, data) in clean[stage] ?? [:] { #expect(actual[name] == data, "\(stage)\(name) differs after \(crashPoint)") }
        }
        let reports = try crashed.snapshot("reports/latest").filter { $0.key.hasSuffix(".csv") || $0.key.hasSuffix(".jsonl") }
        #expect(reports.keys.sorted() == clean["reports"]?.keys.sorted())
        for (name, data) in clean["reports"] ?? [:] { #expect(reports[name] == data, "report \(name) differs after \(crashPoint)") }
    }

    /// Outputs that must not depend on crashes: every record file except fetch's (which carry
    /// the fetch time), and no bookkeeping (`stage.json`, done markers, caches).
    static func comparable(_ harness: PipelineHarness, _ stage: String) throws -> [String: Data] {
        try harness.snapshot("work/\(stage)").filter {
            $0.key.hasSuffix(".jsonl") && !$0.key.hasPrefix("/cache/") && !(stage == "fetch" && $0.key.hasPrefix("/records-"))
        }
    }

    /// One uninterrupted run, shared by every crash point.
    static func uninterrupted() throws -> [String: [String: Data]] {
        try UninterruptedRun.shared.result()
    }

    final class UninterruptedRun: @unchecked Sendable {
        static let shared = UninterruptedRun()
        private let lock = NSLock()
        private var cached: [String: [String: Data]]?

        func result() throws -> [String: [String: Data]] {
            lock.lock(); defer { lock.unlock() }
            if let cached { return cached }
            let clean = try PipelineHarness()
            defer { clean.remove() }
            try clean.run(["run"])
            var outputs: [String: [String: Data]] = [:]
            for stage in ["fetch", "strip", "dedup", "entities"] { outputs[stage] = try PipelineEndToEndTests.comparable(clean, stage) }
            outputs["reports"] = try clean.snapshot("reports/latest").filter { $0.key.hasSuffix(".csv") || $0.key.hasSuffix(".jsonl") }
            cached = outputs
            return outputs
        }
    }

    @Test(arguments: [("SIGTERM", SIGTERM), ("SIGINT", SIGINT)])
    func signalStopsAtADocumentBoundaryAndReleasesTheLock(_ name: String, _ signal: Int32) throws {
        let clean = try PipelineHarness()
        defer { clean.remove() }
        try clean.run(["run"])

        let harness = try PipelineHarness()
        defer { harness.remove() }
        let gate = harness.folder.appendingPathComponent("gate").path
        let (process, _, err) = try harness.start(["run", "--workers", "1"], environment: ["NEWSPIPE_PAUSE_AT": "strip:2:\(gate)"])
        try harness.waitFor(gate + ".waiting", while: process)
        // The paused run resumes by itself once it has seen the stop request.
        kill(process.processIdentifier, signal)
        process.waitUntilExit()
        let stderr = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        #expect(process.terminationStatus == ExitStatus.interrupted.rawValue, "\(stderr)")
        #expect(stderr.contains("stopped by \(name) at a document boundary"))
        #expect(!FileManager.default.fileExists(atPath: harness.work("strip/stage.json").path))
        #expect(harness.shardFiles("strip", "documents").isEmpty, "half a shard was published")

        let rerun = try harness.run(["run"])
        #expect(rerun.status == ExitStatus.finishedWithRejects.rawValue, "\(rerun.stderr)")
        for stage in ["strip", "dedup", "entities"] {
            let expected = try clean.snapshot("work/\(stage)").filter { $0.key.hasSuffix(".jsonl") }
            let actual = try harness.snapshot("work/\(stage)").filter { $0.key.hasSuffix(".jsonl") }
            #expect(expected == actual, "\(stage) differs after the interrupted run was resumed")
        }
    }
}
