import Foundation

/// Where everything lives under the output folder.
public struct OutputLayout: Sendable, Equatable {
    public let root: URL

    public init(root: URL) { self.root = root }

    public var work: URL { root.appendingPathComponent("work") }
    public var reports: URL { root.appendingPathComponent("reports") }
    public var lockFile: URL { root.appendingPathComponent(".newspipe.lock") }
    public var logs: URL { root.appendingPathComponent("logs") }

    public func stageFolder(_ stage: StageName) -> URL { work.appendingPathComponent(stage.rawValue) }
    /// `stage.json`: written last, when every shard and the merge step are done.
    public func stageRecord(_ stage: StageName) -> URL { stageFolder(stage).appendingPathComponent("stage.json") }
    /// `attempt.json`: the fingerprints of the run in progress, so a rerun can resume it.
    public func attemptRecord(_ stage: StageName) -> URL { stageFolder(stage).appendingPathComponent("attempt.json") }
    public func doneFolder(_ stage: StageName) -> URL { stageFolder(stage).appendingPathComponent("done") }
    public func doneMarker(_ stage: StageName, _ shard: Shard) -> URL {
        doneFolder(stage).appendingPathComponent("\(shard.fileTag).json")
    }
    /// Caches kept across runs (strip results by content hash, the dedup signature index …).
    public func cacheFolder(_ stage: StageName) -> URL { stageFolder(stage).appendingPathComponent("cache") }

    /// `<stage>/<base>-<shard>.jsonl`
    public func shardFile(_ stage: StageName, _ base: String, _ shard: Shard) -> URL {
        stageFolder(stage).appendingPathComponent("\(base)-\(shard.fileTag).jsonl")
    }

    /// Every `<base>-*.jsonl` of a stage, sorted by name (so by shard).
    public func shardFiles(_ stage: StageName, _ base: String) -> [URL] {
        let folder = stageFolder(stage)
        let names = (try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []
        return names.filter { $0.hasPrefix("\(base)-") && $0.hasSuffix(".jsonl") }.sorted()
            .map { folder.appendingPathComponent($0) }
    }

    public func rejectsFile(_ stage: StageName) -> URL { stageFolder(stage).appendingPathComponent("rejects.jsonl") }
}
