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

/// The same binary as an array job: shards as separate processes in any order, one killed and
/// rerun, then the merge, must give what one process gives.
@Suite(.serialized) struct ArrayJobTests {
    let manifest = #"{"shards": 4}"#

    @Test func fourShardProcessesAndAMergeMatchASingleRun() throws {
        let single = try PipelineHarness(manifest: manifest)
        defer { single.remove() }
        try single.run(["run"])

        let array = try PipelineHarness(manifest: manifest)
        defer { array.remove() }
        #expect(try array.run(["plan"]).status == 0)
        // Phase 1: fetch, strip and dedup signatures per shard, out of order; shard 1 is killed
        // in the middle of strip and run again.
        for shard in [2, 0] { #expect(try array.run(["run", "--shard", "\(shard)/4", "--to", "dedup"]).status <= 1) }
        let killed = try array.run(["run", "--shard", "1/4", "--to", "dedup"], environment: ["NEWSPIPE_CRASH_AT": "strip:2"])
        #expect(killed.killed)
        for shard in [3, 1] { #expect(try array.run(["run", "--shard", "\(shard)/4", "--to", "dedup"]).status <= 1) }
        let status = try array.run(["status", "--json"])
        let states = try JSONLines.makeDecoder().decode(PipelineStatus.self, from: Data(status.stdout.utf8))
        #expect(states.stages.first { $0.stage == "dedup" }?.state == "done", "the last shard clusters")
        // Phase 2: entities per shard.
        for shard in [3, 1, 0] { #expect(try array.run(["run", "--shard", "\(shard)/4", "--stage", "entities"]).status <= 1) }
        let partial = try array.run(["status"])
        #expect(partial.stdout.contains("shards to run: 2/4"), "\(partial.stdout)")
        #expect(try array.run(["run", "--shard", "2/4", "--stage", "entities"]).status <= 1)
        // Phase 3: the merge.
        let merge = try array.run(["run"])
        #expect(merge.status == ExitStatus.finishedWithRejects.rawValue, "\(merge.stderr)")
        #expect(!FileManager.default.fileExists(atPath: array.output.appendingPathComponent("plan.json").path))

        for stage in ["strip", "dedup", "entities"] {
            let expected = try single.snapshot("work/\(stage)").filter { $0.key.hasSuffix(".jsonl") }
            let actual = try array.snapshot("work/\(stage)").filter { $0.key.hasSuffix(".jsonl") }
            #expect(expected.keys.sorted() == actual.keys.sorted())
            for (name, data) in expected { #expect(actual[name] == data, "\(stage)\(name) differs") }
        }
        let expectedReports = try single.snapshot("reports/latest").filter { $0.key.hasSuffix(".csv") || $0.key.hasSuffix(".jsonl") }
        let actualReports = try array.snapshot("reports/latest")
        #expect(!expectedReports.isEmpty)
        for (name, data) in expectedReports { #expect(actualReports[name] == data, "report \(name) differs") }
    }

    @Test func aShardRunRefusesWithoutAPlanOrAgainstAnotherManifest() throws {
        let harness = try PipelineHarness(manifest: manifest)
        defer { harness.remove() }
        let noPlan = try harness.run(["run", "--shard", "0/4"])
        #expect(noPlan.status == ExitStatus.usage.rawValue)
        #expect(noPlan.stderr.contains("run `newspipe plan` once"))
        try harness.run(["plan"])
        try Data(#"{"shards": 8}"#.utf8).write(to: harness.folder.appendingPathComponent("pipeline.json"))
        let otherCount = try harness.run(["run", "--shard", "0/8"])
        #expect(otherCount.status == ExitStatus.usage.rawValue)
        #expect(otherCount.stderr.contains("made for another manifest"), "\(otherCount.stderr)")
        let mismatch = try harness.run(["run", "--shard", "0/4"])
        #expect(mismatch.status == ExitStatus.usage.rawValue)
        #expect(mismatch.stderr.contains("does not match the manifest's shards (8)"))
    }

    @Test(arguments: [
        (["SLURM_ARRAY_TASK_ID": "7", "SLURM_ARRAY_TASK_MIN": "5", "SLURM_ARRAY_TASK_COUNT": "4"], nil as Int?, "2/4"),
        (["JOB_COMPLETION_INDEX": "3"], nil, "3/4"),
        (["JOB_COMPLETION_INDEX": "3"], 6, "3/6"),
        (["AWS_BATCH_JOB_ARRAY_INDEX": "0", "AWS_BATCH_JOB_ARRAY_SIZE": "10"], nil, "0/10"),
    ])
    func shardFromTheSchedulersEnvironment(_ environment: [String: String], _ count: Int?, _ expected: String) throws {
        #expect(try ShardEnvironment.shard(from: environment, count: count, manifestShards: 4).description == expected)
    }

    @Test(arguments: [
        ([:] as [String: String], "none of SLURM_ARRAY_TASK_ID"),
        (["SLURM_ARRAY_TASK_ID": "2"], "SLURM_ARRAY_TASK_COUNT is not"),
        (["AWS_BATCH_JOB_ARRAY_INDEX": "1"], "AWS_BATCH_JOB_ARRAY_SIZE is not"),
        (["JOB_COMPLETION_INDEX": "9"], "task 9 of 4"),
        (["JOB_COMPLETION_INDEX": "x"], "should be a whole number"),
    ])
    func unusableEnvironmentSaysWhatIsMissing(_ environment: [String: String], _ message: String) {
        #expect(throws: PipelineError.self) { try ShardEnvironment.shard(from: environment, count: nil, manifestShards: 4) }
        do { _ = try ShardEnvironment.shard(from: environment, count: nil, manifestShards: 4) } catch {
            #expect(error.localizedDescription.contains(message), "\(error.localizedDescription)")
        }
    }
}
