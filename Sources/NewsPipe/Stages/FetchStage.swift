import AsyncHTTPClient
import Foundation
import NewsFetch
import NewsIO
import NewsRecords
import PipelineKit

/// Stage 1: gathers pages from the manifest's sources into WARC segments and writes one
/// `FetchRecord` per page: local folders, URL lists, RSS/Atom feeds, sitemaps (over HTTP with
/// `HTTPFetcher`) and WARC files (local, or streamed over HTTP from URLs and `warc.paths.gz`
/// listings, CC-NEWS style).
///
/// Storage, as web archives keep it: each shard writes one WARC 1.1 segment per night
/// (`warc/newspipe-<day>-<attempt>-<shard>.warc.gz`, one gzip member per record: `warcinfo`, then
/// `resource` records for local files, `request` + `response` for HTTP, `revisit` for a payload
/// stored before), and a CDXJ index of its captures (`captures-<shard>.cdxj`) that the strip stage
/// reads pages through. The merge step adds the night's captures to `index.sqlite` (content hash
/// and URL → segment and offset), which the next night's shards consult to store each payload once.
public struct FetchStage: PipelineStage {
    public let id = StageName.fetch.id
    public let summary = "gather pages from the manifest's sources into WARC segments"
    /// 3: pages in WARC segments with a CDXJ index per shard, instead of one file per page.
    public let version = 3
    public let settings: Manifest.FetchSettings
    public let settingsFingerprint: String
    public let retention: Manifest.RetentionSettings
    /// The manifest's folder: local source names are given relative to it.
    public let baseFolder: URL
    /// The frozen input list of an array job, if any.
    public let plan: RunPlan?
    public let inputChangeReason = "its sources changed"
    private let networkPlans = NetworkPlanCache()
    let listings = ListingCache()

    /// What fetch publishes.
    public enum Outputs {
        static let stage = StageName.fetch.id
        public static let records = ShardedRecords<FetchRecord>(
            stage: stage, name: "records", summary: "one FetchRecord per page: where it came from, its status and content hash")
        /// Each shard's captures: URL, digest, and where its payload is stored.
        public static let captures = StageFile(stage: stage, name: "captures", form: .perShard(fileExtension: "cdxj"),
                                               summary: "the shard's captures as CDXJ (pywb's fields): URL, date, digest, segment and offset")
        /// Raw pages, kept across runs.
        public static let segments = StageFile(stage: stage, name: "warc", form: .folder, isDurable: true,
                                               summary: "raw pages as WARC 1.1 segments, one per shard and night (gzip per record)")
        /// Content hash and URL → segment and offset, for every night so far.
        public static let index = StageFile(stage: stage, name: "index.sqlite", form: .single, isDurable: true,
                                            summary: "SQLite index of every segment: payload digest and URL → segment, offset, length")
        /// WARC input files spread over the shards, file by file (removed by the merge step).
        static let parts = StageFile(stage: stage, name: "parts", form: .folder,
                                     summary: "WARC inputs spread over the shards, one part per file and shard, until the merge step")
        /// The last night's records, for conditional GET and feed items already seen.
        static let previousRecords = StageFile(stage: stage, name: "cache/previous/records-all.jsonl", form: .single, isDurable: true,
                                               summary: "the last completed fetch's records (network sources)")
        /// The last good copy of each feed and sitemap (validators and body), for their conditional GET.
        static let documentCache = StageFile(stage: stage, name: "cache/previous/feeds-sitemaps", form: .folder, isDurable: true,
                                             summary: "the last good copy of each feed and sitemap, for conditional GET")
        /// The store before WARC segments: one file per page (`objects/<aa>/<sha256>`).
        static let legacyObjects = "objects"
    }

    public var writes: [StageFile] {
        [Outputs.records.file, Outputs.captures, Outputs.segments, Outputs.index, Outputs.parts, Outputs.previousRecords, Outputs.documentCache]
    }

    public init(manifest: Manifest, plan: RunPlan? = nil) {
        settings = manifest.fetch
        settingsFingerprint = manifest.fingerprint(of: .fetch)
        retention = manifest.retention
        baseFolder = manifest.baseFolder
        self.plan = plan
    }

    /// The pages fetch stored for one shard, as the next stage reads them.
    public static func pages(_ layout: OutputLayout, shard: Shard) throws -> StoredPages {
        try StoredPages(captures: Outputs.captures.url(in: layout, shard: shard), segments: Outputs.segments.url(in: layout))
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
            listing.pages.append(contentsOf: one.pages)
            listing.problems += one.problems
        }
        listing.pages.sortBySource()
        listing.problems.sort { $0.source < $1.source }
        return listing
    }

    /// The folder sources that listed no page this run (the night check's "a source that yields
    /// no pages"): an unmounted share looks like an empty folder.
    ///
    /// Every stage's own process runs this check (`newspipe run --stage dedup` too): there each
    /// folder is walked only to its first page and nothing is kept (`FolderListing.hasPage`);
    /// heaptrack of strip at 100,000 pages: listing the night for the check was 33 of its 34 MB
    /// of peak heap. A process that holds the listing already (fetch, a frozen plan) uses it.
    public func emptyFolderSources(_ context: StageContext) throws -> [String] {
        let folders = settings.sources.filter { $0.type == .folder }
        if plan == nil && !listings.holds(context.runStartedAt) {
            return try folders.compactMap { source -> String? in
                guard let root = source.path?.standardizedFileURL else { return nil }
                return try FolderListing.hasPage(root, include: source.include, exclude: source.exclude, links: source.links) ? nil : root.path
            }
        }
        let pages = try inputs(context).pages
        return folders.compactMap { source -> String? in
            guard let root = source.path?.standardizedFileURL else { return nil }
            let name = Self.displayPath(root, base: baseFolder)
            let prefix = name.isEmpty ? "" : name + "/"
            return pages.contains { $0.source.hasPrefix(prefix) } ? nil : root.path
        }
    }

    /// Freezes the listing for `newspipe plan`.
    public func makePlan(manifest: Manifest) throws -> RunPlan {
        RunPlan(manifestHash: manifest.hash, shards: manifest.shards, createdAt: Timestamp.string(Date()), pages: Array(try listPages().pages))
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

    /// The segment one shard writes in this attempt.
    static func segmentName(_ context: StageContext, _ shard: Shard) -> String {
        WARCStore.segmentName(day: Timestamp.day(context.runStartedAt), attempt: context.attempt.isEmpty ? "0" : context.attempt,
                              shardTag: shard.fileTag)
    }

    /// Payloads stored before this day are stored again rather than revisited (half the raw-page
    /// retention), so the segments they are in can expire.
    func refreshBefore(_ context: StageContext) -> String? {
        retention.rawPagesDays.map { Timestamp.day(context.runStartedAt.addingTimeInterval(-Double(max(1, $0 / 2)) * 86_400)) }
    }

    public func run(shard: Shard, context: StageContext) throws -> StageCounts {
        let layout = context.layout
        let folder = Outputs.segments.url(in: layout)
        let segment = Self.segmentName(context, shard)
        AtomicFile.removeStaleTemporaries(in: folder, matching: segment)
        let index = try WARCIndex.openForReading(Outputs.index.url(in: layout))
        defer { index?.close() }
        let now = Timestamp.string(context.runStartedAt)
        let writer = try WARCShardWriter(folder: folder, segmentName: segment, capturesFile: Outputs.captures.url(in: layout, shard: shard),
                                         date: now, index: index, refreshBefore: refreshBefore(context),
                                         description: "newspipe fetch, night \(Timestamp.day(context.runStartedAt)), shard \(shard)",
                                         storedPages: WARCPageStore(folder: folder))
        let output = try ShardOutput(Outputs.records, shard: shard, layout: layout)
        do {
            try fetchLocal(shard: shard, context: context, writer: writer, output: output, fetchedAt: now)
            if settings.sources.contains(where: \.isNetwork) {
                try fetchNetwork(shard: shard, context: context, writer: writer, index: index, output: output)
            }
            try writer.commit()
            try output.commit()
        } catch {
            writer.abandon()
            output.abandon()
            throw error
        }
        if writer.restored > 0 {
            context.logger.warning("stored copies found damaged or missing were stored again", metadata: ["pages": "\(writer.restored)"])
        }
        if writer.revisits > 0 {
            context.logger.debug("payloads stored before", metadata: ["revisits": "\(writer.revisits)"])
        }
        return output.counts
    }

    /// Local folder pages: read and compressed by the workers, written in input order.
    private func fetchLocal(shard: Shard, context: StageContext, writer: WARCShardWriter, output: ShardOutput, fetchedAt: String) throws {
        let listing = try inputs(context)
        // The shard's stripe is read from the compact listing page by page, never copied whole.
        let pages = listing.pages
        var positions = stride(from: shard.index, to: pages.count, by: shard.count).makeIterator()
        // What the listing could not read is rejected once, by the first shard, and logged.
        if shard.index == 0 {
            for problem in listing.problems {
                context.logger.warning("not read", metadata: ["doc.source": "\(problem.source)", "reason": "\(problem.reason)"])
                try output.reject(id: nil, source: problem.source, reason: problem.reason, detail: problem.detail)
            }
        }
        let maxBytes = settings.maxBytes
        let segment = writer.segmentName
        let total = shard.index < pages.count ? (pages.count - shard.index + shard.count - 1) / shard.count : 0
        try context.processInOrder(total: total, stage: id, shard: shard, next: { positions.next().map { pages[$0] } },
                                   transform: { page -> Result<(WARCPreparedPage, Double), RejectRecord> in
            Self.prepare(page, maxBytes: maxBytes, fetchedAt: fetchedAt, segment: segment)
        }, consume: { page, result in
            output.noteProcessed()
            switch result {
            case let .success((prepared, milliseconds)):
                let capture = try writer.write(prepared)
                try output.write(FetchRecord(source: page.source, url: page.url, contentType: nil, bytes: prepared.page.payload.count,
                                             hash: capture.digest, durationMs: milliseconds, fetchedAt: fetchedAt))
            case let .failure(reject): try output.reject(id: nil, source: page.source, reason: reject.reason, detail: reject.detail)
            }
        })
    }

    /// Reads one local page and makes its `resource` record.
    static func prepare(_ page: LocalPage, maxBytes: Int, fetchedAt: String, segment: String) -> Result<(WARCPreparedPage, Double), RejectRecord> {
        func reject(_ reason: String, _ detail: String) -> Result<(WARCPreparedPage, Double), RejectRecord> {
            .failure(RejectRecord(stage: "fetch", id: nil, source: page.source, reason: reason, detail: detail))
        }
        if page.size > maxBytes {
            return reject("too-large", "\(page.size) bytes, over stages.fetch.maxBytes (\(maxBytes))")
        }
        let started = Date()
        let bytes: [UInt8]
        do {
            switch try FileBytes.read(page.file, limit: maxBytes) {
            case let .bytes(read): bytes = read
            case let .tooLarge(size):
                return reject("too-large", "\(size.map { "\($0) bytes" } ?? "more than \(maxBytes) bytes (it grew while read)"), over stages.fetch.maxBytes (\(maxBytes))")
            }
        } catch {
            return reject("unreadable", error.localizedDescription)
        }
        let extensionName = (page.relativePath as NSString).pathExtension.lowercased()
        let mime = ["html", "htm", "xhtml"].contains(extensionName) ? "text/html" : "application/octet-stream"
        let prepared = WARCShardWriter.prepare(
            WARCPage(url: page.url ?? localURI(page.source), date: fetchedAt, kind: .resource(mime: mime), payload: bytes, key: "file \(page.source)"),
            segmentName: segment)
        return .success((prepared, (Date().timeIntervalSince(started) * 1000 * 1000).rounded() / 1000))
    }

    /// The target URI of a local page that names no URL: its source name (relative to the
    /// manifest's folder, so the same on every machine) as a `file:` URI.
    static func localURI(_ source: String) -> String {
        let encoded = source.split(separator: "/", omittingEmptySubsequences: false).map {
            String($0).addingPercentEncoding(withAllowedCharacters: .urlPathAllowed) ?? String($0)
        }.joined(separator: "/")
        return "file:///" + encoded
    }

    /// URL lists, feeds, sitemaps and WARC files: this shard's stripe of the night's plan.
    private func fetchNetwork(shard: Shard, context: StageContext, writer: WARCShardWriter, index: WARCIndex?, output: ShardOutput) throws {
        let http = settings.http
        let night = try networkPlans.plan(context) { try expand(context) }
        let plan = night.plan
        if shard.index == 0 {
            for problem in plan.problems { try output.reject(id: nil, source: problem.source, reason: problem.reason, detail: problem.detail) }
        }
        func reject(_ source: String, _ reason: String, _ detail: String) throws {
            output.noteProcessed()
            try output.reject(id: nil, source: source, reason: reason, detail: detail)
        }
        func record(_ response: FetchResponse) throws {
            var record = response.record
            let url = record.finalUrl ?? record.url ?? response.request.url
            let date = record.fetchedAt ?? Timestamp.string(context.runStartedAt)
            switch response.disposition {
            case .stored:
                guard let body = response.body else { try reject(response.request.source, "store-failed", "no body returned"); break }
                let prepared = WARCShardWriter.prepare(
                    WARCPage(url: url, date: date, kind: .http(status: record.status ?? 200, headers: Self.responseHeaders(record, bytes: body.count),
                                                              request: Self.requestBlock(url, userAgent: http.userAgent, previous: response.request.previous)),
                             payload: body, key: "http \(response.request.url)"),
                    segmentName: writer.segmentName)
                let capture = try writer.write(prepared)
                record.hash = capture.digest
                record.bytes = body.count
                output.noteProcessed()
                try output.write(record)
            case .unchanged, .reused:
                guard let hash = record.hash else { try reject(response.request.source, "not-stored", "no earlier copy to reuse"); break }
                let capture = response.disposition == .unchanged
                    ? try writer.notModified(digest: hash, url: url, date: date, headers: Self.responseHeaders(record, bytes: nil), key: "http \(response.request.url)")
                    : try writer.reuse(digest: hash, url: url, date: date, status: record.status, mime: record.contentType)
                guard capture != nil else {
                    try reject(response.request.source, "not-stored", "the stored copy of \(hash.prefix(16))… is gone from the store; it is fetched again once the previous record expires")
                    break
                }
                output.noteProcessed(0, cached: 1)
                try output.write(record)
            case .rejected:
                try reject(response.request.source, response.reason ?? "fetch-failed", response.detail ?? "")
            }
            CrashPoint.documentDone(stage: id.rawValue, cancellation: context.cancellation)
        }
        for (position, seen) in plan.seen.enumerated() where shard.owns(position) { try record(seen) }
        let requests = plan.pages.enumerated().filter { shard.owns($0.offset) }.map(\.element)
        if !requests.isEmpty {
            // Bodies come back to be written into the segment: batches bound how many are in memory.
            let fetcher = HTTPFetcher(settings: http)
            defer { fetcher.shutdown() }
            context.progress.begin("fetch \(shard) http", total: requests.count)
            defer { context.progress.end() }
            try NetworkFetch.fetchPages(requests, fetcher: fetcher, batchSize: max(64, http.globalConcurrency * 4),
                                        checkStop: context.cancellation.check) { response in
                try record(response)
                context.progress.advance()
            }
        }
        if !night.warcInputs.isEmpty {
            try importWARC(night.warcInputs, shard: shard, context: context, writer: writer, index: index, output: output)
        }
        for problem in night.problems where shard.index == 0 {
            try output.reject(id: nil, source: problem.source, reason: problem.reason, detail: problem.detail)
        }
    }

    /// The night's WARC files, each spooled once into parts for every shard, then this shard's part
    /// of each appended to its segment.
    private func importWARC(_ inputs: [WARCInput], shard: Shard, context: StageContext, writer: WARCShardWriter,
                            index: WARCIndex?, output: ShardOutput) throws {
        let http = settings.http
        let client = inputs.contains(where: \.isRemote)
            ? WARCRemoteSource.makeClient(connectTimeoutMs: http.connectTimeoutMs, readTimeoutMs: http.readTimeoutMs) : nil
        defer { try? client?.syncShutdown() }
        let shards = Shard.all(shard.count).map { ($0.fileTag, Self.segmentName(context, $0)) }
        var spool = WARCImport.Context(partsFolder: Outputs.parts.url(in: context.layout), shards: shards, index: index,
                                       refreshBefore: refreshBefore(context), settings: http, client: client,
                                       date: Timestamp.string(context.runStartedAt), checkStop: context.cancellation.check)
        spool.storedPages = WARCPageStore(folder: Outputs.segments.url(in: context.layout))
        context.progress.begin("fetch \(shard) warc", total: inputs.count)
        defer { context.progress.end() }
        // Shards start at different files, so the shards of an array job download in parallel.
        for step in 0 ..< inputs.count {
            let number = (step + shard.index) % inputs.count
            let input = inputs[number]
            let spooled = try WARCImport.ensureSpooled(input, number: number, shardTag: shard.fileTag, context: spool)
            if let damage = spooled.damage, number % shard.count == shard.index {
                // One shard reports the file, naming it and where it is damaged.
                try output.reject(id: nil, source: damage.input, reason: spooled.part == nil ? "warc-unreadable" : "warc-damaged",
                                  detail: "\(damage.input): \(damage.reason)")
            }
            if let part = spooled.part {
                let base = try writer.appendPart(part.members)
                try JSONLines.forEachLine(in: part.captures) { line in
                    guard let capture = WARCCapture(cdxjLine: line) else {
                        throw FileError.corruptRecord(path: part.captures.path, line: 0, reason: "not a CDXJ line")
                    }
                    _ = try writer.addPartCapture(capture, base: base)
                }
                try JSONLines.forEach(WARCImportOutcome.self, in: part.outcomes) { outcome in
                    output.noteProcessed()
                    if outcome.disposition == "stored" { try output.write(outcome.record) }
                    else { try output.reject(id: nil, source: outcome.record.source, reason: outcome.reason ?? "fetch-failed", detail: outcome.detail ?? "") }
                    CrashPoint.documentDone(stage: id.rawValue, cancellation: context.cancellation)
                }
            }
            context.progress.advance()
        }
    }

    /// The response headers a record keeps: what the fetcher reports (type, validators) and the
    /// stored length. The fetcher hands back no other header, so no other is claimed.
    static func responseHeaders(_ record: FetchRecord, bytes: Int?) -> [(String, String)] {
        var headers: [(String, String)] = []
        if let type = record.contentType { headers.append(("Content-Type", type)) }
        if let etag = record.etag { headers.append(("ETag", etag)) }
        if let modified = record.lastModified { headers.append(("Last-Modified", modified)) }
        if let bytes { headers.append(("Content-Length", String(bytes))) }
        return headers
    }

    /// The request as `HTTPFetcher` sends it (method, target, Host, User-Agent, Accept-Encoding and
    /// the conditional headers), rebuilt from the settings: the fetcher does not hand its requests back.
    static func requestBlock(_ url: String, userAgent: String, previous: FetchRecord?) -> [UInt8]? {
        guard let components = URLComponents(string: url), let host = components.host else { return nil }
        var target = components.percentEncodedPath.isEmpty ? "/" : components.percentEncodedPath
        if let query = components.percentEncodedQuery { target += "?" + query }
        var lines = ["GET \(target) HTTP/1.1", "Host: \(host)\(components.port.map { ":\($0)" } ?? "")", "User-Agent: \(userAgent)",
                     "Accept-Encoding: gzip, deflate", "Accept: text/html,application/xhtml+xml;q=0.9,*/*;q=0.5"]
        if let etag = previous?.etag { lines.append("If-None-Match: \(etag)") }
        if let modified = previous?.lastModified { lines.append("If-Modified-Since: \(modified)") }
        return Array((lines.joined(separator: "\r\n") + "\r\n\r\n").utf8)
    }

    /// The night's network work: the expanded feeds, sitemaps and URL lists, and the WARC files.
    struct NightPlan {
        var plan: FetchPlan
        var warcInputs: [WARCInput]
        var problems: [(source: String, reason: String, detail: String)]
    }

    /// Expands feeds, sitemaps and URL lists into the night's page list, and WARC sources (files,
    /// folders, listings, URLs) into the night's WARC files (once per process).
    func expand(_ context: StageContext) throws -> NightPlan {
        var sources: [FetchNetworkSource] = []
        var warcInputs: [WARCInput] = []
        var problems: [(source: String, reason: String, detail: String)] = []
        var listingClient: HTTPClient?
        defer { try? listingClient?.syncShutdown() }
        func listing(_ name: String, bytes: () throws -> [UInt8], base: String) {
            do { warcInputs += try WARCListing.entries(try bytes()).map { WARCListing.resolve($0, base: base) } } catch {
                problems.append((name, "warc-listing-unreadable", "\(error)"))
            }
        }
        for source in settings.sources {
            switch source.type {
            case .folder:
                continue
            case .warc:
                if let path = source.path {
                    var isFolder: ObjCBool = false
                    if FileManager.default.fileExists(atPath: path.path, isDirectory: &isFolder), isFolder.boolValue {
                        let names = (try? FileManager.default.contentsOfDirectory(atPath: path.path)) ?? []
                        warcInputs += names.filter(WARCListing.isWARC).sorted().map { .file(path.appendingPathComponent($0)) }
                    } else if WARCListing.isListing(path.lastPathComponent) {
                        listing(path.path, bytes: { [UInt8](try Data(contentsOf: path)) },
                                base: source.baseUrl ?? WARCListing.commonCrawlBase)
                    } else {
                        warcInputs.append(.file(path))
                    }
                }
                for url in source.urls {
                    if WARCListing.isListing(URL(string: url)?.path ?? url) {
                        if listingClient == nil {
                            listingClient = WARCRemoteSource.makeClient(connectTimeoutMs: settings.http.connectTimeoutMs, readTimeoutMs: settings.http.readTimeoutMs)
                        }
                        let client = listingClient!
                        let base = source.baseUrl ?? WARCListing.commonCrawlBase
                        listing(url, bytes: { try WARCListing.download(url, client: client, settings: settings.http) }, base: base)
                    } else {
                        warcInputs.append(.remote(url))
                    }
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
        return NightPlan(plan: plan, warcInputs: warcInputs, problems: problems)
    }

    /// Adds the night's segments and captures to the index, removes the WARC parts, and keeps
    /// tonight's records for tomorrow's conditional GET (the stage folder is cleaned on the next
    /// fresh attempt; the cache is not).
    public func finish(shards: Int, context: StageContext) throws -> StageCounts {
        let layout = context.layout
        let day = Timestamp.day(context.runStartedAt)
        let folder = Outputs.segments.url(in: layout)
        let index = try WARCIndex.openForWriting(Outputs.index.url(in: layout))
        defer { index.close() }
        try index.update { update in
            for shard in Shard.all(shards) {
                let captures = Outputs.captures.url(in: layout, shard: shard)
                let segment = Self.segmentName(context, shard)
                var count = 0
                if FileManager.default.fileExists(atPath: captures.path) {
                    try JSONLines.forEachLine(in: captures) { line in
                        guard let capture = WARCCapture(cdxjLine: line) else { return }
                        try update.add(capture, day: day)
                        count += 1
                    }
                }
                let bytes = ((try? FileManager.default.attributesOfItem(atPath: folder.appendingPathComponent(segment).path))?[.size] as? Int) ?? 0
                if bytes > 0 { try update.addSegment(file: segment, day: day, attempt: context.attempt, records: count + 1, bytes: bytes) }
            }
        }
        CrashPoint.documentDone(stage: "fetch-index", cancellation: context.cancellation)
        try? FileManager.default.removeItem(at: Outputs.parts.url(in: layout))
        guard settings.sources.contains(where: \.isNetwork) else { return StageCounts() }
        try Outputs.records.concatenate(in: layout, into: Outputs.previousRecords.url(in: layout))
        return StageCounts()
    }

    /// The night's folder listing, made once per process and shared by its shards.
    final class ListingCache: @unchecked Sendable {
        private let lock = NSLock()
        private var listings: [Date: FolderListing.Listing] = [:]

        /// Whether this run's listing is made already.
        func holds(_ run: Date) -> Bool {
            lock.lock(); defer { lock.unlock() }
            return listings[run] != nil
        }

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
        private var plans: [Date: NightPlan] = [:]

        func plan(_ context: StageContext, expand: () throws -> NightPlan) throws -> NightPlan {
            lock.lock(); defer { lock.unlock() }
            if let plan = plans[context.runStartedAt] { return plan }
            let plan = try expand()
            plans[context.runStartedAt] = plan
            return plan
        }
    }
}

// MARK: - Storage over the years

extension FetchStage {
    /// The store before WARC segments: one file per page under `objects/`.
    public func legacyStorage(_ layout: OutputLayout) -> [String] {
        let objects = layout.stageFolder(id).appendingPathComponent(Outputs.legacyObjects)
        guard FileManager.default.fileExists(atPath: objects.path) else { return [] }
        return ["raw pages as one file each in \(objects.path)"]
    }

    /// Moves every page of `objects/` into one WARC segment (`resource` records, or `response`
    /// records for pages fetched over HTTP, with the URL, date and type their fetch records give),
    /// indexes it, then removes the folder. Killed at any point, it is finished by running it again:
    /// the segment is rewritten whole under the same name and indexing is idempotent.
    public func migrateStorage(_ context: StageContext) throws -> [String] {
        let layout = context.layout
        let objects = layout.stageFolder(id).appendingPathComponent(Outputs.legacyObjects)
        guard FileManager.default.fileExists(atPath: objects.path) else { return [] }
        var known: [String: FetchRecord] = [:]
        for file in Outputs.records.files(in: layout) + [Outputs.previousRecords.url(in: layout)] where FileManager.default.fileExists(atPath: file.path) {
            try? JSONLines.forEach(FetchRecord.self, in: file) { record in
                if let hash = record.hash, known[hash] == nil { known[hash] = record }
            }
        }
        let day = Timestamp.day(context.runStartedAt)
        let segment = WARCStore.segmentName(day: day, attempt: "migrated", shardTag: Shard(index: 0, count: 1).fileTag)
        let folder = Outputs.segments.url(in: layout)
        let parts = Outputs.parts.url(in: layout)
        let capturesFile = parts.appendingPathComponent("migrated.cdxj")
        let writer = try WARCShardWriter(folder: folder, segmentName: segment, capturesFile: capturesFile, date: Timestamp.string(context.runStartedAt),
                                         index: nil, refreshBefore: nil, description: "pages migrated from \(objects.path)")
        var moved = 0
        do {
            for sub in ((try? FileManager.default.contentsOfDirectory(atPath: objects.path)) ?? []).sorted() {
                let subfolder = objects.appendingPathComponent(sub)
                for name in ((try? FileManager.default.contentsOfDirectory(atPath: subfolder.path)) ?? []).sorted() where !name.hasPrefix(".") {
                    guard let data = FileManager.default.contents(atPath: subfolder.appendingPathComponent(name).path) else { continue }
                    let record = known[name]
                    let date = record?.fetchedAt ?? Timestamp.string(context.runStartedAt)
                    let url = record?.finalUrl ?? record?.url ?? record.map { Self.localURI($0.source) } ?? "urn:sha256:\(name)"
                    let kind: WARCPage.Kind = record?.status != nil
                        ? .http(status: record?.status ?? 200, headers: Self.responseHeaders(record!, bytes: data.count), request: nil)
                        : .resource(mime: record?.contentType ?? "text/html")
                    try writer.write(WARCShardWriter.prepare(WARCPage(url: url, date: date, kind: kind, payload: [UInt8](data), key: "migrated \(name)"),
                                                             segmentName: segment))
                    moved += 1
                }
            }
            try writer.commit()
        } catch {
            writer.abandon()
            throw error
        }
        let index = try WARCIndex.openForWriting(Outputs.index.url(in: layout))
        defer { index.close() }
        try index.update { update in
            try JSONLines.forEachLine(in: capturesFile) { line in
                if let capture = WARCCapture(cdxjLine: line) { try update.add(capture, day: day) }
            }
            let bytes = ((try? FileManager.default.attributesOfItem(atPath: folder.appendingPathComponent(segment).path))?[.size] as? Int) ?? 0
            try update.addSegment(file: segment, day: day, attempt: "migrated", records: moved + 1, bytes: bytes)
        }
        CrashPoint.documentDone(stage: "migrate", cancellation: nil)
        try FileManager.default.removeItem(at: objects)
        try? FileManager.default.removeItem(at: parts)
        return ["\(moved) stored pages moved from \(objects.path) into \(folder.appendingPathComponent(segment).path) and indexed"]
    }

    /// Removes WARC segments older than `retention.rawPagesDays`, and segments no attempt finished
    /// (left by a crash), never one that something still needs: tonight's captures (the strip
    /// stage reads through them), the payloads of the last night's records (a `304 Not Modified`
    /// reuses them), and any segment a kept revisit record points into. The index forgets a
    /// segment (committed) before its file goes, so a crash between them leaves only a file the
    /// next collection removes.
    public func collectGarbage(_ context: StageContext) throws -> [String] {
        let layout = context.layout
        let folder = Outputs.segments.url(in: layout)
        let indexURL = Outputs.index.url(in: layout)
        guard FileManager.default.fileExists(atPath: folder.path) else { return [] }
        // What tonight's captures (the current attempt's, even unfinished) point at: the shards'
        // capture files read side by side.
        var needed = Set<String>()
        let captureFiles = Outputs.captures.shardFiles(in: layout)
        let pointedAt = ParallelSlots<Result<Set<String>, Error>>.map(count: captureFiles.count) { index in
            Result {
                var files = Set<String>()
                try JSONLines.forEachLine(in: captureFiles[index]) { line in
                    if let capture = WARCCapture(cdxjLine: line) { files.insert(capture.location.file); files.insert(capture.payloadLocation.file) }
                }
                return files
            }
        }
        for files in pointedAt { needed.formUnion(try files.get()) }
        var removed: [String] = []
        var known = Set<String>()
        if FileManager.default.fileExists(atPath: indexURL.path) {
            let index = try WARCIndex.openForWriting(indexURL)
            defer { index.close() }
            let segments = try index.segments()
            known = Set(segments.map(\.file))
            if let days = retention.rawPagesDays {
                let cutoff = Timestamp.day(context.runStartedAt.addingTimeInterval(-Double(days) * 86_400))
                var previous: [String] = []
                let previousFile = Outputs.previousRecords.url(in: layout)
                if FileManager.default.fileExists(atPath: previousFile.path) {
                    try? JSONLines.forEach(FetchRecord.self, in: previousFile) { if let hash = $0.hash { previous.append(hash) } }
                }
                needed.formUnion(try index.segments(holding: previous))
                var candidates = Set(segments.filter { $0.day < cutoff }.map(\.file)).subtracting(needed)
                // A segment stays while a kept segment's revisit points into it.
                while true {
                    let kept = try index.segmentsReferenced(fromOutside: candidates).intersection(candidates)
                    if kept.isEmpty { break }
                    candidates.subtract(kept)
                }
                for file in candidates.sorted() {
                    try index.remove(segment: file)
                    CrashPoint.documentDone(stage: "gc", cancellation: context.cancellation)
                    try? FileManager.default.removeItem(at: folder.appendingPathComponent(file))
                    removed.append("raw pages: removed \(file) (older than \(days) days)")
                }
                if !candidates.isEmpty { try index.compact() }
            }
        }
        // Segments no finished attempt indexed and no capture names: left by a crashed attempt.
        for name in ((try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []).sorted()
        where name.hasSuffix(WARCStore.segmentSuffix) && !known.contains(name) && !needed.contains(name) {
            try? FileManager.default.removeItem(at: folder.appendingPathComponent(name))
            removed.append("raw pages: removed \(name) (no finished fetch wrote it)")
        }
        return removed
    }
}

/// The pages of one fetch shard, read back from the WARC store by content hash.
///
/// Each capture is kept as its digest's 32 bytes and its place (segment number, offset, length):
/// as a `[String: WARCLocation]` (a heap block for the 64-character hex digest and one for the
/// segment's file name, per capture) it was about 200 bytes a page, held by each shard a strip
/// worker runs: the part of the strip stage's memory that grew with the night (issue 16.5).
public final class StoredPages: @unchecked Sendable {
    struct Digest: Hashable {
        var words: (UInt64, UInt64, UInt64, UInt64)

        /// A SHA-256 digest written as 64 lowercase hex digits (as `ContentHash.hexString`
        /// writes them); nil for anything else.
        init?(hex: String) {
            var words: (UInt64, UInt64, UInt64, UInt64) = (0, 0, 0, 0)
            var digits = 0
            for byte in hex.utf8 {
                guard digits < 64 else { return nil }
                let value: UInt64
                switch byte {
                case 0x30...0x39: value = UInt64(byte - 0x30)
                case 0x61...0x66: value = UInt64(byte - 0x61 + 10)
                default: return nil
                }
                switch digits >> 4 {
                case 0: words.0 = words.0 << 4 | value
                case 1: words.1 = words.1 << 4 | value
                case 2: words.2 = words.2 << 4 | value
                default: words.3 = words.3 << 4 | value
                }
                digits += 1
            }
            guard digits == 64 else { return nil }
            self.words = words
        }

        static func == (a: Digest, b: Digest) -> Bool { a.words == b.words }
        func hash(into hasher: inout Hasher) {
            hasher.combine(words.0); hasher.combine(words.1); hasher.combine(words.2); hasher.combine(words.3)
        }
    }

    struct Place {
        var file: Int32
        var offset: Int
        var length: Int
    }

    private let places: [Digest: Place]
    /// The segments' file names, by number.
    private let files: [String]
    private let store: WARCPageStore

    init(captures: URL, segments: URL) throws {
        var places: [Digest: Place] = [:]
        var files: [String] = [], fileNumbers: [String: Int32] = [:]
        if FileManager.default.fileExists(atPath: captures.path) {
            try JSONLines.forEachLine(in: captures) { line in
                guard let capture = WARCCapture(cdxjLine: line), let digest = Digest(hex: capture.digest), places[digest] == nil else { return }
                let location = capture.payloadLocation
                let file: Int32
                if let known = fileNumbers[location.file] { file = known } else {
                    file = Int32(files.count)
                    fileNumbers[location.file] = file
                    files.append(location.file)
                }
                places[digest] = Place(file: file, offset: location.offset, length: location.length)
            }
        }
        self.places = places
        self.files = files
        store = WARCPageStore(folder: segments)
    }

    /// The payload stored under `hash` (SHA-256 hex), checked against it.
    public func payload(hash: String) throws -> [UInt8] {
        guard let digest = Digest(hex: hash), let place = places[digest] else {
            throw FileError.io(path: store.folder.path, reason: "no stored page with digest \(hash.prefix(16))… in this shard's captures; rerun fetch with --force")
        }
        return try store.payload(at: WARCLocation(file: files[Int(place.file)], offset: place.offset, length: place.length), hash: hash)
    }
}
