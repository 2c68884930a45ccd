import Foundation
import NewsIO
import PipelineKit

/// What newspipe keeps over the years of nights, and when it lets it go: `newspipe gc` (also at
/// the end of a run, with `retention.gcAfterRun`) and `newspipe migrate`.
///
/// Garbage collection takes the whole-run lock, so no stage runs meanwhile; every step commits an
/// index before it removes a file, so a collection killed at any point is finished by the next.
public enum PipelineStorage {
    /// Removes what `manifest.retention` lets go: old WARC segments and crashed attempts' segments
    /// (fetch), cached results not used for `cacheDays` (every stage's cache), dedup index entries
    /// older than `indexDays`, report folders older than `reportDays`. Returns what it removed.
    public static func collectGarbage(manifest: Manifest, context: StageContext) throws -> [String] {
        var removed: [String] = []
        for stage in NewsPipeline.stages(manifest) {
            var stageContext = context
            stageContext.logger[metadataKey: "stage"] = "\(stage.id)"
            removed += try stage.collectGarbage(stageContext)
            if let days = manifest.retention.cacheDays {
                let cutoff = Timestamp.day(context.runStartedAt.addingTimeInterval(-Double(days) * 86_400))
                let count = try ResultCache.prune(in: context.layout.cacheFolder(stage.id), unusedSince: cutoff)
                if count > 0 { removed.append("\(stage.id) cache: \(count) results unused for \(days) days dropped") }
                CrashPoint.documentDone(stage: "gc", cancellation: context.cancellation)
            }
        }
        if let days = manifest.retention.reportDays {
            removed += try pruneReports(context.layout, olderThan: days, now: context.runStartedAt, cancellation: context.cancellation)
        }
        return removed
    }

    /// Report folders (`reports/<day>`) older than `days`, never the one `latest` points at.
    static func pruneReports(_ layout: OutputLayout, olderThan days: Int, now: Date, cancellation: Cancellation) throws -> [String] {
        let reports = layout.reports
        let cutoff = Timestamp.day(now.addingTimeInterval(-Double(days) * 86_400))
        let latest = (try? FileManager.default.destinationOfSymbolicLink(atPath: reports.appendingPathComponent("latest").path))
            .map { ($0 as NSString).lastPathComponent }
        var removed: [String] = []
        let names = ((try? FileManager.default.contentsOfDirectory(atPath: reports.path)) ?? []).sorted()
        for name in names where name.count == 10 && name.first?.isNumber == true && name < cutoff && name != latest {
            try FileManager.default.removeItem(at: reports.appendingPathComponent(name))
            CrashPoint.documentDone(stage: "gc", cancellation: cancellation)
            removed.append("reports: removed \(name) (older than \(days) days)")
        }
        return removed
    }

    /// What an earlier newspipe left that this one does not read, one line each (empty when the
    /// output folder is current).
    public static func legacyStorage(manifest: Manifest, context: StageContext) -> [String] {
        StageRunner(stages: NewsPipeline.stages(manifest), context: context).legacyStorage()
    }

    /// Converts the output folder to the current layout, keeping pages, caches and the dedup index.
    public static func migrate(manifest: Manifest, context: StageContext) throws -> [String] {
        try StageRunner(stages: NewsPipeline.stages(manifest), context: context).migrateStorage()
    }
}
