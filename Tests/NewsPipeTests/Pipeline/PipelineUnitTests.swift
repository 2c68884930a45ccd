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

@Suite struct PathGlobTests {
    @Test(arguments: [
        ("**/*.html", "a.html", true), ("**/*.html", "site/a/b.html", true), ("**/*.html", "a.htm", false),
        ("*.html", "site/a.html", false), ("site/*.html", "site/a.html", true), ("site/?.html", "site/ab.html", false),
        ("**", "x/y/z", true), ("a/**/z.txt", "a/z.txt", true), ("a/**/z.txt", "a/b/c/z.txt", true),
    ])
    func matches(_ pattern: String, _ path: String, _ expected: Bool) {
        #expect(PathGlob(pattern).matches(path) == expected)
    }
}

@Suite struct ShardTests {
    @Test func stripesCoverEveryItemOnce() {
        let shards = (0 ..< 3).map { Shard(index: $0, count: 3) }
        for position in 0 ..< 20 {
            #expect(shards.filter { $0.owns(position) }.count == 1)
        }
        #expect(Shard(index: 1, count: 3).fileTag == "0001-of-0003")
    }

    @Test(arguments: [("0/4", true), ("3/4", true), ("4/4", false), ("-1/4", false), ("1/0", false), ("x", false)])
    func parsing(_ text: String, _ valid: Bool) {
        #expect((Shard(parsing: text) != nil) == valid)
    }
}

@Suite struct FilesTests {
    func temporaryFolder() throws -> URL {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("files-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        return folder
    }

    @Test func atomicFileIsInvisibleUntilCommitted() throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let target = folder.appendingPathComponent("out.jsonl")
        try AtomicFile.write("old\n", to: target)
        let file = try AtomicFile(target)
        try file.write("new\n")
        #expect(try String(contentsOf: target, encoding: .utf8) == "old\n")
        try file.commit()
        #expect(try String(contentsOf: target, encoding: .utf8) == "new\n")
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path) == ["out.jsonl"])
    }

    @Test func abandonedFileLeavesTheOldContent() throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let target = folder.appendingPathComponent("out.jsonl")
        try AtomicFile.write("old\n", to: target)
        let file = try AtomicFile(target)
        try file.write("half")
        file.abandon()
        #expect(try String(contentsOf: target, encoding: .utf8) == "old\n")
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path) == ["out.jsonl"])
    }

    @Test func jsonLinesRoundTripWithSnakeCaseSortedKeys() throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let target = folder.appendingPathComponent("records.jsonl")
        let records = (0 ..< 3).map { RejectRecord(stage: "strip", id: "id\($0)", source: "s/\($0).html", reason: "empty", detail: "line\nbreak") }
        try JSONLines.write(records, to: target)
        let text = try String(contentsOf: target, encoding: .utf8)
        #expect(text.split(separator: "\n").count == 3)
        #expect(text.hasPrefix(#"{"detail":"line\nbreak","id":"id0","reason":"empty","source":"s/0.html","stage":"strip"}"#))
        #expect(try JSONLines.read(RejectRecord.self, from: target) == records)
        let mention = EntityMention(documentId: "d", entityId: "org:x", canonicalName: "X", surface: "X", type: .organization, start: 0, end: 1, sentence: 0, confidence: 1)
        let line = String(decoding: try JSONLines.line(mention), as: UTF8.self)
        #expect(line.contains(#""document_id":"d""#) && line.contains(#""canonical_name":"X""#))
    }

    @Test func corruptLineNamesFileAndLine() throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let target = folder.appendingPathComponent("bad.jsonl")
        try AtomicFile.write("{\"stage\":\"a\",\"source\":\"b\",\"reason\":\"c\",\"detail\":\"d\"}\n{not json\n", to: target)
        #expect(throws: FileError.self) { _ = try JSONLines.read(RejectRecord.self, from: target) }
        do { _ = try JSONLines.read(RejectRecord.self, from: target) } catch {
            #expect(error.localizedDescription.contains("bad.jsonl:2"))
        }
    }

    @Test func lockIsExclusiveAndNamesTheHolder() throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let first = RunLock(url: folder.appendingPathComponent(".newspipe.lock"))
        try first.acquire(command: "newspipe run")
        let second = RunLock(url: folder.appendingPathComponent(".newspipe.lock"))
        do {
            try second.acquire(command: "newspipe run")
            Issue.record("second lock was granted")
        } catch let error as PipelineError {
            #expect(error.exitStatus == .locked)
            #expect(error.localizedDescription.contains("pid \(getpid())"))
        }
        first.release()
        try second.acquire(command: "newspipe run")
        second.release()
    }

    @Test func workerPoolKeepsInputOrder() {
        let pool = WorkerPool(workers: 4)
        let results = pool.map(Array(0 ..< 1000)) { $0 * 2 }
        #expect(results == (0 ..< 1000).map { $0 * 2 })
    }

    @Test func contentStoreIsAddressedByHash() throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let store = ContentStore(root: folder)
        let hash = try store.put(Array("hello".utf8))
        #expect(hash == "2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824")
        #expect(store.url(for: hash).path.hasSuffix("/2c/\(hash)"))
        #expect(try store.get(hash) == Array("hello".utf8))
    }
}

@Suite struct EntityEnginePrefixTests {
    @Test func longTextsAreCutAtASpaceWithinTheLimit() {
        #expect(EntityEngine.prefix(of: "short text", scalars: 100) == "short text")
        #expect(EntityEngine.prefix(of: "alpha beta gamma", scalars: 12) == "alpha beta")
        #expect(EntityEngine.prefix(of: "Zürich Genève Köln", scalars: 15) == "Zürich Genève")
        // Without any space the cut falls at the limit itself.
        #expect(EntityEngine.prefix(of: String(repeating: "x", count: 50), scalars: 10) == String(repeating: "x", count: 10))
    }
}
