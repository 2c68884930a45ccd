import Foundation
import MarkupTree
import NewsIO
import NewsRecords

/// A network source of the manifest (`stages.fetch.sources[]` with a type other than `folder`).
public struct FetchNetworkSource: Sendable, Equatable {
    public enum Kind: String, Sendable, Equatable, CaseIterable {
        /// Page URLs, inline and/or one per line in a file (`#` comments and blank lines ignored).
        case urls
        /// RSS or Atom feeds: their items' links are the pages.
        case feed
        /// Sitemaps or sitemap indexes (followed recursively, capped): their `loc`s are the pages.
        case sitemap
        /// Local `.warc` / `.warc.gz` files: their `response` records are the pages (no network).
        case warc
    }

    public var kind: Kind
    /// Inline URLs: pages for `urls`, feed or sitemap addresses for `feed` / `sitemap`.
    public var urls: [String]
    /// A file of URLs, one a line (for `urls`, `feed`, `sitemap`), or a WARC file (for `warc`).
    public var file: URL?
    /// Name used in rejects for problems of the source itself (defaults to the kind).
    public var name: String

    public init(kind: Kind, urls: [String] = [], file: URL? = nil, name: String? = nil) {
        self.kind = kind; self.urls = urls; self.file = file
        self.name = name ?? file?.lastPathComponent ?? kind.rawValue
    }

    /// Inline URLs plus those of `file` (not for `warc`).
    public func listedURLs() throws -> [String] {
        var list = urls
        if let file, kind != .warc {
            guard let data = FileManager.default.contents(atPath: file.path) else {
                throw FileError.io(path: file.path, reason: "URL list is not readable")
            }
            for line in String(decoding: data, as: UTF8.self).split(whereSeparator: \.isNewline) {
                let text = line.trimmingCharacters(in: .whitespaces)
                if text.isEmpty || text.hasPrefix("#") { continue }
                list.append(text)
            }
        }
        return list.map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
    }
}

/// What the network sources expand to: the pages to fetch, the pages carried forward unfetched,
/// and what happened to the feeds and sitemaps themselves.
public struct FetchPlan: Sendable {
    /// Pages to fetch, sorted by URL, one per URL, each with its previous record if any.
    public var pages: [FetchRequest] = []
    /// Feed and sitemap items already fetched in an earlier run (skipped, their records reused).
    public var seen: [FetchResponse] = []
    /// The responses for the feed and sitemap documents (for logs; not pages, so not records).
    public var documents: [FetchResponse] = []
    /// Problems with the sources themselves: an unreadable feed, a malformed sitemap, a bad URL.
    public var problems: [FetchSourceProblem] = []
    /// WARC files to import.
    public var warcFiles: [URL] = []

    public init() {}
}

/// A problem with a source rather than a page, for the rejects file.
public struct FetchSourceProblem: Sendable, Equatable {
    public var source: String
    public var reason: String
    public var detail: String
}

/// Expands the network sources into page requests: reads URL lists, fetches and parses feeds and
/// sitemaps (indexes followed breadth-first up to `maxSitemapDepth` and `maxSitemaps`).
///
/// With a `FetchDocumentCache`, feeds and sitemaps are asked for with the validators of their last
/// good fetch; a `304 Not Modified` (or a fetch younger than `minRefetchAgeSeconds`) is parsed from
/// the kept copy, so an unchanged feed costs one small answer and yields the same items.
public struct FetchSourceExpander: Sendable {
    public let fetcher: HTTPFetcher
    public let documents: FetchDocumentCache?

    public init(fetcher: HTTPFetcher, documents: FetchDocumentCache? = nil) {
        self.fetcher = fetcher
        self.documents = documents
    }

    /// Fetches feed or sitemap documents (conditionally when the cache has a copy) and returns each
    /// response with the body to parse: the new one, or the kept one for 304 and reused answers.
    func fetchDocuments(_ urls: [String], kind: FetchRequest.Kind, problems: inout [FetchSourceProblem]) -> [(response: FetchResponse, body: [UInt8]?)] {
        let requests = urls.map { FetchRequest(url: $0, kind: kind, previous: documents?.previous(for: $0)) }
        var results: [(response: FetchResponse, body: [UInt8]?)] = fetcher.fetch(requests).map { ($0, $0.body) }
        // A 304 or reuse whose kept body is gone since `previous(for:)`: ask again without validators.
        var again: [Int] = []
        for (index, result) in results.enumerated() where [.unchanged, .reused].contains(result.response.disposition) {
            if let body = documents?.body(for: result.response.record) { results[index].body = body } else { again.append(index) }
        }
        if !again.isEmpty {
            let responses = fetcher.fetch(again.map { FetchRequest(url: requests[$0].url, kind: kind) })
            for (index, response) in zip(again, responses) { results[index] = (response, response.body) }
        }
        for (request, result) in zip(requests, results) where result.response.disposition != .rejected {
            guard let documents, let body = result.body else { continue }
            do { try documents.keep(result.response.record, body: body, for: request.url) } catch {
                problems.append(FetchSourceProblem(source: request.url, reason: "cache-failed", detail: "\(error)"))
            }
        }
        return results
    }

    /// - Parameter previous: the last run's records keyed by URL: a feed or sitemap item found there
    ///   with a stored body is not fetched again; URL-list pages get conditional GET.
    public func expand(_ sources: [FetchNetworkSource], previous: [String: FetchRecord]) -> FetchPlan {
        var plan = FetchPlan()
        let settings = fetcher.settings
        let policy = FetchAddressPolicy(settings: settings)
        var pages: [String: FetchRequest] = [:]
        var seenURLs = Set<String>()

        func add(_ url: String, discovered: Bool, source: FetchNetworkSource) {
            guard let parsed = URL(string: url), parsed.host != nil else {
                plan.problems.append(FetchSourceProblem(source: source.name, reason: "bad-url", detail: url)); return
            }
            if let refusal = policy.checkSyntax(parsed) {
                plan.problems.append(FetchSourceProblem(source: url, reason: refusal.reason, detail: refusal.description)); return
            }
            let key = parsed.absoluteString
            guard pages[key] == nil, !seenURLs.contains(key) else { return }
            let earlier = previous[key]
            if discovered, let earlier, earlier.hash != nil, earlier.error == nil {
                // Articles do not change once a feed has listed them: keep the stored copy.
                seenURLs.insert(key)
                plan.seen.append(FetchResponse(request: FetchRequest(url: key, kind: .page, previous: earlier), record: earlier,
                                               disposition: .reused, reason: nil, detail: nil, body: nil, attempts: 0, redirects: []))
                return
            }
            pages[key] = FetchRequest(url: key, source: key, kind: .page, previous: earlier)
        }

        for source in sources {
            if source.kind == .warc {
                if let file = source.file { plan.warcFiles.append(file) }
                plan.warcFiles.append(contentsOf: source.urls.map { URL(fileURLWithPath: $0) })
                continue
            }
            let listed: [String]
            do { listed = try source.listedURLs() } catch {
                plan.problems.append(FetchSourceProblem(source: source.name, reason: "unreadable", detail: "\(error)")); continue
            }
            switch source.kind {
            case .urls, .warc:
                for url in listed { add(url, discovered: false, source: source) }
            case .feed:
                let results = fetchDocuments(listed, kind: .feed, problems: &plan.problems)
                plan.documents.append(contentsOf: results.map(\.response))
                for (response, body) in results {
                    guard response.disposition != .rejected, let body else {
                        plan.problems.append(FetchSourceProblem(source: response.request.url, reason: response.reason ?? "feed-failed", detail: response.detail ?? ""))
                        continue
                    }
                    do {
                        let feed = try FeedParser.parse(body, base: URL(string: response.record.finalUrl ?? response.request.url), maxItems: settings.maxDiscoveredUrls)
                        for item in feed.items { add(item.url, discovered: true, source: source) }
                    } catch let error as XMLTreeError {
                        plan.problems.append(FetchSourceProblem(source: response.request.url, reason: error.reason, detail: "\(error)"))
                    } catch {
                        plan.problems.append(FetchSourceProblem(source: response.request.url, reason: "malformed-xml", detail: "\(error)"))
                    }
                }
            case .sitemap:
                var queue = listed.map { ($0, 0) }
                var visited = Set<String>()
                var read = 0
                var found = 0
                while !queue.isEmpty {
                    let level = queue
                    queue = []
                    let batch = level.filter { visited.insert($0.0).inserted }.prefix(max(0, settings.maxSitemaps - read))
                    if batch.isEmpty { break }
                    read += batch.count
                    let results = fetchDocuments(batch.map(\.0), kind: .sitemap, problems: &plan.problems)
                    plan.documents.append(contentsOf: results.map(\.response))
                    for ((_, depth), (response, body)) in zip(batch, results) {
                        guard response.disposition != .rejected, let body else {
                            plan.problems.append(FetchSourceProblem(source: response.request.url, reason: response.reason ?? "sitemap-failed", detail: response.detail ?? ""))
                            continue
                        }
                        do {
                            let base = URL(string: response.record.finalUrl ?? response.request.url)
                            switch try SitemapParser.parse(body, base: base, maxBytes: max(settings.maxBytes, 50 * 1024 * 1024), maxRatio: settings.maxDecompressionRatio) {
                            case let .urls(entries):
                                for entry in entries where found < settings.maxDiscoveredUrls {
                                    found += 1
                                    add(entry.url, discovered: true, source: source)
                                }
                            case let .index(children):
                                if depth + 1 > settings.maxSitemapDepth {
                                    plan.problems.append(FetchSourceProblem(source: response.request.url, reason: "sitemap-too-deep",
                                                                            detail: "index nested deeper than maxSitemapDepth \(settings.maxSitemapDepth)"))
                                } else {
                                    queue.append(contentsOf: children.map { ($0, depth + 1) })
                                }
                            }
                        } catch let error as XMLTreeError {
                            plan.problems.append(FetchSourceProblem(source: response.request.url, reason: error.reason, detail: "\(error)"))
                        } catch {
                            plan.problems.append(FetchSourceProblem(source: response.request.url, reason: "malformed-xml", detail: "\(error)"))
                        }
                    }
                    if read >= settings.maxSitemaps && !queue.isEmpty {
                        plan.problems.append(FetchSourceProblem(source: source.name, reason: "too-many-sitemaps", detail: "stopped after maxSitemaps \(settings.maxSitemaps)"))
                        break
                    }
                }
            }
        }
        if let documents {
            do { try documents.save() } catch {
                plan.problems.append(FetchSourceProblem(source: documents.folder.path, reason: "cache-failed", detail: "\(error)"))
            }
        }
        plan.pages = pages.values.sorted { $0.url < $1.url }
        plan.seen.sort { $0.request.url < $1.request.url }
        return plan
    }
}
