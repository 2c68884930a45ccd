import Foundation
import NewsIO

/// Per-document results kept across runs, keyed by content: a night where 5% of the corpus is new
/// does about 5% of the work. A key covers the stage version and its settings, so a change of
/// either misses the cache instead of returning stale results.
///
/// One small file per document under `work/<stage>/cache/results/<aa>/<key>.json`, written
/// atomically; a crash leaves at most a missing entry, never a half one.
public struct ResultCache: Sendable {
    public let folder: URL
    private let namespace: String

    public init(stage: StageID, version: Int, settings: String, layout: OutputLayout) {
        folder = layout.cacheFolder(stage).appendingPathComponent("results")
        namespace = "\(stage.rawValue)/v\(version)/\(settings)"
    }

    /// The key for a document identified by `parts` (ids, content hashes).
    public func key(_ parts: String...) -> String {
        ContentHash.hex(([namespace] + parts).joined(separator: "\n"))
    }

    private func url(_ key: String) -> URL {
        folder.appendingPathComponent(String(key.prefix(2))).appendingPathComponent("\(key).json")
    }

    public func get<T: Decodable>(_ type: T.Type, _ key: String) -> T? {
        guard let data = FileManager.default.contents(atPath: url(key).path) else { return nil }
        return try? JSONLines.makeDecoder().decode(T.self, from: data)
    }

    /// Stores a result; a failure to cache is not a failure of the document, so it is ignored.
    public func put<T: Encodable>(_ value: T, _ key: String) {
        guard let bytes = try? JSONLines.line(value) else { return }
        try? AtomicFile.write(bytes, to: url(key))
    }
}
