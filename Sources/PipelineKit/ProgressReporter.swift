import Foundation
import Logging

/// Progress of the running stage: a live line on a terminal (done/total, rate, ETA), a log line
/// every few seconds otherwise.
public final class ProgressReporter: @unchecked Sendable {
    private let lock = NSLock()
    private let sink: LogSink
    private let logger: Logger
    private let live: Bool
    private var label = ""
    private var total = 0
    private var done = 0
    private var started = Date()
    private var lastShown = Date.distantPast
    private let interval: TimeInterval

    public init(sink: LogSink, logger: Logger, live: Bool? = nil) {
        self.sink = sink
        self.logger = logger
        self.live = live ?? sink.isTerminal
        interval = self.live ? 0.1 : 10
    }

    /// Starts counting for `label` (e.g. `strip 1/4`) over `total` documents.
    public func begin(_ label: String, total: Int) {
        lock.lock(); defer { lock.unlock() }
        self.label = label; self.total = total; done = 0; started = Date(); lastShown = Date()
    }

    public func advance(by count: Int = 1) {
        lock.lock()
        done += count
        let now = Date()
        guard now.timeIntervalSince(lastShown) >= interval else { lock.unlock(); return }
        lastShown = now
        let line = describe(now)
        lock.unlock()
        if live { sink.showProgress(line) } else { logger.info("progress", metadata: ["progress": "\(line)"]) }
    }

    public func end() { if live { sink.clearProgress() } }

    private func describe(_ now: Date) -> String {
        let elapsed = max(now.timeIntervalSince(started), 0.001)
        let rate = Double(done) / elapsed
        var line = "\(label)  \(done)/\(total)"
        if total > 0 { line += String(format: " (%d%%)", Int(100 * Double(done) / Double(total))) }
        line += String(format: "  %.0f docs/s", rate)
        if rate > 0, total > done { line += "  ETA \(Self.duration(Double(total - done) / rate))" }
        return line
    }

    static func duration(_ seconds: Double) -> String {
        if seconds < 60 { return String(format: "%.0fs", seconds.rounded(.up)) }
        let minutes = Int(seconds / 60)
        return minutes < 60 ? "\(minutes)m\(Int(seconds) % 60)s" : "\(minutes / 60)h\(minutes % 60)m"
    }
}
