import Crypto
import Foundation
import Logging

/// Runs stages in order: decides what is up to date, resumes what a crash left half done, runs
/// each shard, publishes the done markers and `stage.json`. It knows nothing of HTML or entities.
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
        /// Run only this shard of sharded stages (array jobs); nil runs them all.
        public var shard: Shard?
        public init(from: StageName = .fetch, to: StageName = .report, force: Bool = false, shard: Shard? = nil) {
            self.from = from; self.to = to; self.force = force; self.shard = shard
        }
    }

    /// Runs the requested stages and returns one summary per stage.
    public func run(_ request: Request) throws -> [StageSummary] {
        var summaries: [StageSummary] = []
        for stage in stages where stage.name >= request.from && stage.name <= request.to {
            try context.cancellation.check()
            summaries.append(try run(stage, request: request))
        }
        return summaries
    }

    private func run(_ stage: any PipelineStage, request: Request) throws -> StageSummary {
        let name = stage.name
        var logger = context.logger
        logger[metadataKey: "stage"] = "\(name.rawValue)"
        let layout = context.layout
        let started = Date()
        let shardCount = name.isSharded ? context.manifest.shards : 1

        let inputFingerprint: String
        if let previous = name.previous {
            guard let upstream = StageFiles.read(StageRecord.self, layout.stageRecord(previous)) else {
                throw NewsPipeError.missingInput(stage: name.rawValue, previous: previous.rawValue)
            }
            let own = try stage.inputFingerprint(context)
            inputFingerprint = own.isEmpty ? upstream.generation : "\(upstream.generation)+\(own)"
        } else {
            inputFingerprint = try stage.inputFingerprint(context)
        }
        let attempt = StageAttempt(version: stage.version, configFingerprint: context.manifest.fingerprint(of: name),
                                   inputFingerprint: inputFingerprint, shards: shardCount)

        if !request.force, let record = StageFiles.read(StageRecord.self, layout.stageRecord(name)),
           record.version == attempt.version, record.configFingerprint == attempt.configFingerprint,
           record.inputFingerprint == attempt.inputFingerprint, record.shards == shardCount {
            logger.info("\(name.rawValue): up to date, skipped (\(Self.describe(record.counts)))")
            return StageSummary(stage: name.rawValue, status: "skipped", processed: 0, cached: record.counts.cached,
                                output: record.counts.output, rejected: record.counts.rejected,
                                rejectsByReason: record.counts.rejectsByReason, durationSeconds: 0,
                                startedAt: Timestamp.string(started), finishedAt: Timestamp.string(Date()))
        }

        let folder = layout.stageFolder(name)
        let resumable = !request.force && StageFiles.read(StageAttempt.self, layout.attemptRecord(name)) == attempt
        if resumable {
            AtomicFile.removeStaleTemporaries(in: folder)
            AtomicFile.removeStaleTemporaries(in: layout.doneFolder(name))
        } else {
            try Self.clean(folder, keeping: Self.durableFolders)
            try StageFiles.write(attempt, layout.attemptRecord(name))
        }

        var counts = StageCounts()
        var ranShards = 0
        let shardsToRun = (0 ..< shardCount).map { Shard(index: $0, count: shardCount) }
            .filter { request.shard == nil || !name.isSharded || $0 == request.shard }
        var missing: [Shard] = []
        for shard in (0 ..< shardCount).map({ Shard(index: $0, count: shardCount) }) {
            if let done = StageFiles.read(ShardDone.self, layout.doneMarker(name, shard)), done.attempt == attempt {
                counts.add(done.counts)
                continue
            }
            guard shardsToRun.contains(shard) else { missing.append(shard); continue }
            try context.cancellation.check()
            let shardStarted = Date()
            var shardLogger = logger
            shardLogger[metadataKey: "shard"] = "\(shard)"
            var shardContext = context
            shardContext.logger = shardLogger
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
        if !missing.isEmpty {
            logger.info("\(name.rawValue): shards done here; \(missing.count) of \(shardCount) shards still to run elsewhere")
            return StageSummary(stage: name.rawValue, status: "partial", processed: counts.processed, cached: counts.cached,
                                output: counts.output, rejected: counts.rejected, rejectsByReason: counts.rejectsByReason,
                                durationSeconds: Date().timeIntervalSince(started), startedAt: Timestamp.string(started),
                                finishedAt: Timestamp.string(Date()))
        }

        try context.cancellation.check()
        try stage.finish(shards: shardCount, context: context)
        try Self.mergeRejects(name, layout: layout)

        let finished = Date()
        var generationInput = Array("\(name.rawValue)\n\(attempt.inputFingerprint)\n\(attempt.configFingerprint)\n\(Timestamp.string(finished))\n".utf8)
        generationInput += withUnsafeBytes(of: UInt64.random(in: 0 ... .max)) { Array($0) }
        let record = StageRecord(
            stage: name.rawValue, version: stage.version, configFingerprint: attempt.configFingerprint,
            inputFingerprint: attempt.inputFingerprint, generation: String(SHA256.hash(data: generationInput).hexString.prefix(32)),
            shards: shardCount, counts: counts, startedAt: Timestamp.string(started), finishedAt: Timestamp.string(finished),
            durationSeconds: finished.timeIntervalSince(started), config: nil)
        try StageFiles.write(record, layout.stageRecord(name))
        logger.info("\(name.rawValue): done, \(Self.describe(counts)) in \(String(format: "%.2f", record.durationSeconds))s\(resumable && ranShards < shardCount ? " (resumed)" : "")")
        return StageSummary(stage: name.rawValue, status: "done", processed: counts.processed, cached: counts.cached,
                            output: counts.output, rejected: counts.rejected, rejectsByReason: counts.rejectsByReason,
                            durationSeconds: record.durationSeconds, startedAt: record.startedAt, finishedAt: record.finishedAt)
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
        try files.createDirectory(at: folder, withIntermediateDirectories: true)
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
