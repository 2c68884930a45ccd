import Foundation
import Logging
import NewsIO

/// Runs stages in order: decides what is up to date, resumes what a crash left half done, runs
/// each shard, publishes the done markers and `stage.json`. It knows nothing of HTML or entities.
///
/// Several processes may share one output folder as the shards of an array job: each runs its own
/// shard of the sharded stages; whoever completes the last shard of a stage runs its merge step.
/// A short per-stage lock (`work/.<stage>.lock`) orders the moments where they could collide:
/// starting a fresh attempt (which cleans the folder) and finishing the stage.
public struct StageRunner: Sendable {
    /// The stages in the order data flows through them; each reads what the one before it wrote.
    public var stages: [any PipelineStage]
    public var context: StageContext

    public init(stages: [any PipelineStage], context: StageContext) {
        self.stages = stages
        self.context = context
    }

    /// What the runner was asked to do: a range of stages (by position), forced or not, all
    /// shards or one.
    public struct Request: Sendable {
        public var from: StageID?
        public var to: StageID?
        public var force = false
        /// Run only this shard of the sharded stages (array jobs); nil runs them all.
        public var shard: Shard?
        public init(from: StageID? = nil, to: StageID? = nil, force: Bool = false, shard: Shard? = nil) {
            self.from = from; self.to = to; self.force = force; self.shard = shard
        }
    }

    /// Runs the requested stages and returns what each did. In a shard run, a stage that needs
    /// other shards' work first is reported as `waiting` and the run ends there.
    public func run(_ request: Request) throws -> [StageOutcome] {
        let legacy = legacyStorage()
        if !legacy.isEmpty { throw PipelineError.legacyLayout(path: context.layout.root.path, found: legacy) }
        let first = request.from.flatMap(position) ?? 0
        let last = request.to.flatMap(position) ?? stages.count - 1
        var outcomes: [StageOutcome] = []
        for index in stages.indices where index >= first && index <= last {
            try context.cancellation.check()
            let outcome = try run(at: index, request: request)
            outcomes.append(outcome)
            if outcome.status == .waiting { break }
        }
        return outcomes
    }

    func position(of id: StageID) -> Int? { stages.firstIndex { $0.id == id } }

    // MARK: - Storage layout

    /// What earlier versions of newspipe left that this one does not read, one line each, by stage.
    public func legacyStorage() -> [String] {
        var found: [String] = []
        for stage in stages {
            let layout = context.layout
            if let cache = ResultCache.legacyFolder(in: layout.cacheFolder(stage.id)) {
                found.append("\(stage.id): per-document cache files in \(cache.path)")
            }
            found += stage.legacyStorage(layout).map { "\(stage.id): \($0)" }
        }
        return found
    }

    /// Converts every stage's legacy storage into the current layout (`newspipe migrate`); safe to
    /// kill and rerun. Returns what it did, one line each.
    public func migrateStorage() throws -> [String] {
        var done: [String] = []
        for stage in stages {
            var stageContext = context
            stageContext.logger[metadataKey: "stage"] = "\(stage.id)"
            let folder = context.layout.cacheFolder(stage.id)
            if ResultCache.legacyFolder(in: folder) != nil {
                let moved = try ResultCache.migrateLegacy(in: folder, day: Timestamp.day(context.runStartedAt))
                done.append("\(stage.id): \(moved) cached results moved into \(folder.appendingPathComponent(ResultCache.mainName).path)")
            }
            done += try stage.migrateStorage(stageContext).map { "\(stage.id): \($0)" }
        }
        return done
    }

    // MARK: - Freshness

    /// How every stage stands now, in order: the one rule `run` skips by and `status` shows.
    public func assess() -> [StageAssessment] {
        var assessments: [StageAssessment] = []
        for index in stages.indices {
            assessments.append(assess(at: index, upstream: assessments.last))
        }
        return assessments
    }

    /// How the stage at `index` stands, given how the stage before it stands.
    func assess(at index: Int, upstream: StageAssessment?) -> StageAssessment {
        let stage = stages[index]
        let layout = context.layout
        let shards = stage.shardCount(context.shards)
        let record = StageFiles.read(StageRecord.self, layout.stageRecord(stage.id))
        let attempt = StageFiles.read(StageAttempt.self, layout.attemptRecord(stage.id))
        let done = Shard.all(shards).filter { shard in
            guard let attempt, let marker = StageFiles.read(ShardDone.self, layout.doneMarker(stage.id, shard)) else { return false }
            return marker.attempt == attempt
        }
        var assessment = StageAssessment(stage: stage.id, freshness: .notRun, record: record, shards: shards, shardsDone: done.count,
                                         pendingShards: Shard.all(shards).filter { !done.contains($0) })
        if let attempt, attempt.generation != record?.generation {
            assessment.freshness = .partial
            return assessment
        }
        guard let record else { return assessment }
        let own = (try? stage.inputFingerprint(context)) ?? ""
        var wanted = StageAttempt(version: stage.version, configFingerprint: stage.settingsFingerprint, inputFingerprint: own,
                                  shards: shards, nonce: "")
        if index > 0 {
            guard upstream?.freshness == .upToDate, let generation = upstream?.record?.generation else {
                assessment.freshness = .stale(["\(stages[index - 1].id) is not up to date"])
                return assessment
            }
            wanted.inputFingerprint = StageAttempt.joinInput(upstream: generation, own: own)
        }
        let reasons = staleness(of: record, at: index, wanted: wanted)
        assessment.freshness = reasons.isEmpty ? .upToDate : .stale(reasons)
        return assessment
    }

    /// Why a stage's recorded output is not what the attempt `wanted` would make, in words;
    /// empty when it is up to date. The one rule `run` skips by and `status` explains.
    func staleness(of record: StageRecord, at index: Int, wanted: StageAttempt) -> [String] {
        let stage = stages[index]
        var reasons: [String] = []
        if record.version != wanted.version { reasons.append("stage version changed (\(record.version) → \(wanted.version))") }
        if record.configFingerprint != wanted.configFingerprint { reasons.append("its settings in the manifest changed") }
        if record.shards != wanted.shards { reasons.append("shard count changed (\(record.shards) → \(wanted.shards))") }
        let recorded = StageAttempt.splitInput(record.inputFingerprint, hasUpstream: index > 0)
        let current = StageAttempt.splitInput(wanted.inputFingerprint, hasUpstream: index > 0)
        if recorded.upstream != current.upstream { reasons.append("\(stages[index - 1].id) ran again since") }
        else if recorded.own != current.own { reasons.append(stage.inputChangeReason) }
        return reasons
    }

    // MARK: - Running one stage

    /// The attempt a stage would make now, and whether its input is there to make it.
    enum Readiness {
        case ready(StageAttempt)
        /// A shard run: this shard's input is there, but not the whole stage before.
        case shardReady(StageAttempt)
        case waiting(String)
    }

    func readiness(at index: Int, request: Request) throws -> Readiness {
        let stage = stages[index]
        let layout = context.layout
        let own = try stage.inputFingerprint(context)
        var attempt = StageAttempt(version: stage.version, configFingerprint: stage.settingsFingerprint,
                                   inputFingerprint: own, shards: stage.shardCount(context.shards), nonce: "")
        guard index > 0 else { return .ready(attempt) }
        let previous = stages[index - 1]
        if let upstream = StageFiles.read(StageRecord.self, layout.stageRecord(previous.id)),
           StageFiles.read(StageAttempt.self, layout.attemptRecord(previous.id)).map({ $0.generation == upstream.generation }) ?? true {
            attempt.inputFingerprint = StageAttempt.joinInput(upstream: upstream.generation, own: own)
            return .ready(attempt)
        }
        // In a shard run, a sharded stage may start its shard as soon as the same shard of the
        // sharded stage before it is done.
        if let shard = request.shard, stage.isSharded, previous.isSharded, previous.shardOutputIsFinal,
           let upstreamAttempt = StageFiles.read(StageAttempt.self, layout.attemptRecord(previous.id)),
           let marker = StageFiles.read(ShardDone.self, layout.doneMarker(previous.id, shard)), marker.attempt == upstreamAttempt {
            attempt.inputFingerprint = StageAttempt.joinInput(upstream: upstreamAttempt.generation, own: own)
            return .shardReady(attempt)
        }
        if request.shard != nil { return .waiting("\(previous.id) is not complete; a merge run (`newspipe run` without --shard) continues from here") }
        throw PipelineError.missingInput(stage: stage.id.rawValue, previous: previous.id.rawValue)
    }

    private func run(at index: Int, request: Request) throws -> StageOutcome {
        let stage = stages[index]
        var logger = context.logger
        logger[metadataKey: "stage"] = "\(stage.id)"
        let started = Date()
        func outcome(_ status: StageStatus, _ counts: StageCounts, duration: Double) -> StageOutcome {
            StageOutcome(stage: stage.id, status: status, counts: counts, durationSeconds: duration,
                         startedAt: Timestamp.string(started), finishedAt: Timestamp.string(Date()))
        }

        var attempt: StageAttempt
        switch try readiness(at: index, request: request) {
        case let .waiting(reason):
            logger.info("waiting", metadata: ["reason": "\(reason)"])
            return outcome(.waiting, StageCounts(), duration: 0)
        case let .ready(ready), let .shardReady(ready):
            attempt = ready
        }

        if !request.force, let record = StageFiles.read(StageRecord.self, context.layout.stageRecord(stage.id)),
           let done = StageFiles.read(StageAttempt.self, context.layout.attemptRecord(stage.id)), done.generation == record.generation,
           staleness(of: record, at: index, wanted: attempt).isEmpty {
            logger.info("up to date, skipped", metadata: Self.metadata(record.counts))
            var counts = record.counts
            counts.processed = 0
            return outcome(.skipped, counts, duration: 0)
        }

        let resumed = try startOrJoin(stage, attempt: &attempt, request: request)
        var counts = StageCounts()
        var ranShards = 0
        for shard in Shard.all(attempt.shards) {
            if let done = StageFiles.read(ShardDone.self, context.layout.doneMarker(stage.id, shard)), done.attempt == attempt {
                counts.add(done.counts)
                continue
            }
            if let mine = request.shard, stage.isSharded, mine != shard { continue }
            counts.add(try runShard(stage, shard, attempt: attempt))
            ranShards += 1
        }

        guard let record = try finishIfComplete(stage, attempt: attempt, started: started) else {
            logger.info("shard done; the stage completes when every shard is done", metadata: ["shard": "\(request.shard?.description ?? "")"])
            return outcome(.partial, counts, duration: Date().timeIntervalSince(started))
        }
        var metadata = Self.metadata(record.counts)
        metadata["seconds"] = "\(String(format: "%.2f", Date().timeIntervalSince(started)))"
        if resumed && ranShards < attempt.shards { metadata["resumed"] = "true" }
        logger.info("done", metadata: metadata)
        return outcome(.done, record.counts, duration: record.durationSeconds)
    }

    /// Starts a fresh attempt (cleaning the stage folder but its durable outputs), or joins the
    /// one in progress (a crashed run, or other shard processes). Returns whether it joined.
    private func startOrJoin(_ stage: any PipelineStage, attempt: inout StageAttempt, request: Request) throws -> Bool {
        let layout = context.layout
        let folder = layout.stageFolder(stage.id)
        var resumed = false
        try StageLock(url: layout.stageLock(stage.id)).withLock {
            if !request.force, let current = StageFiles.read(StageAttempt.self, layout.attemptRecord(stage.id)), current.matches(attempt),
               StageFiles.read(StageRecord.self, layout.stageRecord(stage.id)) == nil {
                attempt = current
                resumed = true
                if request.shard == nil {
                    AtomicFile.removeStaleTemporaries(in: folder)
                    AtomicFile.removeStaleTemporaries(in: layout.doneFolder(stage.id))
                }
            } else {
                if request.force { attempt.nonce = UUID().uuidString }
                let durable = Set(stage.writes.filter(\.isDurable).map(\.name)).union([OutputLayout.cacheFolderName])
                try Self.clean(folder, keeping: durable)
                try StageFiles.write(attempt, layout.attemptRecord(stage.id))
            }
        }
        return resumed
    }

    private func runShard(_ stage: any PipelineStage, _ shard: Shard, attempt: StageAttempt) throws -> StageCounts {
        try context.cancellation.check()
        let started = Date()
        var shardContext = context
        shardContext.attempt = attempt.generation
        shardContext.logger[metadataKey: "stage"] = "\(stage.id)"
        shardContext.logger[metadataKey: "shard"] = "\(shard)"
        let counts: StageCounts
        do {
            defer { context.progress.end() }
            counts = try stage.run(shard: shard, context: shardContext)
        } catch let error as ExitStatusProviding {
            throw error
        } catch {
            throw PipelineError.stageFailed(stage: stage.id.rawValue, reason: "\(error)")
        }
        try StageFiles.write(ShardDone(attempt: attempt, counts: counts, durationSeconds: Date().timeIntervalSince(started)),
                             context.layout.doneMarker(stage.id, shard))
        return counts
    }

    /// The merge step runs once, in whichever process finds every shard done; it returns the
    /// stage's record, or nil while shards are still to run.
    private func finishIfComplete(_ stage: any PipelineStage, attempt: StageAttempt, started: Date) throws -> StageRecord? {
        let layout = context.layout
        try context.cancellation.check()
        return try StageLock(url: layout.stageLock(stage.id)).withLock { () -> StageRecord? in
            if let record = StageFiles.read(StageRecord.self, layout.stageRecord(stage.id)), record.generation == attempt.generation {
                return record
            }
            let markers = Shard.all(attempt.shards).map { StageFiles.read(ShardDone.self, layout.doneMarker(stage.id, $0)) }
            guard markers.allSatisfy({ $0?.attempt == attempt }) else { return nil }
            var total = StageCounts()
            for marker in markers { if let marker { total.add(marker.counts) } }
            var stageContext = context
            stageContext.attempt = attempt.generation
            stageContext.logger[metadataKey: "stage"] = "\(stage.id)"
            total.add(try stage.finish(shards: attempt.shards, context: stageContext))
            // The shards' cached results join the stage's cache database (once per stage, not per document).
            try ResultCache.fold(in: layout.cacheFolder(stage.id), day: Timestamp.day(context.runStartedAt))
            CrashPoint.documentDone(stage: "\(stage.id)-finish", cancellation: context.cancellation)
            try JSONLines.concatenate(layout.rejectsShardFiles(stage.id), into: layout.rejectsFile(stage.id))
            let end = Date()
            let record = StageRecord(
                stage: stage.id.rawValue, version: stage.version, configFingerprint: attempt.configFingerprint,
                inputFingerprint: attempt.inputFingerprint, generation: attempt.generation, shards: attempt.shards,
                counts: total, startedAt: Timestamp.string(started), finishedAt: Timestamp.string(end),
                durationSeconds: end.timeIntervalSince(started), config: nil)
            try StageFiles.write(record, layout.stageRecord(stage.id))
            return record
        }
    }

    /// Counts as log metadata: `processed`, `cached`, `output`, `rejected` and rejects by reason.
    static func metadata(_ counts: StageCounts) -> Logger.Metadata {
        var metadata: Logger.Metadata = ["processed": "\(counts.processed)", "output": "\(counts.output)", "rejected": "\(counts.rejected)"]
        if counts.cached > 0 { metadata["cached"] = "\(counts.cached)" }
        if !counts.rejectsByReason.isEmpty {
            metadata["rejects"] = "\(counts.rejectsByReason.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", "))"
        }
        return metadata
    }

    /// Empties a stage folder for a fresh attempt, keeping `kept` (caches and stores).
    static func clean(_ folder: URL, keeping kept: Set<String>) throws {
        let files = FileManager.default
        do { try files.createDirectory(at: folder, withIntermediateDirectories: true) } catch {
            throw FileError.io(path: folder.path, reason: "cannot create folder: \(error.localizedDescription)")
        }
        for name in try files.contentsOfDirectory(atPath: folder.path) where !kept.contains(name) {
            do { try files.removeItem(at: folder.appendingPathComponent(name)) } catch {
                throw FileError.io(path: folder.appendingPathComponent(name).path, reason: "cannot remove old output: \(error.localizedDescription)")
            }
        }
    }
}

/// A short exclusive lock between processes sharing an output folder (`flock(2)`).
struct StageLock {
    let url: URL

    func withLock<T>(_ body: () throws -> T) throws -> T {
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        let fd = open(url.path, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw FileError.io(path: url.path, reason: "cannot open lock file: \(String(cString: strerror(errno)))") }
        defer { close(fd) }
        guard flock(fd, LOCK_EX) == 0 else { throw FileError.io(path: url.path, reason: "cannot lock: \(String(cString: strerror(errno)))") }
        defer { flock(fd, LOCK_UN) }
        return try body()
    }
}
