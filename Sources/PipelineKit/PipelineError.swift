import Foundation
import NewsIO

/// Errors that stop a run, each with a message that says what to do next.
public enum PipelineError: Error, LocalizedError, Equatable, Sendable {
    /// A stage was asked to run but the stage before it has left nothing to read.
    case missingInput(stage: String, previous: String)
    case locked(path: String, holder: String)
    /// Bad command-line usage, or a plan that does not match the run.
    case usage(String)
    /// The installation is incomplete (a resource file is missing): nothing was run.
    case setup(String)
    /// Tonight's input looks wrong (no pages, a collapse): the run stopped before the report.
    case anomalousNight([String])
    case interrupted(signal: String)
    case stageFailed(stage: String, reason: String)
    /// The output folder holds stores in a layout an earlier newspipe wrote.
    case legacyLayout(path: String, found: [String])

    public var errorDescription: String? {
        switch self {
        case let .missingInput(stage, previous):
            return "stage \(stage) needs the output of stage \(previous), which has not run to completion; run `newspipe run --to \(previous)` first"
        case let .locked(path, holder):
            return "another newspipe run holds the lock \(path) (\(holder)); wait for it to finish"
        case let .usage(message), let .setup(message):
            return message
        case let .interrupted(signal):
            return "stopped by \(signal) at a document boundary; rerun to finish the remaining work"
        case let .stageFailed(stage, reason):
            return "stage \(stage) failed: \(reason)"
        case let .legacyLayout(path, found):
            return "\(path) was written by an earlier newspipe (\(found.joined(separator: "; "))); nothing was run. "
                + "Run `newspipe migrate` to convert it in place (pages, caches and the dedup index are kept), "
                + "or move the folder away to start afresh"
        case let .anomalousNight(problems):
            return "anomalous night, stopped before the report (reports/latest still shows the last good report): "
                + problems.joined(separator: "; ") + ". If this is expected, rerun with --accept-anomaly"
        }
    }
}

/// Documented, ordered exit codes for cron and schedulers.
public enum ExitStatus: Int32, CaseIterable, Sendable {
    /// Every stage finished and no document was rejected.
    case ok = 0
    /// Every stage finished; some documents were rejected (see `rejects.jsonl`).
    case finishedWithRejects = 1
    /// Bad command line, manifest or installation: nothing was run.
    case usage = 2
    /// Another run holds the lock on the output folder.
    case locked = 3
    /// Reading or writing files failed (disk full, permissions): nothing half-written was published.
    case ioFailure = 4
    /// A stage was asked to run from a previous stage's output that is not there.
    case missingInput = 5
    /// A stage failed for another reason.
    case stageFailed = 6
    /// The night's input looks anomalous (a source with no pages, fewer than `minPages`, a
    /// collapse against the last good night): later stages did not run, the last report stays.
    case anomalousNight = 7
    /// A stored file or database is damaged (a checksum, digest or SQLite page check failed): the
    /// message names the path; nothing computed from it was published. `newspipe verify` lists
    /// every damaged file of an output folder.
    case damagedStore = 8
    /// Stopped by SIGINT or SIGTERM at a document boundary; rerun to finish.
    case interrupted = 130
}

/// An error that knows which documented exit code it ends the process with.
public protocol ExitStatusProviding: Error {
    var exitStatus: ExitStatus { get }
}

extension PipelineError: ExitStatusProviding {
    public var exitStatus: ExitStatus {
        switch self {
        case .usage, .setup, .legacyLayout: return .usage
        case .missingInput: return .missingInput
        case .locked: return .locked
        case .interrupted: return .interrupted
        case .stageFailed: return .stageFailed
        case .anomalousNight: return .anomalousNight
        }
    }
}

extension FileError: ExitStatusProviding {
    public var exitStatus: ExitStatus {
        if case .damaged = self { return .damagedStore }
        return .ioFailure
    }
}
