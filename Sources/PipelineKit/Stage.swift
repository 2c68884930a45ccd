import Foundation
import Logging

/// A stage's name as the runner knows it: the name of its folder under `work/`. The runner knows
/// no stage by name; the pipeline that uses it declares its stages.
public struct StageID: RawRepresentable, Hashable, Comparable, Codable, Sendable, CustomStringConvertible {
    public let rawValue: String

    public init(rawValue: String) { self.rawValue = rawValue }
    public init(_ name: String) { rawValue = name }

    public var description: String { rawValue }
    public static func < (a: StageID, b: StageID) -> Bool { a.rawValue < b.rawValue }

    public init(from decoder: Decoder) throws { rawValue = try decoder.singleValueContainer().decode(String.self) }
    public func encode(to encoder: Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(rawValue)
    }
}

/// One stripe of a stage's sorted inputs: items `index`, `index + count`, `index + 2·count` …
public struct Shard: Sendable, Hashable, CustomStringConvertible {
    public var index: Int
    public var count: Int

    public init(index: Int, count: Int) { self.index = index; self.count = count }

    /// Every shard of a stage split `count` ways, in order.
    public static func all(_ count: Int) -> [Shard] { (0 ..< count).map { Shard(index: $0, count: count) } }

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

/// Everything a stage needs from the runner while it runs: folders, shards, workers, logging,
/// progress and the stop flag. A stage's own settings are given to it when it is made.
public struct StageContext: Sendable {
    public var layout: OutputLayout
    /// How many shards the sharded stages are split into.
    public var shards: Int
    public var workers: Int
    public var logger: Logger
    public var progress: ProgressReporter
    public var cancellation: Cancellation
    /// When the whole run started; reports are dated by it.
    public var runStartedAt: Date
    /// The generation of the stage attempt being run (set by the runner for `run` and `finish`):
    /// the same for every shard process of an attempt and for a resumed attempt, new for a forced
    /// one. Stores name what an attempt writes with it, so a rerun replaces rather than adds.
    public var attempt: String = ""

    public init(layout: OutputLayout, shards: Int, workers: Int, logger: Logger, progress: ProgressReporter,
                cancellation: Cancellation, runStartedAt: Date) {
        self.layout = layout; self.shards = shards; self.workers = workers; self.logger = logger
        self.progress = progress; self.cancellation = cancellation; self.runStartedAt = runStartedAt
    }

    public func folder(_ stage: StageID) -> URL { layout.stageFolder(stage) }
}

/// One stage of a pipeline. The runner decides what runs and when; a stage only knows its data.
public protocol PipelineStage: Sendable {
    var id: StageID { get }
    /// One line saying what the stage does.
    var summary: String { get }
    /// Bumped when the stage's output for the same input changes; makes old output stale.
    var version: Int { get }
    /// Fingerprint of the stage's resolved settings: a change makes the stage stale.
    var settingsFingerprint: String { get }
    /// Sharded stages split their inputs into `StageContext.shards` stripes; the others run as
    /// one shard.
    var isSharded: Bool { get }
    /// Whether a shard's output is final when the shard is done (so the next stage may start on
    /// that shard in an array job), or only after the stage's merge step.
    var shardOutputIsFinal: Bool { get }
    /// The files of earlier stages this stage reads (their declarations, not paths of its own).
    var reads: [StageFile] { get }
    /// The files this stage publishes in its folder.
    var writes: [StageFile] { get }
    /// What the stage reads that no earlier stage wrote, summarised as one hash (its sources, the
    /// day); the generation of the stage before it is added by the runner.
    func inputFingerprint(_ context: StageContext) throws -> String
    /// Why the stage is stale when its own input fingerprint changed ("its sources changed").
    var inputChangeReason: String { get }
    /// Runs one shard (for unsharded stages, shard 0 of 1), publishing its outputs atomically.
    func run(shard: Shard, context: StageContext) throws -> StageCounts
    /// After every shard is done: the merge step, returning what it adds to the counts.
    func finish(shards: Int, context: StageContext) throws -> StageCounts

    // MARK: Storage over the years

    /// What an earlier newspipe left in this stage's folder that this one no longer reads (a store
    /// in an old layout), one line each; empty when the folder is current. A run refuses to start
    /// on such a folder rather than rebuild or mix it silently; `newspipe migrate` converts it.
    func legacyStorage(_ layout: OutputLayout) -> [String]
    /// Converts what `legacyStorage` found into the current layout, keeping its content. Must be
    /// idempotent and safe to kill at any point (the next call finishes it). Returns what it did.
    func migrateStorage(_ context: StageContext) throws -> [String]
    /// Removes what the stage's retention settings let go and nothing a later stage still needs;
    /// crash-safe like the rest. Returns what it removed, one line each.
    func collectGarbage(_ context: StageContext) throws -> [String]
}

extension PipelineStage {
    public var isSharded: Bool { true }
    public var shardOutputIsFinal: Bool { true }
    public var reads: [StageFile] { [] }
    public var writes: [StageFile] { [] }
    public func inputFingerprint(_ context: StageContext) throws -> String { "" }
    public var inputChangeReason: String { "its input changed" }
    public func finish(shards: Int, context: StageContext) throws -> StageCounts { StageCounts() }
    public func legacyStorage(_ layout: OutputLayout) -> [String] { [] }
    public func migrateStorage(_ context: StageContext) throws -> [String] { [] }
    public func collectGarbage(_ context: StageContext) throws -> [String] { [] }

    /// Shards this stage runs as under a run split `count` ways.
    public func shardCount(_ count: Int) -> Int { isSharded ? count : 1 }
}
