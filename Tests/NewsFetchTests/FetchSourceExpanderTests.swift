import Foundation
import Testing
import NewsTestSupport
@testable import NewsFetch
@testable import MarkupTree
@testable import NewsIO
@testable import NewsRecords

@Suite("Fetch: feed and sitemap sources against loopback servers", .serialized)
struct FetchSourceExpanderTests {
    @Test func feedWithThousandItemsThenNightlyRerun() throws {
        let server = try FetchTestServer(route: { path, _ in
            if path == "/feed.xml" {
                var text = #"<?xml version="1.0"?><rss version="2.0"><channel><title>Wire</title>"#
                for index in 0 ..< 1_000 { text += "<item><link>/a/\(index)</link></item>" }
                return .xml(text + "</channel></rss>", type: "application/rss+xml")
            }
            return .html("<html><body><p>\(path)</p></body></html>")
        })
        defer { server.shutdown() }
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("fetch-exp-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: folder) }
        let store = ContentStore(root: folder.appendingPathComponent("objects"))
        var settings = server.settings
        settings.perHostConcurrency = 8
        let fetcher = HTTPFetcher(settings: settings, store: store)
        defer { fetcher.shutdown() }
        let sources = [FetchNetworkSource(kind: .feed, urls: [server.base + "/feed.xml"])]
        let plan = FetchSourceExpander(fetcher: fetcher).expand(sources, previous: [:])
        #expect(plan.problems.isEmpty)
        #expect(plan.pages.count == 1_000)
        #expect(plan.pages.first?.url == server.base + "/a/0")
        var records: [FetchRecord] = []
        try NetworkFetch.fetchPages(plan.pages, fetcher: fetcher, batchSize: 300) { records.append($0.record) }
        #expect(records.count == 1_000)
        #expect(records.allSatisfy { $0.hash != nil && $0.status == 200 })
        #expect(records.map(\.url) == plan.pages.map(\.url))

        // Nightly rerun: every item was seen, so nothing but the feed is fetched.
        let previous = Dictionary(uniqueKeysWithValues: records.map { ($0.url!, $0) })
        let hitsBefore = server.seen.withLock { $0.count }
        let rerun = FetchSourceExpander(fetcher: fetcher).expand(sources, previous: previous)
        #expect(rerun.pages.isEmpty)
        #expect(rerun.seen.count == 1_000)
        #expect(rerun.seen.allSatisfy { $0.disposition == .reused })
        #expect(server.seen.withLock { $0.count } == hitsBefore + 1)
    }

    @Test func feedItemsPointingAtLoopbackAreRefused() throws {
        // The feed lives on the allow-listed 127.0.0.1:<port>; its items name other loopback
        // spellings, which the address policy must refuse without sending anything.
        let port = FetchLocked<Int>(0)
        let server = try FetchTestServer(route: { path, _ in
            let p = port.withLock { $0 }
            if path == "/feed.xml" {
                return .xml("""
                <rss version="2.0"><channel><title>T</title>
                <item><link>http://127.0.0.1:\(p)/ok</link></item>
                <item><link>http://localhost:\(p)/admin</link></item>
                <item><link>http://127.0.0.2:\(p)/admin</link></item>
                <item><link>http://[::1]:\(p)/admin</link></item>
                <item><link>http://0.0.0.0:\(p)/admin</link></item>
                <item><link>file:///etc/passwd</link></item>
                </channel></rss>
                """)
            }
            return .html("<html><body>\(path)</body></html>")
        })
        defer { server.shutdown() }
        port.withLock { $0 = server.port }
        let fetcher = HTTPFetcher(settings: server.settings)
        defer { fetcher.shutdown() }
        let plan = FetchSourceExpander(fetcher: fetcher).expand([FetchNetworkSource(kind: .feed, urls: [server.base + "/feed.xml"])], previous: [:])
        #expect(plan.problems.isEmpty)
        // The file: link never becomes a page; the five http links do, and are judged at fetch time.
        #expect(plan.pages.count == 5)
        #expect(!plan.pages.contains { $0.url.hasPrefix("file:") })
        let responses = fetcher.fetch(plan.pages)
        let byURL = Dictionary(uniqueKeysWithValues: responses.map { ($0.request.url, $0) })
        #expect(byURL[server.base + "/ok"]?.disposition == .stored)
        for host in ["localhost", "127.0.0.2", "[::1]", "0.0.0.0"] {
            #expect(byURL["http://\(host):\(server.port)/admin"]?.record.error == "private-address", "\(host)")
        }
        #expect(server.hits("/admin") == 0)

        // Allowed explicitly, localhost is fetched (it is this same server).
        var settings = server.settings
        settings.allowHosts.append("localhost:\(server.port)")
        let allowing = HTTPFetcher(settings: settings)
        defer { allowing.shutdown() }
        let allowed = allowing.fetch([FetchRequest(url: "http://localhost:\(server.port)/admin")])[0]
        if allowed.disposition == .stored {
            #expect(server.hits("/admin") == 1)
        } else {
            // localhost may resolve to ::1 first, where nothing listens: refused by the network, not by us.
            #expect(allowed.record.error != "private-address")
        }
    }

    @Test func sitemapIndexRecursionWithCaps() throws {
        let server = try FetchTestServer(route: { path, _ in
            func index(_ children: [String]) -> FetchTestReply {
                .xml("<sitemapindex xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">" + children.map { "<sitemap><loc>\($0)</loc></sitemap>" }.joined() + "</sitemapindex>")
            }
            func urlset(_ urls: [String]) -> FetchTestReply {
                .xml("<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\" xmlns:news=\"http://www.google.com/schemas/sitemap-news/0.9\">"
                    + urls.map { "<url><loc>\($0)</loc><news:news><news:publication_date>2026-11-26</news:publication_date></news:news></url>" }.joined() + "</urlset>")
            }
            switch path {
            case "/sitemap.xml": return index(["/news-1.xml", "/nested.xml", "/sitemap.xml", "/broken.xml"])
            case "/nested.xml": return index(["/news-2.xml.gz", "/deeper.xml"])
            case "/deeper.xml": return index(["/news-3.xml"])
            case "/news-1.xml": return urlset(["/p/1", "/p/2"])
            case "/news-2.xml.gz":
                let xml = "<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\"><url><loc>/p/3</loc></url><url><loc>/p/1</loc></url></urlset>"
                return .respond(status: 200, headers: [("Content-Type", "application/x-gzip")], body: FetchGzip.compress(Array(xml.utf8)))
            case "/news-3.xml": return urlset(["/p/4"])
            case "/broken.xml": return .xml("<urlset><url><loc>")
            default: return .html("<html></html>")
            }
        })
        defer { server.shutdown() }
        var settings = server.settings
        settings.maxSitemapDepth = 2
        let fetcher = HTTPFetcher(settings: settings)
        defer { fetcher.shutdown() }
        let plan = FetchSourceExpander(fetcher: fetcher).expand([FetchNetworkSource(kind: .sitemap, urls: [server.base + "/sitemap.xml"])], previous: [:])
        #expect(plan.pages.map(\.url) == ["/p/1", "/p/2", "/p/3"].map { server.base + $0 })
        #expect(Set(plan.problems.map(\.reason)) == ["malformed-xml", "sitemap-too-deep"])
        #expect(server.hits("/sitemap.xml") == 1) // the self-reference is not followed again
        #expect(server.hits("/news-3.xml") == 0)

        settings.maxSitemapDepth = 3
        let deeper = HTTPFetcher(settings: settings)
        defer { deeper.shutdown() }
        let all = FetchSourceExpander(fetcher: deeper).expand([FetchNetworkSource(kind: .sitemap, urls: [server.base + "/sitemap.xml"])], previous: [:])
        #expect(all.pages.count == 4)
    }

    @Test func urlListFromFileAndInline() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("fetch-list-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let file = folder.appendingPathComponent("urls.txt")
        try "# nightly list\nhttps://a.example/1\n\n  https://a.example/2  \nmailto:x@a.example\n".write(to: file, atomically: true, encoding: .utf8)
        let source = FetchNetworkSource(kind: .urls, urls: ["https://a.example/0", "https://a.example/1"], file: file)
        #expect(try source.listedURLs() == ["https://a.example/0", "https://a.example/1", "https://a.example/1", "https://a.example/2", "mailto:x@a.example"])
        let fetcher = HTTPFetcher(settings: FetchNetworkSettings())
        defer { fetcher.shutdown() }
        var previous = FetchRecord(source: "https://a.example/2", url: "https://a.example/2", bytes: 10, hash: "ab")
        previous.etag = "\"e\""
        let plan = FetchSourceExpander(fetcher: fetcher).expand([source], previous: ["https://a.example/2": previous])
        #expect(plan.pages.map(\.url) == ["https://a.example/0", "https://a.example/1", "https://a.example/2"])
        #expect(plan.pages[2].previous?.etag == "\"e\"") // listed pages are refetched conditionally, not skipped
        #expect(plan.problems.map(\.reason) == ["bad-url"] || plan.problems.map(\.reason) == ["unsupported-scheme"])
    }
}
