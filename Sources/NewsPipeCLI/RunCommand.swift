import ArgumentParser
import ArticleExtraction
import Foundation
import Logging
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

/// `newspipe run`: the stages in order, skipping what is up to date.
public struct RunCommand: ParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Run the pipeline, or part of it.",
        discussion: """
        Without options every stage runs in order; a stage whose input and settings have not \
        changed since its last run is skipped. A run killed part-way resumes where it stopped.

          newspipe run                       all stages
          newspipe run --stage strip         strip only, from what fetch left
          newspipe run --from dedup          dedup, entities and report
          newspipe run --stage strip --force rerun strip; later stages become stale
        """)

    @OptionGroup public var global: GlobalOptions

    @Option(name: .customLong("stage"), help: ArgumentHelp("Run only this stage (fetch, strip, dedup, entities, report).", valueName: "name"))
    public var stages: [StageName] = []

    /// The one stage asked for (`validate` refuses several: the parser would keep only the last).
    public var stage: StageName? { stages.last }

    @Option(name: .long, help: ArgumentHelp("First stage to run.", valueName: "name"))
    public var from: StageName?

    @Option(name: .long, help: ArgumentHelp("Last stage to run.", valueName: "name"))
    public var to: StageName?

    @Flag(name: .long, help: "Run the selected stages even if they are up to date.")
    public var force = false

    @Option(name: .long, parsing: .unconditional, help: ArgumentHelp("Worker threads per stage (default: the manifest's, or one per core).", valueName: "n"))
    public var workers: Int?

    @Option(name: .long, help: ArgumentHelp("Run only shard i of n of the sharded stages (array jobs; needs `newspipe plan`).", valueName: "i/n"))
    public var shard: String?

    @Flag(name: .long, help: "Take the shard from the scheduler: Slurm, Kubernetes Indexed Job or AWS Batch array variables.")
    public var shardFromEnv = false

    @Flag(name: .long, help: "Go on after an anomalous night (a source with no pages, a collapse in volume) that is expected.")
    public var acceptAnomaly = false

    @Option(name: .long, help: ArgumentHelp("Shard count for --shard-from-env when the scheduler does not give it (Kubernetes).", valueName: "n"))
    public var shardCount: Int?

    public init() {}

    public func validate() throws {
        if stages.count > 1 {
            throw ValidationError("--stage is given \(stages.count) times (\(stages.map(\.rawValue).joined(separator: ", "))): give one stage, "
                + "or a range with --from and --to")
        }
        if stage != nil, from != nil || to != nil {
            throw ValidationError("--stage cannot be combined with --from or --to")
        }
        if let from, let to, from > to { throw ValidationError("--from \(from.rawValue) comes after --to \(to.rawValue)") }
        if let workers, workers < 1 { throw ValidationError("--workers must be at least 1, found \(workers)") }
        if let shard, Shard(parsing: shard) == nil { throw ValidationError("--shard expects i/n with 0 ≤ i < n, found \"\(shard)\"") }
        if shard != nil, shardFromEnv { throw ValidationError("--shard and --shard-from-env cannot be combined") }
        if force, shard != nil || shardFromEnv { throw ValidationError("--force cannot be combined with a shard run; force the whole run, or make a new plan") }
    }

    public func run() throws {
        let logger = global.makeLogger()
        let status = try CommandFailure.guarding { () -> ExitStatus in
            var manifest = try global.loadManifest(checkInputs: (stage ?? from ?? .fetch) == .fetch)
            if let workers { manifest.workers = workers }
            if (stage ?? from ?? .fetch) <= .entities && (stage ?? to ?? .report) >= .entities {
                try global.checkResources()
            }
            var request = StageRunner.Request(from: (stage ?? from)?.id, to: (stage ?? to)?.id, force: force)
            if let shard { request.shard = Shard(parsing: shard) }
            if shardFromEnv {
                request.shard = try ShardEnvironment.shard(from: ProcessInfo.processInfo.environment, count: shardCount, manifestShards: manifest.shards)
            }
            if let shard = request.shard, shard.count != manifest.shards {
                throw PipelineError.usage("shard \(shard) does not match the manifest's shards (\(manifest.shards)); a plan fixes both")
            }
            let layout = OutputLayout(root: manifest.output)
            let command = CommandLine.arguments.joined(separator: " ")
            let lock = RunLock(url: layout.lockFile)
            try lock.acquire(command: command, shared: request.shard != nil)
            defer { lock.release() }
            let shardLock = request.shard.map { RunLock(url: layout.shardLock($0)) }
            try shardLock?.acquire(command: command)
            defer { shardLock?.release() }
            CrashPoint.lockTaken()

            // An array job's shards share one frozen plan; a whole run uses a matching plan and
            // retires it when the run is complete.
            var plan = try RunPlan.load(layout)
            if request.shard != nil {
                guard let plan else {
                    throw PipelineError.usage("a shard run needs a plan: run `newspipe plan` once before starting the array job")
                }
                try plan.check(against: manifest, path: RunPlan.url(layout).path)
            } else if let existing = plan, (try? existing.check(against: manifest, path: "")) == nil {
                logger.warning("ignoring \(RunPlan.url(layout).path): it was made for another manifest or shard count")
                plan = nil
            }
            let cancellation = Cancellation()
            let trap = SignalTrap(cancellation)
            defer { withExtendedLifetime(trap) {} }

            let context = StageContext(
                layout: layout, shards: manifest.shards, workers: manifest.effectiveWorkers, logger: logger,
                progress: ProgressReporter(sink: .standardError, logger: logger, live: global.quiet ? false : nil),
                cancellation: cancellation, runStartedAt: RunClock.now())
            ArticleExtractor.prepareLibrary()
            let reported = Self.reportedGenerations(layout)
            let stages = NewsPipeline.stages(manifest, plan: plan)
            let runner = StageRunner(stages: stages, context: context)
            var outcomes: [StageOutcome] = []
            // A whole run checks the night once fetch is done, before anything reads it.
            let checksNight = request.shard == nil && (stage ?? to ?? .report) > .fetch
            if checksNight, (stage ?? from ?? .fetch) == .fetch {
                var first = request
                first.to = StageName.fetch.id
                outcomes += try runner.run(first)
                request.from = StageName.strip.id
            }
            if checksNight, let fetch = stages.first as? FetchStage {
                try checkNight(manifest, fetch: fetch, context: context, logger: logger)
            }
            outcomes += try runner.run(request)
            if request.shard == nil, plan != nil, let last = outcomes.last, last.stage == StageName.report.id,
               last.status == .done || last.status == .skipped {
                try? FileManager.default.removeItem(at: RunPlan.url(layout))
            }
            if request.shard == nil, manifest.retention.gcAfterRun, let last = outcomes.last, last.stage == StageName.report.id,
               last.status == .done || last.status == .skipped {
                let removed = try PipelineStorage.collectGarbage(manifest: manifest, context: context)
                if !removed.isEmpty { logger.info("gc", metadata: ["removed": "\(removed.count)"]) }
            }
            // Exit 1 only for rejects of this run's work: stages it ran, or stages it found done but
            // not yet reported (a run killed before its report). A run with nothing to do exits 0.
            let rejected = outcomes.reduce(0) { total, outcome in
                switch outcome.status {
                case .done, .partial: return total + outcome.counts.rejected
                case .waiting: return total
                case .skipped:
                    let generation = StageFiles.read(StageRecord.self, layout.stageRecord(outcome.stage))?.generation
                    return generation.map(reported.contains) == true ? total : total + outcome.counts.rejected
                }
            }
            logger.info("run finished", metadata: ["stages": "\(outcomes.map { "\($0.stage) \($0.status.rawValue)" }.joined(separator: ", "))",
                                                   "rejected": "\(rejected)"])
            return rejected > 0 ? .finishedWithRejects : .ok
        }
        if status != .ok { throw ExitCode(status.rawValue) }
    }

    /// The stage outputs (generations) the last report covered: each stage's input names the
    /// generation of the stage before it (`<upstream>+<own>`), from the report back to fetch.
    static func reportedGenerations(_ layout: OutputLayout) -> Set<String> {
        var covered: Set<String> = []
        var downstream = StageFiles.read(StageRecord.self, layout.stageRecord(StageName.report.id))
        for stage in StageName.allCases.reversed() where stage != .report {
            guard let input = downstream?.inputFingerprint, let record = StageFiles.read(StageRecord.self, layout.stageRecord(stage.id)),
                  input == record.generation || input.hasPrefix(record.generation + "+") else { break }
            covered.insert(record.generation)
            downstream = record
        }
        return covered
    }

    /// Stops the run (exit 7) when tonight's fetch looks anomalous, unless told to accept it;
    /// a night that passes becomes the new "last good night".
    func checkNight(_ manifest: Manifest, fetch: FetchStage, context: StageContext, logger: Logger) throws {
        guard let fetched = StageFiles.read(StageRecord.self, context.layout.stageRecord(StageName.fetch.id)) else { return }
        let check = NightCheck(manifest: manifest)
        let problems = check.problems(fetched: fetched, emptySources: try fetch.emptyFolderSources(context))
        if !problems.isEmpty {
            guard acceptAnomaly else { throw PipelineError.anomalousNight(problems) }
            logger.warning("anomalous night accepted", metadata: ["problems": "\(problems.joined(separator: "; "))"])
        }
        try check.accept(fetched, at: context.runStartedAt)
    }
}
