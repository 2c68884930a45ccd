import Crypto
import Foundation
import Logging

/// Runs stages in order: decides what is up to date, resumes what a crash left half done, runs
/// each shard, publishes the done markers and `stage.json`. It knows nothing of HTML or entities.
///
/// Several processes may share one output folder as the shards of an array job: each runs its own
/// shard of the sharded stages; whoever completes the last shard of a stage runs its merge step.
/// A short per-stage lock (`work/.<stage>.lock`) orders the moments where they could collide:
/// starting a fresh attempt (which cleans the folder) and finishing the stage.
public struct StageRunner: Sendable {
    public var stages: [any PipelineStage]
    public var context: StageContext

    public init(stages: [any PipelineStage], context: StageContext) {
        self.stages = stages
        self.context = context
    }

    /// What the runner was asked to do.
    public struct Request: Sendable {
        public var from: StageName = .fetch
        public var to: StageName = .report
        public var force = false
        /// Run only this shard of the sharded stages (array jobs); nil runs them all.
        public var shard: Shard?
        public init(from: StageName = .fetch, to: StageName = .report, force: Bool = false, shard: Shard? = nil) {
            self.from = from; self.to = to; self.force = force; self.shard = shard
        }
    }

    /// Runs the requested stages and returns one summary per stage. In a shard run, stages that
    /// need other shards' work first are reported as `waiting` and the run ends there.
    public func run(_ request: Request) throws -> [StageSummary] {
        var summaries: [StageSummary] = []
        for stage in stages where stage.name >= request.from && stage.name <= request.to {
            try context.cancellation.check()
            let summary = try run(stage, request: request)
            summaries.append(summary)
            if summary.status == "waiting" { break }
        }
        return summaries
    }

    /// The attempt a stage would make now, and whether its input is there to make it.
    enum Readiness {
        case ready(StageAttempt)
        /// A shard run: this shard's input is there, but not the whole stage before.
        case shardReady(StageAttempt)
        case waiting(String)
    }

    func readiness(of stage: any PipelineStage, request: Request) throws -> Readiness {
        let name = stage.name
        let layout = context.layout
        let shardCount = name.isSharded ? context.manifest.shards : 1
        var base = StageAttempt(version: stage.version, configFingerprint: context.manifest.fingerprint(of: name),
                                inputFingerprint: "", shards: shardCount, nonce: "")
        guard let previous = name.previous else {
            base.inputFingerprint = try stage.inputFingerprint(context)
            return .ready(base)
        }
        let own = try stage.inputFingerprint(context)
        if let upstream = StageFiles.read(StageRecord.self, layout.stageRecord(previous)),
           StageFiles.read(StageAttempt.self, layout.attemptRecord(previous)).map({ $0.generation == upstream.generation }) ?? true {
            base.inputFingerprint = own.isEmpty ? upstream.generation : "\(upstream.generation)+\(own)"
            return .ready(base)
        }
        // In a shard run, a sharded stage may start its shard as soon as the same shard of the
        // sharded stage before it is done.
        if let shard = request.shard, name.isSharded, previous.shardOutputIsFinal,
           let upstreamAttempt = StageFiles.read(StageAttempt.self, layout.attemptRecord(previous)),
           let marker = StageFiles.read(ShardDone.self, layout.doneMarker(previous, shard)), marker.attempt == upstreamAttempt {
            base.inputFingerprint = own.isEmpty ? upstreamAttempt.generation : "\(upstreamAttempt.generation)+\(own)"
            return .shardReady(base)
        }
        if request.shard != nil { return .waiting("\(previous.rawValue) is not complete; a merge run (`newspipe run` without --shard) continues from here") }
        throw NewsPipeError.missingInput(stage: name.rawValue, previous: previous.rawValue)
    }

    private func run(_ stage: any PipelineStage, request: Request) throws -> StageSummary {
        let name = stage.name
        var logger = context.logger
        logger[metadataKey: "stage"] = "\(name.rawValue)"
        let layout = context.layout
        let started = Date()
        let shardCount = name.isSharded ? context.manifest.shards : 1
        func summary(_ status: String, _ counts: StageCounts, duration: Double) -> StageSummary {
            StageSummary(stage: name.rawValue, status: status, processed: counts.processed, cached: counts.cached,
                         output: counts.output, rejected: counts.rejected, rejectsByReason: counts.rejectsByReason,
                         durationSeconds: duration, startedAt: Timestamp.string(started), finishedAt: Timestamp.string(Date()))
        }

        var attempt: StageAttempt
        switch try readiness(of: stage, request: request) {
        case let .waiting(reason):
            logger.info("\(name.rawValue): waiting, \(reason)")
            return summary("waiting", StageCounts(), duration: 0)
        case let .ready(ready), let .shardReady(ready):
            attempt = ready
        }

        if !request.force, let record = StageFiles.read(StageRecord.self, layout.stageRecord(name)),
           let done = StageFiles.read(StageAttempt.self, layout.attemptRecord(name)), done.generation == record.generation,
           done.matches(attempt) {
            logger.info("\(name.rawValue): up to date, skipped (\(Self.describe(record.counts)))")
            var counts = record.counts
            counts.processed = 0
            return summary("skipped", counts, duration: 0)
        }

        // Start a fresh attempt, or join the one in progress (a crashed run, or other shards).
        let folder = layout.stageFolder(name)
        let stageLock = StageLock(url: layout.work.appendingPathComponent(".\(name.rawValue).lock"))
        var resumed = false
        try stageLock.withLock {
            if !request.force, let current = StageFiles.read(StageAttempt.self, layout.attemptRecord(name)), current.matches(attempt),
               StageFiles.read(StageRecord.self, layout.stageRecord(name)) == nil {
                attempt = current
                resumed = true
                if request.shard == nil {
                    AtomicFile.removeStaleTemporaries(in: folder)
                    AtomicFile.removeStaleTemporaries(in: layout.doneFolder(name))
                }
            } else {
                if request.force { attempt.nonce = UUID().uuidString }
                try Self.clean(folder, keeping: Self.durableFolders)
                try StageFiles.write(attempt, layout.attemptRecord(name))
            }
        }

        var counts = StageCounts()
        var ranShards = 0
        for shard in (0 ..< shardCount).map({ Shard(index: $0, count: shardCount) }) {
            if let done = StageFiles.read(ShardDone.self, layout.doneMarker(name, shard)), done.attempt == attempt {
                counts.add(done.counts)
                continue
            }
            if let mine = request.shard, name.isSharded, mine != shard { continue }
            try context.cancellation.check()
            let shardStarted = Date()
            var shardContext = context
            shardContext.logger[metadataKey: "stage"] = "\(name.rawValue)"
            shardContext.logger[metadataKey: "shard"] = "\(shard)"
            let shardCounts: StageCounts
            do {
                shardCounts = try stage.run(shard: shard, context: shardContext)
            } catch let error as NewsPipeError {
                context.progress.end()
                throw error
            } catch {
                context.progress.end()
                throw NewsPipeError.stageFailed(stage: name.rawValue, reason: "\(error)")
            }
            context.progress.end()
            try StageFiles.write(ShardDone(attempt: attempt, counts: shardCounts, durationSeconds: Date().timeIntervalSince(shardStarted)),
                                 layout.doneMarker(name, shard))
            counts.add(shardCounts)
            ranShards += 1
        }

        // The merge step runs once, in whichever process finds every shard done.
        var finished: StageRecord?
        try context.cancellation.check()
        try stageLock.withLock {
            if let record = StageFiles.read(StageRecord.self, layout.stageRecord(name)), record.generation == attempt.generation {
                finished = record
                return
            }
            let pending = (0 ..< shardCount).map { Shard(index: $0, count: shardCount) }.filter {
                StageFiles.read(ShardDone.self, layout.doneMarker(name, $0))?.attempt != attempt
            }
            guard pending.isEmpty else { return }
            var total = StageCounts()
            for shard in (0 ..< shardCount).map({ Shard(index: $0, count: shardCount) }) {
                if let done = StageFiles.read(ShardDone.self, layout.doneMarker(name, shard)) { total.add(done.counts) }
            }
            total.add(try stage.finish(shards: shardCount, context: context))
            CrashPoint.documentDone(stage: "\(name.rawValue)-finish", cancellation: context.cancellation)
            try Self.mergeRejects(name, layout: layout)
            let end = Date()
            let record = StageRecord(
                stage: name.rawValue, version: stage.version, configFingerprint: attempt.configFingerprint,
                inputFingerprint: attempt.inputFingerprint, generation: attempt.generation, shards: shardCount,
                counts: total, startedAt: Timestamp.string(started), finishedAt: Timestamp.string(end),
                durationSeconds: end.timeIntervalSince(started), config: nil)
            try StageFiles.write(record, layout.stageRecord(name))
            finished = record
            counts = total
        }
        guard let record = finished else {
            logger.info("\(name.rawValue): shard \(request.shard?.description ?? "") done; the stage completes when every shard is done")
            return summary("partial", counts, duration: Date().timeIntervalSince(started))
        }
        logger.info("\(name.rawValue): done, \(Self.describe(counts)) in \(String(format: "%.2f", Date().timeIntervalSince(started)))s\(resumed && ranShards < shardCount ? " (resumed)" : "")")
        return summary("done", counts, duration: record.durationSeconds)
    }

    /// `12 processed, 3 cached, 10 out, 2 rejected (binary 1, empty 1)`
    static func describe(_ counts: StageCounts) -> String {
        var text = "\(counts.processed) processed"
        if counts.cached > 0 { text += ", \(counts.cached) cached" }
        text += ", \(counts.output) out, \(counts.rejected) rejected"
        if !counts.rejectsByReason.isEmpty {
            text += " (" + counts.rejectsByReason.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", ") + ")"
        }
        return text
    }

    /// Folders a fresh attempt keeps: caches across runs and fetch's content-addressed store.
    static let durableFolders: Set<String> = ["cache", "objects"]

    /// Empties a stage folder for a fresh attempt, keeping caches.
    static func clean(_ folder: URL, keeping kept: Set<String>) throws {
        let files = FileManager.default
        do { try files.createDirectory(at: folder, withIntermediateDirectories: true) } catch {
            throw NewsPipeError.io(path: folder.path, reason: "cannot create folder: \(error.localizedDescription)")
        }
        for name in try files.contentsOfDirectory(atPath: folder.path) where !kept.contains(name) {
            do { try files.removeItem(at: folder.appendingPathComponent(name)) } catch {
                throw NewsPipeError.io(path: folder.appendingPathComponent(name).path, reason: "cannot remove old output: \(error.localizedDescription)")
            }
        }
    }

    /// Joins every shard's `rejects-<shard>.jsonl` into the stage's `rejects.jsonl`.
    static func mergeRejects(_ stage: StageName, layout: OutputLayout) throws {
        let file = try AtomicFile(layout.rejectsFile(stage))
        for part in layout.shardFiles(stage, "rejects") {
            try JSONLines.forEachLine(in: part) { line in
                try file.write(line)
                try file.write([0x0A])
            }
        }
        try file.commit()
    }
}

/// A short exclusive lock between processes sharing an output folder (`flock(2)`).
struct StageLock {
    let url: URL

    func withLock<T>(_ body: () throws -> T) throws -> T {
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        let fd = open(url.path, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw NewsPipeError.io(path: url.path, reason: "cannot open lock file: \(String(cString: strerror(errno)))") }
        defer { close(fd) }
        guard flock(fd, LOCK_EX) == 0 else { throw NewsPipeError.io(path: url.path, reason: "cannot lock: \(String(cString: strerror(errno)))") }
        defer { flock(fd, LOCK_UN) }
        return try body()
    }
}
