import Foundation
import Logging
import NewsIO

/// How log lines look: `text` (`2026-04-14T02:00:01Z info stage=strip message`) or one JSON
/// object per line for log shippers.
public enum LogFormat: String, CaseIterable, Sendable {
    case text, json
}

/// A swift-log handler writing one line per event to standard error (or a capture for tests).
public struct LineLogHandler: LogHandler {
    public var metadata: Logger.Metadata = [:]
    public var logLevel: Logger.Level = .info
    private let label: String
    private let format: LogFormat
    private let sink: LogSink

    public init(label: String, format: LogFormat, sink: LogSink = .standardError) {
        self.label = label; self.format = format; self.sink = sink
    }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    public func log(event: LogEvent) {
        var merged = metadata
        if let extra = event.metadata { merged.merge(extra) { $1 } }
        let time = Timestamp.string(Date())
        let line: String
        switch format {
        case .text:
            let fields = merged.sorted { $0.key < $1.key }.map { "\($0.key)=\(Self.quoteIfNeeded("\($0.value)"))" }
            line = ([time, "\(event.level)"] + fields + [event.message.description]).joined(separator: " ")
        case .json:
            var object: [String: String] = ["time": time, "level": "\(event.level)", "message": event.message.description]
            for (key, value) in merged { object[key] = "\(value)" }
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
            line = (try? encoder.encode(object)).map { String(decoding: $0, as: UTF8.self) } ?? event.message.description
        }
        sink.write(line)
    }

    private static func quoteIfNeeded(_ value: String) -> String {
        value.contains(where: { $0 == " " || $0 == "\"" || $0 == "=" }) ? "\"\(value.replacingOccurrences(of: "\"", with: "\\\""))\"" : value
    }
}

/// Where log lines and the progress line go; `capture` keeps them in memory for tests.
public final class LogSink: @unchecked Sendable {
    private let lock = NSLock()
    private let handle: FileHandle?
    private var captured: [String] = []
    /// Whether a progress line is on screen and must be cleared before a log line.
    private var progressShown = false

    private init(handle: FileHandle?) { self.handle = handle }

    public static let standardError = LogSink(handle: FileHandle.standardError)
    public static func capture() -> LogSink { LogSink(handle: nil) }

    public var isTerminal: Bool { handle != nil && isatty(STDERR_FILENO) == 1 }

    public func write(_ line: String) {
        lock.lock(); defer { lock.unlock() }
        guard let handle else { captured.append(line); return }
        let clear = progressShown ? "\r\u{1B}[K" : ""
        progressShown = false
        handle.write(Data((clear + line + "\n").utf8))
    }

    /// Rewrites the live progress line (terminal only).
    public func showProgress(_ line: String) {
        lock.lock(); defer { lock.unlock() }
        guard let handle else { return }
        handle.write(Data(("\r\u{1B}[K" + line).utf8))
        progressShown = true
    }

    public func clearProgress() {
        lock.lock(); defer { lock.unlock() }
        guard let handle, progressShown else { return }
        handle.write(Data("\r\u{1B}[K".utf8))
        progressShown = false
    }

    public var lines: [String] { lock.lock(); defer { lock.unlock() }; return captured }
}
