import CSQLite
import Foundation

/// SQLite's "transient" destructor: SQLite copies bound text and blobs before `bind` returns.
private let sqliteTransient = unsafeBitCast(-1, to: sqlite3_destructor_type.self)

/// One SQLite connection, used by one thread at a time (callers that share it across threads hold
/// their own lock). Statements are finalised before the connection closes.
///
/// The modes follow SQLite's guidance for durability and for network file systems, where array
/// jobs keep their output (NFS, Lustre):
///
/// - `.store`: a database one process writes during a serialised step (a stage's merge step, under
///   the stage lock) and others only read at other times. Rollback journal (`journal_mode=DELETE`),
///   `synchronous=FULL`: a committed transaction survives power loss, and nothing needs the shared
///   memory that WAL mode cannot have on a network file system.
/// - `.privateWAL`: a database only this process opens (a shard's cache delta). WAL with
///   `locking_mode=EXCLUSIVE`, so SQLite keeps the WAL index in heap memory instead of a shared
///   `-shm` file (safe on network file systems), and `synchronous=FULL`: each commit is one append
///   and one fsync of the WAL.
/// - `.readOnly`: reads a `.store` database nobody writes while it is open.
/// - `.scratch` (`SQLiteDatabase.scratch()`): SQLite's private temporary database, a file SQLite
///   names, unlinks as soon as it is open and never syncs (journal off): working memory on disk for
///   one process, bounded by its page cache (`scratchCacheKiB`), gone when the process ends however
///   it ends.
///
/// Commits are made per batch by the callers, never per document.
public final class SQLiteDatabase {
    public enum Mode: Sendable {
        case store
        case privateWAL
        case readOnly
        case scratch
    }

    /// The page cache of a scratch database: what it may keep in memory before it spills to its file.
    public static let scratchCacheKiB = 2048

    public let path: String
    public let mode: Mode
    private var handle: OpaquePointer?
    private var statements: [SQLiteStatement] = []
    /// Bytes bound to statements since the last commit, for the simulated full disk of the tests.
    fileprivate var pendingBytes = 0
    private var inTransaction = false

    /// How long a reader or writer waits for another connection's lock before giving up.
    public static let busyTimeoutMilliseconds: Int32 = 60_000

    public convenience init(path: URL, mode: Mode) throws {
        precondition(mode != .scratch, "a scratch database has no path: SQLiteDatabase.scratch()")
        if mode != .readOnly {
            do { try FileManager.default.createDirectory(at: path.deletingLastPathComponent(), withIntermediateDirectories: true) } catch {
                throw FileError.io(path: path.deletingLastPathComponent().path, reason: "cannot create folder: \(error.localizedDescription)")
            }
        }
        try self.init(filename: path.path, shown: path.path, mode: mode)
    }

    /// A private temporary database (see `.scratch`).
    public static func scratch() throws -> SQLiteDatabase {
        try SQLiteDatabase(filename: "", shown: "SQLite temporary database", mode: .scratch)
    }

    private init(filename: String, shown: String, mode: Mode) throws {
        self.path = shown
        self.mode = mode
        var db: OpaquePointer?
        let flags = (mode == .readOnly ? SQLITE_OPEN_READONLY : (SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE)) | SQLITE_OPEN_NOMUTEX
        let status = sqlite3_open_v2(filename, &db, flags, nil)
        guard status == SQLITE_OK, let db else {
            let reason = db.map { String(cString: sqlite3_errmsg($0)) } ?? "status \(status)"
            sqlite3_close_v2(db)
            throw FileError.io(path: shown, reason: "cannot open database: \(reason)")
        }
        handle = db
        sqlite3_busy_timeout(db, Self.busyTimeoutMilliseconds)
        switch mode {
        case .store:
            try execute("PRAGMA journal_mode=DELETE; PRAGMA synchronous=FULL;")
        case .privateWAL:
            try execute("PRAGMA locking_mode=EXCLUSIVE; PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL;")
        case .readOnly:
            try execute("PRAGMA query_only=1;")
        case .scratch:
            try execute("PRAGMA journal_mode=OFF; PRAGMA synchronous=OFF; PRAGMA temp_store=FILE; PRAGMA cache_size=-\(Self.scratchCacheKiB);")
        }
    }

    deinit { close() }

    /// Finalises every statement and closes the connection (a WAL is checkpointed and removed).
    public func close() {
        for statement in statements { statement.finalize() }
        statements.removeAll()
        if let handle { sqlite3_close_v2(handle) }
        handle = nil
    }

    /// Runs statements that return no rows.
    public func execute(_ sql: String) throws {
        var message: UnsafeMutablePointer<CChar>?
        let status = sqlite3_exec(handle, sql, nil, nil, &message)
        if status != SQLITE_OK {
            let reason = message.map { String(cString: $0) } ?? errorMessage
            sqlite3_free(message)
            throw failure(status, "\(reason) in `\(sql.prefix(80))`")
        }
    }

    /// A statement the connection keeps and finalises when it closes.
    public func prepare(_ sql: String) throws -> SQLiteStatement {
        var statement: OpaquePointer?
        let status = sqlite3_prepare_v2(handle, sql, -1, &statement, nil)
        guard status == SQLITE_OK, let statement else { throw failure(status, "\(errorMessage) in `\(sql.prefix(80))`") }
        let wrapped = SQLiteStatement(statement, database: self)
        statements.append(wrapped)
        return wrapped
    }

    /// Runs `body` in one transaction (`BEGIN IMMEDIATE`: the write lock is taken up front), committed
    /// when it returns and rolled back when it throws.
    @discardableResult
    public func transaction<T>(_ body: () throws -> T) throws -> T {
        precondition(!inTransaction, "nested SQLite transaction")
        try execute("BEGIN IMMEDIATE")
        inTransaction = true
        pendingBytes = 0
        do {
            let value = try body()
            try spendDiskBudget()
            try execute("COMMIT")
            inTransaction = false
            return value
        } catch {
            inTransaction = false
            try? execute("ROLLBACK")
            throw error
        }
    }

    /// Rows changed by the last statement.
    public var changes: Int { Int(sqlite3_changes(handle)) }

    public var lastInsertRowID: Int64 { sqlite3_last_insert_rowid(handle) }

    var errorMessage: String { handle.map { String(cString: sqlite3_errmsg($0)) } ?? "closed" }

    /// An error naming the database; a full disk says so in the words operators grep for.
    func failure(_ status: Int32, _ detail: String) -> FileError {
        let primary = status & 0xFF
        let systemErrno = handle.map { sqlite3_system_errno($0) } ?? 0
        if primary == SQLITE_FULL || systemErrno == ENOSPC {
            return FileError.io(path: path, reason: "write failed: No space left on device (SQLite: \(detail))")
        }
        if primary == SQLITE_CORRUPT || primary == SQLITE_NOTADB {
            return FileError.damaged(path: path, reason: "SQLite: \(detail); `newspipe verify` lists what is damaged")
        }
        if primary == SQLITE_READONLY || systemErrno == EROFS || systemErrno == EACCES {
            return FileError.io(path: path, reason: "cannot write: read-only or not permitted (SQLite: \(detail))")
        }
        return FileError.io(path: path, reason: "SQLite: \(detail)")
    }

    /// The tests' simulated full disk (`NEWSPIPE_DISK_BUDGET`) counts what a transaction wrote.
    private func spendDiskBudget() throws {
        guard let budget = DiskBudget.shared, pendingBytes > 0 else { return }
        let bytes = pendingBytes
        pendingBytes = 0
        if !budget.spend(bytes) {
            throw FileError.io(path: path, reason: "write failed: No space left on device (NEWSPIPE_DISK_BUDGET)")
        }
    }

    /// Every row of a query as text (NULL as nil): for checks, tests and small listings.
    public func rows(_ sql: String, _ values: [SQLiteValue] = []) throws -> [[String?]] {
        let statement = try prepare(sql)
        defer { statement.finalize(); statements.removeAll { $0 === statement } }
        try statement.bind(values)
        var rows: [[String?]] = []
        while try statement.step() { rows.append((0 ..< statement.columnCount).map { statement.text($0) }) }
        return rows
    }

    /// The first column of the first row as an integer, or nil.
    public func integer(_ sql: String, _ values: [SQLiteValue] = []) throws -> Int64? {
        let statement = try prepare(sql)
        defer { statement.finalize(); statements.removeAll { $0 === statement } }
        try statement.bind(values)
        guard try statement.step(), !statement.isNull(0) else { return nil }
        return statement.int64(0)
    }

    /// SQLite's own check of every page, index and constraint (`PRAGMA integrity_check`): empty
    /// when the database is sound, else what SQLite found (at most `limit` problems).
    public func integrityProblems(limit: Int = 20) throws -> [String] {
        let found = try rows("PRAGMA integrity_check(\(max(1, limit)))").compactMap { $0.first ?? nil }
        return found == ["ok"] ? [] : found
    }

    /// Whether the database has a table of this name.
    public func hasTable(_ name: String) throws -> Bool {
        try integer("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?", [.text(name)]) != nil
    }
}

/// A value to bind.
public enum SQLiteValue: Sendable, Equatable {
    case integer(Int64)
    case real(Double)
    case text(String)
    case blob([UInt8])
    case null

    public static func int(_ value: Int) -> SQLiteValue { .integer(Int64(value)) }
    public static func optional(_ text: String?) -> SQLiteValue { text.map { .text($0) } ?? .null }
}

/// A prepared statement: bind by 1-based index, `step` through the rows, `reset` to run it again.
public final class SQLiteStatement {
    private var statement: OpaquePointer?
    private unowned let database: SQLiteDatabase

    fileprivate init(_ statement: OpaquePointer, database: SQLiteDatabase) {
        self.statement = statement
        self.database = database
    }

    func finalize() {
        if let statement { sqlite3_finalize(statement) }
        statement = nil
    }

    /// Resets the statement and binds `values` to its parameters, in order.
    public func bind(_ values: [SQLiteValue]) throws {
        sqlite3_reset(statement)
        sqlite3_clear_bindings(statement)
        for (offset, value) in values.enumerated() {
            let index = Int32(offset + 1)
            let status: Int32
            switch value {
            case let .integer(v): status = sqlite3_bind_int64(statement, index, v)
            case let .real(v): status = sqlite3_bind_double(statement, index, v)
            case let .text(v):
                database.pendingBytes += v.utf8.count
                status = sqlite3_bind_text(statement, index, v, -1, sqliteTransient)
            case let .blob(v):
                database.pendingBytes += v.count
                status = v.withUnsafeBytes { sqlite3_bind_blob(statement, index, $0.baseAddress ?? UnsafeRawPointer(bitPattern: 1), Int32($0.count), sqliteTransient) }
            case .null: status = sqlite3_bind_null(statement, index)
            }
            if status != SQLITE_OK { throw database.failure(status, "cannot bind parameter \(index): \(database.errorMessage)") }
        }
    }

    /// Binds `values` and runs the statement to completion (for statements that return no rows).
    public func run(_ values: SQLiteValue...) throws {
        try bind(values)
        while try step() {}
    }

    /// Binds `values`; then `step()` walks the rows.
    public func query(_ values: SQLiteValue...) throws {
        try bind(values)
    }

    /// Advances to the next row: true while there is one.
    public func step() throws -> Bool {
        let status = sqlite3_step(statement)
        switch status {
        case SQLITE_ROW: return true
        case SQLITE_DONE: return false
        default: throw database.failure(status, database.errorMessage)
        }
    }

    public var columnCount: Int { Int(sqlite3_column_count(statement)) }
    public func isNull(_ column: Int) -> Bool { sqlite3_column_type(statement, Int32(column)) == SQLITE_NULL }
    public func int64(_ column: Int) -> Int64 { sqlite3_column_int64(statement, Int32(column)) }
    public func int(_ column: Int) -> Int { Int(sqlite3_column_int64(statement, Int32(column))) }
    public func double(_ column: Int) -> Double { sqlite3_column_double(statement, Int32(column)) }

    public func text(_ column: Int) -> String? {
        guard let pointer = sqlite3_column_text(statement, Int32(column)) else { return nil }
        let count = Int(sqlite3_column_bytes(statement, Int32(column)))
        return String(decoding: UnsafeBufferPointer(start: pointer, count: count), as: UTF8.self)
    }

    public func blob(_ column: Int) -> [UInt8] {
        let count = Int(sqlite3_column_bytes(statement, Int32(column)))
        guard count > 0, let pointer = sqlite3_column_blob(statement, Int32(column)) else { return [] }
        return [UInt8](UnsafeRawBufferPointer(start: pointer, count: count))
    }
}
