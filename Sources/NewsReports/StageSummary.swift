/// What one stage did in one run, as `run.json`, the summary and the SQLite `stages` table report it.
public struct StageSummary: Codable, Sendable, Equatable {
    public var stage: String
    /// `done`, `skipped` (up to date), `failed`, `not-run`.
    public var status: String
    public var processed: Int
    /// Documents answered from the cache of an earlier run (no work done).
    public var cached: Int
    public var output: Int
    public var rejected: Int
    public var rejectsByReason: [String: Int]
    public var durationSeconds: Double
    public var startedAt: String?
    public var finishedAt: String?

    public init(stage: String, status: String, processed: Int = 0, cached: Int = 0, output: Int = 0,
                rejected: Int = 0, rejectsByReason: [String: Int] = [:], durationSeconds: Double = 0,
                startedAt: String? = nil, finishedAt: String? = nil) {
        self.stage = stage; self.status = status; self.processed = processed; self.cached = cached
        self.output = output; self.rejected = rejected; self.rejectsByReason = rejectsByReason
        self.durationSeconds = durationSeconds; self.startedAt = startedAt; self.finishedAt = finishedAt
    }
}
