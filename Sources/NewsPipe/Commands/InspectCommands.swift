import ArgumentParser
import Foundation
import Logging

/// `newspipe validate`: checks the manifest and that its inputs exist.
public struct ValidateCommand: ParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "validate", abstract: "Check the manifest and that the folders and files it names exist.")

    @OptionGroup public var global: GlobalOptions

    public init() {}

    public func run() throws {
        try CommandFailure.guarding {
            let manifest = try Manifest.load(from: global.manifestURL)
            let problems = manifest.problems()
            for problem in problems {
                FileHandle.standardError.write(Data("newspipe: error: manifest: \(problem)\n".utf8))
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

/// `newspipe stages`: what each stage reads and writes.
public struct StagesCommand: ParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "stages", abstract: "List the stages in order, with what each reads and writes.")

    public init() {}

    public func run() throws {
        for stage in StageName.allCases {
            print("\(stage.rawValue.padding(toLength: 9, withPad: " ", startingAt: 0)) \(stage.summary)")
            print("          reads  \(stage.reads)")
            print("          writes \(stage.writes)\(stage.isSharded ? "  (sharded)" : "")")
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
        /// `done`, `stale`, `partial`, `not-run`.
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

    public static func inspect(manifest: Manifest) throws -> PipelineStatus {
        let layout = OutputLayout(root: manifest.output)
        var entries: [Entry] = []
        var upstreamCurrent = true
        var previousGeneration: String?
        for stage in allStages() {
            let name = stage.name
            let shards = name.isSharded ? manifest.shards : 1
            let record = StageFiles.read(StageRecord.self, layout.stageRecord(name))
            let attempt = StageFiles.read(StageAttempt.self, layout.attemptRecord(name))
            let done = (0 ..< shards).map { Shard(index: $0, count: shards) }.filter { shard in
                guard let marker = StageFiles.read(ShardDone.self, layout.doneMarker(name, shard)) else { return false }
                return marker.attempt == attempt
            }
            let pending = (0 ..< shards).map { Shard(index: $0, count: shards) }.filter { !done.contains($0) }.map(\.description)
            var entry = Entry(stage: name.rawValue, state: "not-run", reason: nil, counts: record?.counts,
                              lastRun: record?.finishedAt, shardsDone: done.count, shards: shards, pendingShards: record == nil ? pending : [])
            if let record {
                var reasons: [String] = []
                if record.version != stage.version { reasons.append("stage version changed (\(record.version) → \(stage.version))") }
                if record.configFingerprint != manifest.fingerprint(of: name) { reasons.append("its settings in the manifest changed") }
                if record.shards != shards { reasons.append("shard count changed (\(record.shards) → \(shards))") }
                if let previous = name.previous {
                    if !upstreamCurrent { reasons.append("\(previous.rawValue) is not up to date") }
                    else if let previousGeneration, !record.inputFingerprint.hasPrefix(previousGeneration) { reasons.append("\(previous.rawValue) ran again since") }
                    else if let own = try? stage.inputFingerprint(StatusCommand.inspectionContext(manifest)), !own.isEmpty,
                            !record.inputFingerprint.hasSuffix("+\(own)") { reasons.append("a new day's report is due") }
                } else if let current = try? stage.inputFingerprint(StatusCommand.inspectionContext(manifest)), current != record.inputFingerprint {
                    reasons.append("its sources changed")
                }
                entry.state = reasons.isEmpty ? "done" : "stale"
                entry.reason = reasons.isEmpty ? nil : reasons.joined(separator: "; ")
            } else if attempt != nil {
                entry.state = "partial"
                entry.reason = "\(done.count) of \(shards) shards done; `newspipe run` resumes it"
            }
            upstreamCurrent = upstreamCurrent && entry.state == "done"
            previousGeneration = record?.generation
            entries.append(entry)
        }
        return PipelineStatus(output: manifest.output.path, stages: entries)
    }

    public func table() -> String {
        var lines = ["output: \(output)", "stage     state    processed  out  rejected  last run              note"]
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
    /// A context for read-only questions (input fingerprints); nothing runs in it.
    static func inspectionContext(_ manifest: Manifest) -> StageContext {
        let sink = LogSink.capture()
        let logger = Logger(label: "newspipe.status") { LineLogHandler(label: $0, format: .text, sink: sink) }
        let layout = OutputLayout(root: manifest.output)
        let plan = (try? RunPlan.load(layout)).flatMap { $0 }.flatMap { (try? $0.check(against: manifest, path: "")) == nil ? nil : $0 }
        return StageContext(manifest: manifest, layout: layout, workers: 1, logger: logger,
                            progress: ProgressReporter(sink: .capture(), logger: logger, live: false),
                            cancellation: Cancellation(), runStartedAt: Date(), plan: plan)
    }
}
