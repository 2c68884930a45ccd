import ArticleExtraction
import Foundation
import NewsFetch
import NewsIO
import NewsRecords
import PipelineKit

/// Stage 2: extracts the article of every fetched page. Reads fetch's records of the same shard
/// and its stored pages, writes one `ArticleRecord` per article and rejects with reasons.
public struct StripStage: PipelineStage {
    /// Bumped when the article extracted from the same page changes.
    /// 3: boilerplate rules on (link lists, prompts, code lines, comment threads).
    public static let stageVersion = 3
    public let id = StageName.strip.id
    public let summary = "parse each page with libxml2 and extract the article and its metadata"
    public let version = StripStage.stageVersion
    public let settings: Manifest.StripSettings
    public let settingsFingerprint: String

    /// What strip publishes.
    public enum Outputs {
        public static let documents = ShardedRecords<ArticleRecord>(
            stage: StageName.strip.id, name: "documents", version: StripStage.stageVersion,
            summary: "one ArticleRecord per article (id, url, site, title, authors, published, language, text …)")
    }

    public var reads: [StageFile] { [FetchStage.Outputs.records.file, FetchStage.Outputs.captures, FetchStage.Outputs.segments] }
    public var writes: [StageFile] { [Outputs.documents.file] }

    public init(settings: Manifest.StripSettings = .init(), settingsFingerprint: String = "") {
        self.settings = settings
        self.settingsFingerprint = settingsFingerprint
    }

    public func run(shard: Shard, context: StageContext) throws -> StageCounts {
        let layout = context.layout
        let store = try FetchStage.pages(layout, shard: shard)
        let output = try ShardOutput(Outputs.documents, shard: shard, layout: layout)
        // Fetch's records are streamed: read here, decoded and extracted by the workers.
        let recordsFile = FetchStage.Outputs.records.url(in: layout, shard: shard)
        let records = try JSONLinesReader(recordsFile)
        let extractor = ArticleExtractor(options: settings.extractionOptions)
        let cache = ResultCache(stage: id, version: version, settings: settingsFingerprint, layout: layout, shard: shard)

        try context.processInOrder(total: 0, stage: id, shard: shard, next: { try records.next() },
                                   transform: { line -> Result<(FetchRecord, Result<ArticleRecord, RejectRecord>, Bool), FileError> in
            guard let record = try? JSONLines.makeDecoder().decode(FetchRecord.self, from: Data(line)) else {
                return .failure(FileError.corruptRecord(path: recordsFile.path, line: 0, reason: "not a fetch record; rerun fetch with --force"))
            }
            let key = cache.key(record.source, record.hash ?? "", record.url ?? "", record.contentType ?? "", record.charset ?? "")
            if let cached = cache.get(CachedStripResult.self, key), let result = cached.result { return .success((record, result, true)) }
            let result: Result<ArticleRecord, RejectRecord>
            // A damaged store stops the stage (exit 8, naming the segment): never a reject that
            // quietly drops the document from tonight's outputs.
            do { result = try Self.strip(record, store: store, extractor: extractor) } catch let error as FileError { return .failure(error) } catch {
                return .failure(FileError.io(path: recordsFile.path, reason: "\(error)"))
            }
            // Missing bodies are a problem of this run's store, not of the page: never cache them.
            if case let .failure(reject) = result, reject.reason == "missing-body" { return .success((record, result, false)) }
            cache.put(CachedStripResult(result), key)
            return .success((record, result, false))
        }, consume: { _, outcome in
            let (record, result, cached) = try outcome.get()
            output.noteProcessed(cached ? 0 : 1, cached: cached ? 1 : 0)
            switch result {
            case let .success(article): try output.write(article)
            case let .failure(reject): try output.reject(id: reject.id, source: record.source, reason: reject.reason, detail: reject.detail)
            }
        })
        cache.close()
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
    public static func documentId(source: String, contentHash: String) -> String {
        ContentHash.hex("\(source)\n\(contentHash)", prefix: 32)
    }

    static func strip(_ record: FetchRecord, store: StoredPages, extractor: ArticleExtractor) throws -> Result<ArticleRecord, RejectRecord> {
        guard let hash = record.hash else {
            return .failure(RejectRecord(stage: "strip", id: nil, source: record.source, reason: "not-fetched", detail: record.error ?? "no stored body"))
        }
        let id = documentId(source: record.source, contentHash: hash)
        let bytes: [UInt8]
        do { bytes = try store.payload(hash: hash) } catch let error as FileError {
            if case .damaged = error { throw error }
            return .failure(RejectRecord(stage: "strip", id: id, source: record.source, reason: "missing-body", detail: error.localizedDescription))
        } catch {
            return .failure(RejectRecord(stage: "strip", id: id, source: record.source, reason: "missing-body", detail: error.localizedDescription))
        }
        return strip(record, bytes: bytes, extractor: extractor)
    }

    /// Extracts one page whose bytes are at hand (the stage and `newspipe extract` share this).
    public static func strip(_ record: FetchRecord, bytes: [UInt8], extractor: ArticleExtractor) -> Result<ArticleRecord, RejectRecord> {
        let id = documentId(source: record.source, contentHash: record.hash ?? ContentHash.hex(bytes))
        let contentType = record.contentType ?? record.charset.map { "text/html; charset=\($0)" }
        switch extractor.extract(bytes, url: record.finalUrl ?? record.url, contentType: contentType, fetchedAt: record.fetchedAt) {
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
