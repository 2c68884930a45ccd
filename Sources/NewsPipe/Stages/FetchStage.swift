import Foundation
import NewsFetch
import NewsIO
import NewsRecords
import PipelineKit

/// Stage 1: gathers pages from the manifest's sources into the content-addressed store and writes
/// one `FetchRecord` per page: local folders, URL lists, RSS/Atom feeds, sitemaps (over HTTP with
/// `HTTPFetcher`) and WARC files.
public struct FetchStage: PipelineStage {
    public let id = StageName.fetch.id
    public let summary = "gather pages from the manifest's sources into a content-addressed store"
    public let version = 2
    public let settings: Manifest.FetchSettings
    public let settingsFingerprint: String
    /// The manifest's folder: local source names are given relative to it.
    public let baseFolder: URL
    /// The frozen input list of an array job, if any.
    public let plan: RunPlan?
    public let inputChangeReason = "its sources changed"
    private let networkPlans = NetworkPlanCache()
    private let listings = ListingCache()

    /// What fetch publishes.
    public enum Outputs {
        static let stage = StageName.fetch.id
        public static let records = ShardedRecords<FetchRecord>(
            stage: stage, name: "records", summary: "one FetchRecord per page: where it came from and where its bytes are")
        /// Raw pages by content (`ContentStore`), kept across runs.
        public static let pages = StageFile(stage: stage, name: "objects", form: .folder, isDurable: true,
                                            summary: "raw pages, content-addressed: objects/<aa>/<sha256>")
        /// The last night's records, for conditional GET and feed items already seen.
        static let previousRecords = StageFile(stage: stage, name: "cache/previous/records-all.jsonl", form: .single, isDurable: true,
                                               summary: "the last completed fetch's records (network sources)")
        /// The last good copy of each feed and sitemap (validators and body), for their conditional GET.
        static let documentCache = StageFile(stage: stage, name: "cache/previous/feeds-sitemaps", form: .folder, isDurable: true,
                                             summary: "the last good copy of each feed and sitemap, for conditional GET")
    }

    public var writes: [StageFile] { [Outputs.records.file, Outputs.pages, Outputs.previousRecords, Outputs.documentCache] }

    public init(manifest: Manifest, plan: RunPlan? = nil) {
        settings = manifest.fetch
        settingsFingerprint = manifest.fingerprint(of: .fetch)
        baseFolder = manifest.baseFolder
        self.plan = plan
    }

    /// The store of raw pages, for the stages that read them.
    public static func pageStore(_ layout: OutputLayout) -> ContentStore {
        ContentStore(root: Outputs.pages.url(in: layout))
    }

    /// The stage's input list: the plan's when an array job froze one, else the run's listing,
    /// made once per run and shared by every shard (a file added while the run goes on waits for
    /// the next night instead of being missed by some shards and doubled by others).
    func inputs(_ context: StageContext) throws -> FolderListing.Listing {
        if let plan { return FolderListing.Listing(pages: plan.pages, problems: []) }
        return try listings.listing(for: context.runStartedAt) { try listPages() }
    }

    /// Every page of every folder source, sorted by source name, and what could not be read.
    func listPages() throws -> FolderListing.Listing {
        var listing = FolderListing.Listing(pages: [], problems: [])
        for source in settings.sources where source.type == .folder {
            guard let root = source.path?.standardizedFileURL else { continue }
            let one = try FolderListing.list(root, include: source.include, exclude: source.exclude,
                                             sourceName: Self.displayPath(root, base: baseFolder), baseUrl: source.baseUrl,
                                             links: source.links)
            listing.pages += one.pages
            listing.problems += one.problems
        }
        listing.pages.sort { $0.source < $1.source }
        listing.problems.sort { $0.source < $1.source }
        return listing
    }

    /// The folder sources that listed no page this run (the night check's "a source that yields
    /// no pages"): an unmounted share looks like an empty folder.
    public func emptyFolderSources(_ context: StageContext) throws -> [String] {
        let pages = try inputs(context).pages
        return settings.sources.filter { $0.type == .folder }.compactMap { source -> String? in
            guard let root = source.path?.standardizedFileURL else { return nil }
            let name = Self.displayPath(root, base: baseFolder)
            let prefix = name.isEmpty ? "" : name + "/"
            return pages.contains { $0.source.hasPrefix(prefix) } ? nil : root.path
        }
    }

    /// Freezes the listing for `newspipe plan`.
    public func makePlan(manifest: Manifest) throws -> RunPlan {
        RunPlan(manifestHash: manifest.hash, shards: manifest.shards, createdAt: Timestamp.string(Date()), pages: try listPages().pages)
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
        var hasher = ContentHash.Hasher()
        let listing = try inputs(context)
        for page in listing.pages {
            hasher.update("\(page.source)\t\(page.size)\t\(page.modified)\n")
        }
        // What could not be read counts too: once it can, the stage runs again and reads it.
        for problem in listing.problems { hasher.update("problem\t\(problem.source)\t\(problem.reason)\n") }
        for source in settings.sources where source.isNetwork {
            hasher.update("\(source.type.rawValue)\t\(source.urls.joined(separator: " "))\t\(source.file?.path ?? "")\t\(source.path?.path ?? "")\n")
            if let file = source.file, let data = FileManager.default.contents(atPath: file.path) { hasher.update(data) }
        }
        if settings.sources.contains(where: \.isNetwork) {
            hasher.update("day \(Timestamp.day(context.runStartedAt))")
        }
        return hasher.finalize()
    }

    public func run(shard: Shard, context: StageContext) throws -> StageCounts {
        let layout = context.layout
        let store = Self.pageStore(layout)
        let listing = try inputs(context)
        let pages = listing.pages.enumerated().filter { shard.owns($0.offset) }.map(\.element)
        let output = try ShardOutput(Outputs.records, shard: shard, layout: layout)
        // What the listing could not read is rejected once, by the first shard, and logged.
        if shard.index == 0 {
            for problem in listing.problems {
                context.logger.warning("not read", metadata: ["doc.source": "\(problem.source)", "reason": "\(problem.reason)"])
                try output.reject(id: nil, source: problem.source, reason: problem.reason, detail: problem.detail)
            }
        }
        let maxBytes = settings.maxBytes
        let now = Timestamp.string(context.runStartedAt)

        try context.processInBatches(pages, stage: id, shard: shard, transform: { page -> Result<FetchRecord, RejectRecord> in
            Self.store(page, in: store, maxBytes: maxBytes, fetchedAt: now)
        }, consume: { page, result in
            output.noteProcessed()
            switch result {
            case let .success(record): try output.write(record)
            case let .failure(reject) where reject.reason == "store-failed":
                throw FileError.io(path: store.root.path, reason: reject.detail)
            case let .failure(reject): try output.reject(id: nil, source: page.source, reason: reject.reason, detail: reject.detail)
            }
        })
        if settings.sources.contains(where: \.isNetwork) {
            try fetchNetwork(shard: shard, context: context, store: store, output: output)
        }
        try output.commit()
        return output.counts
    }

    /// URL lists, feeds, sitemaps and WARC files: this shard's stripe of the night's plan.
    private func fetchNetwork(shard: Shard, context: StageContext, store: ContentStore, output: ShardOutput) throws {
        let http = settings.http
        let plan = try networkPlans.plan(context) { try expand(context) }
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
            CrashPoint.documentDone(stage: id.rawValue, cancellation: context.cancellation)
        }
        for (position, seen) in plan.seen.enumerated() where shard.owns(position) { try record(seen) }
        let requests = plan.pages.enumerated().filter { shard.owns($0.offset) }.map(\.element)
        let fetcher = HTTPFetcher(settings: http, store: store)
        defer { fetcher.shutdown() }
        context.progress.begin("fetch \(shard) http", total: requests.count)
        defer { context.progress.end() }
        try NetworkFetch.fetchPages(requests, fetcher: fetcher, checkStop: context.cancellation.check) { response in
            try record(response)
            context.progress.advance()
        }
        for file in plan.warcFiles {
            try NetworkFetch.importWARC(file, store: store, settings: http, owns: shard.owns,
                                        checkStop: context.cancellation.check, consume: record)
        }
    }

    /// Expands feeds, sitemaps and URL lists into the night's page list (once per process).
    func expand(_ context: StageContext) throws -> FetchPlan {
        var sources: [FetchNetworkSource] = []
        var warcFiles: [URL] = []
        for source in settings.sources {
            switch source.type {
            case .folder:
                continue
            case .warc:
                guard let path = source.path else { continue }
                var isFolder: ObjCBool = false
                if FileManager.default.fileExists(atPath: path.path, isDirectory: &isFolder), isFolder.boolValue {
                    let names = (try? FileManager.default.contentsOfDirectory(atPath: path.path)) ?? []
                    warcFiles += names.filter { $0.hasSuffix(".warc") || $0.hasSuffix(".warc.gz") }.sorted().map { path.appendingPathComponent($0) }
                } else {
                    warcFiles.append(path)
                }
            case .urls:
                sources.append(FetchNetworkSource(kind: .urls, urls: source.urls, file: source.file))
            case .feed:
                sources.append(FetchNetworkSource(kind: .feed, urls: source.urls, file: source.file))
            case .sitemap:
                sources.append(FetchNetworkSource(kind: .sitemap, urls: source.urls, file: source.file))
            }
        }
        let previous = NetworkFetch.previousRecords(from: [Outputs.previousRecords.url(in: context.layout)])
        var plan = FetchPlan()
        if !sources.isEmpty {
            let fetcher = HTTPFetcher(settings: settings.http)
            defer { fetcher.shutdown() }
            let documents = FetchDocumentCache(folder: Outputs.documentCache.url(in: context.layout))
            plan = FetchSourceExpander(fetcher: fetcher, documents: documents).expand(sources, previous: previous)
        }
        plan.warcFiles += warcFiles
        return plan
    }

    /// Keeps tonight's records for tomorrow's conditional GET (the stage folder is cleaned on the
    /// next fresh attempt; the cache is not).
    public func finish(shards: Int, context: StageContext) throws -> StageCounts {
        guard settings.sources.contains(where: \.isNetwork) else { return StageCounts() }
        try Outputs.records.concatenate(in: context.layout, into: Outputs.previousRecords.url(in: context.layout))
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
        guard let data = FileManager.default.contents(atPath: page.file) else {
            return reject("unreadable", "cannot read \(page.file)")
        }
        let bytes = [UInt8](data)
        if bytes.count > maxBytes {
            return reject("too-large", "\(bytes.count) bytes, over stages.fetch.maxBytes (\(maxBytes))")
        }
        let hash: String
        do { hash = try store.put(bytes) } catch {
            return reject("store-failed", "\(error.localizedDescription)")
        }
        return .success(FetchRecord(source: page.source, url: page.url, contentType: nil, bytes: bytes.count, hash: hash,
                                    durationMs: (Date().timeIntervalSince(started) * 1000 * 1000).rounded() / 1000,
                                    fetchedAt: fetchedAt))
    }

    /// The night's folder listing, made once per process and shared by its shards.
    final class ListingCache: @unchecked Sendable {
        private let lock = NSLock()
        private var listings: [Date: FolderListing.Listing] = [:]

        func listing(for run: Date, list: () throws -> FolderListing.Listing) throws -> FolderListing.Listing {
            lock.lock(); defer { lock.unlock() }
            if let listing = listings[run] { return listing }
            let listing = try list()
            listings[run] = listing
            return listing
        }
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
}
