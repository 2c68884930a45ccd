import Foundation
import Testing
@testable import PipelineKit
@testable import NewsIO

/// The kernel's stores: compression, the SQLite wrapper, the result cache and the ordered pool.
@Suite("Storage: caches, databases and the ordered worker pool", .serialized)
struct StorageUnitTests {
    static func folder() throws -> URL {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("storage-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        return folder
    }

    @Test(arguments: [Deflate.Format.gzip, .zlib])
    func deflateRoundTripsAndIsDeterministic(_ format: Deflate.Format) throws {
        let text = Array(String(repeating: "Harbor City council approves eastern tram line. ", count: 400).utf8)
        let packed = Deflate.compress(text, format: format)
        #expect(packed.count < text.count / 5)
        #expect(Deflate.compress(text, format: format) == packed, "same input, same bytes")
        var consumed = 0
        #expect(try Deflate.decompress(packed + [1, 2, 3], format: format, consumed: &consumed) == text)
        #expect(consumed == packed.count)
        #expect(throws: Deflate.Failure.self) { try Deflate.decompress(Array(packed.prefix(packed.count / 2)), format: format) }
        #expect(throws: Deflate.Failure.self) { try Deflate.decompress(packed, format: format, maxOutput: 100) }
    }

    @Test func sqliteTransactionsCommitOrRollBackWhole() throws {
        let folder = try Self.folder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let url = folder.appendingPathComponent("t.sqlite")
        let database = try SQLiteDatabase(path: url, mode: .store)
        try database.execute("CREATE TABLE t(k INTEGER PRIMARY KEY, v TEXT)")
        let insert = try database.prepare("INSERT INTO t(k, v) VALUES (?, ?)")
        try database.transaction { for k in 0 ..< 10 { try insert.run(.int(k), .text("v\(k)")) } }
        struct Boom: Error {}
        #expect(throws: Boom.self) {
            try database.transaction {
                try insert.run(.int(100), .text("lost"))
                throw Boom()
            }
        }
        #expect(try database.integer("SELECT count(*) FROM t") == 10)
        database.close()
        let reader = try SQLiteDatabase(path: url, mode: .readOnly)
        #expect(try reader.rows("SELECT v FROM t WHERE k = ?", [.int(3)]) == [["v3"]])
        #expect(throws: FileError.self) { try reader.execute("INSERT INTO t(k, v) VALUES (50, 'x')") }
    }

    @Test func resultsAreCommittedPerBatchAndFoldedIntoOneDatabasePerStage() throws {
        let folder = try Self.folder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let layout = OutputLayout(root: folder)
        let stage = StageID("strip")
        let cacheFolder = layout.cacheFolder(stage)
        do {
            let cache = ResultCache(stage: stage, version: 1, settings: "s", layout: layout, shard: Shard(index: 0, count: 2))
            for n in 0 ..< ResultCache.batchSize + 10 { cache.put(["value \(n)"], cache.key("doc", "\(n)")) }
            // One full batch is durable in the shard's database before the cache is done.
            let deltas = ResultCache.deltaFiles(in: cacheFolder)
            #expect(deltas.count == 1)
            // The shard's database is held with exclusive locking (no shared memory on network file
            // systems), so no second connection can look in: the batch's commit is in its WAL.
            let wal = (try? FileManager.default.attributesOfItem(atPath: deltas[0].path + "-wal"))?[.size] as? Int ?? 0
            #expect(wal > ResultCache.batchSize * 8, "the first batch was committed to the WAL (\(wal) bytes)")
            #expect(cache.get([String].self, cache.key("doc", "3")) == ["value 3"])
            #expect(cache.get([String].self, cache.key("doc", "\(ResultCache.batchSize + 5)")) == ["value \(ResultCache.batchSize + 5)"])
        }
        // A second shard's cache sees nothing of the first until the merge step folds them.
        let other = ResultCache(stage: stage, version: 1, settings: "s", layout: layout, shard: Shard(index: 1, count: 2))
        #expect(other.get([String].self, other.key("doc", "3")) == nil)
        other.put(["other"], other.key("doc", "other"))
        other.close()
        #expect(try ResultCache.fold(in: cacheFolder, day: "2026-11-26") == ResultCache.batchSize + 11)
        #expect(ResultCache.deltaFiles(in: cacheFolder).isEmpty)
        #expect(try ResultCache.fold(in: cacheFolder, day: "2026-11-26") == 0, "folding again is a no-op")
        let next = ResultCache(stage: stage, version: 1, settings: "s", layout: layout, shard: Shard(index: 0, count: 2))
        #expect(next.get([String].self, next.key("doc", "7")) == ["value 7"])
        #expect(next.get([String].self, next.key("doc", "other")) == ["other"])
        // Another version or other settings never see these results.
        let changed = ResultCache(stage: stage, version: 2, settings: "s", layout: layout)
        #expect(changed.get([String].self, changed.key("doc", "7")) == nil)
        #expect(ResultCache.statistics(in: cacheFolder).entries == ResultCache.batchSize + 11)
    }

    @Test func resultsUnusedForTheRetentionWindowArePruned() throws {
        let folder = try Self.folder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let layout = OutputLayout(root: folder)
        let stage = StageID("entities")
        let cacheFolder = layout.cacheFolder(stage)
        func night(_ day: String, _ docs: [Int]) throws {
            let cache = ResultCache(stage: stage, version: 1, settings: "", layout: layout)
            for doc in docs {
                let key = cache.key("\(doc)")
                if cache.get(Int.self, key) == nil { cache.put(doc, key) }
            }
            cache.close()
            try ResultCache.fold(in: cacheFolder, day: day)
        }
        try night("2026-01-01", [1, 2, 3])
        try night("2026-01-10", [3, 4])         // 3 is used again: kept longer
        #expect(try ResultCache.prune(in: cacheFolder, unusedSince: "2026-01-05") == 2)
        let cache = ResultCache(stage: stage, version: 1, settings: "", layout: layout)
        #expect(cache.get(Int.self, cache.key("1")) == nil)
        #expect(cache.get(Int.self, cache.key("3")) == 3 && cache.get(Int.self, cache.key("4")) == 4)
    }

    @Test func theFolderOfOneFilePerResultMigratesIntoTheDatabase() throws {
        let folder = try Self.folder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let layout = OutputLayout(root: folder)
        let stage = StageID("strip")
        let cache = ResultCache(stage: stage, version: 1, settings: "x", layout: layout)
        let legacy = layout.cacheFolder(stage).appendingPathComponent("results")
        for n in 0 ..< 30 {
            let key = cache.key("doc\(n)")
            try AtomicFile.write(try JSONLines.line(["n": n]), to: legacy.appendingPathComponent(String(key.prefix(2))).appendingPathComponent("\(key).json"))
        }
        #expect(ResultCache.legacyFolder(in: layout.cacheFolder(stage)) != nil)
        #expect(try ResultCache.migrateLegacy(in: layout.cacheFolder(stage), day: "2026-11-26") == 30)
        #expect(ResultCache.legacyFolder(in: layout.cacheFolder(stage)) == nil)
        let after = ResultCache(stage: stage, version: 1, settings: "x", layout: layout)
        #expect(after.get([String: Int].self, after.key("doc17")) == ["n": 17])
    }

    @Test(arguments: [1, 2, 4])
    func theOrderedPoolKeepsInputOrderWithBoundedWork(_ workers: Int) throws {
        let pool = WorkerPool(workers: workers)
        var next = 0
        var seen: [Int] = []
        try pool.forEachInOrder(window: 8, next: { () -> Int? in
            defer { next += 1 }
            return next < 2_000 ? next : nil
        }, transform: { n -> Int in
            if n % 97 == 0 { usleep(200) }   // uneven work must not reorder results
            return n * 3
        }, consume: { input, output in
            #expect(output == input * 3)
            seen.append(input)
        })
        #expect(seen == Array(0 ..< 2_000))
    }

    /// The pool holds an input while it is in flight, not after: a report batch is thousands of
    /// lines, and tasks kept until the next compaction held a whole night's mentions.
    /// `lineOffset` is where each line returned starts in the file, across the reader's 1 MiB
    /// blocks, after blank lines, and for a last line without a line break.
    @Test func theLineReaderGivesEachLinesOffset() throws {
        let folder = try Self.folder()
        defer { try? FileManager.default.removeItem(at: folder) }
        var bytes: [UInt8] = []
        var expected: [(offset: Int, line: [UInt8])] = []
        var n = 0
        while bytes.count < 3 << 20 {
            if n % 7 == 0 { bytes += [0x0A] }  // a blank line
            let line = Array("{\"n\":\(n),\"pad\":\"\(String(repeating: "x", count: (n * 7919) % 3000))\"}".utf8) + (n % 5 == 0 ? [0x0D] : [])
            expected.append((bytes.count, line))
            bytes += line + [0x0A]
            n += 1
        }
        let last = Array("{\"last\":true}".utf8)
        expected.append((bytes.count, last))
        bytes += last
        let url = folder.appendingPathComponent("lines.jsonl")
        try Data(bytes).write(to: url)
        let reader = try JSONLinesReader(url)
        var seen = 0
        while let line = try reader.next() {
            try #require(seen < expected.count)
            #expect(Array(line) == expected[seen].line, "line \(seen)")
            #expect(reader.lineOffset == expected[seen].offset, "line \(seen)")
            #expect(Array(bytes[reader.lineOffset ..< reader.lineOffset + line.count]) == Array(line))
            seen += 1
        }
        #expect(seen == expected.count)
    }

    @Test func theOrderedPoolFreesEachInputOnceConsumed() throws {
        final class Live: @unchecked Sendable {
            private let lock = NSLock()
            private(set) var count = 0
            func add(_ n: Int) { lock.lock(); count += n; lock.unlock() }
            var now: Int { lock.lock(); defer { lock.unlock() }; return count }
        }
        final class Item: Sendable {
            let live: Live
            init(_ live: Live) { self.live = live; live.add(1) }
            deinit { live.add(-1) }
        }
        let live = Live()
        let pool = WorkerPool(workers: 2)
        var made = 0
        var most = 0
        try pool.forEachInOrder(window: 4, next: { () -> Item? in
            made += 1
            return made <= 3_000 ? Item(live) : nil
        }, transform: { _ in 0 }, consume: { _, _ in most = max(most, live.now) })
        // In flight: the window, the one being consumed, and a worker's last task until its loop
        // moves on.
        #expect(most <= 4 + 1 + 2)
        #expect(live.now == 0)
    }

    @Test func aFailureWhileConsumingStopsThePoolAndIsRethrown() {
        struct Stop: Error {}
        let pool = WorkerPool(workers: 2)
        var handedOut = 0
        var consumed = 0
        #expect(throws: Stop.self) {
            try pool.forEachInOrder(window: 4, next: { () -> Int? in
                handedOut += 1
                return handedOut <= 1_000 ? handedOut : nil
            }, transform: { $0 }, consume: { input, _ in
                consumed += 1
                if input == 10 { throw Stop() }
            })
        }
        #expect(consumed == 10)
        #expect(handedOut <= 10 + 4, "no more than the window was handed out past the failure")
    }
}
