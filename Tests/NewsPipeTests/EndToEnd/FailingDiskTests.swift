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

/// Full disks and read-only folders: a clear message, exit 4, nothing half-written published, and
/// the next run recovers.
@Suite(.serialized) struct FailingDiskTests {
    /// Every JSON Lines file under the output parses completely: nothing half-written is visible.
    func assertNothingHalfWritten(_ harness: PipelineHarness) throws {
        for (name, data) in try harness.snapshot("work") where name.hasSuffix(".jsonl") {
            for line in data.split(separator: 0x0A) {
                #expect((try? JSONSerialization.jsonObject(with: Data(line))) != nil, "\(name) has a broken line")
            }
        }
    }

    @Test(arguments: [20_000, 200_000, 400_000])
    func aFullDiskStopsTheRunWithExitFourAndTheNextRunRecovers(_ budget: Int) throws {
        let clean = try PipelineHarness()
        defer { clean.remove() }
        try clean.run(["run"])

        let harness = try PipelineHarness()
        defer { harness.remove() }
        let full = try harness.run(["run"], environment: ["NEWSPIPE_DISK_BUDGET": "\(budget)"])
        #expect(full.status == ExitStatus.ioFailure.rawValue, "\(full.stderr)")
        #expect(full.stderr.contains("No space left on device"))
        try assertNothingHalfWritten(harness)
        #expect(!FileManager.default.fileExists(atPath: harness.work("report/stage.json").path))

        let recovered = try harness.run(["run"])
        #expect(recovered.status == ExitStatus.finishedWithRejects.rawValue, "\(recovered.stderr)")
        for stage in ["strip", "dedup", "entities"] {
            let expected = try clean.snapshot("work/\(stage)").filter { $0.key.hasSuffix(".jsonl") }
            #expect(try harness.snapshot("work/\(stage)").filter { $0.key.hasSuffix(".jsonl") } == expected, "\(stage)")
        }
    }

    static var canMount: Bool { getuid() == 0 && FileManager.default.isExecutableFile(atPath: "/bin/mount") }

    func mount(_ arguments: [String]) -> Int32 {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/mount")
        process.arguments = arguments
        process.standardError = FileHandle.nullDevice
        guard (try? process.run()) != nil else { return -1 }
        process.waitUntilExit()
        return process.terminationStatus
    }

    /// A real full file system: a small tmpfs as the output folder, then grown.
    @Test(.enabled(if: canMount, "needs root to mount a tmpfs"))
    func aRealFullFileSystem() throws {
        let harness = try PipelineHarness()
        defer { harness.remove() }
        try FileManager.default.createDirectory(at: harness.output, withIntermediateDirectories: true)
        guard mount(["-t", "tmpfs", "-o", "size=96k", "tmpfs", harness.output.path]) == 0 else {
            Issue.record("mount failed although running as root"); return
        }
        defer { _ = umountFolder(harness.output.path) }
        let full = try harness.run(["run"])
        #expect(full.status == ExitStatus.ioFailure.rawValue, "\(full.stderr)")
        #expect(full.stderr.lowercased().contains("space"), "\(full.stderr)")
        try assertNothingHalfWritten(harness)
        #expect(mount(["-o", "remount,size=64m", harness.output.path]) == 0)
        let recovered = try harness.run(["run"])
        #expect(recovered.status == ExitStatus.finishedWithRejects.rawValue, "\(recovered.stderr)")
    }

    @Test(.enabled(if: canMount, "needs root to mount a read-only tmpfs"))
    func aReadOnlyOutputFolder() throws {
        let harness = try PipelineHarness()
        defer { harness.remove() }
        try FileManager.default.createDirectory(at: harness.output, withIntermediateDirectories: true)
        guard mount(["-t", "tmpfs", "-o", "ro,size=1m", "tmpfs", harness.output.path]) == 0 else {
            Issue.record("mount failed although running as root"); return
        }
        defer { _ = umountFolder(harness.output.path) }
        let outcome = try harness.run(["run"])
        #expect(outcome.status == ExitStatus.ioFailure.rawValue, "\(outcome.stderr)")
        #expect(outcome.stderr.contains(harness.output.path), "the message names the folder: \(outcome.stderr)")
    }

    func umountFolder(_ path: String) -> Int32 {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/umount")
        process.arguments = [path]
        process.standardError = FileHandle.nullDevice
        guard (try? process.run()) != nil else { return -1 }
        process.waitUntilExit()
        return process.terminationStatus
    }

    @Test func aCorpusPathThatIsNotAFolderIsAManifestError() throws {
        let harness = try PipelineHarness(manifest: #"{"stages": {"fetch": {"sources": [{"type": "folder", "path": "pipeline.json"}]}}}"#, sampleCorpus: false)
        defer { harness.remove() }
        let outcome = try harness.run(["run"])
        #expect(outcome.status == ExitStatus.usage.rawValue)
        #expect(outcome.stderr.contains("stages.fetch.sources[0].path: expected an existing folder"))
    }
}
