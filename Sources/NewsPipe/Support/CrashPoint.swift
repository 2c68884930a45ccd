import Foundation

/// A test seam for crash-safety tests: `NEWSPIPE_CRASH_AT=strip:7` makes the process kill itself
/// with SIGKILL after the 7th document of the strip stage, exactly as `kill -9` would, so tests can
/// crash a run at chosen points and check that a rerun ends with the same outputs.
enum CrashPoint {
    private static let target: (stage: String, count: Int)? = {
        guard let value = ProcessInfo.processInfo.environment["NEWSPIPE_CRASH_AT"] else { return nil }
        let parts = value.split(separator: ":")
        guard parts.count == 2, let count = Int(parts[1]) else { return nil }
        return (String(parts[0]), count)
    }()
    private static let counter = CrashCounter()

    /// Called after each document a stage finishes.
    static func documentDone(stage: String) {
        guard let target, target.stage == stage else { return }
        if counter.increment() >= target.count { kill(getpid(), SIGKILL) }
    }
}

private final class CrashCounter: @unchecked Sendable {
    private let lock = NSLock()
    private var value = 0
    func increment() -> Int { lock.lock(); defer { lock.unlock() }; value += 1; return value }
}
