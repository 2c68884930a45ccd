import ArgumentParser
import ArticleExtraction
import Foundation
import MirrorDedup
import NERTraining
import NewsBench
import NewsEntities
import NewsFetch
import NewsIO
import NewsPipe
import NewsRecords
import NewsReports
import PipelineKit

/// `newspipe plan`: freezes the inputs, shard count and manifest hash before an array job.
public struct PlanCommand: ParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "plan",
        abstract: "Freeze the input list, shard count and manifest hash for an array job.",
        discussion: """
        Run once before the array job. Every `newspipe run --shard i/n` (or --shard-from-env) then \
        reads the same inputs and refuses to start against another manifest or shard count. The \
        merge run (`newspipe run` without --shard) finishes the job and retires the plan.
        """)

    @OptionGroup public var global: GlobalOptions

    public init() {}

    public func run() throws {
        try CommandFailure.guarding {
            let manifest = try global.loadManifest(checkInputs: true)
            let layout = OutputLayout(root: manifest.output)
            let lock = RunLock(url: layout.lockFile)
            try lock.acquire(command: CommandLine.arguments.joined(separator: " "))
            defer { lock.release() }
            let plan = try FetchStage(manifest: manifest).makePlan(manifest: manifest)
            try StageFiles.write(plan, RunPlan.url(layout))
            print("\(RunPlan.url(layout).path): \(plan.pages.count) pages in \(plan.shards) shards, manifest \(plan.manifestHash.prefix(12))")
        }
    }
}
