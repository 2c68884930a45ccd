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

/// The stores over several nights, as the built binary leaves them: WARC segments, databases,
/// retention, the upgrade from the old layout, and CC-NEWS files over HTTP.
@Suite(.serialized) struct StorageEndToEndTests {
    static func day(_ n: Int) -> String { String(format: "2026-11-%02dT02:30:00Z", n) }

    static func files(under folder: URL) -> [String] {
        guard let walker = FileManager.default.enumerator(at: folder, includingPropertiesForKeys: [.isRegularFileKey]) else { return [] }
        var found: [String] = []
        for case let url as URL in walker where (try? url.resourceValues(forKeys: [.isRegularFileKey]).isRegularFile) == true {
            found.append(String(url.path.dropFirst(folder.path.count)))
        }
        return found.sorted()
    }

    static func captures(_ harness: PipelineHarness) throws -> [WARCCapture] {
        var all: [WARCCapture] = []
        for name in try FileManager.default.contentsOfDirectory(atPath: harness.work("fetch").path).sorted() where name.hasSuffix(".cdxj") {
            for line in try String(contentsOf: harness.work("fetch/\(name)"), encoding: .utf8).split(separator: "\n") {
                all.append(try #require(WARCCapture(cdxjLine: Array(line.utf8))))
            }
        }
        return all
    }

    @Test func pagesGoToOneSegmentPerShardAndNightAndAreStoredOnce() throws {
        let harness = try PipelineHarness()
        defer { harness.remove() }
        let first = try harness.run(["run"], environment: ["NEWSPIPE_NOW": Self.day(1)])
        #expect(first.status == ExitStatus.finishedWithRejects.rawValue, "\(first.stderr)")
        let segments = { try FileManager.default.contentsOfDirectory(atPath: harness.work("fetch/warc").path).filter { $0.hasSuffix(".warc.gz") }.sorted() }
        #expect(try segments().count == 2)
        #expect(try segments().allSatisfy { $0.hasPrefix("newspipe-20261101-") })
        #expect(!FileManager.default.fileExists(atPath: harness.work("fetch/objects").path))
        let night1 = try Self.captures(harness)
        #expect(night1.count == 34)
        for file in night1.map(\.location.file) {
            let stored = night1.filter { $0.location.file == file && $0.kind != .revisit }
            #expect(Set(stored.map(\.digest)).count == stored.count, "one stored copy per payload in \(file)")
        }

        // Night 2: one new page; every other payload is in the index already.
        let page = harness.folder.appendingPathComponent("corpus/new-site.example/fresh-story.html")
        try FileManager.default.createDirectory(at: page.deletingLastPathComponent(), withIntermediateDirectories: true)
        try Data("<html lang=en><head><title>Fresh</title></head><body><article><p>\(String(repeating: "A fresh story about harbour cranes and their new owners. ", count: 20))</p></article></body></html>".utf8).write(to: page)
        let second = try harness.run(["run"], environment: ["NEWSPIPE_NOW": Self.day(2)])
        #expect(second.status == ExitStatus.finishedWithRejects.rawValue, "\(second.stderr)")
        #expect(try segments().count == 4)
        let night2 = try Self.captures(harness)
        #expect(night2.count == 35)
        #expect(night2.filter { $0.kind != .revisit }.map(\.url) == ["file:///corpus/new-site.example/fresh-story.html"])
        #expect(night2.filter { $0.kind == .revisit }.allSatisfy { $0.original?.file.hasPrefix("newspipe-20261101-") == true })
        let counts = try harness.stageCounts()
        #expect(counts["strip"]?.processed == 1 && counts["entities"]?.processed == 1)
        // The output folder grows with shards and nights, not with documents.
        let files = Self.files(under: harness.output)
        #expect(files.count < 120, "\(files.count) files: \(files)")
        if let warcio = WARCToolLocator.warcio {
            for name in try segments() {
                let check = try WARCToolLocator.run([warcio, "check", harness.work("fetch/warc/\(name)").path])
                #expect(check.status == 0, "warcio check \(name): \(check.output)")
            }
        }
    }

    @Test func retentionRemovesOldSegmentsReportsAndIndexEntriesButNothingStillNeeded() throws {
        let manifest = #"{"shards": 2, "retention": {"rawPagesDays": 4, "reportDays": 3, "cacheDays": 5, "indexDays": 6}}"#
        let harness = try PipelineHarness(manifest: manifest)
        defer { harness.remove() }
        #expect(try harness.run(["run"], environment: ["NEWSPIPE_NOW": Self.day(1)]).status == 1)
        let page = harness.folder.appendingPathComponent("corpus/new-site.example/fresh-story.html")
        try FileManager.default.createDirectory(at: page.deletingLastPathComponent(), withIntermediateDirectories: true)
        try Data("<html><body><article><p>\(String(repeating: "Cranes in the harbour change hands on Tuesday. ", count: 20))</p></article></body></html>".utf8).write(to: page)
        #expect(try harness.run(["run"], environment: ["NEWSPIPE_NOW": Self.day(2)]).status == 1)
        // Day 12: everything stored on days 1 and 2 is older than half the retention, so tonight
        // stores its payloads afresh, and the old segments go at the end of the run.
        try FileManager.default.removeItem(at: page)
        let late = try harness.run(["run"], environment: ["NEWSPIPE_NOW": Self.day(12)])
        #expect(late.status == 1, "\(late.stderr)")
        let segments = try FileManager.default.contentsOfDirectory(atPath: harness.work("fetch/warc").path).sorted()
        #expect(segments.count == 2 && segments.allSatisfy { $0.hasPrefix("newspipe-20261112-") }, "\(segments)")
        #expect(try Self.captures(harness).allSatisfy { $0.kind != .revisit })
        let reports = try FileManager.default.contentsOfDirectory(atPath: harness.output.appendingPathComponent("reports").path).sorted()
        // Day folders go; `latest` and the report stage's history stay.
        #expect(reports.filter { $0.first?.isNumber == true } == ["2026-11-12"] && reports.contains("latest"), "\(reports)")
        // What tonight's stages need is still readable: strip runs again from the store.
        let strip = try harness.run(["run", "--stage", "strip", "--force"], environment: ["NEWSPIPE_NOW": Self.day(12)])
        #expect(strip.status == 1, "\(strip.stderr)")
        #expect(!strip.stderr.contains("missing-body"))
        // The dedup index keeps only the last six days.
        let index = try #require(FileManager.default.contentsOfDirectory(atPath: harness.work("dedup/cache").path).first { $0.hasPrefix("mirrors-") })
        let database = try SQLiteDatabase(path: harness.work("dedup/cache/\(index)/mirrors.sqlite"), mode: .readOnly)
        #expect(try database.integer("SELECT count(*) FROM documents WHERE day < '2026-11-06'") == 0)
        #expect(try database.integer("SELECT count(*) FROM documents") ?? 0 > 0)
        database.close()
    }

    @Test(arguments: ["gc:1", "gc:2", "gc:3"])
    func aCollectionKilledAtAnyStepIsFinishedByTheNext(_ crashPoint: String) throws {
        let manifest = #"{"shards": 2, "retention": {"rawPagesDays": 2, "reportDays": 1, "gcAfterRun": false}}"#
        let harness = try PipelineHarness(manifest: manifest)
        defer { harness.remove() }
        // A new page each night, so each night's fetch runs (an unchanged folder is not fetched again).
        for day in [1, 2, 9] {
            let page = harness.folder.appendingPathComponent("corpus/new-site.example/day-\(day).html")
            try FileManager.default.createDirectory(at: page.deletingLastPathComponent(), withIntermediateDirectories: true)
            try Data("<html><body><article><p>\(String(repeating: "Night \(day): the harbour cranes changed hands again. ", count: 20))</p></article></body></html>".utf8).write(to: page)
            #expect(try harness.run(["run"], environment: ["NEWSPIPE_NOW": Self.day(day)]).status == 1)
        }
        let killed = try harness.run(["gc"], environment: ["NEWSPIPE_NOW": Self.day(9), "NEWSPIPE_CRASH_AT": crashPoint])
        #expect(killed.killed, "\(crashPoint) was not reached: \(killed.stdout)")
        let finished = try harness.run(["gc"], environment: ["NEWSPIPE_NOW": Self.day(9)])
        #expect(finished.status == 0, "\(finished.stderr)")
        // Every segment the index names is there, and every segment there is indexed or tonight's.
        let index = try WARCIndex.openForWriting(harness.work("fetch/index.sqlite"))
        let indexed = Set(try index.segments().map(\.file))
        index.close()
        let present = Set(try FileManager.default.contentsOfDirectory(atPath: harness.work("fetch/warc").path).filter { $0.hasSuffix(".warc.gz") })
        #expect(indexed == present, "index \(indexed.sorted()) vs files \(present.sorted())")
        #expect(present.allSatisfy { $0.hasPrefix("newspipe-20261109-") })
        let again = try harness.run(["gc"], environment: ["NEWSPIPE_NOW": Self.day(9)])
        #expect(again.stdout.contains("nothing to remove"), "\(again.stdout)")
        #expect(try harness.run(["run", "--from", "strip", "--force"], environment: ["NEWSPIPE_NOW": Self.day(9)]).status == 1)
    }

    // MARK: - The old layout

    /// Turns a finished output folder into what the previous newspipe left: pages one file each,
    /// one cache file per result, the dedup signatures in one file, the old stage versions.
    static func makeLegacy(_ harness: PipelineHarness) throws {
        let files = FileManager.default
        for record in try harness.shardFiles("fetch", "records").flatMap({ try JSONLines.read(FetchRecord.self, from: harness.work("fetch/\($0)")) }) {
            guard let hash = record.hash else { continue }
            let bytes = try Data(contentsOf: harness.folder.appendingPathComponent(record.source))
            let target = harness.work("fetch/objects/\(hash.prefix(2))/\(hash)")
            try files.createDirectory(at: target.deletingLastPathComponent(), withIntermediateDirectories: true)
            try bytes.write(to: target)
        }
        try files.removeItem(at: harness.work("fetch/warc"))
        try files.removeItem(at: harness.work("fetch/index.sqlite"))
        for name in try files.contentsOfDirectory(atPath: harness.work("fetch").path) where name.hasSuffix(".cdxj") {
            try files.removeItem(at: harness.work("fetch/\(name)"))
        }
        for stage in ["strip", "entities"] {
            let url = harness.work("\(stage)/cache/results.sqlite")
            let database = try SQLiteDatabase(path: url, mode: .readOnly)
            for row in try database.rows("SELECT hex(key) FROM results") {
                let key = try #require(row[0]).lowercased()
                let statement = try database.prepare("SELECT value, size FROM results WHERE hex(key) = ?")
                try statement.query(.text(key.uppercased()))
                #expect(try statement.step())
                let json = try Deflate.decompress(statement.blob(0), format: .zlib)
                try AtomicFile.write(json + [0x0A], to: harness.work("\(stage)/cache/results/\(key.prefix(2))/\(key).json"))
            }
            database.close()
            try files.removeItem(at: url)
        }
        let manifest = try Manifest.load(from: harness.folder.appendingPathComponent("pipeline.json"))
        let dedup = DedupStage(parameters: manifest.dedup, settingsFingerprint: manifest.fingerprint(of: .dedup))
        let signer = MinHashSigner(parameters: manifest.dedup)
        var signatures = SignatureIndex(parameters: manifest.dedup)
        for file in harness.shardFiles("strip", "documents") {
            try JSONLines.forEach(ArticleRecord.self, in: harness.work("strip/\(file)")) { signatures.add(signer.sign(DedupDocument(article: $0))) }
        }
        try signatures.save(to: harness.work("dedup/cache/signatures-\(dedup.indexKey).bin"))
        try files.removeItem(at: harness.work("dedup/cache/mirrors-\(dedup.indexKey)"))
        // The stages ran at the old versions.
        for (stage, version) in [("fetch", 2), ("dedup", 1)] {
            for name in ["stage.json", "attempt.json"] {
                let url = harness.work("\(stage)/\(name)")
                var object = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: url)) as? [String: Any])
                object["version"] = version
                try JSONSerialization.data(withJSONObject: object).write(to: url)
            }
        }
    }

    @Test func anOutputFolderOfTheOldLayoutIsRefusedThenMigratedWithoutLoss() throws {
        let clean = try PipelineHarness()
        defer { clean.remove() }
        try clean.run(["run"])
        let harness = try PipelineHarness()
        defer { harness.remove() }
        try harness.run(["run"])
        try Self.makeLegacy(harness)

        let refused = try harness.run(["run"])
        #expect(refused.status == ExitStatus.usage.rawValue)
        #expect(refused.stderr.contains("written by an earlier newspipe") && refused.stderr.contains("newspipe migrate"), "\(refused.stderr)")
        #expect(FileManager.default.fileExists(atPath: harness.work("fetch/objects").path), "nothing was touched")
        let status = try harness.run(["status"])
        #expect(status.stdout.contains("migration needed"), "\(status.stdout)")

        let migrated = try harness.run(["migrate"])
        #expect(migrated.status == 0, "\(migrated.stderr)")
        #expect(migrated.stdout.contains("stored pages moved"), "\(migrated.stdout)")
        #expect(!FileManager.default.fileExists(atPath: harness.work("fetch/objects").path))
        #expect(!FileManager.default.fileExists(atPath: harness.work("strip/cache/results").path))
        #expect(try harness.run(["migrate"]).stdout.contains("nothing to migrate"))

        let rerun = try harness.run(["run"])
        // Nothing new was rejected: the stages after fetch were reported before the migration.
        #expect(rerun.status == ExitStatus.ok.rawValue, "\(rerun.stderr)")
        // Fetch runs again (its store changed format) to the same records, so each later stage is
        // either up to date or finds every result in its migrated store.
        let counts = try harness.stageCounts()
        for stage in ["strip", "dedup", "entities"] {
            #expect(rerun.logged(stage, "up to date, skipped") || counts[stage]?.processed == 0,
                    "\(stage) recomputed after the migration: \(String(describing: counts[stage]))")
        }
        #expect(rerun.logged("dedup", "done") && counts["dedup"]?.processed == 0, "every signature came from the migrated index")
        #expect(try Self.captures(harness).allSatisfy { $0.kind == .revisit }, "every page was found in the migrated segment")
        for stage in ["strip", "dedup", "entities"] {
            let expected = try clean.snapshot("work/\(stage)").filter { $0.key.hasSuffix(".jsonl") }
            let actual = try harness.snapshot("work/\(stage)").filter { $0.key.hasSuffix(".jsonl") }
            #expect(expected == actual, "\(stage) differs after the migration")
        }
    }

    @Test func aMigrationKilledHalfWayIsFinishedByRunningItAgain() throws {
        let harness = try PipelineHarness()
        defer { harness.remove() }
        try harness.run(["run"])
        try Self.makeLegacy(harness)
        let killed = try harness.run(["migrate"], environment: ["NEWSPIPE_CRASH_AT": "migrate:2"])
        #expect(killed.killed)
        #expect(try harness.run(["migrate"]).status == 0)
        #expect(try harness.run(["run"]).status == ExitStatus.ok.rawValue, "the rerun only finishes what the migration kept")
    }

    // MARK: - CC-NEWS inputs

    static func storyPage(_ n: Int) -> [UInt8] {
        let body = (0 ..< 8).map { "<p>Story \(n), paragraph \($0): the port authority of city \(n) said on Monday that container traffic rose by \(n) percent in the quarter.</p>" }.joined()
        return Array("<html lang=en><head><title>Port traffic \(n)</title></head><body><article><h1>Port traffic \(n)</h1>\(body)</article></body></html>".utf8)
    }

    /// A CC-NEWS-like file: warcinfo, then a request and a response per page, gzip per record.
    static func ccNewsFile(pages: Range<Int>) -> [UInt8] {
        var bytes = WARCRecordBuilder.member([("WARC-Type", "warcinfo"), ("WARC-Date", "2026-11-01T00:00:00Z"),
                                              ("WARC-Record-ID", WARCRecordBuilder.recordID("cc", "\(pages)")), ("Content-Type", "application/warc-fields")],
                                             block: Array("software: test\r\n".utf8))
        for n in pages {
            let uri = "https://news\(n % 5).example/story/\(n)"
            let body = storyPage(n)
            let request = Array("GET /story/\(n) HTTP/1.1\r\nHost: news\(n % 5).example\r\n\r\n".utf8)
            let response = WARCRecordBuilder.httpHead(status: 200, headers: [("Content-Type", "text/html; charset=utf-8"), ("Content-Length", "\(body.count)")]) + body
            let id = WARCRecordBuilder.recordID("cc", "\(n)", "response")
            bytes += WARCRecordBuilder.member([("WARC-Type", "request"), ("WARC-Date", "2026-11-01T01:00:00Z"), ("WARC-Record-ID", WARCRecordBuilder.recordID("cc", "\(n)", "request")),
                                               ("Content-Type", WARCRecordBuilder.httpRequestType), ("WARC-Concurrent-To", id), ("WARC-Target-URI", uri)], block: request)
            bytes += WARCRecordBuilder.member([("WARC-Type", "response"), ("WARC-Date", "2026-11-01T01:00:00Z"), ("WARC-Record-ID", id),
                                               ("Content-Type", WARCRecordBuilder.httpResponseType), ("WARC-IP-Address", "192.0.2.\(n % 200)"), ("WARC-Target-URI", uri)], block: response)
        }
        return bytes
    }

    static func ccNewsServer() throws -> FetchTestServer {
        let files = (0 ..< 3).map { ccNewsFile(pages: $0 * 10 ..< $0 * 10 + 10) }
        let listing = Deflate.compress(Array((0 ..< 3).map { "crawl-data/CC-NEWS/2026/11/CC-NEWS-2026110\($0).warc.gz" }.joined(separator: "\n").utf8))
        return try FetchTestServer(route: { path, _ in
            if path == "/crawl-data/CC-NEWS/2026/11/warc.paths.gz" { return .respond(status: 200, headers: [], body: listing) }
            for n in 0 ..< 3 where path == "/crawl-data/CC-NEWS/2026/11/CC-NEWS-2026110\(n).warc.gz" {
                return .respond(status: 200, headers: [("Content-Type", "application/warc")], body: files[n])
            }
            return .status(404)
        })
    }

    static func ccNewsManifest(_ server: FetchTestServer) -> String {
        #"{"shards": 3, "stages": {"fetch": {"sources": [{"type": "warc", "urls": ["\#(server.base)/crawl-data/CC-NEWS/2026/11/warc.paths.gz"], "baseUrl": "\#(server.base)/"}]}}}"#
    }

    @Test func ccNewsFilesFromAListingAreStreamedOnceSpreadOverShardsAndResumedFileByFile() throws {
        let server = try Self.ccNewsServer()
        defer { server.shutdown() }
        let clean = try PipelineHarness(manifest: Self.ccNewsManifest(server), sampleCorpus: false)
        defer { clean.remove() }
        let uninterrupted = try clean.run(["run"], environment: ["NEWSPIPE_NOW": Self.day(3)])
        #expect(uninterrupted.status == 0, "\(uninterrupted.stderr)")
        for n in 0 ..< 3 { #expect(server.hits("/crawl-data/CC-NEWS/2026/11/CC-NEWS-2026110\(n).warc.gz") == 1, "file \(n): three shards, one download") }
        // Each file's records are spread over the three shards.
        let perShard = try clean.shardFiles("fetch", "records").map { try clean.lines("work/fetch/\($0)").count }
        #expect(perShard == [10, 10, 10], "\(perShard)")
        let documents = try clean.shardFiles("strip", "documents").flatMap { try clean.lines("work/strip/\($0)") }
        #expect(documents.count == 30)
        #expect(try Self.captures(clean).allSatisfy { $0.kind == .response && $0.status == 200 })

        // Killed after the first file was spooled: the rerun downloads only the other two.
        let harness = try PipelineHarness(manifest: Self.ccNewsManifest(server), sampleCorpus: false)
        defer { harness.remove() }
        let before = (0 ..< 3).map { server.hits("/crawl-data/CC-NEWS/2026/11/CC-NEWS-2026110\($0).warc.gz") }
        let killed = try harness.run(["run"], environment: ["NEWSPIPE_NOW": Self.day(3), "NEWSPIPE_CRASH_AT": "warc-file:1"])
        #expect(killed.killed)
        let resumed = try harness.run(["run"], environment: ["NEWSPIPE_NOW": Self.day(3)])
        #expect(resumed.status == 0, "\(resumed.stderr)")
        let after = (0 ..< 3).map { server.hits("/crawl-data/CC-NEWS/2026/11/CC-NEWS-2026110\($0).warc.gz") }
        #expect(zip(after, before).map { $0 - $1 } == [1, 1, 1], "each file downloaded once over both runs: \(before) → \(after)")
        for stage in ["strip", "dedup", "entities"] {
            let expected = try clean.snapshot("work/\(stage)").filter { $0.key.hasSuffix(".jsonl") }
            #expect(try harness.snapshot("work/\(stage)").filter { $0.key.hasSuffix(".jsonl") } == expected, "\(stage)")
        }
    }
}

/// Finds warcio (pywb's WARC library) for interoperability checks, when installed.
enum WARCToolLocator {
    static var warcio: String? {
        var candidates: [String] = []
        if let named = ProcessInfo.processInfo.environment["WARCIO"] { candidates.append(named) }
        candidates.append(PipelineHarness.repository.appendingPathComponent(".bench/venv/bin/warcio").path)
        for folder in (ProcessInfo.processInfo.environment["PATH"] ?? "").split(separator: ":") { candidates.append("\(folder)/warcio") }
        return candidates.first { FileManager.default.isExecutableFile(atPath: $0) }
    }

    static func run(_ arguments: [String]) throws -> (status: Int32, output: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: arguments[0])
        process.arguments = Array(arguments.dropFirst())
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: data, as: UTF8.self))
    }
}
