import Foundation
import NewsIO

/// A file or folder one stage publishes, declared once by the stage that writes it. Every other
/// stage reads it through this declaration, never through a path of its own, and
/// `newspipe stages` prints the declarations.
public struct StageFile: Sendable, Hashable, CustomStringConvertible {
    public enum Form: Sendable, Hashable {
        /// `<name>-<shard>.<fileExtension>`, one per shard.
        case perShard(fileExtension: String)
        /// One file.
        case single
        /// A folder.
        case folder
    }

    public let stage: StageID
    /// The base name (`documents`), file name (`clusters.jsonl`) or folder name (`objects`).
    public let name: String
    public let form: Form
    /// Kept across attempts of the stage (caches, stores); other outputs are cleaned first.
    public let isDurable: Bool
    /// The version of what is in it: bumped when the content for the same input changes, so that
    /// readers that keep results across runs keyed on it start over.
    public let version: Int
    /// One line saying what is in it.
    public let summary: String

    public init(stage: StageID, name: String, form: Form, isDurable: Bool = false, version: Int = 1, summary: String) {
        self.stage = stage; self.name = name; self.form = form; self.isDurable = isDurable
        self.version = version; self.summary = summary
    }

    /// `work/strip/documents-<shard>.jsonl`, as the stage list prints it.
    public var description: String {
        switch form {
        case let .perShard(fileExtension): return "work/\(stage)/\(name)-<shard>.\(fileExtension)"
        case .single: return "work/\(stage)/\(name)"
        case .folder: return "work/\(stage)/\(name)/"
        }
    }

    /// The file or folder, for single files and folders.
    public func url(in layout: OutputLayout) -> URL {
        layout.stageFolder(stage).appendingPathComponent(name)
    }

    /// One shard's file, for per-shard files.
    public func url(in layout: OutputLayout, shard: Shard) -> URL {
        layout.shardFile(stage, name, shard, fileExtension: fileExtension)
    }

    /// Every shard's file that exists, sorted by name (so by shard).
    public func shardFiles(in layout: OutputLayout) -> [URL] {
        layout.shardFiles(stage, name, fileExtension: fileExtension)
    }

    private var fileExtension: String {
        if case let .perShard(fileExtension) = form { return fileExtension }
        return "jsonl"
    }
}

/// A per-shard JSON Lines output of one record type, with its readers.
public struct ShardedRecords<Record: Codable & Sendable>: Sendable {
    public let file: StageFile

    public init(stage: StageID, name: String, version: Int = 1, summary: String) {
        file = StageFile(stage: stage, name: name, form: .perShard(fileExtension: "jsonl"), version: version, summary: summary)
    }

    public func url(in layout: OutputLayout, shard: Shard) -> URL { file.url(in: layout, shard: shard) }
    public func files(in layout: OutputLayout) -> [URL] { file.shardFiles(in: layout) }

    /// Each record of one shard's file, in order; a shard that left no file has none.
    public func forEach(in layout: OutputLayout, shard: Shard, _ body: (Record) throws -> Void) throws {
        let url = url(in: layout, shard: shard)
        guard FileManager.default.fileExists(atPath: url.path) else { return }
        try JSONLines.forEach(Record.self, in: url, body)
    }

    /// Every record of one shard's file.
    public func read(in layout: OutputLayout, shard: Shard) throws -> [Record] {
        var records: [Record] = []
        try forEach(in: layout, shard: shard) { records.append($0) }
        return records
    }

    /// Each line of one shard's file as its raw bytes (for stages that pass records on unchanged).
    public func forEachLine(in layout: OutputLayout, shard: Shard, _ body: (ArraySlice<UInt8>) throws -> Void) throws {
        let url = url(in: layout, shard: shard)
        guard FileManager.default.fileExists(atPath: url.path) else { return }
        try JSONLines.forEachLine(in: url, body)
    }

    /// Joins every shard's file, in shard order, into `target` (published atomically).
    public func concatenate(in layout: OutputLayout, into target: URL) throws {
        try JSONLines.concatenate(files(in: layout), into: target)
    }
}

/// A single JSON Lines output of one record type (written by a merge step).
public struct RecordFile<Record: Codable & Sendable>: Sendable {
    public let file: StageFile

    public init(stage: StageID, name: String, summary: String) {
        file = StageFile(stage: stage, name: name, form: .single, summary: summary)
    }

    public func url(in layout: OutputLayout) -> URL { file.url(in: layout) }

    public func write(_ records: some Sequence<Record>, in layout: OutputLayout) throws {
        try JSONLines.write(records, to: url(in: layout))
    }
}
