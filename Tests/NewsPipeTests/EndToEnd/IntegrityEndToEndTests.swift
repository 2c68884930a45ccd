import Foundation
import Testing
import NewsTestSupport
@testable import NewsPipeCLI
@testable import NewsPipe
@testable import PipelineKit
@testable import NewsIO
@testable import NewsRecords
@testable import MirrorDedup
@testable import NewsFetch

/// Issue 18, items 7b, 9 and 10, on the built binary: damaged stores are reported with their path
/// (exit 8) or rebuilt from their inputs, never turned into different output; `newspipe verify`
/// checks a whole output folder; a truncated `.warc.gz` is a reject naming the file and offset
/// while the good file beside it is read; a `.warc.gz` inflating far beyond its size is read in
/// bounded memory.
@Suite(.serialized) struct IntegrityEndToEndTests {
    /// Overwrites `count` bytes at `offset` with their complement.
    static func flip(_ url: URL, at offset: Int, count: Int) throws {
        var bytes = [UInt8](try Data(contentsOf: url))
        for i in offset ..< min(bytes.count, offset + count) { bytes[i] ^= 0xFF }
        try Data(bytes).write(to: url)
    }

    /// Where `needle` first occurs in the file.
    static func find(_ needle: [UInt8], in url: URL) throws -> Int? {
        let bytes = [UInt8](try Data(contentsOf: url))
        guard needle.count > 0, bytes.count >= needle.count else { return nil }
        outer: for start in 0 ... (bytes.count - needle.count) where bytes[start] == needle[0] {
            for i in 1 ..< needle.count where bytes[start + i] != needle[i] { continue outer }
            return start
        }
        return nil
    }

    static func rejects(_ harness: PipelineHarness, _ stage: String) throws -> [RejectRecord] {
        try harness.lines("work/\(stage)/rejects.jsonl").map { try JSONLines.makeDecoder().decode(RejectRecord.self, from: Data($0.utf8)) }
    }

    static func latestReport(_ harness: PipelineHarness) -> String? {
        try? FileManager.default.destinationOfSymbolicLink(atPath: harness.output.appendingPathComponent("reports/latest").path)
    }

    // MARK: - verify on a sound folder

    @Test func verifyFindsNothingWrongInAFreshOutputFolderAndNeedsOne() throws {
        let harness = try PipelineHarness()
        defer { harness.remove() }
        #expect(try harness.run(["run"]).status == ExitStatus.finishedWithRejects.rawValue)
        let verify = try harness.run(["verify"])
        #expect(verify.status == 0, "\(verify.stdout)\(verify.stderr)")
        #expect(verify.stdout.contains("no damage found"))
        for store in ["fetch/warc/", "fetch/index.sqlite", "strip/cache/results.sqlite", "entities/cache/results.sqlite", "mirrors.sqlite"] {
            #expect(verify.stdout.contains(store), "\(store) was not checked: \(verify.stdout)")
        }
        // The folder can be named on the command line, and must be an output folder.
        #expect(try harness.run(["verify", harness.output.path]).status == 0)
        let wrong = try harness.run(["verify", harness.folder.appendingPathComponent("corpus").path])
        #expect(wrong.status == ExitStatus.usage.rawValue)
        #expect(wrong.stderr.contains("not a newspipe output folder"))
    }

    // MARK: - Stored pages

    @Test func aDamagedStoredPageIsReportedWithItsSegmentAndNeverBecomesADifferentNight() throws {
        let harness = try PipelineHarness()
        defer { harness.remove() }
        #expect(try harness.run(["run"]).status == ExitStatus.finishedWithRejects.rawValue)
        let latest = Self.latestReport(harness)
        let captures = try StorageEndToEndTests.captures(harness).filter { $0.kind != .revisit }
        let capture = try #require(captures.first { $0.url.hasSuffix(".html") })
        let segment = harness.work("fetch/warc/\(capture.location.file)")
        try Self.flip(segment, at: capture.location.offset + capture.location.length / 2, count: 64)

        let verify = try harness.run(["verify"])
        #expect(verify.status == ExitStatus.damagedStore.rawValue)
        #expect(verify.stdout.contains("DAMAGED \(segment.path)"), "\(verify.stdout)")

        // Strip reads the page again (its cache gone): the run stops naming the segment, exit 8,
        // and the last report stays.
        try FileManager.default.removeItem(at: harness.work("strip/cache"))
        let rerun = try harness.run(["run", "--from", "strip", "--force"])
        #expect(rerun.status == ExitStatus.damagedStore.rawValue, "\(rerun.stderr)")
        #expect(rerun.stderr.contains(segment.path) && rerun.stderr.contains("damaged"), "\(rerun.stderr)")
        #expect(Self.latestReport(harness) == latest)
        // Fetched again from its source, the page is stored afresh and the night completes.
        #expect(try harness.run(["run", "--force"]).status == ExitStatus.finishedWithRejects.rawValue)
    }

    // MARK: - Result caches

    @Test func aDamagedCachedResultIsComputedAgainFromItsInputAndTheOutputIsUnchanged() throws {
        let harness = try PipelineHarness()
        defer { harness.remove() }
        #expect(try harness.run(["run"]).status == ExitStatus.finishedWithRejects.rawValue)
        let before = try harness.snapshot("work/strip").filter { $0.key.hasSuffix(".jsonl") }
        let url = harness.work("strip/cache/results.sqlite")
        let database = try SQLiteDatabase(path: url, mode: .readOnly)
        let value = try #require(try database.rows("SELECT hex(value) FROM results ORDER BY length(value) DESC LIMIT 1").first?.first ?? nil)
        database.close()
        let bytes = stride(from: 0, to: value.count, by: 2).map { UInt8(value[value.index(value.startIndex, offsetBy: $0) ..< value.index(value.startIndex, offsetBy: $0 + 2)], radix: 16)! }
        // The start of the value (a long one may go on in overflow pages).
        #expect(bytes.count > 64)
        let offset = try #require(try Self.find(Array(bytes[16 ..< 48]), in: url))
        try Self.flip(url, at: offset + 8, count: 16)

        let verify = try harness.run(["verify"])
        #expect(verify.status == ExitStatus.damagedStore.rawValue)
        #expect(verify.stdout.contains("DAMAGED \(url.path)") && verify.stdout.contains("computed again"), "\(verify.stdout)")

        let rerun = try harness.run(["run", "--from", "strip", "--force"])
        #expect(rerun.status == ExitStatus.finishedWithRejects.rawValue, "\(rerun.stderr)")
        #expect(try harness.snapshot("work/strip").filter { $0.key.hasSuffix(".jsonl") } == before, "strip's output changed")
        #expect(try harness.stageCounts()["strip"]?.processed == 1, "only the damaged entry was computed again")
        let after = try harness.run(["verify"])
        #expect(after.status == 0, "the fold replaced the damaged entry: \(after.stdout)")
    }

    // MARK: - The dedup index

    @Test func aDamagedDedupIndexIsReportedWithItsPathNeverTurnedIntoADifferentSimilarity() throws {
        let harness = try PipelineHarness()
        defer { harness.remove() }
        #expect(try harness.run(["run"]).status == ExitStatus.finishedWithRejects.rawValue)
        let latest = Self.latestReport(harness)
        let folderName = try #require(FileManager.default.contentsOfDirectory(atPath: harness.work("dedup/cache").path).first { $0.hasPrefix("mirrors-") })
        let folder = harness.work("dedup/cache/\(folderName)")

        // A band run with a changed byte.
        let run = try #require(FileManager.default.contentsOfDirectory(atPath: folder.path).sorted().first { $0.hasSuffix(".bin") })
        let runURL = folder.appendingPathComponent(run)
        let original = try Data(contentsOf: runURL)
        try Self.flip(runURL, at: 16 + 12 * 3 + 8, count: 1)  // a document number: the order stays, the digest does not
        let verifyRun = try harness.run(["verify"])
        #expect(verifyRun.status == ExitStatus.damagedStore.rawValue)
        #expect(verifyRun.stdout.contains("DAMAGED \(runURL.path)") && verifyRun.stdout.contains("digest"), "\(verifyRun.stdout)")
        try original.write(to: runURL)
        #expect(try harness.run(["verify"]).status == 0)

        // 64 changed bytes in the MinHash values of a document in a cluster of mirrors.
        let url = folder.appendingPathComponent(MirrorIndex.databaseName)
        let database = try SQLiteDatabase(path: url, mode: .readOnly)
        let row = try #require(try database.rows("""
            SELECT id, hex(minhashes) FROM documents WHERE cluster IN (SELECT cluster FROM documents GROUP BY cluster HAVING count(*) > 1) ORDER BY id LIMIT 1
            """).first)
        database.close()
        let id = try #require(row[0]), hex = try #require(row[1])
        let bytes = stride(from: 0, to: hex.count, by: 2).map { UInt8(hex[hex.index(hex.startIndex, offsetBy: $0) ..< hex.index(hex.startIndex, offsetBy: $0 + 2)], radix: 16)! }
        let offset = try #require(try Self.find(bytes, in: url))
        try Self.flip(url, at: offset + 128, count: 64)

        let verify = try harness.run(["verify"])
        #expect(verify.status == ExitStatus.damagedStore.rawValue)
        #expect(verify.stdout.contains("DAMAGED \(url.path)") && verify.stdout.contains(id), "\(verify.stdout)")
        let rerun = try harness.run(["run", "--from", "dedup", "--force"])
        #expect(rerun.status == ExitStatus.damagedStore.rawValue, "\(rerun.stderr)")
        #expect(rerun.stderr.contains(url.path) && rerun.stderr.contains(id), "\(rerun.stderr)")
        #expect(Self.latestReport(harness) == latest)
    }

    // MARK: - WARC inputs

    static func warcManifest() -> String {
        #"{"shards": 2, "stages": {"fetch": {"sources": [{"type": "warc", "path": "warcs"}]}}}"#
    }

    @Test func aTruncatedWARCIsARejectNamingTheFileAndOffsetAndTheGoodFileBesideItIsRead() throws {
        let harness = try PipelineHarness(manifest: Self.warcManifest(), sampleCorpus: false)
        defer { harness.remove() }
        let folder = harness.folder.appendingPathComponent("warcs")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let good = StorageEndToEndTests.ccNewsFile(pages: 0 ..< 10)
        let bad = StorageEndToEndTests.ccNewsFile(pages: 10 ..< 20)
        // Inside the last gzip member (a cut at a member boundary is a shorter, valid file).
        let cut = bad.count - 25
        try Data(good).write(to: folder.appendingPathComponent("a-good.warc.gz"))
        try Data(bad.prefix(cut)).write(to: folder.appendingPathComponent("b-truncated.warc.gz"))

        let outcome = try harness.run(["run"])
        #expect(outcome.status == ExitStatus.finishedWithRejects.rawValue, "\(outcome.stderr)")
        let rejects = try Self.rejects(harness, "fetch")
        let damaged = try #require(rejects.first { $0.reason == "warc-damaged" }, "\(rejects)")
        let path = folder.appendingPathComponent("b-truncated.warc.gz").path
        #expect(damaged.source == path)
        #expect(damaged.detail.contains(path) && damaged.detail.contains("truncated") && damaged.detail.contains("byte \(cut)"), "\(damaged.detail)")
        let documents = try harness.shardFiles("strip", "documents").flatMap { try harness.lines("work/strip/\($0)") }
            .map { try JSONLines.makeDecoder().decode(ArticleRecord.self, from: Data($0.utf8)) }
        let urls = Set(documents.compactMap(\.url))
        for n in 0 ..< 10 { #expect(urls.contains("https://news\(n % 5).example/story/\(n)"), "page \(n) of the good file") }
        // The whole records before the damage are kept; the rest of the file is not invented.
        let kept = (10 ..< 20).filter { urls.contains("https://news\($0 % 5).example/story/\($0)") }
        #expect(!kept.isEmpty && kept.count < 10 && kept == Array(10 ..< 10 + kept.count), "\(kept)")
        #expect(try harness.run(["verify"]).status == 0)
    }

    /// One `response` record whose block inflates to `bodyBytes` of zeros from about a thousandth
    /// of that (gzip members of 8 MB each), then a normal record.
    static func inflatingWARC(bodyBytes: Int) -> [UInt8] {
        let uri = "https://bomb.example/story/zeros"
        let head = WARCRecordBuilder.httpHead(status: 200, headers: [("Content-Type", "text/html"), ("Content-Length", "\(bodyBytes)")])
        let header = "WARC/1.1\r\nWARC-Type: response\r\nWARC-Date: 2026-11-01T01:00:00Z\r\nWARC-Record-ID: \(WARCRecordBuilder.recordID("bomb"))\r\n"
            + "Content-Type: \(WARCRecordBuilder.httpResponseType)\r\nWARC-Target-URI: \(uri)\r\nContent-Length: \(head.count + bodyBytes)\r\n\r\n"
        var bytes = Deflate.compress(Array(header.utf8) + head, format: .gzip)
        let piece = 8 * 1024 * 1024
        let zeros = Deflate.compress([UInt8](repeating: 0x20, count: piece), format: .gzip, level: 9)
        var left = bodyBytes
        while left >= piece { bytes += zeros; left -= piece }
        if left > 0 { bytes += Deflate.compress([UInt8](repeating: 0x20, count: left), format: .gzip, level: 9) }
        bytes += Deflate.compress(Array("\r\n\r\n".utf8), format: .gzip)
        return bytes + StorageEndToEndTests.ccNewsFile(pages: 0 ..< 3)
    }

    @Test func aWARCInflatingAThousandfoldIsReadInBoundedMemory() throws {
        let harness = try PipelineHarness(manifest: Self.warcManifest(), sampleCorpus: false)
        defer { harness.remove() }
        let folder = harness.folder.appendingPathComponent("warcs")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let gigabyte = 1 << 30
        let bytes = Self.inflatingWARC(bodyBytes: gigabyte)
        #expect(bytes.count < 2 * 1024 * 1024, "\(bytes.count) bytes on disk")
        try Data(bytes).write(to: folder.appendingPathComponent("bomb.warc.gz"))

        // GNU time forks the run and reports its own peak: `wait4` on a child posix_spawn started
        // from this (large) test process would count this process's memory, shared until exec.
        let time = "/usr/bin/time"
        try #require(FileManager.default.isExecutableFile(atPath: time), "measuring the run's peak RSS needs GNU time at \(time)")
        let log = harness.folder.appendingPathComponent("run.log").path
        let child = try BenchChild.run([time, "-f", "maxrss_kb=%M", PipelineHarness.binary.path, "run", "--manifest",
                                        harness.folder.appendingPathComponent("pipeline.json").path], log: log)
        let text = (try? String(contentsOfFile: log, encoding: .utf8)) ?? ""
        #expect(child.status == ExitStatus.finishedWithRejects.rawValue, "\(text)")
        let peakKB = try #require(text.split(separator: "\n").compactMap { $0.hasPrefix("maxrss_kb=") ? Int($0.dropFirst("maxrss_kb=".count)) : nil }.last)
        // The gigabyte record is skipped as too large without being held; the pages after it are read.
        #expect(peakKB < 256 * 1024, "peak RSS \(peakKB / 1024) MB for a file inflating to 1 GB")
        let rejects = try Self.rejects(harness, "fetch")
        #expect(rejects.contains { $0.source == "https://bomb.example/story/zeros" && $0.reason == "too-large" }, "\(rejects)")
        let documents = try harness.shardFiles("strip", "documents").flatMap { try harness.lines("work/strip/\($0)") }
        #expect(documents.count == 3)
    }
}
