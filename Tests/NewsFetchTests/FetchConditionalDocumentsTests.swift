import Foundation
import Testing
import NewsTestSupport
@testable import NewsFetch
@testable import NewsIO
@testable import NewsRecords

/// Issue 18, item 12d: feeds and sitemaps are asked for with the validators of the last night and
/// a 304 is read from the kept copy, giving the same plan as a full download.
@Suite("Fetch: conditional GET for feeds and sitemaps", .serialized)
struct FetchConditionalDocumentsTests {
    /// A server that honours If-None-Match for its documents, as real servers do; `versions` says
    /// which version of each document it serves (0: it answers 503).
    static func server(_ versions: FetchLocked<[String: Int]>) throws -> FetchTestServer {
        let port = FetchLocked<Int>(0)
        let server = try FetchTestServer(requestRoute: { request, _ in
            let base = "http://127.0.0.1:\(port.withLock { $0 })"
            guard let version = versions.withLock({ $0[request.path] }) else {
                return .html("<html><body>\(request.path)</body></html>")
            }
            if version == 0 { return .status(503) }
            let etag = "\"\(request.path)-\(version)\""
            if request.headers["if-none-match"] == etag { return .status(304, headers: [("ETag", etag)]) }
            let text: String
            switch request.path {
            case "/feed.xml":
                var items = ""
                for index in 0 ..< 3 + version { items += "<item><link>\(base)/a/\(index)</link></item>" }
                text = #"<?xml version="1.0"?><rss version="2.0"><channel><title>Wire</title>"# + items + "</channel></rss>"
            case "/index.xml":
                text = #"<?xml version="1.0"?><sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">"#
                    + "<sitemap><loc>\(base)/s1.xml</loc></sitemap><sitemap><loc>\(base)/s2.xml</loc></sitemap></sitemapindex>"
            default:
                text = #"<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">"#
                    + "<url><loc>\(base)\(request.path).page-\(version)</loc></url></urlset>"
            }
            return .respond(status: 200, headers: [("Content-Type", "application/xml"), ("ETag", etag)], body: Array(text.utf8))
        })
        port.withLock { $0 = server.port }
        return server
    }

    static func folder() -> URL {
        FileManager.default.temporaryDirectory.appendingPathComponent("fetch-docs-\(UUID().uuidString)")
    }

    @Test func unchangedFeedIsAskedConditionallyAndReadFromTheKeptCopy() throws {
        let versions = FetchLocked<[String: Int]>(["/feed.xml": 1])
        let server = try Self.server(versions)
        defer { server.shutdown() }
        let folder = Self.folder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let fetcher = HTTPFetcher(settings: server.settings)
        defer { fetcher.shutdown() }
        let sources = [FetchNetworkSource(kind: .feed, urls: [server.base + "/feed.xml"])]

        let night1 = FetchSourceExpander(fetcher: fetcher, documents: FetchDocumentCache(folder: folder)).expand(sources, previous: [:])
        #expect(night1.problems.isEmpty)
        #expect(night1.pages.map(\.url) == (0 ..< 4).map { server.base + "/a/\($0)" })
        #expect(server.requests("/feed.xml")[0].headers["if-none-match"] == nil)

        // Night 2, a new process: the validators come from the cache folder; the server answers 304.
        let night2 = FetchSourceExpander(fetcher: fetcher, documents: FetchDocumentCache(folder: folder)).expand(sources, previous: [:])
        #expect(server.requests("/feed.xml")[1].headers["if-none-match"] == "\"/feed.xml-1\"")
        #expect(night2.documents.map(\.disposition) == [.unchanged])
        #expect(night2.documents[0].record.status == 304)
        #expect(night2.problems.isEmpty)
        #expect(night2.pages.map(\.url) == night1.pages.map(\.url))

        // Night 3: the feed changed; it is downloaded and its new item appears.
        versions.withLock { $0["/feed.xml"] = 2 }
        let night3 = FetchSourceExpander(fetcher: fetcher, documents: FetchDocumentCache(folder: folder)).expand(sources, previous: [:])
        #expect(server.requests("/feed.xml")[2].headers["if-none-match"] == "\"/feed.xml-1\"")
        #expect(night3.documents.map(\.disposition) == [.stored])
        #expect(night3.pages.count == 5)
        // Only the newest body is kept.
        let kept = try FileManager.default.contentsOfDirectory(atPath: folder.appendingPathComponent("bodies").path)
        #expect(kept.count == 1)
    }

    @Test func sitemapIndexAndChildrenAreConditional() throws {
        let versions = FetchLocked<[String: Int]>(["/index.xml": 1, "/s1.xml": 1, "/s2.xml": 1])
        let server = try Self.server(versions)
        defer { server.shutdown() }
        let folder = Self.folder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let fetcher = HTTPFetcher(settings: server.settings)
        defer { fetcher.shutdown() }
        let sources = [FetchNetworkSource(kind: .sitemap, urls: [server.base + "/index.xml"])]
        let night1 = FetchSourceExpander(fetcher: fetcher, documents: FetchDocumentCache(folder: folder)).expand(sources, previous: [:])
        #expect(night1.pages.map(\.url) == [server.base + "/s1.xml.page-1", server.base + "/s2.xml.page-1"])

        versions.withLock { $0["/s2.xml"] = 2 }
        let night2 = FetchSourceExpander(fetcher: fetcher, documents: FetchDocumentCache(folder: folder)).expand(sources, previous: [:])
        for path in ["/index.xml", "/s1.xml", "/s2.xml"] {
            #expect(server.requests(path).last?.headers["if-none-match"] == "\"\(path)-1\"", "\(path)")
        }
        #expect(night2.documents.map(\.disposition) == [.unchanged, .unchanged, .stored])
        #expect(night2.pages.map(\.url) == [server.base + "/s1.xml.page-1", server.base + "/s2.xml.page-2"])
    }

    @Test func damagedKeptCopyMeansAFullDownloadNotADifferentPlan() throws {
        let versions = FetchLocked<[String: Int]>(["/feed.xml": 1])
        let server = try Self.server(versions)
        defer { server.shutdown() }
        let folder = Self.folder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let fetcher = HTTPFetcher(settings: server.settings)
        defer { fetcher.shutdown() }
        let sources = [FetchNetworkSource(kind: .feed, urls: [server.base + "/feed.xml"])]
        let night1 = FetchSourceExpander(fetcher: fetcher, documents: FetchDocumentCache(folder: folder)).expand(sources, previous: [:])

        // Flip bytes in the kept body.
        let bodies = folder.appendingPathComponent("bodies")
        let name = try #require(try FileManager.default.contentsOfDirectory(atPath: bodies.path).first)
        var bytes = [UInt8](try Data(contentsOf: bodies.appendingPathComponent(name)))
        for index in stride(from: 0, to: bytes.count, by: 7) { bytes[index] ^= 0x20 }
        try Data(bytes).write(to: bodies.appendingPathComponent(name))

        let night2 = FetchSourceExpander(fetcher: fetcher, documents: FetchDocumentCache(folder: folder)).expand(sources, previous: [:])
        #expect(server.requests("/feed.xml")[1].headers["if-none-match"] == nil)
        #expect(night2.documents.map(\.disposition) == [.stored])
        #expect(night2.pages.map(\.url) == night1.pages.map(\.url))
        // Repaired: the next night is conditional again.
        _ = FetchSourceExpander(fetcher: fetcher, documents: FetchDocumentCache(folder: folder)).expand(sources, previous: [:])
        #expect(server.requests("/feed.xml")[2].headers["if-none-match"] == "\"/feed.xml-1\"")
    }

    @Test func feedFailingTonightKeepsItsValidatorsForTomorrow() throws {
        let versions = FetchLocked<[String: Int]>(["/feed.xml": 1])
        let inner = try Self.server(versions)
        defer { inner.shutdown() }
        let folder = Self.folder()
        defer { try? FileManager.default.removeItem(at: folder) }
        var settings = inner.settings
        settings.retries = 0
        let fetcher = HTTPFetcher(settings: settings)
        defer { fetcher.shutdown() }
        let sources = [FetchNetworkSource(kind: .feed, urls: [inner.base + "/feed.xml"])]
        _ = FetchSourceExpander(fetcher: fetcher, documents: FetchDocumentCache(folder: folder)).expand(sources, previous: [:])
        // Night 2 fails (the feed is gone for now).
        versions.withLock { $0["/feed.xml"] = 0 }
        let night2 = FetchSourceExpander(fetcher: fetcher, documents: FetchDocumentCache(folder: folder)).expand(sources, previous: [:])
        #expect(night2.documents.map(\.disposition) == [.rejected])
        #expect(night2.problems.count == 1)
        // Night 3: back, unchanged: asked conditionally with night 1's validators.
        versions.withLock { $0["/feed.xml"] = 1 }
        let night3 = FetchSourceExpander(fetcher: fetcher, documents: FetchDocumentCache(folder: folder)).expand(sources, previous: [:])
        #expect(inner.requests("/feed.xml").last?.headers["if-none-match"] == "\"/feed.xml-1\"")
        #expect(night3.documents.map(\.disposition) == [.unchanged])
        #expect(night3.pages.count == 4)
    }
}
