import Foundation
import NewsEntities
import NewsIO
import NewsRecords
import PipelineKit

/// Stage 4: finds entities in each canonical document: statistical NER for people, organisations,
/// places and other names, then the gazetteer, patterns and tone on top. Reads dedup's canonical
/// documents, writes one `EntityMention` line per mention.
public struct EntitiesStage: PipelineStage {
    public let id = StageName.entities.id
    public let summary = "find companies, people, places, tickers, money, dates; link aliases; tone"
    public let version = 1
    public let settings: Manifest.EntitySettings
    public let settingsFingerprint: String
    private let engine = EntityEngineCache()

    /// What entities publishes.
    public enum Outputs {
        public static let mentions = ShardedRecords<EntityMention>(
            stage: StageName.entities.id, name: "mentions",
            summary: "organisations, people, places, tickers, money, percentages, dates: linked, with tone")
    }

    public var reads: [StageFile] { [DedupStage.Outputs.documents.file] }
    public var writes: [StageFile] { [Outputs.mentions.file] }

    public init(settings: Manifest.EntitySettings = .init(), settingsFingerprint: String = "") {
        self.settings = settings
        self.settingsFingerprint = settingsFingerprint
    }

    public func run(shard: Shard, context: StageContext) throws -> StageCounts {
        let layout = context.layout
        let engine = try self.engine.get(settings.engineSettings)
        let output = try ShardOutput(Outputs.mentions, shard: shard, layout: layout)
        // Documents are streamed (read here, decoded and annotated by the workers), never held whole.
        let documents = try JSONLinesReader(DedupStage.Outputs.documents.url(in: layout, shard: shard))
        let minConfidence = settings.minConfidence
        let cache = ResultCache(stage: id, version: version, settings: settingsFingerprint, layout: layout, shard: shard)
        try context.processInOrder(total: 0, stage: id, shard: shard, next: { try documents.next() },
                                   transform: { line -> Result<(lines: [UInt8], count: Int, cached: Bool), FileError> in
            guard let document = try? JSONLines.makeDecoder().decode(ArticleRecord.self, from: Data(line)) else {
                return .failure(FileError.corruptRecord(path: DedupStage.Outputs.documents.url(in: layout, shard: shard).path, line: 0,
                                                        reason: "not an article record"))
            }
            let key = cache.key(document.id, ContentHash.hex(document.text), document.published ?? "")
            var cached = true
            var mentions = cache.get([EntityMention].self, key)
            if mentions == nil {
                cached = false
                mentions = engine.mentions(in: document).filter { $0.confidence >= minConfidence }
                cache.put(mentions!, key)
            }
            // Encoded here, by the workers, not by the thread that writes.
            let encoder = JSONLines.makeEncoder()
            var lines: [UInt8] = []
            do { for mention in mentions! { lines += try JSONLines.line(mention, encoder: encoder) } } catch {
                return .failure(FileError.corruptRecord(path: DedupStage.Outputs.documents.url(in: layout, shard: shard).path, line: 0,
                                                        reason: "mentions of \(document.id) cannot be encoded: \(error)"))
            }
            return .success((lines, mentions!.count, cached))
        }, consume: { _, outcome in
            let (lines, count, cached) = try outcome.get()
            output.noteProcessed(cached ? 0 : 1, cached: cached ? 1 : 0)
            try output.writeEncoded(lines, records: count)
        })
        cache.close()
        try output.commit()
        return output.counts
    }
}

/// Loads the engine once per process, on first use, for every shard of the stage.
final class EntityEngineCache: @unchecked Sendable {
    private let lock = NSLock()
    private var loaded: (EntityEngine.Settings, EntityEngine)?

    func get(_ settings: EntityEngine.Settings) throws -> EntityEngine {
        lock.lock(); defer { lock.unlock() }
        if let loaded, loaded.0 == settings { return loaded.1 }
        let engine = try EntityEngine(settings: settings)
        loaded = (settings, engine)
        return engine
    }
}
