import Crypto
import Foundation

/// Stage 1: gathers pages from the manifest's sources into the content-addressed store and writes
/// one `FetchRecord` per page. This version reads local folders.
public struct FetchStage: PipelineStage {
    public let name = StageName.fetch
    public let version = 1

    public init() {}

    /// One local page found by listing a source folder.
    struct LocalPage: Sendable {
        var source: String
        var file: URL
        var size: Int
        var modified: Double
        var baseUrl: String?
        var relativePath: String
    }

    /// The stage's input list: the plan's when an array job froze one, else a fresh listing.
    func inputs(_ context: StageContext) throws -> [LocalPage] {
        guard let plan = context.plan else { return try listPages(context.manifest) }
        return plan.pages.map { LocalPage(source: $0.source, file: URL(fileURLWithPath: $0.file), size: $0.size, modified: $0.modified,
                                          baseUrl: $0.baseUrl, relativePath: $0.relativePath) }
    }

    /// Every page of every source, sorted by source name.
    func listPages(_ manifest: Manifest) throws -> [LocalPage] {
        var pages: [LocalPage] = []
        let files = FileManager.default
        for source in manifest.fetch.sources {
            let root = source.path.standardizedFileURL
            var isFolder: ObjCBool = false
            guard files.fileExists(atPath: root.path, isDirectory: &isFolder), isFolder.boolValue else {
                throw NewsPipeError.io(path: root.path, reason: "source folder does not exist")
            }
            guard let enumerator = files.enumerator(at: root, includingPropertiesForKeys: [.isRegularFileKey, .fileSizeKey, .contentModificationDateKey],
                                                    options: [], errorHandler: { _, _ in true }) else {
                throw NewsPipeError.io(path: root.path, reason: "source folder is not readable")
            }
            let includes = source.include.map(PathGlob.init)
            let excludes = source.exclude.map(PathGlob.init)
            let sourceName = Self.displayPath(root, base: manifest.baseFolder)
            for case let file as URL in enumerator {
                let values = try? file.resourceValues(forKeys: [.isRegularFileKey, .fileSizeKey, .contentModificationDateKey])
                guard values?.isRegularFile == true else { continue }
                let relative = String(file.standardizedFileURL.path.dropFirst(root.path.count)).trimmingCharacters(in: CharacterSet(charactersIn: "/"))
                guard includes.contains(where: { $0.matches(relative) }), !excludes.contains(where: { $0.matches(relative) }) else { continue }
                pages.append(LocalPage(source: sourceName.isEmpty ? relative : "\(sourceName)/\(relative)", file: file,
                                       size: values?.fileSize ?? 0,
                                       modified: values?.contentModificationDate?.timeIntervalSince1970 ?? 0,
                                       baseUrl: source.baseUrl, relativePath: relative))
            }
        }
        return pages.sorted { $0.source < $1.source }
    }

    /// Freezes the listing for `newspipe plan`.
    public func plan(_ manifest: Manifest) throws -> RunPlan {
        RunPlan(manifestHash: manifest.hash, shards: manifest.shards, createdAt: Timestamp.string(Date()),
                pages: try listPages(manifest).map {
                    RunPlan.Page(source: $0.source, file: $0.file.path, size: $0.size, modified: $0.modified, baseUrl: $0.baseUrl, relativePath: $0.relativePath)
                })
    }

    /// A path relative to the manifest's folder when inside it, so ids do not depend on where the
    /// repository is checked out.
    static func displayPath(_ url: URL, base: URL) -> String {
        let path = url.standardizedFileURL.path
        let basePath = base.standardizedFileURL.path
        if path == basePath { return "" }
        if path.hasPrefix(basePath + "/") { return String(path.dropFirst(basePath.count + 1)) }
        return path
    }

    public func inputFingerprint(_ context: StageContext) throws -> String {
        var hasher = SHA256()
        for page in try inputs(context) {
            hasher.update(data: Array("\(page.source)\t\(page.size)\t\(page.modified)\n".utf8))
        }
        return hasher.finalize().hexString
    }

    public func run(shard: Shard, context: StageContext) throws -> StageCounts {
        let layout = context.layout
        let store = ContentStore(root: layout.stageFolder(.fetch).appendingPathComponent("objects"))
        let pages = try inputs(context).enumerated().filter { shard.owns($0.offset) }.map(\.element)
        let output = try ShardOutput(stage: .fetch, base: "records", shard: shard, layout: layout)
        let maxBytes = context.manifest.fetch.maxBytes
        let now = Timestamp.string(context.runStartedAt)

        try context.processInBatches(pages, label: "fetch \(shard)", transform: { page -> Result<FetchRecord, RejectRecord> in
            Self.store(page, in: store, maxBytes: maxBytes, fetchedAt: now)
        }, consume: { page, result in
            output.noteProcessed()
            switch result {
            case let .success(record): try output.write(record)
            case let .failure(reject) where reject.reason == "store-failed":
                throw NewsPipeError.io(path: store.root.path, reason: reject.detail)
            case let .failure(reject): try output.reject(id: nil, source: page.source, reason: reject.reason, detail: reject.detail)
            }
        })
        try output.commit()
        return output.counts
    }

    static func store(_ page: LocalPage, in store: ContentStore, maxBytes: Int, fetchedAt: String) -> Result<FetchRecord, RejectRecord> {
        func reject(_ reason: String, _ detail: String) -> Result<FetchRecord, RejectRecord> {
            .failure(RejectRecord(stage: "fetch", id: nil, source: page.source, reason: reason, detail: detail))
        }
        if page.size > maxBytes {
            return reject("too-large", "\(page.size) bytes, over stages.fetch.maxBytes (\(maxBytes))")
        }
        let started = Date()
        guard let data = FileManager.default.contents(atPath: page.file.path) else {
            return reject("unreadable", "cannot read \(page.file.path)")
        }
        let bytes = [UInt8](data)
        if bytes.count > maxBytes {
            return reject("too-large", "\(bytes.count) bytes, over stages.fetch.maxBytes (\(maxBytes))")
        }
        let hash: String
        do { hash = try store.put(bytes) } catch {
            return reject("store-failed", "\(error.localizedDescription)")
        }
        let url = page.baseUrl.map { base in
            (base.hasSuffix("/") ? base : base + "/") + page.relativePath.split(separator: "/").map {
                String($0).addingPercentEncoding(withAllowedCharacters: .urlPathAllowed) ?? String($0)
            }.joined(separator: "/")
        }
        return .success(FetchRecord(source: page.source, url: url, contentType: nil, bytes: bytes.count, hash: hash,
                                    durationMs: (Date().timeIntervalSince(started) * 1000 * 1000).rounded() / 1000,
                                    fetchedAt: fetchedAt))
    }
}
