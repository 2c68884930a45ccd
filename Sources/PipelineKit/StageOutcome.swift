import Foundation

/// What a run did with one stage.
public enum StageStatus: String, Codable, Sendable {
    /// Ran to completion (every shard and the merge step).
    case done
    /// Up to date: nothing to do.
    case skipped
    /// This process ran its shard; other shards are still to run.
    case partial
    /// A shard run found the stage before it incomplete and stopped there.
    case waiting
}

/// What one stage did in one run.
public struct StageOutcome: Sendable, Equatable {
    public var stage: StageID
    public var status: StageStatus
    public var counts: StageCounts
    public var durationSeconds: Double
    public var startedAt: String
    public var finishedAt: String
}

/// How a stage's stored output stands against what a run would do now.
public enum Freshness: Equatable, Sendable {
    /// Done with today's settings, version, shards and input.
    case upToDate
    /// Done, but something changed since: the reasons, in words.
    case stale([String])
    /// An attempt is in progress or was interrupted; `newspipe run` resumes it.
    case partial
    case notRun

    /// `done`, `stale`, `partial`, `not-run`.
    public var name: String {
        switch self {
        case .upToDate: return "done"
        case .stale: return "stale"
        case .partial: return "partial"
        case .notRun: return "not-run"
        }
    }
}

/// One stage as `StageRunner.assess()` sees it.
public struct StageAssessment: Sendable, Equatable {
    public var stage: StageID
    public var freshness: Freshness
    /// Its `stage.json`, when it has completed once.
    public var record: StageRecord?
    public var shards: Int
    public var shardsDone: Int
    public var pendingShards: [Shard]
}
