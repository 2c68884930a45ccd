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

/// `newspipe validate`: checks the manifest and that its inputs exist.
public struct ValidateCommand: ParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "validate", abstract: "Check the manifest and that the folders and files it names exist.")

    @OptionGroup public var global: GlobalOptions

    public init() {}

    public func run() throws {
        try CommandFailure.guarding {
            let manifest = try Manifest.load(from: global.manifestURL)
            var problems = manifest.problems().map { "manifest: \($0)" }
            do { try global.checkResources() } catch { problems.append(error.localizedDescription) }
            for problem in problems {
                FileHandle.standardError.write(Data("newspipe: error: \(problem)\n".utf8))
            }
            guard problems.isEmpty else { throw ExitCode(ExitStatus.usage.rawValue) }
            print("\(global.manifestURL.path): valid (version \(manifest.version), \(manifest.fetch.sources.count) source(s), output \(manifest.output.path))")
        }
    }
}

/// `newspipe config`: the manifest as resolved, every default filled in.
public struct ConfigCommand: ParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "config", abstract: "Print the resolved manifest, with every default filled in.")

    @OptionGroup public var global: GlobalOptions

    public init() {}

    public func run() throws {
        try CommandFailure.guarding {
            print(try Manifest.load(from: global.manifestURL).resolvedJSON())
        }
    }
}

/// `newspipe stages`: what each stage reads and writes, from the stages' own declarations.
public struct StagesCommand: ParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "stages", abstract: "List the stages in order, with what each reads and writes.")

    public init() {}

    public func run() throws {
        let manifest = (try? Manifest.parse(Data("{}".utf8), baseFolder: URL(fileURLWithPath: FileManager.default.currentDirectoryPath)))
        guard let manifest else { return }
        for stage in NewsPipeline.stages(manifest) {
            print("\(stage.id.rawValue.padding(toLength: 9, withPad: " ", startingAt: 0)) \(stage.summary)\(stage.isSharded ? "  (sharded)" : "")")
            for file in stage.reads { print("          reads  \(file)  (\(file.summary))") }
            if stage.reads.isEmpty { print("          reads  the manifest's sources") }
            for file in stage.writes { print("          writes \(file)  (\(file.summary))") }
        }
    }
}

/// `newspipe status`: per stage, done or stale and why, counts, rejects, last run.
public struct StatusCommand: ParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "status", abstract: "Show each stage: up to date or stale and why, counts, rejects, last run.")

    @OptionGroup public var global: GlobalOptions

    @Flag(name: .long, help: "Print JSON instead of a table.")
    public var json = false

    public init() {}

    public func run() throws {
        try CommandFailure.guarding {
            let manifest = try Manifest.load(from: global.manifestURL)
            let report = try PipelineStatus.inspect(manifest: manifest)
            if json {
                let encoder = JSONLines.makeEncoder()
                encoder.outputFormatting.insert(.prettyPrinted)
                print(String(decoding: try encoder.encode(report), as: UTF8.self))
            } else {
                print(report.table())
            }
        }
    }
}

/// The state of every stage of one output folder.
public struct PipelineStatus: Codable, Sendable {
    public struct Entry: Codable, Sendable {
        public var stage: String
        /// `done`, `stale`, `partial`, `not-run` (`Freshness.name`).
        public var state: String
        public var reason: String?
        public var counts: StageCounts?
        public var lastRun: String?
        public var shardsDone: Int
        public var shards: Int
        public var pendingShards: [String]
    }

    public var output: String
    public var stages: [Entry]
    /// What an earlier newspipe left that needs `newspipe migrate` first (empty when current).
    public var migrationNeeded: [String] = []

    public static func inspect(manifest: Manifest) throws -> PipelineStatus {
        let layout = OutputLayout(root: manifest.output)
        let legacy = PipelineStorage.legacyStorage(manifest: manifest, context: StatusCommand.inspectionContext(manifest))
        let plan = (try? RunPlan.load(layout)).flatMap { $0 }.flatMap { (try? $0.check(against: manifest, path: "")) == nil ? nil : $0 }
        let runner = StageRunner(stages: NewsPipeline.stages(manifest, plan: plan), context: StatusCommand.inspectionContext(manifest))
        let entries = runner.assess().map { assessment -> Entry in
            var reason: String?
            switch assessment.freshness {
            case let .stale(reasons): reason = reasons.joined(separator: "; ")
            case .partial: reason = "\(assessment.shardsDone) of \(assessment.shards) shards done; `newspipe run` resumes it"
            case .upToDate, .notRun: reason = nil
            }
            return Entry(stage: assessment.stage.rawValue, state: assessment.freshness.name, reason: reason,
                         counts: assessment.record?.counts, lastRun: assessment.record?.finishedAt,
                         shardsDone: assessment.shardsDone, shards: assessment.shards,
                         pendingShards: assessment.record == nil || assessment.freshness == .partial ? assessment.pendingShards.map(\.description) : [])
        }
        return PipelineStatus(output: manifest.output.path, stages: entries, migrationNeeded: legacy)
    }

    public func table() -> String {
        var lines = ["output: \(output)"]
        if !migrationNeeded.isEmpty {
            lines.append("migration needed: this folder was written by an earlier newspipe; `newspipe migrate` converts it (nothing is lost), `newspipe run` refuses until then:")
            lines += migrationNeeded.map { "  \($0)" }
        }
        lines.append("stage     state    processed  out  rejected  last run              note")
        for entry in stages {
            let counts = entry.counts
            func column(_ text: String, _ width: Int) -> String { text.padding(toLength: max(width, text.count), withPad: " ", startingAt: 0) }
            var note = entry.reason ?? ""
            if let rejects = counts?.rejectsByReason, !rejects.isEmpty {
                let text = rejects.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", ")
                note = note.isEmpty ? "rejects: \(text)" : "\(note); rejects: \(text)"
            }
            if !entry.pendingShards.isEmpty, entry.state != "not-run" || entry.shardsDone > 0 {
                note += (note.isEmpty ? "" : "; ") + "shards to run: \(entry.pendingShards.joined(separator: " "))"
            }
            lines.append(column(entry.stage, 9) + " " + column(entry.state, 8) + " " + column(counts.map { String($0.processed) } ?? "-", 10)
                         + " " + column(counts.map { String($0.output) } ?? "-", 4) + " " + column(counts.map { String($0.rejected) } ?? "-", 9)
                         + " " + column(entry.lastRun ?? "-", 21) + " " + note)
        }
        return lines.joined(separator: "\n")
    }
}

extension StatusCommand {
    /// A context for read-only questions (input fingerprints), or for `gc` and `migrate` with a
    /// logger; no stage runs in it.
    static func inspectionContext(_ manifest: Manifest, logger: Logger? = nil) -> StageContext {
        let sink = LogSink.capture()
        let logger = logger ?? Logger(label: "newspipe.status") { LineLogHandler(label: $0, format: .text, sink: sink) }
        let layout = OutputLayout(root: manifest.output)
        return StageContext(layout: layout, shards: manifest.shards, workers: manifest.effectiveWorkers, logger: logger,
                            progress: ProgressReporter(sink: .capture(), logger: logger, live: false),
                            cancellation: Cancellation(), runStartedAt: RunClock.now())
    }
}
