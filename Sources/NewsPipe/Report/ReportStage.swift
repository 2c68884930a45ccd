import Foundation

/// Stage 5: builds the analysts' reports from everything stored so far into
/// `reports/<run date>/`, replacing that day's folder atomically, and points `reports/latest` at it.
public struct ReportStage: PipelineStage {
    public let name = StageName.report
    public let version = 1

    public init() {}

    /// Reports are dated: a new day makes the report stale even when nothing else changed.
    public func inputFingerprint(_ context: StageContext) throws -> String { Timestamp.day(context.runStartedAt) }

    public func run(shard: Shard, context: StageContext) throws -> StageCounts {
        let layout = context.layout
        let files = FileManager.default
        let day = Timestamp.day(context.runStartedAt)
        try files.createDirectory(at: layout.reports, withIntermediateDirectories: true)
        AtomicFile.removeStaleTemporaries(in: layout.reports)
        let previous = try Self.previousReport(in: layout.reports, before: day)

        var stages: [StageSummary] = []
        for stage in StageName.allCases where stage != .report {
            guard let record = StageFiles.read(StageRecord.self, layout.stageRecord(stage)) else { continue }
            stages.append(StageSummary(stage: stage.rawValue, status: "done", processed: record.counts.processed,
                                       cached: record.counts.cached, output: record.counts.output,
                                       rejected: record.counts.rejected, rejectsByReason: record.counts.rejectsByReason,
                                       durationSeconds: record.durationSeconds, startedAt: record.startedAt,
                                       finishedAt: record.finishedAt))
        }
        let dedupFolder = layout.stageFolder(.dedup)
        let inputs = ReportInputs(
            documents: layout.shardFiles(.dedup, "documents"),
            clusters: dedupFolder.appendingPathComponent("clusters.jsonl"),
            removed: dedupFolder.appendingPathComponent("removed.jsonl"),
            mentions: layout.shardFiles(.entities, "mentions"),
            stages: stages, manifestHash: context.manifest.hash,
            runStartedAt: context.runStartedAt, runFinishedAt: Date(), previousReport: previous)

        // Build beside the final folder, then swap it in: readers never see half a report.
        let staging = layout.reports.appendingPathComponent(".tmp-\(getpid())-\(day)")
        try? files.removeItem(at: staging)
        try files.createDirectory(at: staging, withIntermediateDirectories: true)
        let written = try ReportBuilder(topEntities: context.manifest.report.topEntities).build(inputs, into: staging)
        CrashPoint.documentDone(stage: "report", cancellation: context.cancellation)
        let target = layout.reports.appendingPathComponent(day)
        let retired = layout.reports.appendingPathComponent(".tmp-\(getpid())-old-\(day)")
        if files.fileExists(atPath: target.path) { try files.moveItem(at: target, to: retired) }
        CrashPoint.documentDone(stage: "report", cancellation: context.cancellation)
        try files.moveItem(at: staging, to: target)
        CrashPoint.documentDone(stage: "report", cancellation: context.cancellation)
        try? files.removeItem(at: retired)
        try Self.pointLatest(at: day, in: layout.reports)
        var counts = StageCounts()
        // The documents the report covers: the canonical documents dedup passed on.
        counts.processed = StageFiles.read(StageRecord.self, layout.stageRecord(.dedup))?.counts.output ?? 0
        counts.output = written.count
        context.logger.info("report: \(written.count) files in \(target.path)")
        return counts
    }

    /// The newest report folder from an earlier day, for "what changed since the previous run".
    static func previousReport(in reports: URL, before day: String) throws -> URL? {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: reports.path)) ?? []
        return names.filter { $0.count == 10 && $0.first?.isNumber == true && $0 < day }.max()
            .map { reports.appendingPathComponent($0) }
    }

    /// Replaces the `latest` symlink atomically (a new link renamed over the old one).
    static func pointLatest(at day: String, in reports: URL) throws {
        let link = reports.appendingPathComponent("latest")
        let temporary = reports.appendingPathComponent(".tmp-latest-\(getpid())")
        try? FileManager.default.removeItem(at: temporary)
        try FileManager.default.createSymbolicLink(atPath: temporary.path, withDestinationPath: day)
        guard rename(temporary.path, link.path) == 0 else {
            throw NewsPipeError.io(path: link.path, reason: "cannot update link: \(String(cString: strerror(errno)))")
        }
    }
}
