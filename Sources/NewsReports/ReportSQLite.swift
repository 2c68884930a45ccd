import CSQLite
import Foundation
import NewsIO

/// SQLite's "transient" destructor: SQLite copies bound text before `bind` returns.
private let reportSQLiteTransient = unsafeBitCast(-1, to: sqlite3_destructor_type.self)

/// A small owner of one SQLite connection for writing the report database.
///
/// Not thread-safe: one builder owns it for the duration of one build. Statements are finalised
/// before the connection closes (`close()` or deinit).
final class ReportSQLiteDatabase {
    private var handle: OpaquePointer?
    let path: String
    private var statements: [ReportSQLiteStatement] = []

    init(path: String, readOnly: Bool = false) throws {
        self.path = path
        var db: OpaquePointer?
        let flags = readOnly ? SQLITE_OPEN_READONLY : (SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE)
        let status = sqlite3_open_v2(path, &db, flags | SQLITE_OPEN_NOMUTEX, nil)
        guard status == SQLITE_OK, let db else {
            let reason = db.map { String(cString: sqlite3_errmsg($0)) } ?? "status \(status)"
            sqlite3_close(db)
            throw FileError.io(path: path, reason: "cannot open SQLite database: \(reason)")
        }
        handle = db
    }

    deinit { close() }

    /// How long a write waits for a reader (an analyst's notebook) to let go of the file.
    func waitWhenBusy(milliseconds: Int32) { sqlite3_busy_timeout(handle, milliseconds) }

    func close() {
        for statement in statements { statement.finalize() }
        statements.removeAll()
        if let handle { sqlite3_close_v2(handle) }
        handle = nil
    }

    /// Runs one or more statements that return no rows.
    func execute(_ sql: String) throws {
        var message: UnsafeMutablePointer<CChar>?
        if sqlite3_exec(handle, sql, nil, nil, &message) != SQLITE_OK {
            let reason = message.map { String(cString: $0) } ?? "unknown error"
            sqlite3_free(message)
            throw FileError.io(path: path, reason: "SQLite: \(reason) in `\(sql.prefix(80))`")
        }
    }

    /// Prepares a statement the database keeps and finalises when it closes.
    func prepare(_ sql: String) throws -> ReportSQLiteStatement {
        var statement: OpaquePointer?
        guard sqlite3_prepare_v2(handle, sql, -1, &statement, nil) == SQLITE_OK, let statement else {
            throw FileError.io(path: path, reason: "SQLite: \(errorMessage) in `\(sql.prefix(80))`")
        }
        let wrapped = ReportSQLiteStatement(statement, database: self)
        statements.append(wrapped)
        return wrapped
    }

    var errorMessage: String { handle.map { String(cString: sqlite3_errmsg($0)) } ?? "closed" }

    /// Every row of a query as text values (NULL as nil), for checks and dumps.
    func rows(_ sql: String) throws -> [[String?]] {
        let statement = try prepare(sql)
        var rows: [[String?]] = []
        while try statement.step() {
            rows.append((0..<statement.columnCount).map { statement.text($0) })
        }
        return rows
    }
}

/// A prepared statement: bind by 1-based index, `step`, `reset`.
final class ReportSQLiteStatement {
    private var statement: OpaquePointer?
    private unowned let database: ReportSQLiteDatabase

    fileprivate init(_ statement: OpaquePointer, database: ReportSQLiteDatabase) {
        self.statement = statement
        self.database = database
    }

    fileprivate func finalize() {
        sqlite3_finalize(statement)
        statement = nil
    }

    func bind(_ index: Int32, _ value: String?) {
        guard let value else { sqlite3_bind_null(statement, index); return }
        // An explicit byte count keeps text after an embedded NUL.
        value.withCString { sqlite3_bind_text(statement, index, $0, Int32(value.utf8.count), reportSQLiteTransient) }
    }

    func bind(_ index: Int32, _ value: Int?) {
        if let value { sqlite3_bind_int64(statement, index, Int64(value)) } else { sqlite3_bind_null(statement, index) }
    }

    func bind(_ index: Int32, _ value: Double?) {
        if let value, value.isFinite { sqlite3_bind_double(statement, index, value) } else {
            sqlite3_bind_null(statement, index)
        }
    }

    /// Binds a report cell the way its CSV column types it (text stays raw: no CSV neutralising).
    func bind(_ index: Int32, _ cell: ReportCell) {
        switch cell {
        case .text(let value): bind(index, value)
        case .integer(let value): bind(index, value)
        case .number(let value, _): bind(index, value)
        }
    }

    /// Binds all values in order, runs the statement to completion and resets it.
    func run(_ cells: [ReportCell]) throws {
        for (offset, cell) in cells.enumerated() { bind(Int32(offset + 1), cell) }
        while try step() {}
        reset()
    }

    /// Advances to the next row; false when done.
    func step() throws -> Bool {
        switch sqlite3_step(statement) {
        case SQLITE_ROW: return true
        case SQLITE_DONE: return false
        default: throw FileError.io(path: database.path, reason: "SQLite: \(database.errorMessage)")
        }
    }

    func reset() {
        sqlite3_reset(statement)
        sqlite3_clear_bindings(statement)
    }

    var columnCount: Int { Int(sqlite3_column_count(statement)) }

    func integer(_ column: Int) -> Int? {
        guard sqlite3_column_type(statement, Int32(column)) != SQLITE_NULL else { return nil }
        return Int(sqlite3_column_int64(statement, Int32(column)))
    }

    func text(_ column: Int) -> String? {
        guard sqlite3_column_type(statement, Int32(column)) != SQLITE_NULL,
              let pointer = sqlite3_column_text(statement, Int32(column)) else { return nil }
        return String(cString: pointer)
    }
}
