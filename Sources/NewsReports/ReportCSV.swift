import Foundation
import NewsIO

/// Types of report table columns, named as Frictionless Table Schema names them.
enum ReportColumnType: String, Sendable {
    case string, integer, number, date
}

/// One column of a report table: the CSV header, the Table Schema field and the SQLite column.
struct ReportColumn: Sendable {
    var name: String
    var type: ReportColumnType
    var description: String

    init(_ name: String, _ type: ReportColumnType, _ description: String) {
        self.name = name; self.type = type; self.description = description
    }
}

/// A report table's layout, shared by its CSV file, its `datapackage.json` schema and its SQLite
/// table so that the three can never drift apart.
struct ReportTable: Sendable {
    var name: String
    var file: String
    var title: String
    var description: String
    var columns: [ReportColumn]
    var primaryKey: [String]
}

/// One cell of a report row. `nil` text or number is written as an empty field (a missing value).
enum ReportCell: Sendable, Equatable {
    case text(String?)
    case integer(Int?)
    /// A decimal number printed with a fixed number of digits.
    case number(Double?, digits: Int)
}

/// Writes RFC 4180 CSV: UTF-8 without BOM, CRLF record ends, header row, fields quoted when they
/// hold a comma, a quote, CR or LF (quotes doubled).
///
/// Text cells that a spreadsheet would read as a formula (first character `=`, `+`, `-`, `@`,
/// tab or CR) get a leading `'` (OWASP "CSV injection"). Numeric columns are written from numbers,
/// never from text, so a negative tone balance stays a plain `-0.250`.
struct ReportCSVWriter {
    private let file: AtomicFile
    private let table: ReportTable

    init(_ table: ReportTable, to url: URL) throws {
        self.table = table
        file = try AtomicFile(url)
        try file.write(Self.line(table.columns.map { Self.quoted($0.name) }))
    }

    /// One record's bytes with its line end, made on any thread (`write(record:width:)`).
    static func record(_ cells: [ReportCell]) -> [UInt8] { line(cells.map(field)) }

    /// Writes a record `record` made of a row of `width` cells (this table's width).
    func write(record: [UInt8], width: Int) throws {
        precondition(width == table.columns.count, "row width differs from \(table.file) header")
        try file.write(record)
    }

    func commit() throws { try file.commit() }

    private static func line(_ fields: [String]) -> [UInt8] {
        var line: [UInt8] = []
        for (index, field) in fields.enumerated() {
            if index > 0 { line.append(0x2C) }
            line.append(contentsOf: field.utf8)
        }
        line.append(0x0D); line.append(0x0A)
        return line
    }

    static func field(_ cell: ReportCell) -> String {
        switch cell {
        case .text(let value):
            guard let value else { return "" }
            return quoted(neutralised(value))
        case .integer(let value):
            return value.map(String.init) ?? ""
        case .number(let value, let digits):
            return value.map { ReportFormat.fixed($0, digits: digits) } ?? ""
        }
    }

    /// Prefixes `'` to text a spreadsheet would evaluate as a formula.
    static func neutralised(_ text: String) -> String {
        guard let first = text.unicodeScalars.first else { return text }
        switch first {
        case "=", "+", "-", "@", "\t", "\r": return "'" + text
        default: return text
        }
    }

    static func quoted(_ text: String) -> String {
        let needsQuotes = text.utf8.contains { $0 == 0x2C || $0 == 0x22 || $0 == 0x0D || $0 == 0x0A }
        guard needsQuotes else { return text }
        return "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }
}
