import Crypto
import Foundation

/// Stage 2: extracts the article of every fetched page. Reads fetch's records of the same shard,
/// writes `documents-<shard>.jsonl` (one `ArticleRecord` per article) and rejects with reasons.
public struct StripStage: PipelineStage {
    public let name = StageName.strip
    public let version = 2

    public init() {}

    public func run(shard: Shard, context: StageContext) throws -> StageCounts {
        let layout = context.layout
        let store = ContentStore(root: layout.stageFolder(.fetch).appendingPathComponent("objects"))
        let input = layout.shardFile(.fetch, "records", shard)
        let output = try ShardOutput(stage: .strip, base: "documents", shard: shard, layout: layout)
        var records: [FetchRecord] = []
        try JSONLines.forEach(FetchRecord.self, in: input) { records.append($0) }
        let extractor = ArticleExtractor(options: context.manifest.strip.extractionOptions)
        let cache = ResultCache(stage: .strip, version: version, settings: context.manifest.fingerprint(of: .strip), layout: layout)

        try context.processInBatches(records, stage: .strip, shard: shard, transform: { record -> (Result<ArticleRecord, RejectRecord>, Bool) in
            let key = cache.key(record.source, record.hash ?? "", record.url ?? "", record.contentType ?? "", record.charset ?? "")
            if let cached = cache.get(CachedStripResult.self, key), let result = cached.result { return (result, true) }
            let result = Self.strip(record, store: store, extractor: extractor)
            // Missing bodies are a problem of this run's store, not of the page: never cache them.
            if case let .failure(reject) = result, reject.reason == "missing-body" { return (result, false) }
            cache.put(CachedStripResult(result), key)
            return (result, false)
        }, consume: { record, outcome in
            let (result, cached) = outcome
            output.noteProcessed(cached ? 0 : 1, cached: cached ? 1 : 0)
            switch result {
            case let .success(article): try output.write(article)
            case let .failure(reject): try output.reject(id: reject.id, source: record.source, reason: reject.reason, detail: reject.detail)
            }
        })
        try output.commit()
        return output.counts
    }

    /// What the cache keeps of one page: its article or why it was rejected.
    struct CachedStripResult: Codable {
        var article: ArticleRecord?
        var reject: RejectRecord?

        init(_ result: Result<ArticleRecord, RejectRecord>) {
            switch result {
            case let .success(article): self.article = article
            case let .failure(reject): self.reject = reject
            }
        }

        var result: Result<ArticleRecord, RejectRecord>? {
            if let article { return .success(article) }
            return reject.map { .failure($0) }
        }
    }

    /// A document's id: SHA-256 of where the page came from and of its bytes (32 hex digits), so
    /// byte-identical pages at two addresses stay two documents and ids are stable across runs.
    static func documentId(source: String, contentHash: String) -> String {
        String(SHA256.hash(data: Array("\(source)\n\(contentHash)".utf8)).hexString.prefix(32))
    }

    static func strip(_ record: FetchRecord, store: ContentStore, extractor: ArticleExtractor) -> Result<ArticleRecord, RejectRecord> {
        guard let hash = record.hash else {
            return .failure(RejectRecord(stage: "strip", id: nil, source: record.source, reason: "not-fetched", detail: record.error ?? "no stored body"))
        }
        let id = documentId(source: record.source, contentHash: hash)
        let bytes: [UInt8]
        do { bytes = try store.get(hash) } catch {
            return .failure(RejectRecord(stage: "strip", id: id, source: record.source, reason: "missing-body", detail: error.localizedDescription))
        }
        return strip(record, bytes: bytes, extractor: extractor)
    }

    /// Extracts one page whose bytes are at hand (the stage and `newspipe extract` share this).
    static func strip(_ record: FetchRecord, bytes: [UInt8], extractor: ArticleExtractor) -> Result<ArticleRecord, RejectRecord> {
        let id = documentId(source: record.source, contentHash: record.hash ?? ContentStore.hash(bytes))
        let contentType = record.contentType ?? record.charset.map { "text/html; charset=\($0)" }
        switch extractor.extract(bytes, url: record.finalUrl ?? record.url, contentType: contentType) {
        case let .failure(rejection):
            return .failure(RejectRecord(stage: "strip", id: id, source: record.source, reason: rejection.reason, detail: rejection.detail))
        case let .success(article):
            return .success(ArticleRecord(
                id: id, source: record.source, url: article.url ?? record.finalUrl ?? record.url, canonical: article.canonical,
                site: article.site, siteName: article.siteName, title: article.title, authors: article.authors,
                published: article.published, modified: article.modified, language: article.language,
                description: article.description, text: article.text, words: article.words,
                confidence: article.confidence, provenance: article.provenance))
        }
    }
}
