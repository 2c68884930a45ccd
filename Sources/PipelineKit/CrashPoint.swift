import Foundation

/// Test seams for crash-safety and signal tests, read from the environment once:
///
/// - `NEWSPIPE_CRASH_AT=strip:7` kills the process with SIGKILL after the 7th document of the
///   strip stage, exactly as `kill -9` would.
/// - `NEWSPIPE_PAUSE_AT=strip:7:/tmp/gate` pauses after the 7th document of strip: it creates
///   `/tmp/gate.waiting` and waits until `/tmp/gate` exists or a stop is requested, so a test can act on a run that is
///   certainly mid-stage (send a signal, start a second run) without depending on timing.
/// - `NEWSPIPE_PAUSE_AT=lock:0:/tmp/gate` pauses right after the lock is taken.
///
/// Besides stages, the points name the durable steps of the stores: `warc` (a WARC segment or
/// part published), `cache-commit` (a batch of cached results), `cache-fold` (a shard's cache
/// folded into the stage's database), `fetch-index` (the WARC index updated), `dedup-merge`
/// (the mirror index updated, then its outputs written) and `gc` (one retention step).
public enum CrashPoint {
    private struct Point { var stage: String; var count: Int; var gate: String? }

    private static func point(_ variable: String) -> Point? {
        guard let value = ProcessInfo.processInfo.environment[variable] else { return nil }
        let parts = value.split(separator: ":", maxSplits: 2).map(String.init)
        guard parts.count >= 2, let count = Int(parts[1]) else { return nil }
        return Point(stage: parts[0], count: count, gate: parts.count == 3 ? parts[2] : nil)
    }

    private static let crash = point("NEWSPIPE_CRASH_AT")
    private static let pause = point("NEWSPIPE_PAUSE_AT")
    private static let counter = CrashCounter()

    /// Called after each document a stage finishes, and after each durable step of the stores
    /// (`warc` segment published, `cache-commit`, `cache-fold`, `fetch-index`, `dedup-merge`, `gc`).
    public static func documentDone(stage: String, cancellation: Cancellation?) {
        guard crash?.stage == stage || pause?.stage == stage else { return }
        let count = counter.increment()
        if let crash, crash.stage == stage, count >= crash.count { kill(getpid(), SIGKILL) }
        if let pause, pause.stage == stage, count == pause.count { wait(at: pause, cancellation: cancellation) }
    }

    /// Called when the run has taken its lock.
    public static func lockTaken() {
        if let pause, pause.stage == "lock" { wait(at: pause, cancellation: nil) }
    }

    /// Waits for the gate file, or for a stop request (which a test sends while the run waits).
    private static func wait(at point: Point, cancellation: Cancellation?) {
        guard let gate = point.gate else { return }
        FileManager.default.createFile(atPath: gate + ".waiting", contents: Data())
        while !FileManager.default.fileExists(atPath: gate), cancellation?.isCancelled != true { usleep(5_000) }
    }
}

private final class CrashCounter: @unchecked Sendable {
    private let lock = NSLock()
    private var value = 0
    func increment() -> Int { lock.lock(); defer { lock.unlock() }; value += 1; return value }
}
