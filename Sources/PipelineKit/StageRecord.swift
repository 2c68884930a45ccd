import Foundation
import NewsIO

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
        ContentHash.hex("\(version)\n\(configFingerprint)\n\(inputFingerprint)\n\(shards)\n\(nonce)", prefix: 32)
    }

    /// The input fingerprint of a stage after the first: the generation of the stage before it,
    /// then `+` and the stage's own input fingerprint when it has one.
    static func joinInput(upstream: String, own: String) -> String {
        own.isEmpty ? upstream : "\(upstream)+\(own)"
    }

    /// The two parts `joinInput` joined (for the first stage, all of it is its own).
    static func splitInput(_ fingerprint: String, hasUpstream: Bool) -> (upstream: String, own: String) {
        guard hasUpstream else { return ("", fingerprint) }
        guard let plus = fingerprint.firstIndex(of: "+") else { return (fingerprint, "") }
        return (String(fingerprint[..<plus]), String(fingerprint[fingerprint.index(after: plus)...]))
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

/// Reads and writes the runner's small JSON records (`stage.json`, `attempt.json`, done markers).
public enum StageFiles {
    public static func read<T: Decodable>(_ type: T.Type, _ url: URL) -> T? {
        guard let data = try? Data(contentsOf: url) else { return nil }
        return try? JSONLines.makeDecoder().decode(T.self, from: data)
    }

    public static func write<T: Encodable>(_ value: T, _ url: URL) throws {
        let encoder = JSONLines.makeEncoder()
        encoder.outputFormatting.insert(.prettyPrinted)
        var bytes = [UInt8](try encoder.encode(value))
        bytes.append(0x0A)
        try AtomicFile.write(bytes, to: url)
    }
}

