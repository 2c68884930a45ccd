import ArticleExtraction
import Foundation
import MirrorDedup
import NewsEntities
import NewsFetch
import NewsIO

/// The resolved `pipeline.json`: every setting decoded, checked and filled with its default.
///
/// Relative paths are resolved against the manifest's folder. `Manifest.load(from:)` never shows a
/// `DecodingError`: each problem names the JSON path, what was found and what is expected.
public struct Manifest: Sendable, Equatable, Encodable {
    public static let currentVersion = 1

    public var version: Int = Manifest.currentVersion
    /// Folder the manifest was read from; relative paths in it are resolved against this folder.
    public var baseFolder: URL
    /// Output folder: `work/<stage>/` and `reports/<date>/` live under it.
    public var output: URL
    /// Worker threads per stage; 0 means one per core.
    public var workers: Int = 0
    /// Shards the inputs of fetch, strip and entities are striped into.
    public var shards: Int = 4
    public var fetch: FetchSettings
    public var strip: StripSettings = .init()
    public var dedup: DedupParameters = .init()
    public var entities: EntitySettings = .init()
    public var report: ReportSettings = .init()
    /// How long stored data is kept (`retention` in the manifest) and when `newspipe gc` runs.
    public var retention: RetentionSettings = .init()

    /// `retention`: how long raw pages, cached results, dedup index entries and report folders are
    /// kept. Each is a number of days, or `null` to keep forever.
    public struct RetentionSettings: Sendable, Equatable, Encodable {
        public init() {}
        /// WARC segments older than this leave the store, unless a capture kept longer still points
        /// into them (a revisit); a payload stored longer ago than half of it is stored afresh rather
        /// than revisited, so old segments can go. Default: keep raw pages forever.
        public var rawPagesDays: Int? = nil
        /// Cached strip and entities results no night has needed for this long are dropped (they are
        /// recomputed if their page comes back). Default 30.
        public var cacheDays: Int? = 30
        /// Documents no night has seen for this long leave the dedup index: a copy arriving later is
        /// no longer recognised as their mirror. Default 365.
        public var indexDays: Int? = 365
        /// Report folders older than this are removed; the latest and the one it compares with stay.
        /// Default: keep every report.
        public var reportDays: Int? = nil
        /// Run `newspipe gc` at the end of every run that completes the report.
        public var gcAfterRun: Bool = true

        enum CodingKeys: String, CodingKey { case rawPagesDays, cacheDays, indexDays, reportDays, gcAfterRun }
        public func encode(to encoder: Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(rawPagesDays, forKey: .rawPagesDays); try container.encode(cacheDays, forKey: .cacheDays)
            try container.encode(indexDays, forKey: .indexDays); try container.encode(reportDays, forKey: .reportDays)
            try container.encode(gcAfterRun, forKey: .gcAfterRun)
        }
    }

    public struct FetchSettings: Sendable, Equatable, Encodable {
        public var sources: [Source]
        /// Largest page stored, in bytes; larger pages are rejected with `too-large`.
        public var maxBytes: Int = 20_000_000
        /// HTTP behaviour for `urls`, `feed` and `sitemap` sources (and WARC limits).
        public var http = FetchNetworkSettings()
        /// A night that fetches fewer pages than this is anomalous (an unmounted share, a dead
        /// feed): the run stops before the report, with its own exit code.
        public var minPages: Int = 1
        /// A night that fetches less than `1 - maxDrop` of the last good night's pages is
        /// anomalous too (0.5: half of them gone). 1 turns the check off.
        public var maxDrop: Double = 0.5
    }

    /// The kinds of source a manifest can name.
    public enum SourceType: String, CaseIterable, Sendable, Encodable {
        /// Local files under `path` matching `include` and not `exclude` (globs with `*`, `**`, `?`).
        case folder
        /// URLs listed in `urls` and/or in the file `file` (one per line); `feed` and `sitemap`
        /// list the pages to fetch.
        case urls, feed, sitemap
        /// WARC files (CC-NEWS style): a `.warc`/`.warc.gz` file, a folder of them or a listing
        /// (`warc.paths.gz`) at `path`; and/or http(s) URLs of files or listings in `urls`, streamed.
        case warc
    }

    /// Where pages come from.
    public struct Source: Sendable, Equatable, Encodable {
        public var type: SourceType
        public var path: URL?
        public var include: [String] = ["**/*.html", "**/*.htm"]
        public var exclude: [String] = []
        /// Base URL for `file` pages: a page at `a/b.html` gets `<baseUrl>/a/b.html` if it names no URL itself.
        public var baseUrl: String?
        /// Which symbolic links below a folder source are followed (the folder itself always is).
        public var links: LinkPolicy = .inside
        public var urls: [String] = []
        public var file: URL?

        public var isNetwork: Bool { type != .folder }
    }

    public struct StripSettings: Sendable, Equatable, Encodable {
        public init() {}
        public var maxBytes: Int = ExtractionOptions().maxBytes
        public var maxMilliseconds: Int = ExtractionOptions().maxMilliseconds
        public var minWords: Int = ExtractionOptions().minWords

        public var extractionOptions: ExtractionOptions {
            var options = ExtractionOptions()
            options.maxBytes = maxBytes
            options.maxMilliseconds = maxMilliseconds
            options.minWords = minWords
            return options
        }
    }

    public struct EntitySettings: Sendable, Equatable, Encodable {
        public init() {}
        /// A model trained with `newspipe ner train`; nil uses the shipped model.
        public var model: URL?
        /// User company lists (CSV or JSON) added to the shipped gazetteer.
        public var companyLists: [URL] = []
        /// A tone lexicon replacing the shipped one.
        public var toneLexicon: URL?
        /// Mentions below this confidence are dropped.
        public var minConfidence: Double = 0
        /// Longer texts are read up to this many characters (cut at a space): a page that is one
        /// enormous paragraph must not hold the stage's memory hostage.
        public var maxCharacters: Int = 300_000

        /// What the entities engine is built from.
        public var engineSettings: EntityEngine.Settings {
            EntityEngine.Settings(model: model, companyLists: companyLists, toneLexicon: toneLexicon, maxCharacters: maxCharacters)
        }
    }

    public struct ReportSettings: Sendable, Equatable, Encodable {
        public init() {}
        /// Entities shown in the summary, the page and its charts.
        public var topEntities: Int = 25
    }

    /// Decodes and validates the manifest at `url`.
    public static func load(from url: URL) throws -> Manifest {
        var isFolder: ObjCBool = false
        if FileManager.default.fileExists(atPath: url.path, isDirectory: &isFolder), isFolder.boolValue {
            throw ManifestError(path: "", message: "\(url.path) is a folder; pass --manifest with the path of a pipeline.json file")
        }
        let data: Data
        do { data = try Data(contentsOf: url) } catch {
            throw ManifestError(path: "", message: "cannot read \(url.path): \(Self.reason(error)); pass --manifest PATH or create pipeline.json")
        }
        return try parse(data, baseFolder: url.deletingLastPathComponent())
    }

    private static func reason(_ error: Error) -> String {
        let nsError = error as NSError
        if let underlying = nsError.userInfo[NSUnderlyingErrorKey] as? NSError, underlying.domain == NSPOSIXErrorDomain {
            return String(cString: strerror(Int32(underlying.code)))
        }
        return nsError.localizedDescription
    }

    /// Decodes a manifest from JSON bytes; relative paths resolve against `baseFolder`.
    public static func parse(_ data: Data, baseFolder: URL) throws -> Manifest {
        let root = try JSONValue.parse(data)
        if let duplicate = JSONDuplicateKeys.first(in: [UInt8](data)) {
            throw ManifestError(path: duplicate.path, message: "the key \"\(duplicate.key)\" appears twice; keep one")
        }
        var reader = try ManifestObjectReader(root, path: "")
        let version = try reader.int("version", default: currentVersion, range: 1 ... 1000)
        guard version == currentVersion else {
            throw ManifestError(path: "version", message: "expected \(currentVersion), found \(version) (this newspipe reads manifest version \(currentVersion))")
        }
        func resolve(_ path: String) -> URL {
            let expanded = (path as NSString).expandingTildeInPath
            return expanded.hasPrefix("/") ? URL(fileURLWithPath: expanded).standardizedFileURL
                : baseFolder.appendingPathComponent(expanded).standardizedFileURL
        }
        let output = resolve(try reader.string("output", default: "output"))
        let workers = try reader.int("workers", default: 0, range: 0 ... 1024)
        let shards = try reader.int("shards", default: 4, range: 1 ... maxShards)

        var stages = try reader.object("stages")
        var fetchReader = try stages.object("fetch")
        var sources: [Source] = []
        if let sourceReaders = try fetchReader.objectArray("sources") {
            for var sourceReader in sourceReaders {
                let type = try sourceReader.choice("type", default: SourceType.folder)
                var source = Source(type: type)
                let path = try sourceReader.optionalString("path")
                source.path = path.map(resolve)
                switch type {
                case .warc:
                    // Files, folders and listings by path; files and listings by URL (CC-NEWS).
                    source.urls = try sourceReader.stringArray("urls", default: [])
                    source.baseUrl = try sourceReader.optionalString("baseUrl")
                    for (index, url) in source.urls.enumerated() {
                        guard let parsed = URL(string: url), ["http", "https"].contains(parsed.scheme?.lowercased() ?? ""), parsed.host != nil else {
                            throw ManifestError(path: "\(sourceReader.path).urls[\(index)]", message: "expected an http or https URL of a WARC file or a warc.paths.gz listing, found \"\(url)\"")
                        }
                    }
                    guard path != nil || !source.urls.isEmpty else {
                        throw ManifestError(path: "\(sourceReader.path).path",
                                            message: "expected a .warc or .warc.gz file, a folder of them or a warc.paths.gz listing (or \"urls\"), found nothing")
                    }
                case .folder:
                    guard path != nil else {
                        throw ManifestError(path: "\(sourceReader.path).path", message: "expected the folder to read pages from, found nothing")
                    }
                    source.include = try sourceReader.stringArray("include", default: source.include)
                    source.exclude = try sourceReader.stringArray("exclude", default: source.exclude)
                    source.baseUrl = try sourceReader.optionalString("baseUrl")
                    source.links = try sourceReader.choice("links", default: LinkPolicy.inside)
                case .urls, .feed, .sitemap:
                    if path != nil {
                        throw ManifestError(path: "\(sourceReader.path).path", message: "a \(type) source takes \"urls\" and/or \"file\", not \"path\"")
                    }
                    source.urls = try sourceReader.stringArray("urls", default: [])
                    source.file = try sourceReader.optionalString("file").map(resolve)
                    for (index, url) in source.urls.enumerated() {
                        guard let parsed = URL(string: url), ["http", "https"].contains(parsed.scheme?.lowercased() ?? ""), parsed.host != nil else {
                            throw ManifestError(path: "\(sourceReader.path).urls[\(index)]", message: "expected an http or https URL, found \"\(url)\"")
                        }
                    }
                    if source.urls.isEmpty && source.file == nil {
                        throw ManifestError(path: "\(sourceReader.path).urls", message: "expected at least one URL in \"urls\" or a \"file\" listing them, found neither")
                    }
                }
                try sourceReader.finish()
                sources.append(source)
            }
        } else {
            sources = [Source(type: .folder, path: resolve("corpus"))]
        }
        var fetch = FetchSettings(sources: sources)
        fetch.maxBytes = try fetchReader.int("maxBytes", default: fetch.maxBytes, range: 1 ... 1 << 40)
        fetch.http = try Self.readHTTP(try fetchReader.object("http"), maxBytes: fetch.maxBytes)
        fetch.minPages = try fetchReader.int("minPages", default: fetch.minPages, range: 0 ... 1_000_000_000)
        fetch.maxDrop = try fetchReader.double("maxDrop", default: fetch.maxDrop, range: 0 ... 1)
        try fetchReader.finish()

        var strip = StripSettings()
        var stripReader = try stages.object("strip")
        strip.maxBytes = try stripReader.int("maxBytes", default: strip.maxBytes, range: 1 ... 1 << 40)
        strip.maxMilliseconds = try stripReader.int("maxMilliseconds", default: strip.maxMilliseconds, range: 1 ... 3_600_000)
        strip.minWords = try stripReader.int("minWords", default: strip.minWords, range: 0 ... 100_000)
        try stripReader.finish()

        var dedup = DedupParameters()
        var dedupReader = try stages.object("dedup")
        dedup.shingleSize = try dedupReader.int("shingleSize", default: dedup.shingleSize, range: 1 ... 32)
        dedup.permutations = try dedupReader.int("permutations", default: dedup.permutations, range: 8 ... 1024)
        dedup.threshold = try dedupReader.double("threshold", default: dedup.threshold, range: 0 ... 1)
        dedup.bands = try dedupReader.optionalInt("bands", range: 1 ... 1024)
        dedup.rows = try dedupReader.optionalInt("rows", range: 1 ... 1024)
        if let bands = dedup.bands, let rows = dedup.rows, bands * rows > dedup.permutations {
            throw ManifestError(path: "stages.dedup.bands", message: "expected bands × rows ≤ permutations (\(dedup.permutations)), found \(bands) × \(rows)")
        }
        dedup.containment = try dedupReader.double("containment", default: dedup.containment, range: 0 ... 1)
        dedup.minShingles = try dedupReader.int("minShingles", default: dedup.minShingles, range: 0 ... 1_000_000)
        dedup.seed = UInt64(try dedupReader.int("seed", default: Int(dedup.seed), range: 0 ... Int(Int32.max)))
        dedup.canonicalOrder = try dedupReader.choiceArray("canonical", default: dedup.canonicalOrder)
        dedup.preferredSources = try dedupReader.stringArray("preferredSources", default: dedup.preferredSources)
        try dedupReader.finish()

        var entities = EntitySettings()
        var entitiesReader = try stages.object("entities")
        entities.model = try entitiesReader.optionalString("model").map(resolve)
        entities.companyLists = try entitiesReader.stringArray("companyLists", default: []).map(resolve)
        entities.toneLexicon = try entitiesReader.optionalString("toneLexicon").map(resolve)
        entities.minConfidence = try entitiesReader.double("minConfidence", default: 0, range: 0 ... 1)
        entities.maxCharacters = try entitiesReader.int("maxCharacters", default: entities.maxCharacters, range: 1_000 ... 100_000_000)
        try entitiesReader.finish()

        var report = ReportSettings()
        var reportReader = try stages.object("report")
        report.topEntities = try reportReader.int("topEntities", default: report.topEntities, range: 1 ... 10_000)
        try reportReader.finish()

        try stages.finish()
        let retention = try Self.readRetention(root, try reader.object("retention"))
        try reader.finish()
        try checkOutput(output, sources: sources, baseFolder: baseFolder)
        var manifest = Manifest(version: version, baseFolder: baseFolder, output: output, workers: workers,
                                shards: shards, fetch: fetch, strip: strip, dedup: dedup, entities: entities,
                                report: report)
        manifest.retention = retention
        return manifest
    }

    /// `retention`: days as whole numbers, `null` for "keep forever", a missing key for the default.
    static func readRetention(_ root: JSONValue, _ reader: ManifestObjectReader) throws -> RetentionSettings {
        var reader = reader
        var retention = RetentionSettings()
        var given: [String: JSONValue] = [:]
        if case let .object(fields) = root, case let .object(inner)? = fields["retention"] { given = inner }
        func days(_ key: String, _ fallback: Int?) throws -> Int? {
            if case .null? = given[key] { _ = try reader.optionalInt(key, range: 1 ... 1_000_000); return nil }
            return try reader.optionalInt(key, range: 1 ... 1_000_000) ?? fallback
        }
        retention.rawPagesDays = try days("rawPagesDays", retention.rawPagesDays)
        retention.cacheDays = try days("cacheDays", retention.cacheDays)
        retention.indexDays = try days("indexDays", retention.indexDays)
        retention.reportDays = try days("reportDays", retention.reportDays)
        retention.gcAfterRun = try reader.bool("gcAfterRun", default: retention.gcAfterRun)
        try reader.finish()
        return retention
    }

    /// The most shards a run is split into: each shard is a file per stage and a process in an
    /// array job, so tens of thousands would drown the file system and the scheduler.
    public static let maxShards = 4096

    /// Top-level system folders an output folder may never be: the stages write `work/`,
    /// `reports/` and lock files straight into it.
    static let systemFolders: Set<String> = ["/", "/bin", "/boot", "/dev", "/etc", "/home", "/lib", "/lib32", "/lib64",
                                              "/media", "/mnt", "/opt", "/proc", "/root", "/run", "/sbin", "/srv", "/sys",
                                              "/tmp", "/usr", "/var"]

    /// The output folder must be a folder of its own: not a file, not `/` or a system folder, not
    /// the manifest's folder or one above it (`..` would write beside the project), not a source
    /// folder or inside one (the next run would read its own reports), and not around a source.
    static func checkOutput(_ output: URL, sources: [Source], baseFolder: URL) throws {
        let path = output.resolvingSymlinksInPath().path
        var isFolder: ObjCBool = false
        if FileManager.default.fileExists(atPath: path, isDirectory: &isFolder), !isFolder.boolValue {
            throw ManifestError(path: "output", message: "expected a folder, found a file at \(path)")
        }
        let base = baseFolder.resolvingSymlinksInPath().path
        if path != "/", base == path || base.hasPrefix(path + "/") {
            throw ManifestError(path: "output", message: "expected a folder below the manifest's folder or elsewhere, found \(path), which holds the manifest's folder \(base)")
        }
        if systemFolders.contains(path) {
            throw ManifestError(path: "output", message: "expected a folder of newspipe's own, found the system folder \(path)")
        }
        for (index, source) in sources.enumerated() {
            guard let sourcePath = source.path?.resolvingSymlinksInPath().path else { continue }
            if path == sourcePath || path.hasPrefix(sourcePath + "/") {
                throw ManifestError(path: "output", message: "expected a folder outside the sources, found \(path), inside stages.fetch.sources[\(index)] (\(sourcePath)): a run would read its own reports")
            }
            if sourcePath.hasPrefix(path + "/") {
                throw ManifestError(path: "output", message: "expected a folder that holds no source, found \(path), which holds stages.fetch.sources[\(index)] (\(sourcePath))")
            }
        }
    }

    /// `stages.fetch.http`: every key of `HTTPSettingKeys.all`.
    static func readHTTP(_ reader: ManifestObjectReader, maxBytes: Int) throws -> FetchNetworkSettings {
        var reader = reader
        var http = FetchNetworkSettings()
        for key in HTTPSettingKeys.all { try key.read(&reader, &http) }
        http.maxBytes = maxBytes
        try reader.finish()
        return http
    }

    /// Checks that what the manifest points at exists; returns one message per problem.
    public func problems() -> [String] {
        var problems: [String] = []
        let files = FileManager.default
        for (index, source) in fetch.sources.enumerated() {
            var isFolder: ObjCBool = false
            if source.type == .folder, let path = source.path {
                if !files.fileExists(atPath: path.path, isDirectory: &isFolder) || !isFolder.boolValue {
                    problems.append("stages.fetch.sources[\(index)].path: expected an existing folder, found nothing at \(path.path)")
                } else if !files.isReadableFile(atPath: path.path) {
                    problems.append("stages.fetch.sources[\(index)].path: folder \(path.path) is not readable")
                }
            } else if source.type == .warc, let path = source.path, !files.fileExists(atPath: path.path) {
                problems.append("stages.fetch.sources[\(index)].path: expected a WARC file, a folder of them or a warc.paths.gz listing, found nothing at \(path.path)")
            }
            if let file = source.file, !files.isReadableFile(atPath: file.path) {
                problems.append("stages.fetch.sources[\(index)].file: expected a readable list of URLs, found nothing at \(file.path)")
            }
        }
        let optionalFiles: [(String, URL?)] = [("stages.entities.model", entities.model), ("stages.entities.toneLexicon", entities.toneLexicon)]
            + entities.companyLists.enumerated().map { ("stages.entities.companyLists[\($0.offset)]", $0.element) }
        for (path, url) in optionalFiles {
            if let url, !files.isReadableFile(atPath: url.path) {
                problems.append("\(path): expected a readable file, found nothing at \(url.path)")
            }
        }
        return problems
    }

    /// Worker threads to use: the manifest's setting, or one per active core.
    public var effectiveWorkers: Int { workers > 0 ? workers : max(1, ProcessInfo.processInfo.activeProcessorCount) }

    // MARK: - Printing and fingerprints

    /// The resolved manifest as pretty JSON, as `newspipe config` prints it.
    public func resolvedJSON() throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return String(decoding: try encoder.encode(ResolvedView(self)), as: UTF8.self)
    }

    /// SHA-256 of the resolved settings one stage depends on: a change makes that stage stale.
    public func fingerprint(of stage: StageName) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let encoded: Data?
        switch stage {
        case .fetch: encoded = try? encoder.encode(ResolvedView.Fetch(fetch, withNightChecks: false))
        case .strip: encoded = try? encoder.encode(strip)
        case .dedup: encoded = try? encoder.encode(dedup)
        case .entities: encoded = try? encoder.encode(ResolvedView.Entities(entities, fileFingerprint: Self.fileFingerprint))
        case .report: encoded = try? encoder.encode(report)
        }
        var hasher = ContentHash.Hasher()
        hasher.update("\(stage.rawValue)\n")
        hasher.update(encoded.map { Array($0) } ?? [])
        return hasher.finalize()
    }

    /// Hash of the manifest as resolved (for `run.json`).
    public var hash: String {
        ContentHash.hex((try? resolvedJSON()) ?? "")
    }

    private static func fileFingerprint(_ url: URL) -> String {
        guard let data = try? Data(contentsOf: url) else { return "missing" }
        return ContentHash.hex(data)
    }

    public func encode(to encoder: Encoder) throws { try ResolvedView(self).encode(to: encoder) }
}

/// The manifest as `newspipe config` prints it: the same keys a user writes, paths made absolute.
private struct ResolvedView: Encodable {
    struct Fetch: Encodable {
        struct Source: Encodable {
            var source: Manifest.Source
            func encode(to encoder: Encoder) throws {
                var container = encoder.container(keyedBy: CodingKeys.self)
                try container.encode(source.type, forKey: .type)
                if let path = source.path { try container.encode(path.path, forKey: .path) }
                if source.type == .folder {
                    try container.encode(source.include, forKey: .include); try container.encode(source.exclude, forKey: .exclude)
                    try container.encode(source.baseUrl, forKey: .baseUrl)
                    try container.encode(source.links.rawValue, forKey: .links)
                } else if source.type == .warc {
                    try container.encode(source.urls, forKey: .urls); try container.encode(source.baseUrl, forKey: .baseUrl)
                } else {
                    try container.encode(source.urls, forKey: .urls); try container.encode(source.file?.path, forKey: .file)
                }
            }
            enum CodingKeys: String, CodingKey { case type, path, include, exclude, baseUrl, links, urls, file }
        }
        struct HTTP: Encodable {
            var http: FetchNetworkSettings
            // Every setting a user can write, under the name they write (maxBytes comes from fetch).
            func encode(to encoder: Encoder) throws {
                var container = encoder.container(keyedBy: HTTPSettingKeys.Name.self)
                for key in HTTPSettingKeys.all { try key.write(http, &container) }
            }
        }
        var sources: [Source], maxBytes: Int, http: HTTP
        /// The night checks, printed by `newspipe config` but not part of the fetch fingerprint:
        /// they decide whether a night goes on, not what fetch produces.
        var minPages: Int?, maxDrop: Double?
        init(_ settings: Manifest.FetchSettings, withNightChecks: Bool = true) {
            sources = settings.sources.map { Source(source: $0) }
            maxBytes = settings.maxBytes
            http = HTTP(http: settings.http)
            if withNightChecks { minPages = settings.minPages; maxDrop = settings.maxDrop }
        }
    }
    struct Entities: Encodable {
        var model: String?, companyLists: [String], toneLexicon: String?, minConfidence: Double, maxCharacters: Int
        init(_ settings: Manifest.EntitySettings, fileFingerprint: ((URL) -> String)? = nil) {
            // Fingerprints name the content of user files, so editing a list makes the stage stale.
            func describe(_ url: URL) -> String { fileFingerprint.map { "\(url.path)#\($0(url))" } ?? url.path }
            model = settings.model.map(describe)
            companyLists = settings.companyLists.map(describe)
            toneLexicon = settings.toneLexicon.map(describe)
            minConfidence = settings.minConfidence
            maxCharacters = settings.maxCharacters
        }
        func encode(to encoder: Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(model, forKey: .model); try container.encode(companyLists, forKey: .companyLists)
            try container.encode(toneLexicon, forKey: .toneLexicon); try container.encode(minConfidence, forKey: .minConfidence)
            try container.encode(maxCharacters, forKey: .maxCharacters)
        }
        enum CodingKeys: String, CodingKey { case model, companyLists, toneLexicon, minConfidence, maxCharacters }
    }
    struct Stages: Encodable {
        var fetch: Fetch, strip: Manifest.StripSettings, dedup: DedupView, entities: Entities, report: Manifest.ReportSettings
    }
    struct DedupView: Encodable {
        var shingleSize: Int, permutations: Int, threshold: Double, bands: Int?, rows: Int?, containment: Double
        var minShingles: Int, seed: UInt64, canonical: [CanonicalRule], preferredSources: [String]
        func encode(to encoder: Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(shingleSize, forKey: .shingleSize); try container.encode(permutations, forKey: .permutations)
            try container.encode(threshold, forKey: .threshold); try container.encode(bands, forKey: .bands)
            try container.encode(rows, forKey: .rows); try container.encode(containment, forKey: .containment)
            try container.encode(minShingles, forKey: .minShingles); try container.encode(seed, forKey: .seed)
            try container.encode(canonical, forKey: .canonical); try container.encode(preferredSources, forKey: .preferredSources)
        }
        enum CodingKeys: String, CodingKey { case shingleSize, permutations, threshold, bands, rows, containment, minShingles, seed, canonical, preferredSources }
    }
    var version: Int, output: String, workers: Int, shards: Int, stages: Stages, retention: Manifest.RetentionSettings

    init(_ manifest: Manifest) {
        version = manifest.version
        output = manifest.output.path
        workers = manifest.workers
        shards = manifest.shards
        retention = manifest.retention
        let d = manifest.dedup
        stages = Stages(
            fetch: Fetch(manifest.fetch), strip: manifest.strip,
            dedup: DedupView(shingleSize: d.shingleSize, permutations: d.permutations, threshold: d.threshold,
                             bands: d.bands, rows: d.rows, containment: d.containment, minShingles: d.minShingles,
                             seed: d.seed, canonical: d.canonicalOrder, preferredSources: d.preferredSources),
            entities: Entities(manifest.entities), report: manifest.report)
    }
}
