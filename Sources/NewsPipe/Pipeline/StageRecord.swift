import Crypto
import Foundation

/// `stage.json`: what a finished stage ran with and produced.
///
/// `generation` changes every time the stage runs to completion; the next stage records the
/// generation it read, so rerunning a stage makes every later stage stale.
public struct StageRecord: Codable, Sendable, Equatable {
    public var stage: String
    public var version: Int
    public var configFingerprint: String
    public var inputFingerprint: String
    public var generation: String
    public var shards: Int
    public var counts: StageCounts
    public var startedAt: String
    public var finishedAt: String
    public var durationSeconds: Double
    /// The resolved settings of this stage, for people reading the file.
    public var config: String?
}

/// `attempt.json`: the fingerprints of a run in progress; shards whose done marker matches it are
/// not run again after a crash.
struct StageAttempt: Codable, Equatable {
    var version: Int
    var configFingerprint: String
    var inputFingerprint: String
    var shards: Int
    /// Empty, or a random value when the run was forced, so that a forced run gets a generation
    /// of its own and the stages after it become stale.
    var nonce: String

    /// Derived from the attempt alone, so every shard process of an array job agrees on it.
    var generation: String {
        let text = "\(version)\n\(configFingerprint)\n\(inputFingerprint)\n\(shards)\n\(nonce)"
        return String(SHA256.hash(data: Array(text.utf8)).hexString.prefix(32))
    }

    /// Same work as `other`, whatever the nonce.
    func matches(_ other: StageAttempt) -> Bool {
        version == other.version && configFingerprint == other.configFingerprint
            && inputFingerprint == other.inputFingerprint && shards == other.shards
    }
}

/// `done/<shard>.json`: written after a shard's outputs are published.
struct ShardDone: Codable, Equatable {
    var attempt: StageAttempt
    var counts: StageCounts
    var durationSeconds: Double
}

enum StageFiles {
    static func read<T: Decodable>(_ type: T.Type, _ url: URL) -> T? {
        guard let data = try? Data(contentsOf: url) else { return nil }
        return try? JSONLines.makeDecoder().decode(T.self, from: data)
    }

    static func write<T: Encodable>(_ value: T, _ url: URL) throws {
        let encoder = JSONLines.makeEncoder()
        encoder.outputFormatting.insert(.prettyPrinted)
        var bytes = [UInt8](try encoder.encode(value))
        bytes.append(0x0A)
        try AtomicFile.write(bytes, to: url)
    }
}

/// ISO 8601 UTC timestamps, as every record writes them.
public enum Timestamp {
    public static func string(_ date: Date) -> String {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime]
        formatter.timeZone = TimeZone(identifier: "UTC")
        return formatter.string(from: date)
    }

    public static func parse(_ text: String) -> Date? {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime]
        return formatter.date(from: text)
    }

    /// `2026-11-26`: the UTC day, which names a report folder.
    public static func day(_ date: Date) -> String { String(string(date).prefix(10)) }
}
