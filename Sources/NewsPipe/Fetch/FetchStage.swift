import Crypto
import Foundation

/// Stage 1: gathers pages from the manifest's sources into the content-addressed store and writes
/// one `FetchRecord` per page: local folders, URL lists, RSS/Atom feeds, sitemaps (over HTTP with
/// `HTTPFetcher`) and WARC files.
public struct FetchStage: PipelineStage {
    public let name = StageName.fetch
    public let version = 2
    private let networkPlans = NetworkPlanCache()

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
        for source in manifest.fetch.sources where source.type == "folder" {
            guard let root = source.path?.standardizedFileURL else { continue }
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

    /// The night's network plan, expanded once per process and shared by its shards.
    final class NetworkPlanCache: @unchecked Sendable {
        private let lock = NSLock()
        private var plans: [Date: FetchPlan] = [:]

        func plan(_ context: StageContext, expand: () throws -> FetchPlan) throws -> FetchPlan {
            lock.lock(); defer { lock.unlock() }
            if let plan = plans[context.runStartedAt] { return plan }
            let plan = try expand()
            plans[context.runStartedAt] = plan
            return plan
        }
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

    /// Local pages by name, size and time; network sources by their definition and the day (what
    /// a feed lists cannot be known before fetching it, and the night's fetch is the new input).
    public func inputFingerprint(_ context: StageContext) throws -> String {
        var hasher = SHA256()
        for page in try inputs(context) {
            hasher.update(data: Array("\(page.source)\t\(page.size)\t\(page.modified)\n".utf8))
        }
        for source in context.manifest.fetch.sources where source.isNetwork {
            hasher.update(data: Array("\(source.type)\t\(source.urls.joined(separator: " "))\t\(source.file?.path ?? "")\t\(source.path?.path ?? "")\n".utf8))
            if let file = source.file, let data = FileManager.default.contents(atPath: file.path) { hasher.update(data: data) }
        }
        if context.manifest.fetch.sources.contains(where: \.isNetwork) {
            hasher.update(data: Array("day \(Timestamp.day(context.runStartedAt))".utf8))
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

        try context.processInBatches(pages, stage: .fetch, shard: shard, transform: { page -> Result<FetchRecord, RejectRecord> in
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
        if context.manifest.fetch.sources.contains(where: \.isNetwork) {
            try fetchNetwork(shard: shard, context: context, store: store, output: output)
        }
        try output.commit()
        return output.counts
    }

    /// URL lists, feeds, sitemaps and WARC files: this shard's stripe of the night's plan.
    private func fetchNetwork(shard: Shard, context: StageContext, store: ContentStore, output: ShardOutput) throws {
        let settings = context.manifest.fetch.http
        let plan = try networkPlans.plan(context) { try Self.expand(context, settings: settings) }
        if shard.index == 0 {
            for problem in plan.problems { try output.reject(id: nil, source: problem.source, reason: problem.reason, detail: problem.detail) }
        }
        func record(_ response: FetchResponse) throws {
            switch response.disposition {
            case .stored:
                output.noteProcessed()
                try output.write(response.record)
            case .unchanged, .reused:
                output.noteProcessed(0, cached: 1)
                try output.write(response.record)
            case .rejected:
                output.noteProcessed()
                try output.reject(id: nil, source: response.request.source, reason: response.reason ?? "fetch-failed", detail: response.detail ?? "")
            }
            CrashPoint.documentDone(stage: "fetch", cancellation: context.cancellation)
        }
        for (position, seen) in plan.seen.enumerated() where shard.owns(position) { try record(seen) }
        let requests = plan.pages.enumerated().filter { shard.owns($0.offset) }.map(\.element)
        let fetcher = HTTPFetcher(settings: settings, store: store)
        defer { fetcher.shutdown() }
        context.progress.begin("fetch \(shard) http", total: requests.count)
        defer { context.progress.end() }
        try FetchNetworkStage.fetchPages(requests, fetcher: fetcher, checkStop: context.cancellation.check) { response in
            try record(response)
            context.progress.advance()
        }
        for file in plan.warcFiles {
            try FetchNetworkStage.importWARC(file, store: store, settings: settings, owns: shard.owns,
                                             checkStop: context.cancellation.check, consume: record)
        }
    }

    /// Expands feeds, sitemaps and URL lists into the night's page list (once per process).
    static func expand(_ context: StageContext, settings: FetchNetworkSettings) throws -> FetchPlan {
        var sources: [FetchNetworkSource] = []
        var warcFiles: [URL] = []
        for source in context.manifest.fetch.sources where source.isNetwork {
            switch source.type {
            case "warc":
                guard let path = source.path else { continue }
                var isFolder: ObjCBool = false
                if FileManager.default.fileExists(atPath: path.path, isDirectory: &isFolder), isFolder.boolValue {
                    let names = (try? FileManager.default.contentsOfDirectory(atPath: path.path)) ?? []
                    warcFiles += names.filter { $0.hasSuffix(".warc") || $0.hasSuffix(".warc.gz") }.sorted().map { path.appendingPathComponent($0) }
                } else {
                    warcFiles.append(path)
                }
            default:
                let kind = FetchNetworkSource.Kind(rawValue: source.type) ?? .urls
                sources.append(FetchNetworkSource(kind: kind, urls: source.urls, file: source.file))
            }
        }
        let previous = FetchNetworkStage.previousRecords(in: previousRecordsFolder(context.layout))
        var plan = FetchPlan()
        if !sources.isEmpty {
            let fetcher = HTTPFetcher(settings: settings)
            defer { fetcher.shutdown() }
            plan = FetchSourceExpander(fetcher: fetcher).expand(sources, previous: previous)
        }
        plan.warcFiles += warcFiles
        return plan
    }

    /// Where the records of the last completed fetch are kept for conditional GET and seen items.
    static func previousRecordsFolder(_ layout: OutputLayout) -> URL {
        layout.cacheFolder(.fetch).appendingPathComponent("previous")
    }

    /// Keeps tonight's records for tomorrow's conditional GET (the stage folder is cleaned on the
    /// next fresh attempt; the cache is not).
    public func finish(shards: Int, context: StageContext) throws -> StageCounts {
        guard context.manifest.fetch.sources.contains(where: \.isNetwork) else { return StageCounts() }
        let file = try AtomicFile(Self.previousRecordsFolder(context.layout).appendingPathComponent("records-all.jsonl"))
        for part in context.layout.shardFiles(.fetch, "records") {
            try JSONLines.forEachLine(in: part) { line in
                try file.write(line)
                try file.write([0x0A])
            }
        }
        try file.commit()
        return StageCounts()
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
