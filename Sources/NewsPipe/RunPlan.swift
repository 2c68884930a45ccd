import Foundation
import NewsFetch
import NewsIO
import PipelineKit

/// `plan.json`: the frozen input list, shard count and manifest hash of a run split over many
/// processes. Shard runs refuse to start against another manifest or shard count, and every shard
/// sees the same inputs even if files arrive while the array job runs.
public struct RunPlan: Codable, Sendable, Equatable {
    public var manifestHash: String
    public var shards: Int
    public var createdAt: String
    public var pages: [LocalPage]

    public static func url(_ layout: OutputLayout) -> URL { layout.root.appendingPathComponent("plan.json") }

    public static func load(_ layout: OutputLayout) throws -> RunPlan? {
        let url = url(layout)
        guard FileManager.default.fileExists(atPath: url.path) else { return nil }
        guard let plan = StageFiles.read(RunPlan.self, url) else {
            throw FileError.corruptRecord(path: url.path, line: 1, reason: "unreadable plan; run `newspipe plan` again")
        }
        return plan
    }

    /// Refuses a plan made for another manifest or shard count.
    public func check(against manifest: Manifest, path: String) throws {
        if manifestHash != manifest.hash {
            throw PipelineError.usage("\(path) was made for another manifest (the manifest changed since `newspipe plan`); run `newspipe plan` again before the array job")
        }
        if shards != manifest.shards {
            throw PipelineError.usage("\(path) plans \(shards) shards but the manifest says \(manifest.shards); run `newspipe plan` again")
        }
    }
}
