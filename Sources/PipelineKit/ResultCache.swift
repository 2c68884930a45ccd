import Foundation
import NewsIO

/// Per-document results kept across runs, keyed by content: a night where 5% of the corpus is new
/// does about 5% of the work. A key covers the stage version and its settings, so a change of
/// either misses the cache instead of returning stale results.
///
/// One database per stage, `work/<stage>/cache/results.sqlite`, which only the stage's merge step
/// writes (`ResultCache.fold`, run by the runner under the stage lock once every shard is done).
/// While shards run, each cache writes what it computes to a database of its own beside it
/// (`results-<shard>-<pid>-<n>.sqlite`, WAL, no shared memory), committed once per batch of
/// `batchSize` documents, never per document; a crashed shard finds its own work again there when
/// it reruns. So every database has one writer at a time, which is what SQLite needs on the network
/// file systems array jobs write to. Values are JSON, zlib-compressed.
///
/// Thread-safe: the stage's workers look up and store from their own threads.
public final class ResultCache: @unchecked Sendable {
    public let folder: URL
    private let namespace: String
    private let lock = NSLock()
    private let deltaURL: URL
    private var main: SQLiteDatabase?
    private var mainLookup: SQLiteStatement?
    private var mainOpened = false
    private var delta: SQLiteDatabase?
    private var deltaLookup: SQLiteStatement?
    private var pending: [[UInt8]: (value: [UInt8], size: Int)] = [:]
    private var touched: Set<[UInt8]> = []
    private var failed = false

    /// Documents whose results are committed together.
    public static let batchSize = 256
    /// The main database's file name.
    public static let mainName = "results.sqlite"
    static let deltaPrefix = "results-"
    private static let sequence = CacheSequence()

    public convenience init(stage: StageID, version: Int, settings: String, layout: OutputLayout) {
        self.init(stage: stage, version: version, settings: settings, layout: layout, shard: nil)
    }

    /// A cache for one shard's run: its delta database is named after the shard.
    public init(stage: StageID, version: Int, settings: String, layout: OutputLayout, shard: Shard?) {
        folder = layout.cacheFolder(stage)
        namespace = "\(stage.rawValue)/v\(version)/\(settings)"
        let tag = shard?.fileTag ?? "any"
        deltaURL = folder.appendingPathComponent("\(Self.deltaPrefix)\(tag)-\(getpid())-\(Self.sequence.next()).sqlite")
    }

    deinit {
        commit()
        delta?.close()
        main?.close()
    }

    /// Commits what is pending and closes the databases (the merge step can then fold this
    /// shard's database: while open, it is held with exclusive locking). Lookups after it miss.
    public func close() {
        commit()
        lock.lock(); defer { lock.unlock() }
        deltaLookup = nil; mainLookup = nil; mainOpened = true
        delta?.close(); delta = nil
        main?.close(); main = nil
        failed = true
    }

    /// The key for a document identified by `parts` (ids, content hashes).
    public func key(_ parts: String...) -> String {
        ContentHash.hex(([namespace] + parts).joined(separator: "\n"))
    }

    public func get<T: Decodable>(_ type: T.Type, _ key: String) -> T? {
        let binary = Self.binaryKey(key)
        lock.lock()
        let found = lookup(binary)
        lock.unlock()
        guard let found, let json = try? Deflate.decompress(found.value, format: .zlib, sizeHint: found.size) else { return nil }
        return try? JSONLines.makeDecoder().decode(T.self, from: Data(json))
    }

    /// Stores a result; a failure to cache is not a failure of the document, so it is ignored.
    public func put<T: Encodable>(_ value: T, _ key: String) {
        guard let json = try? JSONLines.makeEncoder().encode(value) else { return }
        put(json: [UInt8](json), key)
    }

    /// Stores a result already encoded as the JSON `get` decodes, for callers that have it at hand
    /// (the entities stage writes it while it writes its lines) rather than encoding it again.
    public func put(json: [UInt8], _ key: String) {
        let compressed = Deflate.compress(json, format: .zlib)
        lock.lock()
        pending[Self.binaryKey(key)] = (compressed, json.count)
        let full = pending.count + touched.count >= Self.batchSize
        lock.unlock()
        if full { commit() }
    }

    /// Makes every stored result durable: one transaction for the batch.
    public func commit() {
        lock.lock(); defer { lock.unlock() }
        guard !pending.isEmpty || !touched.isEmpty, !failed else { return }
        do {
            let database = try openDelta()
            let insert = try database.prepare("INSERT OR REPLACE INTO results(key, value, size) VALUES (?, ?, ?)")
            let touch = try database.prepare("INSERT OR IGNORE INTO touched(key) VALUES (?)")
            try database.transaction {
                for (key, entry) in pending.sorted(by: { $0.key.lexicographicallyPrecedes($1.key) }) {
                    try insert.run(.blob(key), .blob(entry.value), .int(entry.size))
                }
                for key in touched.sorted(by: { $0.lexicographicallyPrecedes($1) }) { try touch.run(.blob(key)) }
            }
            pending.removeAll(keepingCapacity: true)
            touched.removeAll(keepingCapacity: true)
            CrashPoint.documentDone(stage: "cache-commit", cancellation: nil)
        } catch {
            // A cache that cannot be written (full disk) is skipped; the documents are not.
            failed = true
            pending.removeAll()
            touched.removeAll()
        }
    }

    // MARK: - Lookups (called with the lock held)

    private func lookup(_ key: [UInt8]) -> (value: [UInt8], size: Int)? {
        if let entry = pending[key] { return entry }
        if let deltaLookup, (try? deltaLookup.query(.blob(key))) != nil, (try? deltaLookup.step()) == true {
            return (deltaLookup.blob(0), deltaLookup.int(1))
        }
        if !mainOpened {
            mainOpened = true
            let url = folder.appendingPathComponent(Self.mainName)
            if FileManager.default.fileExists(atPath: url.path), let database = try? SQLiteDatabase(path: url, mode: .readOnly) {
                main = database
                mainLookup = try? database.prepare("SELECT value, size FROM results WHERE key = ?")
            }
        }
        if let mainLookup, (try? mainLookup.query(.blob(key))) != nil, (try? mainLookup.step()) == true {
            let entry = (mainLookup.blob(0), mainLookup.int(1))
            touched.insert(key)
            return entry
        }
        return nil
    }

    private func openDelta() throws -> SQLiteDatabase {
        if let delta { return delta }
        let database = try SQLiteDatabase(path: deltaURL, mode: .privateWAL)
        try Self.createTables(database, main: false)
        delta = database
        deltaLookup = try database.prepare("SELECT value, size FROM results WHERE key = ?")
        return database
    }

    static func createTables(_ database: SQLiteDatabase, main: Bool) throws {
        if main {
            // `used`: the day of the night that last needed the entry, for retention.
            // Incremental auto-vacuum (set before the first table): pruning returns pages to the file
            // system without rewriting the whole database.
            try database.execute("""
                PRAGMA auto_vacuum=INCREMENTAL;
                CREATE TABLE IF NOT EXISTS results(key BLOB PRIMARY KEY, value BLOB NOT NULL, size INTEGER NOT NULL, used TEXT NOT NULL);
                CREATE INDEX IF NOT EXISTS results_used ON results(used);
                """)
        } else {
            try database.execute("""
                CREATE TABLE IF NOT EXISTS results(key BLOB PRIMARY KEY, value BLOB NOT NULL, size INTEGER NOT NULL);
                CREATE TABLE IF NOT EXISTS touched(key BLOB PRIMARY KEY);
                """)
        }
    }

    /// 32 bytes instead of 64 hex digits: the key column and its index are half the size.
    static func binaryKey(_ hex: String) -> [UInt8] {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(32)
        var high: UInt8?
        for unit in hex.utf8 {
            let nibble: UInt8
            switch unit {
            case 0x30 ... 0x39: nibble = unit - 0x30
            case 0x61 ... 0x66: nibble = unit - 0x61 + 10
            default: nibble = 0
            }
            if let h = high { bytes.append(h << 4 | nibble); high = nil } else { high = nibble }
        }
        return bytes
    }

    // MARK: - The merge step and retention

    /// Folds every shard database in `folder` into the stage's main database, marking the results
    /// used tonight with `day`, then removes the shard databases. Idempotent: a fold killed half way
    /// is finished by the next one. Returns how many results it folded.
    @discardableResult
    public static func fold(in folder: URL, day: String) throws -> Int {
        let deltas = deltaFiles(in: folder)
        guard !deltas.isEmpty else { return 0 }
        let main = try SQLiteDatabase(path: folder.appendingPathComponent(mainName), mode: .store)
        defer { main.close() }
        try createTables(main, main: true)
        let insert = try main.prepare("INSERT OR REPLACE INTO results(key, value, size, used) VALUES (?, ?, ?, ?)")
        let touch = try main.prepare("UPDATE results SET used = ? WHERE key = ? AND used < ?")
        var folded = 0
        for url in deltas {
            let delta = try SQLiteDatabase(path: url, mode: .privateWAL)
            if try delta.hasTable("results") {
                let results = try delta.prepare("SELECT key, value, size FROM results ORDER BY key")
                let touched = try delta.prepare("SELECT key FROM touched ORDER BY key")
                try main.transaction {
                    try results.query()
                    while try results.step() {
                        try insert.run(.blob(results.blob(0)), .blob(results.blob(1)), .int(results.int(2)), .text(day))
                        folded += 1
                    }
                    try touched.query()
                    while try touched.step() { try touch.run(.text(day), .blob(touched.blob(0)), .text(day)) }
                }
            }
            delta.close()
            CrashPoint.documentDone(stage: "cache-fold", cancellation: nil)
            for suffix in ["", "-wal", "-shm", "-journal"] { try? FileManager.default.removeItem(atPath: url.path + suffix) }
        }
        return folded
    }

    /// The shard databases waiting to be folded, sorted by name.
    static func deltaFiles(in folder: URL) -> [URL] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []
        return names.filter { $0.hasPrefix(deltaPrefix) && $0.hasSuffix(".sqlite") }.sorted().map { folder.appendingPathComponent($0) }
    }

    /// Removes results no night has needed since `day` (exclusive). Returns how many it removed.
    @discardableResult
    public static func prune(in folder: URL, unusedSince day: String) throws -> Int {
        let url = folder.appendingPathComponent(mainName)
        guard FileManager.default.fileExists(atPath: url.path) else { return 0 }
        let main = try SQLiteDatabase(path: url, mode: .store)
        defer { main.close() }
        guard try main.hasTable("results") else { return 0 }
        let delete = try main.prepare("DELETE FROM results WHERE used < ?")
        let removed = try main.transaction { () -> Int in
            try delete.run(.text(day))
            return main.changes
        }
        if removed > 0 { try main.execute("PRAGMA incremental_vacuum") }
        return removed
    }

    // MARK: - The layout before databases

    /// The folder of one file per result (`cache/results/<aa>/<key>.json`) that newspipe wrote
    /// before the cache became a database, if it is there.
    public static func legacyFolder(in folder: URL) -> URL? {
        let legacy = folder.appendingPathComponent("results")
        var isFolder: ObjCBool = false
        return FileManager.default.fileExists(atPath: legacy.path, isDirectory: &isFolder) && isFolder.boolValue ? legacy : nil
    }

    /// Moves every result of the legacy folder into the main database (the keys are the same), a
    /// thousand per transaction, removing files only once their transaction is committed: a
    /// migration killed at any point is finished by running it again. Returns how many it moved.
    @discardableResult
    public static func migrateLegacy(in folder: URL, day: String) throws -> Int {
        guard let legacy = legacyFolder(in: folder) else { return 0 }
        let main = try SQLiteDatabase(path: folder.appendingPathComponent(mainName), mode: .store)
        defer { main.close() }
        try createTables(main, main: true)
        let insert = try main.prepare("INSERT OR REPLACE INTO results(key, value, size, used) VALUES (?, ?, ?, ?)")
        let files = FileManager.default
        var moved = 0
        let subfolders = ((try? files.contentsOfDirectory(atPath: legacy.path)) ?? []).sorted()
        for sub in subfolders {
            let subfolder = legacy.appendingPathComponent(sub)
            let names = ((try? files.contentsOfDirectory(atPath: subfolder.path)) ?? []).filter { $0.hasSuffix(".json") }.sorted()
            var start = 0
            while start < names.count {
                let chunk = names[start ..< min(start + 1000, names.count)]
                try main.transaction {
                    for name in chunk {
                        guard var json = files.contents(atPath: subfolder.appendingPathComponent(name).path).map({ [UInt8]($0) }) else { continue }
                        if json.last == 0x0A { json.removeLast() }
                        let key = String(name.dropLast(".json".count))
                        try insert.run(.blob(binaryKey(key)), .blob(Deflate.compress(json, format: .zlib)), .int(json.count), .text(day))
                        moved += 1
                    }
                }
                CrashPoint.documentDone(stage: "migrate", cancellation: nil)
                for name in chunk { try? files.removeItem(at: subfolder.appendingPathComponent(name)) }
                start += chunk.count
            }
            try? files.removeItem(at: subfolder)
        }
        try? files.removeItem(at: legacy)
        return moved
    }

    // MARK: - Integrity

    /// What is wrong with a cache database (empty when sound): SQLite's page check, and every
    /// value that does not inflate (zlib's Adler-32 covers each value's JSON) or is not JSON.
    /// A damaged entry is never used: `get` treats it as a miss, so the document is computed again
    /// from its input and the fold replaces the entry; `newspipe verify` reports it.
    public static func verify(database url: URL) -> (entries: Int, problems: [String]) {
        var problems: [String] = []
        var entries = 0
        do {
            let database = try SQLiteDatabase(path: url, mode: .readOnly)
            defer { database.close() }
            problems += try database.integrityProblems().map { "\(url.path): SQLite: \($0)" }
            guard try database.hasTable("results") else { return (0, problems) }
            let rows = try database.prepare("SELECT hex(key), value, size FROM results")
            try rows.query()
            while try rows.step() {
                entries += 1
                let value = rows.blob(1)
                guard let json = try? Deflate.decompress(value, format: .zlib, sizeHint: rows.int(2)),
                      (try? JSONSerialization.jsonObject(with: Data(json), options: [.fragmentsAllowed])) != nil else {
                    problems.append("\(url.path): the cached result \(rows.text(0)?.lowercased().prefix(16) ?? "")… is damaged "
                                    + "(it is computed again from its input on the next run)")
                    if problems.count >= 20 { break }
                    continue
                }
            }
        } catch {
            problems.append((error as? FileError)?.localizedDescription ?? "\(url.path): \(error)")
        }
        return (entries, problems)
    }

    /// Results and bytes held, for `newspipe gc` and the benchmarks.
    public static func statistics(in folder: URL) -> (entries: Int, bytes: Int) {
        let url = folder.appendingPathComponent(mainName)
        guard FileManager.default.fileExists(atPath: url.path), let main = try? SQLiteDatabase(path: url, mode: .readOnly) else { return (0, 0) }
        defer { main.close() }
        let entries = ((try? main.integer("SELECT count(*) FROM results")) ?? nil) ?? 0
        let size = ((try? FileManager.default.attributesOfItem(atPath: url.path))?[.size] as? Int) ?? 0
        return (Int(entries), size)
    }
}

/// Numbers the caches one process opens, so each has a database of its own.
private final class CacheSequence: @unchecked Sendable {
    private let lock = NSLock()
    private var value = 0
    func next() -> Int { lock.lock(); defer { lock.unlock() }; value += 1; return value }
}
