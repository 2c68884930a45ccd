import Foundation
import MirrorDedup
import NewsFetch
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

    // MARK: - Integrity

    /// What `verify` found: one line per file checked, and every problem (each naming its path).
    public struct Verification: Sendable {
        public var checked: [String] = []
        public var problems: [String] = []
    }

    /// Checks every store of an output folder against what was written: WARC segments record by
    /// record against their block and payload digests, the WARC index (SQLite's page check, the
    /// segments it names), every stage's result caches (page check, each value's Adler-32 and
    /// JSON), the dedup index (page check, every row's checksum, canonicals, band-run digests),
    /// and any other SQLite database under `work/`. Reads only.
    public static func verify(_ layout: OutputLayout) -> Verification {
        var result = Verification()
        let files = FileManager.default
        guard let walker = files.enumerator(at: layout.work, includingPropertiesForKeys: [.isRegularFileKey]) else { return result }
        var urls: [URL] = []
        for case let url as URL in walker where (try? url.resourceValues(forKeys: [.isRegularFileKey]).isRegularFile) == true { urls.append(url) }
        urls.sort { $0.path < $1.path }
        let segmentsFolder = FetchStage.Outputs.segments.url(in: layout).standardizedFileURL.path
        let warcIndex = FetchStage.Outputs.index.url(in: layout).standardizedFileURL.path
        let signatureFiles = Set(DedupStage.Outputs.signatures.shardFiles(in: layout).map(\.standardizedFileURL.path))
        for url in urls {
            let path = url.standardizedFileURL.path
            let name = url.lastPathComponent
            if name.hasSuffix(WARCStore.segmentSuffix), url.deletingLastPathComponent().standardizedFileURL.path == segmentsFolder {
                let (records, problems) = WARCSegmentCheck.problems(in: url)
                result.checked.append("\(path): \(records) WARC records, digests checked")
                result.problems += problems
            } else if path == warcIndex {
                guard let index = try? WARCIndex.openForReading(url) else {
                    result.problems.append("\(path): cannot be opened as the WARC index"); continue
                }
                result.problems += index.verify(segments: URL(fileURLWithPath: segmentsFolder))
                index.close()
                result.checked.append("\(path): WARC index, pages and segments checked")
            } else if name == MirrorIndex.databaseName {
                do {
                    let index = try MirrorIndex(folder: url.deletingLastPathComponent(), parameters: DedupParameters(), readOnly: true)
                    let problems = index.verify()
                    index.close()
                    result.problems += problems
                    result.checked.append("\(path): dedup index, rows, canonicals and band runs checked")
                } catch {
                    result.problems.append((error as? FileError)?.localizedDescription ?? "\(path): \(error)")
                }
            } else if name.hasPrefix("results"), name.hasSuffix(".sqlite"), url.deletingLastPathComponent().lastPathComponent == OutputLayout.cacheFolderName {
                let (entries, problems) = ResultCache.verify(database: url)
                result.problems += problems
                result.checked.append("\(path): \(entries) cached results checked")
            } else if signatureFiles.contains(path) {
                do {
                    let count = try SignatureFile.forEachBatch(in: url) { _ in }
                    result.checked.append("\(path): \(count) dedup signatures, digest checked")
                } catch {
                    result.problems.append((error as? FileError)?.localizedDescription ?? "\(path): \(error)")
                }
            } else if name.hasSuffix(".jsonl") || name.hasSuffix(".cdxj") {
                // Stage outputs carry no digest of their own: each line must still be what a
                // stage writes (a JSON object, or a CDXJ line), so a changed byte is found here.
                var lines = 0
                do {
                    try JSONLines.forEachLine(in: url) { line in
                        lines += 1
                        let json = name.hasSuffix(".cdxj") ? Array(line.drop { $0 != UInt8(ascii: "{") }) : Array(line)
                        guard (try? JSONSerialization.jsonObject(with: Data(json))) is [String: Any] else {
                            throw FileError.damaged(path: path, reason: "line \(lines) is not a \(name.hasSuffix(".cdxj") ? "CDXJ" : "JSON") record; "
                                                    + "rerun the stage that wrote it with --force")
                        }
                    }
                    result.checked.append("\(path): \(lines) lines parsed")
                } catch {
                    result.problems.append((error as? FileError)?.localizedDescription ?? "\(path): \(error)")
                }
            } else if name.hasSuffix(".sqlite") {
                do {
                    let database = try SQLiteDatabase(path: url, mode: .readOnly)
                    result.problems += try database.integrityProblems().map { "\(path): SQLite: \($0)" }
                    database.close()
                    result.checked.append("\(path): SQLite pages checked")
                } catch {
                    result.problems.append((error as? FileError)?.localizedDescription ?? "\(path): \(error)")
                }
            }
        }
        return result
    }
}
