import Foundation
import NewsIO

/// The index of every WARC segment in the store: content hash → the record holding that payload,
/// URL → its captures (by SURT, then date), and the segments themselves with their night. One
/// SQLite database (`.store` mode: rollback journal, synchronous FULL), written only by the fetch
/// stage's merge step, once per night, and read by the shards of the next night to store each
/// payload once (a `revisit` record instead of a second copy).
public final class WARCIndex: @unchecked Sendable {
    public let url: URL
    private let database: SQLiteDatabase
    private let lock = NSLock()
    private var payloadLookup: SQLiteStatement?

    /// A stored payload as the index knows it.
    public struct Payload: Sendable, Equatable {
        public var location: WARCLocation
        public var url: String
        public var date: String
        /// The night it was stored (`2026-11-26`).
        public var day: String
    }

    /// Opens the index for reading, or nil when there is none yet (the first night).
    public static func openForReading(_ url: URL) throws -> WARCIndex? {
        guard FileManager.default.fileExists(atPath: url.path) else { return nil }
        return try WARCIndex(url: url, mode: .readOnly)
    }

    /// Opens (creating) the index for the merge step, migration or garbage collection.
    public static func openForWriting(_ url: URL) throws -> WARCIndex {
        try WARCIndex(url: url, mode: .store)
    }

    private init(url: URL, mode: SQLiteDatabase.Mode) throws {
        self.url = url
        database = try SQLiteDatabase(path: url, mode: mode)
        if mode != .readOnly {
            try database.execute("""
                PRAGMA auto_vacuum=INCREMENTAL;
                CREATE TABLE IF NOT EXISTS payloads(digest BLOB PRIMARY KEY, file TEXT NOT NULL, offset INTEGER NOT NULL,
                    length INTEGER NOT NULL, url TEXT NOT NULL, date TEXT NOT NULL, day TEXT NOT NULL);
                CREATE INDEX IF NOT EXISTS payloads_file ON payloads(file);
                CREATE TABLE IF NOT EXISTS captures(file TEXT NOT NULL, offset INTEGER NOT NULL, length INTEGER NOT NULL,
                    surt TEXT NOT NULL, url TEXT NOT NULL, date TEXT NOT NULL, kind TEXT NOT NULL, status INTEGER, mime TEXT,
                    digest BLOB NOT NULL, orig_file TEXT, orig_offset INTEGER, orig_length INTEGER,
                    PRIMARY KEY(file, offset)) WITHOUT ROWID;
                CREATE INDEX IF NOT EXISTS captures_surt ON captures(surt, date);
                CREATE INDEX IF NOT EXISTS captures_orig ON captures(orig_file) WHERE orig_file IS NOT NULL;
                CREATE TABLE IF NOT EXISTS segments(file TEXT PRIMARY KEY, day TEXT NOT NULL, attempt TEXT NOT NULL,
                    records INTEGER NOT NULL, bytes INTEGER NOT NULL);
                """)
        }
    }

    deinit { database.close() }

    public func close() { database.close() }

    /// The record holding the payload with this SHA-256 (hex), if one is stored.
    public func payload(digest: String) throws -> Payload? {
        lock.lock(); defer { lock.unlock() }
        if payloadLookup == nil {
            guard try database.hasTable("payloads") else { return nil }
            payloadLookup = try database.prepare("SELECT file, offset, length, url, date, day FROM payloads WHERE digest = ?")
        }
        guard let statement = payloadLookup else { return nil }
        try statement.query(.blob(Base32.bytes(hex: digest)))
        guard try statement.step() else { return nil }
        return Payload(location: WARCLocation(file: statement.text(0) ?? "", offset: statement.int(1), length: statement.int(2)),
                       url: statement.text(3) ?? "", date: statement.text(4) ?? "", day: statement.text(5) ?? "")
    }

    /// The captures of one URL, oldest first.
    public func captures(url: String) throws -> [WARCCapture] {
        lock.lock(); defer { lock.unlock() }
        let statement = try database.prepare("""
            SELECT url, date, kind, mime, status, hex(digest), file, offset, length, orig_file, orig_offset, orig_length
            FROM captures WHERE surt = ? ORDER BY date, file, offset
            """)
        try statement.query(.text(WARCSurt.key(url)))
        var found: [WARCCapture] = []
        while try statement.step() {
            var capture = WARCCapture(url: statement.text(0) ?? "", date: statement.text(1) ?? "",
                                      kind: WARCCapture.Kind(rawValue: statement.text(2) ?? "") ?? .response,
                                      mime: statement.text(3), status: statement.isNull(4) ? nil : statement.int(4),
                                      digest: (statement.text(5) ?? "").lowercased(),
                                      location: WARCLocation(file: statement.text(6) ?? "", offset: statement.int(7), length: statement.int(8)))
            if let file = statement.text(9) {
                capture.original = WARCLocation(file: file, offset: statement.int(10), length: statement.int(11))
            }
            found.append(capture)
        }
        return found
    }

    /// Adds what `body` hands its `Update` (a night's segments and their captures) in one
    /// transaction. A payload stored again (a fresh copy, see the fetch stage's refresh) becomes the
    /// one later revisits point to; within a night the first one added wins. Idempotent.
    public func update(_ body: (Update) throws -> Void) throws {
        lock.lock(); defer { lock.unlock() }
        let update = Update(
            capture: try database.prepare("""
                INSERT OR REPLACE INTO captures(file, offset, length, surt, url, date, kind, status, mime, digest, orig_file, orig_offset, orig_length)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """),
            payload: try database.prepare("""
                INSERT INTO payloads(digest, file, offset, length, url, date, day) VALUES (?, ?, ?, ?, ?, ?, ?)
                ON CONFLICT(digest) DO UPDATE SET file = excluded.file, offset = excluded.offset, length = excluded.length,
                    url = excluded.url, date = excluded.date, day = excluded.day WHERE excluded.day > payloads.day
                """),
            segment: try database.prepare("INSERT OR REPLACE INTO segments(file, day, attempt, records, bytes) VALUES (?, ?, ?, ?, ?)"))
        try database.transaction { try body(update) }
    }

    /// What one `update` transaction adds.
    public struct Update {
        fileprivate let capture: SQLiteStatement
        fileprivate let payload: SQLiteStatement
        fileprivate let segment: SQLiteStatement

        /// One capture; a stored payload (not a revisit) also becomes findable by its digest.
        public func add(_ c: WARCCapture, day: String) throws {
            let digest = SQLiteValue.blob(Base32.bytes(hex: c.digest))
            try capture.run(.text(c.location.file), .int(c.location.offset), .int(c.location.length), .text(WARCSurt.key(c.url)),
                            .text(c.url), .text(c.date), .text(c.kind.rawValue), c.status.map { .int($0) } ?? .null,
                            .optional(c.mime), digest, .optional(c.original?.file),
                            c.original.map { .int($0.offset) } ?? .null, c.original.map { .int($0.length) } ?? .null)
            if c.kind != .revisit {
                try payload.run(digest, .text(c.location.file), .int(c.location.offset), .int(c.location.length),
                                .text(c.url), .text(c.date), .text(day))
            }
        }

        /// One segment, with the night it belongs to and the attempt that wrote it.
        public func addSegment(file: String, day: String, attempt: String, records: Int, bytes: Int) throws {
            try segment.run(.text(file), .text(day), .text(attempt), .int(records), .int(bytes))
        }
    }

    /// Every segment the index knows, with its night, oldest first.
    public func segments() throws -> [(file: String, day: String)] {
        lock.lock(); defer { lock.unlock() }
        guard try database.hasTable("segments") else { return [] }
        return try database.rows("SELECT file, day FROM segments ORDER BY day, file").map { ($0[0] ?? "", $0[1] ?? "") }
    }

    /// Segments that a revisit record in another segment (one not in `excluding`) points into.
    public func segmentsReferenced(fromOutside excluding: Set<String>) throws -> Set<String> {
        lock.lock(); defer { lock.unlock() }
        var referenced = Set<String>()
        let statement = try database.prepare("SELECT DISTINCT file, orig_file FROM captures WHERE orig_file IS NOT NULL AND orig_file != file")
        try statement.query()
        while try statement.step() {
            if let from = statement.text(0), let to = statement.text(1), !excluding.contains(from) { referenced.insert(to) }
        }
        return referenced
    }

    /// The segments holding the payloads with these digests.
    public func segments(holding digests: some Sequence<String>) throws -> Set<String> {
        lock.lock(); defer { lock.unlock() }
        let statement = try database.prepare("SELECT file FROM payloads WHERE digest = ?")
        var files = Set<String>()
        for digest in digests {
            try statement.query(.blob(Base32.bytes(hex: digest)))
            if try statement.step(), let file = statement.text(0) { files.insert(file) }
        }
        return files
    }

    /// Forgets a segment and everything in it, in one transaction (before its file is removed).
    public func remove(segment file: String) throws {
        lock.lock(); defer { lock.unlock() }
        try database.transaction {
            for table in ["captures", "payloads", "segments"] {
                try database.prepare("DELETE FROM \(table) WHERE file = ?").run(.text(file))
            }
        }
    }

    /// Returns freed pages to the file system after removals.
    public func compact() throws { try database.execute("PRAGMA incremental_vacuum") }

    /// Counts for `newspipe gc` and the benchmarks.
    public func counts() throws -> (segments: Int, captures: Int, payloads: Int) {
        lock.lock(); defer { lock.unlock() }
        func count(_ table: String) throws -> Int { Int(try database.integer("SELECT count(*) FROM \(table)") ?? 0) }
        guard try database.hasTable("segments") else { return (0, 0, 0) }
        return (try count("segments"), try count("captures"), try count("payloads"))
    }

    /// What is wrong with the index (empty when sound): SQLite's page check, and segments it names
    /// that are not in `segments` (the folder) or are shorter than it recorded.
    public func verify(segments folder: URL) -> [String] {
        lock.lock(); defer { lock.unlock() }
        var problems: [String] = []
        do {
            problems += try database.integrityProblems().map { "\(url.path): SQLite: \($0)" }
            guard try database.hasTable("segments") else { return problems }
            for row in try database.rows("SELECT file, bytes FROM segments ORDER BY file") {
                let file = row[0] ?? ""
                let size = (try? FileManager.default.attributesOfItem(atPath: folder.appendingPathComponent(file).path))?[.size] as? Int
                if let size, size >= Int(row[1] ?? "0") ?? 0 { continue }
                problems.append("\(url.path): names the segment \(file), which is " + (size == nil ? "missing" : "shorter than recorded (\(size!) bytes)"))
            }
            // Every stored payload the index points at is there and matches its digest.
            let store = WARCPageStore(folder: folder)
            let rows = try database.prepare("SELECT hex(digest), file, offset, length FROM payloads ORDER BY file, offset")
            try rows.query()
            while try rows.step() {
                let digest = (rows.text(0) ?? "").lowercased()
                let location = WARCLocation(file: rows.text(1) ?? "", offset: rows.int(2), length: rows.int(3))
                do { _ = try store.payload(at: location, hash: digest) } catch {
                    problems.append("\(url.path): the payload sha256:\(digest.prefix(16))… it places at \(location) cannot be read back: "
                                    + ((error as? FileError)?.localizedDescription ?? "\(error)"))
                    if problems.count >= 20 { break }
                }
            }
        } catch {
            problems.append((error as? FileError)?.localizedDescription ?? "\(url.path): \(error)")
        }
        return problems
    }
}
