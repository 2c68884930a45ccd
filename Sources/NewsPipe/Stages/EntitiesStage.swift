import Foundation
import NewsEntities
import NewsIO
import NewsRecords
import PipelineKit

/// Stage 4: finds entities in each canonical document: statistical NER for people, organisations,
/// places and other names, then the gazetteer, patterns and tone on top. Reads dedup's canonical
/// documents, writes one `EntityMention` line per mention and one `CompanyTone` line per company
/// and document, published together.
public struct EntitiesStage: PipelineStage {
    public let id = StageName.entities.id
    public let summary = "find companies, people, places, tickers, money, dates; link aliases with evidence; company tone"
    /// 2: links need evidence, company tone, names at date, sentence offsets. 3: ordinary-word
    /// links need the NER's organisation, SEC-only filers' phrases the NER's exact span, products
    /// carry no ticker, short forms. 4: plain text wrapped at a column is joined before
    /// tokenising (EntitySoftWraps). 5: a maker's name before its product's, words swept in before a
    /// name, a bare surname-like company name without a person of that name, ticker initials,
    /// institutions and codes; weak tone cues need a financial sentence, neutral lexicon phrases.
    /// Bump it whenever the same document gives other mentions; the shipped resources' content is
    /// part of the fingerprint on its own.
    public let version = 5
    public let settings: Manifest.EntitySettings
    public let settingsFingerprint: String
    private let engine = EntityEngineCache()

    /// What entities publishes.
    public enum Outputs {
        public static let mentions = ShardedRecords<EntityMention>(
            stage: StageName.entities.id, name: "mentions", version: 2,
            summary: "organisations, people, places, tickers, money, percentages, dates: linked with evidence, with tone")
        public static let companyTone = ShardedRecords<CompanyTone>(
            stage: StageName.entities.id, name: "company-tone",
            summary: "per document and company: tone, confidence, bullish/bearish/neutral mention counts")
    }

    public var reads: [StageFile] { [DedupStage.Outputs.documents.file] }
    public var writes: [StageFile] { [Outputs.mentions.file, Outputs.companyTone.file] }

    public init(settings: Manifest.EntitySettings = .init(), settingsFingerprint: String = "") {
        self.settings = settings
        // The shipped gazetteer, lexicons and models decide the output as much as the manifest.
        self.settingsFingerprint = ContentHash.hex(settingsFingerprint + "\nresources:" + EntityResources.contentFingerprint)
    }

    public func run(shard: Shard, context: StageContext) throws -> StageCounts {
        let layout = context.layout
        let engine = try self.engine.get(settings.engineSettings)
        let output = try ShardOutput(Outputs.mentions, shard: shard, layout: layout)
        let tones = try AtomicFile(Outputs.companyTone.url(in: layout, shard: shard))
        // Documents are streamed (read here, decoded and analysed by the workers), never held whole.
        let documentsURL = DedupStage.Outputs.documents.url(in: layout, shard: shard)
        let documents = try JSONLinesReader(documentsURL)
        let minConfidence = settings.minConfidence
        let cache = ResultCache(stage: id, version: version, settings: settingsFingerprint, layout: layout, shard: shard)
        typealias Encoded = (mentions: [UInt8], count: Int, tones: [UInt8], cached: Bool)
        do {
            try context.processInOrder(total: 0, stage: id, shard: shard, next: { try documents.next() },
                                       transform: { line -> Result<Encoded, FileError> in
                guard let document = try? JSONLines.makeDecoder().decode(ArticleRecord.self, from: Data(line)) else {
                    return .failure(FileError.corruptRecord(path: documentsURL.path, line: 0, reason: "not an article record"))
                }
                let key = cache.key(document.id, ContentHash.hex(document.text), document.published ?? "")
                let found = cache.get(EntityAnalysis.self, key)
                let cached = found != nil
                let analysis = found ?? {
                    var fresh = engine.analyze(document)
                    fresh.mentions = fresh.mentions.filter { $0.confidence >= minConfidence }
                    return fresh
                }()
                // Encoded here, by the workers, not by the thread that writes; a fresh analysis
                // once for both the lines and the cache (see `encode`).
                let encoded: EncodedAnalysis
                do { encoded = try Self.encode(analysis, cacheValue: !cached) } catch {
                    return .failure(FileError.corruptRecord(path: documentsURL.path, line: 0,
                                                            reason: "entities of \(document.id) cannot be encoded: \(error)"))
                }
                if !cached { cache.put(json: encoded.cacheValue, key) }
                return .success((encoded.mentions, analysis.mentions.count, encoded.tones, cached))
            }, consume: { _, outcome in
                let encoded = try outcome.get()
                output.noteProcessed(encoded.cached ? 0 : 1, cached: encoded.cached ? 1 : 0)
                try output.writeEncoded(encoded.mentions, records: encoded.count)
                if !encoded.tones.isEmpty { try tones.write(encoded.tones) }
            })
            cache.close()
            // Both files become visible together, before the runner's done marker.
            try tones.commit()
            try output.commit()
        } catch {
            cache.close()
            tones.abandon()
            output.abandon()
            throw error
        }
        return output.counts
    }
}

/// One analysis as the stage writes it: its mention lines, its company-tone lines and the cache's
/// value (the `EntityAnalysis` as `JSONLines.makeEncoder()` would encode it).
struct EncodedAnalysis {
    var mentions: [UInt8]
    var tones: [UInt8]
    var cacheValue: [UInt8]
}

extension EntitiesStage {
    /// Encodes an analysis once: every record is written by `RecordJSONWriter` (the bytes
    /// JSONEncoder writes, several times faster) into the cache value
    /// `{"company_tones":[…],"mentions":[…]}` (keys sorted, as JSONEncoder sorts them), and each
    /// record's bytes are copied from there into its line. Before, JSONEncoder encoded every record
    /// twice, once for the lines and once inside the whole analysis for the cache: a third of the
    /// stage's CPU (issue 16). With `cacheValue` false (a cached analysis) the value is left empty.
    static func encode(_ analysis: EntityAnalysis, cacheValue: Bool = true) throws -> EncodedAnalysis {
        var writer = RecordJSONWriter(capacity: 64 + 420 * analysis.mentions.count + 200 * analysis.companyTones.count)
        var tones: [UInt8] = [], mentions: [UInt8] = []
        writer.bytes.append(contentsOf: #"{"company_tones":"#.utf8)
        try writer.array(analysis.companyTones, lines: &tones)
        writer.bytes.append(contentsOf: #","mentions":"#.utf8)
        try writer.array(analysis.mentions, lines: &mentions)
        writer.bytes.append(UInt8(ascii: "}"))
        return EncodedAnalysis(mentions: mentions, tones: tones, cacheValue: cacheValue ? writer.bytes : [])
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
