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

/// The `newspipe` command tree. It lives in the library so tests can parse and run it.
public struct NewsPipeCommand: ParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "newspipe",
        abstract: "Turn a news corpus into reports: fetch → strip → dedup → entities → report.",
        discussion: """
        Configured by pipeline.json (see `newspipe config` for every setting with its default). \
        Every stage persists its output under <output>/work/<stage>/, so any stage can be rerun \
        alone; reports go to <output>/reports/<date>/.

        Exit codes: 0 ok; 1 finished, some documents rejected; 2 bad manifest, usage or \
        installation; 3 another run holds the lock; 4 I/O failure; 5 a stage's input is missing; \
        6 a stage failed; 7 anomalous night (no pages, a collapse in volume: stopped before the \
        report); 8 a stored file is damaged (the message names it; `newspipe verify` lists all); \
        130 stopped by SIGINT/SIGTERM (rerun to resume).
        """,
        version: BuildInfo.versionLine,
        subcommands: [RunCommand.self, StatusCommand.self, PlanCommand.self, ValidateCommand.self, ConfigCommand.self,
                      StagesCommand.self, GCCommand.self, MigrateCommand.self, VerifyCommand.self, ExtractCommand.self, NERCommand.self, BenchCommand.self],
        defaultSubcommand: nil)

    public init() {}

    /// Parses and runs the command. Usage errors (an unknown option, `--shard 5/4`, `--stage
    /// bogus`) exit 2 as documented, not with ArgumentParser's 64.
    public static func main(_ arguments: [String]? = nil) {
        do {
            var command = try parseAsRoot(arguments)
            try command.run()
        } catch {
            if exitCode(for: error) == .validationFailure {
                FileHandle.standardError.write(Data((fullMessage(for: error) + "\n").utf8))
                Foundation.exit(ExitStatus.usage.rawValue)
            }
            exit(withError: error)
        }
    }
}

/// Options every pipeline command shares.
public struct GlobalOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp("The manifest to read.", valueName: "path"))
    public var manifest: String = "pipeline.json"

    @Option(name: .long, help: "Log lines as `text` or `json` (one object per line).")
    public var logFormat: LogFormatOption = .text

    @Flag(name: .shortAndLong, help: "Log debug detail.")
    public var verbose = false

    @Flag(name: .shortAndLong, help: "Log warnings and errors only; no progress line.")
    public var quiet = false

    public init() {}

    var manifestURL: URL { URL(fileURLWithPath: manifest).standardizedFileURL }

    func makeLogger(sink: LogSink = .standardError) -> Logger {
        var logger = Logger(label: "newspipe") { label in LineLogHandler(label: label, format: logFormat.format, sink: sink) }
        logger.logLevel = quiet ? .warning : (verbose ? .debug : .info)
        return logger
    }

    /// Checks that the shipped resources the entities stage loads are in place (exit 2 if not),
    /// so a binary copied without them stops before any work instead of dying in stage 4.
    func checkResources() throws {
        do { _ = try EntityResources.folder() } catch {
            throw PipelineError.setup(error.localizedDescription)
        }
    }

    /// Loads and validates the manifest, turning every problem into a usage error (exit 2).
    func loadManifest(checkInputs: Bool) throws -> Manifest {
        let manifest = try Manifest.load(from: manifestURL)
        if checkInputs, let problem = manifest.problems().first {
            throw ManifestError(path: "", message: problem)
        }
        return manifest
    }
}

public enum LogFormatOption: String, ExpressibleByArgument, CaseIterable, Sendable {
    case text, json
    var format: LogFormat { self == .json ? .json : .text }
}

extension StageName: ExpressibleByArgument {}

/// Maps errors to documented exit codes with a one-line message on standard error.
enum CommandFailure {
    static func exit(_ error: Error) -> ExitCode {
        if let exit = error as? ExitCode { return exit }
        if let error = error as? ExitStatusProviding {
            FileHandle.standardError.write(Data("newspipe: error: \(error.localizedDescription)\n".utf8))
            return ExitCode(error.exitStatus.rawValue)
        }
        FileHandle.standardError.write(Data("newspipe: error: \(error.localizedDescription)\n".utf8))
        return ExitCode(ExitStatus.stageFailed.rawValue)
    }

    /// Runs `body`, converting domain errors to exit codes.
    static func guarding<T>(_ body: () throws -> T) throws -> T {
        do { return try body() } catch { throw exit(error) }
    }
}
