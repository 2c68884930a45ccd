import Foundation

/// Stage 4: finds entities in each canonical document: statistical NER for people, organisations,
/// places and other names, then the gazetteer, patterns and tone on top. Reads dedup's
/// `documents-<shard>.jsonl`, writes `mentions-<shard>.jsonl`.
public struct EntitiesStage: PipelineStage {
    public let name = StageName.entities
    public let version = 1
    private let engine = EntityEngineCache()

    public init() {}

    public func run(shard: Shard, context: StageContext) throws -> StageCounts {
        let layout = context.layout
        let engine = try self.engine.get(context.manifest.entities)
        let input = layout.shardFile(.dedup, "documents", shard)
        let output = try ShardOutput(stage: .entities, base: "mentions", shard: shard, layout: layout)
        var documents: [ArticleRecord] = []
        if FileManager.default.fileExists(atPath: input.path) {
            try JSONLines.forEach(ArticleRecord.self, in: input) { documents.append($0) }
        }
        let minConfidence = context.manifest.entities.minConfidence
        let cache = ResultCache(stage: .entities, version: version, settings: context.manifest.fingerprint(of: .entities), layout: layout)
        try context.processInBatches(documents, stage: .entities, shard: shard, transform: { document -> ([EntityMention], Bool) in
            let key = cache.key(document.id, ContentStore.hash(Array(document.text.utf8)), document.published ?? "")
            if let cached = cache.get([EntityMention].self, key) { return (cached, true) }
            let mentions = engine.mentions(in: document).filter { $0.confidence >= minConfidence }
            cache.put(mentions, key)
            return (mentions, false)
        }, consume: { _, outcome in
            let (mentions, cached) = outcome
            output.noteProcessed(cached ? 0 : 1, cached: cached ? 1 : 0)
            for mention in mentions { try output.write(mention) }
        })
        try output.commit()
        return output.counts
    }
}

/// Tokenizer, model, gazetteer and lexicon together: what the stage and `newspipe ner` share.
public struct EntityEngine: Sendable {
    public let model: NERModel
    public let annotator: EntityAnnotator
    public let maxCharacters: Int

    public init(settings: Manifest.EntitySettings) throws {
        model = try settings.model.map(NERModel.load(from:)) ?? NERModel.loadDefault()
        let knowledge = try EntityKnowledgeBase.loadDefault().adding(listsAt: settings.companyLists)
        let lexicon = try settings.toneLexicon.map(ToneLexicon.load(from:)) ?? ToneLexicon.loadDefault()
        annotator = EntityAnnotator(knowledge: knowledge, lexicon: lexicon)
        maxCharacters = settings.maxCharacters
    }

    /// Every mention in one article's text.
    public func mentions(in document: ArticleRecord) -> [EntityMention] {
        mentions(documentId: document.id, text: document.text, published: document.published)
    }

    public func mentions(documentId: String, text fullText: String, published: String?) -> [EntityMention] {
        let text = Self.prefix(of: fullText, scalars: maxCharacters)
        let tokens = NewsTokenizer.tokenize(text)
        let spans = model.tag(tokens)
        return annotator.annotate(documentId: documentId, text: text, sentences: tokens.sentenceScalarRanges(),
                                  nerSpans: spans, published: published)
    }
}

extension EntityEngine {
    /// The first `limit` scalars of `text`, cut back to the last white space so no word is split;
    /// offsets into the prefix are offsets into the whole text.
    static func prefix(of text: String, scalars limit: Int) -> String {
        var scalars = text.unicodeScalars
        guard scalars.count > limit else { return text }
        var end = scalars.index(scalars.startIndex, offsetBy: limit)
        var cut = end
        while cut > scalars.startIndex {
            let previous = scalars.index(before: cut)
            if scalars[previous].properties.isWhitespace { end = previous; break }
            cut = previous
        }
        scalars = String.UnicodeScalarView(scalars[..<end])
        return String(scalars)
    }
}

/// Loads the engine once per process, on first use, for every shard of the stage.
final class EntityEngineCache: @unchecked Sendable {
    private let lock = NSLock()
    private var loaded: (Manifest.EntitySettings, EntityEngine)?

    func get(_ settings: Manifest.EntitySettings) throws -> EntityEngine {
        lock.lock(); defer { lock.unlock() }
        if let loaded, loaded.0 == settings { return loaded.1 }
        let engine = try EntityEngine(settings: settings)
        loaded = (settings, engine)
        return engine
    }
}
