import Foundation
import NewsIO

/// Where everything lives under the output folder.
public struct OutputLayout: Sendable, Equatable {
    public let root: URL

    public init(root: URL) { self.root = root }

    public var work: URL { root.appendingPathComponent("work") }
    public var reports: URL { root.appendingPathComponent("reports") }
    public var lockFile: URL { root.appendingPathComponent(".newspipe.lock") }
    public var logs: URL { root.appendingPathComponent("logs") }

    public func stageFolder(_ stage: StageID) -> URL { work.appendingPathComponent(stage.rawValue) }
    /// The short lock that orders the moments where shard processes of one stage could collide.
    public func stageLock(_ stage: StageID) -> URL { work.appendingPathComponent(".\(stage.rawValue).lock") }
    /// The lock one shard process of an array job holds on its shard.
    public func shardLock(_ shard: Shard) -> URL { root.appendingPathComponent(".newspipe-shard-\(shard.fileTag).lock") }
    /// `stage.json`: written last, when every shard and the merge step are done.
    public func stageRecord(_ stage: StageID) -> URL { stageFolder(stage).appendingPathComponent("stage.json") }
    /// `attempt.json`: the fingerprints of the run in progress, so a rerun can resume it.
    public func attemptRecord(_ stage: StageID) -> URL { stageFolder(stage).appendingPathComponent("attempt.json") }
    public func doneFolder(_ stage: StageID) -> URL { stageFolder(stage).appendingPathComponent("done") }
    public func doneMarker(_ stage: StageID, _ shard: Shard) -> URL {
        doneFolder(stage).appendingPathComponent("\(shard.fileTag).json")
    }
    /// Caches kept across runs (strip results by content hash, the dedup signature index …).
    public func cacheFolder(_ stage: StageID) -> URL { stageFolder(stage).appendingPathComponent(Self.cacheFolderName) }
    /// The name of every stage's cache folder, which a fresh attempt keeps.
    public static let cacheFolderName = "cache"

    /// `<stage>/<base>-<shard>.jsonl` (or another extension)
    public func shardFile(_ stage: StageID, _ base: String, _ shard: Shard, fileExtension: String = "jsonl") -> URL {
        stageFolder(stage).appendingPathComponent("\(base)-\(shard.fileTag).\(fileExtension)")
    }

    /// Every `<base>-*.jsonl` (or another extension) of a stage, sorted by name (so by shard).
    public func shardFiles(_ stage: StageID, _ base: String, fileExtension: String = "jsonl") -> [URL] {
        let folder = stageFolder(stage)
        let names = (try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []
        return names.filter { $0.hasPrefix("\(base)-") && $0.hasSuffix(".\(fileExtension)") }.sorted()
            .map { folder.appendingPathComponent($0) }
    }

    /// `rejects.jsonl`: every shard's rejects, joined by the runner when the stage completes.
    public func rejectsFile(_ stage: StageID) -> URL { stageFolder(stage).appendingPathComponent("rejects.jsonl") }
    /// `rejects-<shard>.jsonl`: one shard's rejects, published with its records.
    public func rejectsFile(_ stage: StageID, shard: Shard) -> URL { shardFile(stage, "rejects", shard) }
    /// Every shard's rejects file, in shard order.
    public func rejectsShardFiles(_ stage: StageID) -> [URL] { shardFiles(stage, "rejects") }
}
