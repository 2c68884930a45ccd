import Foundation
import Testing
@testable import NewsPipe
@testable import NewsIO
@testable import PipelineKit

/// Issue 18's operator probes, on the built binary: a night is never lost or published quietly.
@Suite(.serialized) struct NightSafetyTests {
    static let page = HostilePagesLite.article

    /// Sources that records name, and the distinct pages among them.
    func fetchedSources(_ harness: PipelineHarness) throws -> [String] {
        var sources: [String] = []
        for file in harness.shardFiles("fetch", "records") {
            for line in try harness.lines("work/fetch/\(file)") {
                sources.append(try JSONLines.makeDecoder().decode(FetchRecordLite.self, from: Data(line.utf8)).source)
            }
        }
        return sources
    }

    func rejects(_ harness: PipelineHarness, _ stage: String) throws -> [RejectRecord] {
        try harness.lines("work/\(stage)/rejects.jsonl").map { try JSONLines.makeDecoder().decode(RejectRecord.self, from: Data($0.utf8)) }
    }

    @Test func aSymlinkedSourceFolderIsFollowed() throws {
        let harness = try PipelineHarness(manifest: #"{"shards": 2, "stages": {"fetch": {"sources": [{"type": "folder", "path": "linked"}]}}}"#)
        defer { harness.remove() }
        try FileManager.default.createSymbolicLink(at: harness.folder.appendingPathComponent("linked"),
                                                   withDestinationURL: harness.folder.appendingPathComponent("corpus"))
        let validate = try harness.run(["validate"])
        #expect(validate.status == 0, "\(validate.stderr)")
        let outcome = try harness.run(["run"])
        #expect(outcome.status == ExitStatus.finishedWithRejects.rawValue, "\(outcome.stderr)")
        let sources = try fetchedSources(harness)
        #expect(sources.count >= 30, "a symlinked corpus must be read: \(sources.count) pages")
        #expect(sources.allSatisfy { $0.hasPrefix("linked/") })
    }

    @Test func linksInsideAreFollowedLoopsAndOutsideLinksAndFIFOsAreRejectedWithReasons() throws {
        let outside = FileManager.default.temporaryDirectory.appendingPathComponent("outside-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: outside, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: outside) }
        try Data(Self.page("A page outside the corpus").utf8).write(to: outside.appendingPathComponent("secret.html"))
        let harness = try PipelineHarness(sampleCorpus: false, pages: ["a/story.html": Array(Self.page("A story inside").utf8)])
        defer { harness.remove() }
        let corpus = harness.folder.appendingPathComponent("corpus")
        let files = FileManager.default
        try files.createSymbolicLink(at: corpus.appendingPathComponent("again.html"), withDestinationURL: corpus.appendingPathComponent("a/story.html"))
        try files.createSymbolicLink(at: corpus.appendingPathComponent("loop"), withDestinationURL: corpus)
        try files.createSymbolicLink(at: corpus.appendingPathComponent("leak.html"), withDestinationURL: outside.appendingPathComponent("secret.html"))
        try files.createSymbolicLink(at: corpus.appendingPathComponent("gone.html"), withDestinationURL: corpus.appendingPathComponent("missing.html"))
        #expect(mkfifo(corpus.appendingPathComponent("pipe.html").path, 0o644) == 0)

        let outcome = try harness.run(["run", "--to", "strip"])
        #expect(!outcome.killed)
        #expect(outcome.status == ExitStatus.finishedWithRejects.rawValue, "\(outcome.stderr)")
        let sources = Set(try fetchedSources(harness).map { ($0 as NSString).lastPathComponent })
        #expect(sources == ["story.html", "again.html"], "\(sources)")
        let reasons = Dictionary(try rejects(harness, "fetch").map { (($0.source as NSString).lastPathComponent, $0.reason) }, uniquingKeysWith: { a, _ in a })
        #expect(reasons["leak.html"] == "link-outside-source")
        #expect(reasons["loop"] == "link-loop")
        #expect(reasons["gone.html"] == "broken-link")
        #expect(reasons["pipe.html"] == "not-a-regular-file")
        #expect(outcome.stderr.contains("reason=link-outside-source"), "each is logged: \(outcome.stderr)")
    }

    @Test func anUnreadableSubfolderIsARejectNotASilentGap() throws {
        let harness = try PipelineHarness(sampleCorpus: false, pages: ["open/a.html": Array(Self.page("Open").utf8),
                                                                        "closed/b.html": Array(Self.page("Closed").utf8)])
        defer { harness.remove() }
        let closed = harness.folder.appendingPathComponent("corpus/closed")
        #expect(chmod(closed.path, 0) == 0)
        defer { chmod(closed.path, 0o755) }
        if getuid() == 0 {
            // root reads every folder whatever its mode: run the binary as `nobody`, as a cron job
            // of a service account would, in a project folder it may write.
            #expect(chmod(harness.folder.path, 0o777) == 0)
            let run = try harness.run(["--reuid=65534", "--regid=65534", "--clear-groups", PipelineHarness.binary.path, "run", "--to", "fetch"],
                                      binary: URL(fileURLWithPath: "/usr/bin/setpriv"))
            #expect(run.status == ExitStatus.finishedWithRejects.rawValue, "\(run.stderr)")
        } else {
            _ = try harness.run(["run", "--to", "fetch"])
        }
        #expect(try rejects(harness, "fetch").contains { $0.reason == "unreadable" && $0.source.contains("closed") })
    }

    @Test func filesAddedDuringARunWaitForTheNextNight() throws {
        let pages = (0 ..< 40).map { ("page-\(String(format: "%02d", $0)).html", Array(Self.page("Story number \($0)").utf8)) }
        let harness = try PipelineHarness(manifest: #"{"shards": 4}"#, sampleCorpus: false, pages: Dictionary(uniqueKeysWithValues: pages))
        defer { harness.remove() }
        let gate = harness.folder.appendingPathComponent("gate").path
        let (process, _, _) = try harness.start(["run", "--to", "fetch"], environment: ["NEWSPIPE_PAUSE_AT": "fetch:3:\(gate)"])
        try harness.waitFor(gate + ".waiting", while: process)
        // Twenty new files arrive while fetch is part-way through its shards.
        for index in 0 ..< 20 {
            try Data(Self.page("Late story \(index)").utf8).write(to: harness.folder.appendingPathComponent("corpus/late-\(String(format: "%02d", index)).html"))
        }
        FileManager.default.createFile(atPath: gate, contents: Data())
        process.waitUntilExit()
        #expect(process.terminationStatus == 0)
        let first = try fetchedSources(harness)
        #expect(first.count == 40 && Set(first).count == 40, "\(first.count) records, \(Set(first).count) distinct")
        #expect(!first.contains { $0.contains("late-") })
        // The next night reads them.
        let next = try harness.run(["run", "--to", "fetch"])
        #expect(next.status == 0, "\(next.stderr)")
        let second = try fetchedSources(harness)
        #expect(second.count == 60 && Set(second).count == 60)
    }

    @Test func anEmptySourceStopsBeforeTheReportAndKeepsTheLastGoodOne() throws {
        let harness = try PipelineHarness()
        defer { harness.remove() }
        let good = try harness.run(["run"])
        #expect(good.status == ExitStatus.finishedWithRejects.rawValue)
        let latest = try FileManager.default.destinationOfSymbolicLink(atPath: harness.output.appendingPathComponent("reports/latest").path)
        let summary = try Data(contentsOf: harness.output.appendingPathComponent("reports/latest/summary.md"))

        // The share is "unmounted": an empty folder where the corpus was.
        let corpus = harness.folder.appendingPathComponent("corpus")
        try FileManager.default.removeItem(at: corpus)
        try FileManager.default.createDirectory(at: corpus, withIntermediateDirectories: true)
        let empty = try harness.run(["run"])
        #expect(empty.status == ExitStatus.anomalousNight.rawValue, "\(empty.stderr)")
        #expect(empty.stderr.contains("yielded no pages") && empty.stderr.contains("--accept-anomaly"), "\(empty.stderr)")
        #expect(!empty.logged("report", "done"))
        #expect(try FileManager.default.destinationOfSymbolicLink(atPath: harness.output.appendingPathComponent("reports/latest").path) == latest)
        #expect(try Data(contentsOf: harness.output.appendingPathComponent("reports/latest/summary.md")) == summary)
        // A rerun does not slip past the check because fetch is now up to date.
        let again = try harness.run(["run"])
        #expect(again.status == ExitStatus.anomalousNight.rawValue, "\(again.stderr)")
    }

    @Test func aCollapseAgainstTheLastGoodNightIsAnomalousUnlessAccepted() throws {
        let pages = (0 ..< 20).map { ("story-\($0).html", Array(Self.page("Story number \($0) of the night").utf8)) }
        let harness = try PipelineHarness(sampleCorpus: false, pages: Dictionary(uniqueKeysWithValues: pages))
        defer { harness.remove() }
        #expect(try harness.run(["run"]).status == 0)
        for index in 0 ..< 15 { try FileManager.default.removeItem(at: harness.folder.appendingPathComponent("corpus/story-\(index).html")) }
        let collapse = try harness.run(["run"])
        #expect(collapse.status == ExitStatus.anomalousNight.rawValue, "\(collapse.stderr)")
        #expect(collapse.stderr.contains("5 pages fetched against 20"), "\(collapse.stderr)")
        let accepted = try harness.run(["run", "--accept-anomaly"])
        #expect(accepted.status == 0, "\(accepted.stderr)")
        #expect(accepted.logged("report", "done"))
    }

    @Test(arguments: [
        (#"{"output": "/"}"#, "output: expected a folder of newspipe's own, found the system folder /"),
        (#"{"output": ".."}"#, "output: expected a folder below the manifest's folder"),
        (#"{"output": "corpus"}"#, "output: expected a folder outside the sources"),
        (#"{"output": "pipeline.json"}"#, "output: expected a folder, found a file at"),
        (#"{"shards": 100000}"#, "shards: expected a whole number from 1 to 4096"),
        (#"{"workers": -1}"#, "workers: expected a whole number from 0 to 1024"),
        (#"{"shards": 4, "shards": 2}"#, "manifest: the key \"shards\" appears twice"),
        (#"{"stages": {"fetch": {"http": {"userAgent": "bot\r\nX-Evil: 1"}}}}"#, "stages.fetch.http.userAgent: expected one line of printable text"),
        (#"{"stages": {"fetch": {"sources": [{"type": "ftp", "path": "corpus"}]}}}"#, "stages.fetch.sources[0].type: expected one of \"folder\", \"urls\", \"feed\", \"sitemap\", \"warc\""),
    ])
    func badManifestsExitTwoNamingTheField(_ manifest: String, _ message: String) throws {
        let harness = try PipelineHarness(manifest: manifest)
        defer { harness.remove() }
        for command in [["validate"], ["run"]] {
            let outcome = try harness.run(command)
            #expect(outcome.status == ExitStatus.usage.rawValue, "\(command) \(manifest): \(outcome.stderr)")
            #expect(outcome.stderr.contains(message), "\(command) \(manifest): \(outcome.stderr)")
        }
        // Nothing was written outside the project (`..` would have put the lock and work/ beside it).
        #expect(!FileManager.default.fileExists(atPath: harness.folder.deletingLastPathComponent().appendingPathComponent(".newspipe.lock").path))
    }

    @Test(arguments: [
        (["run", "--shard", "5/4"], "--shard expects i/n"),
        (["run", "--stage", "bogus"], "bogus"),
        (["run", "--workers", "-1"], "--workers must be at least 1, found -1"),
        (["run", "--no-such-option"], "no-such-option"),
        (["validate", "--manifest", "corpus"], "is a folder; pass --manifest with the path of a pipeline.json file"),
    ])
    func commandLineMistakesExitTwo(_ arguments: [String], _ message: String) throws {
        let harness = try PipelineHarness()
        defer { harness.remove() }
        let outcome = try harness.run(arguments)
        #expect(outcome.status == ExitStatus.usage.rawValue, "\(arguments): \(outcome.status) \(outcome.stderr)")
        #expect(outcome.stderr.contains(message), "\(arguments): \(outcome.stderr)")
    }

    /// `newspipe extract` decides from the file's size, not after reading 3 GB into memory.
    @Test func extractRejectsAHugeFileWithoutReadingIt() throws {
        let harness = try PipelineHarness(sampleCorpus: false)
        defer { harness.remove() }
        let huge = harness.folder.appendingPathComponent("huge.html")
        FileManager.default.createFile(atPath: huge.path, contents: nil)
        let handle = try FileHandle(forWritingTo: huge)
        try handle.truncate(atOffset: 3 << 30)  // sparse: 3 GB that take no disk
        try handle.close()
        let outcome = try harness.run(["extract", huge.path])
        #expect(outcome.status == ExitStatus.finishedWithRejects.rawValue, "\(outcome.stderr)")
        #expect(outcome.stderr.contains("too-large"), "\(outcome.stderr)")
        var usage = rusage()
        getrusage(RUSAGE_CHILDREN.rawValue, &usage)
        #expect(usage.ru_maxrss < 1024 * 1024, "a child used \(usage.ru_maxrss) KB")
    }
}

/// The fields of a fetch record these tests read.
private struct FetchRecordLite: Decodable { var source: String }

/// A small article page.
enum HostilePagesLite {
    static func article(_ headline: String) -> String {
        let body = (0 ..< 5).map { "<p>\(headline): paragraph \($0) tells the story at length, with enough words for the extractor to keep it as prose and not as a teaser line.</p>" }
        return "<!doctype html><html lang=en><head><title>\(headline)</title></head><body><article><h1>\(headline)</h1>\(body.joined())</article></body></html>"
    }
}
