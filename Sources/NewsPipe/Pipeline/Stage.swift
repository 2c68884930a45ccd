import Foundation
import Logging

/// The five stages, in the order data flows through them.
public enum StageName: String, CaseIterable, Codable, Sendable, Comparable {
    case fetch, strip, dedup, entities, report

    public static func < (a: StageName, b: StageName) -> Bool { a.order < b.order }

    var order: Int { Self.allCases.firstIndex(of: self)! }

    /// The stage whose output this one reads.
    public var previous: StageName? { order == 0 ? nil : Self.allCases[order - 1] }

    /// Sharded stages split their inputs into `manifest.shards` stripes; the others run as one merge step.
    public var isSharded: Bool { self != .report }

    /// Whether a shard's output is final when the shard is done (so the next stage may start on
    /// that shard in an array job), or only after the stage's merge step (dedup clusters first).
    public var shardOutputIsFinal: Bool { self == .fetch || self == .strip || self == .entities }

    public var summary: String {
        switch self {
        case .fetch: return "gather pages from the manifest's sources into a content-addressed store"
        case .strip: return "parse each page with libxml2 and extract the article and its metadata"
        case .dedup: return "find mirrored and syndicated copies, keep one canonical document per story"
        case .entities: return "find companies, people, places, tickers, money, dates; link aliases; tone"
        case .report: return "write CSV, JSON Lines, SQLite, Markdown and HTML reports for analysts"
        }
    }

    public var reads: String {
        switch self {
        case .fetch: return "the manifest's sources"
        case .strip: return "work/fetch/records-*.jsonl and work/fetch/objects/"
        case .dedup: return "work/strip/documents-*.jsonl"
        case .entities: return "work/dedup/documents-*.jsonl"
        case .report: return "work/dedup/, work/entities/ and every stage.json"
        }
    }

    public var writes: String {
        switch self {
        case .fetch: return "work/fetch/records-<shard>.jsonl, objects/<aa>/<sha256>"
        case .strip: return "work/strip/documents-<shard>.jsonl"
        case .dedup: return "work/dedup/signatures-<shard>.bin, then clusters.jsonl, removed.jsonl, documents-<shard>.jsonl, cache/"
        case .entities: return "work/entities/mentions-<shard>.jsonl"
        case .report: return "reports/<date>/ (and reports/latest)"
        }
    }
}

/// One stripe of a stage's sorted inputs: items `index`, `index + count`, `index + 2·count` …
public struct Shard: Sendable, Hashable, CustomStringConvertible {
    public var index: Int
    public var count: Int

    public init(index: Int, count: Int) { self.index = index; self.count = count }

    /// `0000-of-0004`: the part of a file name that names the shard.
    public var fileTag: String {
        let width = max(4, String(count).count)
        func pad(_ n: Int) -> String { String(repeating: "0", count: max(0, width - String(n).count)) + String(n) }
        return "\(pad(index))-of-\(pad(count))"
    }

    public var description: String { "\(index)/\(count)" }

    /// Whether the item at `position` of the sorted input list belongs to this shard.
    public func owns(_ position: Int) -> Bool { position % count == index }

    /// Parses `i/n`.
    public init?(parsing text: String) {
        let parts = text.split(separator: "/")
        guard parts.count == 2, let index = Int(parts[0]), let count = Int(parts[1]), count > 0, index >= 0, index < count else { return nil }
        self.init(index: index, count: count)
    }
}

/// What a stage run (or one shard of it) did.
public struct StageCounts: Codable, Sendable, Equatable {
    public var processed = 0
    public var cached = 0
    public var output = 0
    public var rejected = 0
    public var rejectsByReason: [String: Int] = [:]

    public init() {}

    public mutating func add(_ other: StageCounts) {
        processed += other.processed; cached += other.cached; output += other.output; rejected += other.rejected
        rejectsByReason.merge(other.rejectsByReason, uniquingKeysWith: +)
    }

    public mutating func reject(_ reason: String) {
        rejected += 1
        rejectsByReason[reason, default: 0] += 1
    }
}

/// A document a stage could not process, as written to `work/<stage>/rejects.jsonl`.
public struct RejectRecord: Error, Codable, Sendable, Equatable {
    public var stage: String
    public var id: String?
    public var source: String
    public var reason: String
    public var detail: String

    public init(stage: String, id: String?, source: String, reason: String, detail: String) {
        self.stage = stage; self.id = id; self.source = source; self.reason = reason; self.detail = detail
    }
}

/// Everything a stage needs while it runs: settings, folders, workers, logging, progress.
public struct StageContext: Sendable {
    public var manifest: Manifest
    public var layout: OutputLayout
    public var workers: Int
    public var logger: Logger
    public var progress: ProgressReporter
    public var cancellation: Cancellation
    /// When the whole run started; reports are dated by it.
    public var runStartedAt: Date
    /// The frozen inputs of an array job (`newspipe plan`), if any.
    public var plan: RunPlan? = nil

    public func folder(_ stage: StageName) -> URL { layout.stageFolder(stage) }
}

/// One stage of the pipeline. The runner decides what runs and when; a stage only knows its data.
public protocol PipelineStage: Sendable {
    var name: StageName { get }
    /// Bumped when the stage's output for the same input changes; makes old output stale.
    var version: Int { get }
    /// What the stage reads, summarised as one hash; for stages after fetch the runner uses the
    /// previous stage's generation instead.
    func inputFingerprint(_ context: StageContext) throws -> String
    /// Runs one shard (for unsharded stages, shard 0 of 1), publishing its outputs atomically.
    func run(shard: Shard, context: StageContext) throws -> StageCounts
    /// After every shard is done: the merge step, returning what it adds to the counts. The default
    /// does nothing.
    func finish(shards: Int, context: StageContext) throws -> StageCounts
}

extension PipelineStage {
    public func inputFingerprint(_ context: StageContext) throws -> String { "" }
    public func finish(shards: Int, context: StageContext) throws -> StageCounts { StageCounts() }
}
