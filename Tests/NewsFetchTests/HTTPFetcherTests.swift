import Foundation
import Testing
import NewsTestSupport
@testable import NewsFetch
@testable import MarkupTree
@testable import NewsIO
@testable import NewsRecords

/// Every test here talks only to its own server on 127.0.0.1.
@Suite("Fetch: HTTP against loopback servers", .serialized)
struct HTTPFetcherTests {
    static let page = "<html><head><title>Rates</title></head><body><p>The central bank held rates.</p></body></html>"

    static func withServer(_ route: @escaping @Sendable (String, Int) -> FetchTestReply,
                           _ body: (FetchTestServer) throws -> Void) throws {
        let server = try FetchTestServer(route: route)
        defer { server.shutdown() }
        try body(server)
    }

    static func tempStore() throws -> (ContentStore, URL) {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("fetch-http-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        return (ContentStore(root: folder.appendingPathComponent("objects")), folder)
    }

    @Test func okThenConditionalGetGives304() throws {
        try Self.withServer({ path, _ in
            switch path {
            case "/story": return .html(HTTPFetcherTests.page, headers: [("ETag", "\"abc\""), ("Last-Modified", "Wed, 25 Nov 2026 10:00:00 GMT")])
            default: return .status(404)
            }
        }) { server in
            let (store, folder) = try Self.tempStore()
            defer { try? FileManager.default.removeItem(at: folder) }
            let fetcher = HTTPFetcher(settings: server.settings, store: store)
            defer { fetcher.shutdown() }
            let first = fetcher.fetch([FetchRequest(url: server.base + "/story")])[0]
            #expect(first.disposition == .stored)
            #expect(first.record.status == 200)
            #expect(first.record.contentType == "text/html; charset=utf-8")
            #expect(first.record.charset == "utf-8")
            #expect(first.record.etag == "\"abc\"")
            #expect(first.record.bytes == Self.page.utf8.count)
            #expect(first.record.hash == ContentHash.hex(Array(Self.page.utf8)))
            #expect(try store.get(first.record.hash!) == Array(Self.page.utf8))
            #expect(first.record.error == nil)
            #expect(first.record.durationMs != nil)
            #expect(first.record.finalUrl == server.base + "/story")

            // The server answers 304 only when the validators come back.
            let conditional = try FetchTestServer(route: { _, _ in .status(304, headers: [("ETag", "\"abc\"")]) })
            defer { conditional.shutdown() }
            var previous = first.record
            previous.url = conditional.base + "/story"
            let fetcher2 = HTTPFetcher(settings: conditional.settings, store: store)
            defer { fetcher2.shutdown() }
            let second = fetcher2.fetch([FetchRequest(url: conditional.base + "/story", previous: previous)])[0]
            #expect(second.disposition == .unchanged)
            #expect(second.record.status == 304)
            #expect(second.record.hash == first.record.hash)
            #expect(second.record.bytes == first.record.bytes)
            let sent = try #require(conditional.requests("/story").last)
            #expect(sent.headers["if-none-match"] == "\"abc\"")
            #expect(sent.headers["if-modified-since"] == "Wed, 25 Nov 2026 10:00:00 GMT")
            #expect(sent.headers["user-agent"]?.hasPrefix("newspipe/") == true)
        }
    }

    @Test func conditionalServerDecides() throws {
        // A server that compares If-None-Match itself: 200 without validators, 304 with the right one.
        let etag = "\"v7\""
        let server = try FetchTestServer(route: { _, _ in .html(HTTPFetcherTests.page, headers: [("ETag", etag)]) })
        defer { server.shutdown() }
        let fetcher = HTTPFetcher(settings: server.settings)
        defer { fetcher.shutdown() }
        let first = fetcher.fetch([FetchRequest(url: server.base + "/a")])[0]
        #expect(first.record.etag == etag)
        #expect(server.requests("/a")[0].headers["if-none-match"] == nil)
        let second = fetcher.fetch([FetchRequest(url: server.base + "/a", previous: first.record)])[0]
        #expect(server.requests("/a")[1].headers["if-none-match"] == etag)
        #expect(second.disposition == .stored) // this server ignores validators
    }

    @Test func minRefetchAgeSkipsTheNetwork() throws {
        try Self.withServer({ _, _ in .html(HTTPFetcherTests.page) }) { server in
            var settings = server.settings
            settings.minRefetchAgeSeconds = 3_600
            let fetcher = HTTPFetcher(settings: settings)
            defer { fetcher.shutdown() }
            let first = fetcher.fetch([FetchRequest(url: server.base + "/p")])[0]
            #expect(first.disposition == .stored)
            let again = fetcher.fetch([FetchRequest(url: server.base + "/p", previous: first.record)])[0]
            #expect(again.disposition == .reused)
            #expect(again.record == first.record)
            #expect(server.hits("/p") == 1)
            var old = first.record
            old.fetchedAt = "2026-01-01T00:00:00Z"
            #expect(fetcher.fetch([FetchRequest(url: server.base + "/p", previous: old)])[0].disposition == .stored)
            #expect(server.hits("/p") == 2)
        }
    }

    @Test func notFoundAndNotHTML() throws {
        try Self.withServer({ path, _ in
            path == "/doc.pdf" ? .respond(status: 200, headers: [("Content-Type", "application/pdf")], body: Array("%PDF".utf8)) : .status(404)
        }) { server in
            let fetcher = HTTPFetcher(settings: server.settings)
            defer { fetcher.shutdown() }
            let responses = fetcher.fetch([FetchRequest(url: server.base + "/missing"), FetchRequest(url: server.base + "/doc.pdf")])
            #expect(responses[0].disposition == .rejected)
            #expect(responses[0].record.status == 404)
            #expect(responses[0].record.error == "http-404")
            #expect(responses[0].attempts == 1) // 404 is not retried
            #expect(responses[1].record.error == "not-html")
            #expect(responses[1].record.contentType == "application/pdf")
            #expect(responses[1].record.hash == nil)
        }
    }

    @Test func tooManyRequestsHonoursRetryAfter() throws {
        try Self.withServer({ _, before in before == 0 ? .status(429, headers: [("Retry-After", "1")]) : .html(HTTPFetcherTests.page) }) { server in
            let fetcher = HTTPFetcher(settings: server.settings)
            defer { fetcher.shutdown() }
            let started = ContinuousClock.now
            let response = fetcher.fetch([FetchRequest(url: server.base + "/busy")])[0]
            #expect(response.disposition == .stored)
            #expect(response.attempts == 2)
            #expect(server.hits("/busy") == 2)
            // Waited for the server's Retry-After, not the 10-50 ms backoff.
            #expect(ContinuousClock.now - started >= .milliseconds(950))
        }
    }

    @Test func retryAfterOverTheCapIsNotWaitedFor() throws {
        try Self.withServer({ _, _ in .status(429, headers: [("Retry-After", "3600")]) }) { server in
            let fetcher = HTTPFetcher(settings: server.settings)
            defer { fetcher.shutdown() }
            let response = fetcher.fetch([FetchRequest(url: server.base + "/busy")])[0]
            #expect(response.record.error == "http-429")
            #expect(response.attempts == 1)
        }
    }

    @Test func serverErrorThenSuccess() throws {
        try Self.withServer({ _, before in before < 2 ? .status(500) : .html(HTTPFetcherTests.page) }) { server in
            let fetcher = HTTPFetcher(settings: server.settings)
            defer { fetcher.shutdown() }
            let response = fetcher.fetch([FetchRequest(url: server.base + "/flaky")])[0]
            #expect(response.disposition == .stored)
            #expect(response.attempts == 3)
            #expect(response.record.status == 200)
        }
        try Self.withServer({ _, _ in .status(503) }) { server in
            var settings = server.settings
            settings.retries = 2
            let fetcher = HTTPFetcher(settings: settings)
            defer { fetcher.shutdown() }
            let response = fetcher.fetch([FetchRequest(url: server.base + "/down")])[0]
            #expect(response.record.error == "http-503")
            #expect(response.attempts == 3)
            #expect(server.hits("/down") == 3)
        }
    }

    @Test func redirectChainAndLoop() throws {
        try Self.withServer({ path, _ in
            switch path {
            case "/r1": return .status(301, headers: [("Location", "/r2")])
            case "/r2": return .status(302, headers: [("Location", "r3")])
            case "/r3": return .status(307, headers: [("Location", "/final")])
            case "/final": return .html(HTTPFetcherTests.page)
            case "/loop-a": return .status(302, headers: [("Location", "/loop-b")])
            case "/loop-b": return .status(302, headers: [("Location", "/loop-a")])
            case let long where long.hasPrefix("/long/"):
                let n = Int(long.dropFirst(6))!
                return .status(302, headers: [("Location", "/long/\(n + 1)")])
            // Refused loopback spellings only: even if the policy regressed, nothing leaves the machine.
            // (169.254.169.254 and the private ranges are covered without traffic in FetchParsingTests.)
            case "/to-metadata": return .status(302, headers: [("Location", "http://127.0.0.2:1/latest/meta-data/")])
            case "/to-localhost": return .status(302, headers: [("Location", "http://localhost:1/admin")])
            case "/to-file": return .status(302, headers: [("Location", "file:///etc/passwd")])
            default: return .status(404)
            }
        }) { server in
            let fetcher = HTTPFetcher(settings: server.settings)
            defer { fetcher.shutdown() }
            let responses = fetcher.fetch(["/r1", "/loop-a", "/long/0", "/to-metadata", "/to-localhost", "/to-file"].map { FetchRequest(url: server.base + $0) })
            #expect(responses[0].disposition == .stored)
            #expect(responses[0].record.finalUrl == server.base + "/final")
            #expect(responses[0].redirects == [server.base + "/r2", server.base + "/r3", server.base + "/final"])
            #expect(responses[1].record.error == "redirect-loop")
            #expect(responses[2].record.error == "too-many-redirects")
            #expect(server.hits("/long/5") == 1)
            #expect(server.hits("/long/6") == 0)
            #expect(responses[3].record.error == "private-address")
            #expect(responses[4].record.error == "private-address")
            #expect(responses[5].record.error == "unsupported-scheme")
        }
    }

    @Test func slowServerTimesOut() throws {
        try Self.withServer({ _, _ in .hang }) { server in
            var settings = server.settings
            settings.readTimeoutMs = 300
            settings.totalTimeoutMs = 300
            settings.retries = 1
            let fetcher = HTTPFetcher(settings: settings)
            defer { fetcher.shutdown() }
            let started = ContinuousClock.now
            let response = fetcher.fetch([FetchRequest(url: server.base + "/slow")])[0]
            #expect(response.disposition == .rejected)
            #expect(["timeout", "read-timeout"].contains(response.record.error ?? ""))
            #expect(response.attempts == 2)
            #expect(ContinuousClock.now - started < .seconds(30))
        }
    }

    @Test func endlessBodyIsCut() throws {
        try Self.withServer({ _, _ in .endless(headers: [("Content-Type", "text/html")]) }) { server in
            var settings = server.settings
            settings.maxBytes = 1_000_000
            let fetcher = HTTPFetcher(settings: settings)
            defer { fetcher.shutdown() }
            let response = fetcher.fetch([FetchRequest(url: server.base + "/endless")])[0]
            #expect(response.record.error == "too-large")
            #expect(response.record.hash == nil)
            #expect(response.body == nil)
        }
    }

    @Test func declaredLengthOverCapIsNotRead() throws {
        try Self.withServer({ _, _ in .html(String(repeating: "x", count: 5_000)) }) { server in
            var settings = server.settings
            settings.maxBytes = 1_000
            let fetcher = HTTPFetcher(settings: settings)
            defer { fetcher.shutdown() }
            #expect(fetcher.fetch([FetchRequest(url: server.base + "/big")])[0].record.error == "too-large")
        }
    }

    @Test func gzipBodiesAndBomb() throws {
        let page = Array(String(repeating: "<p>The central bank held rates.</p>", count: 200).utf8)
        let gz = FetchGzip.compress(page)
        let bomb = FetchGzip.compress([UInt8](repeating: 0x20, count: 50_000_000), level: 9)
        try Self.withServer({ path, _ in
            switch path {
            case "/gz": return .respond(status: 200, headers: [("Content-Type", "text/html"), ("Content-Encoding", "gzip")], body: gz)
            case "/bomb": return .respond(status: 200, headers: [("Content-Type", "text/html"), ("Content-Encoding", "gzip")], body: bomb)
            default: return .status(404)
            }
        }) { server in
            let fetcher = HTTPFetcher(settings: server.settings)
            defer { fetcher.shutdown() }
            let responses = fetcher.fetch([FetchRequest(url: server.base + "/gz"), FetchRequest(url: server.base + "/bomb")])
            #expect(responses[0].disposition == .stored)
            #expect(responses[0].body == page)
            #expect(responses[0].record.bytes == page.count)
            #expect(server.requests("/gz")[0].headers["accept-encoding"] == "gzip, deflate")
            #expect(responses[1].record.error == "decompression-bomb")
        }
    }

    @Test func robotsTxtIsObeyed() throws {
        try Self.withServer({ path, _ in
            switch path {
            case "/robots.txt": return .respond(status: 200, headers: [("Content-Type", "text/plain")],
                                                body: Array("User-agent: *\nDisallow: /private/\n\nUser-agent: newspipe\nDisallow: /drafts/\n".utf8))
            default: return .html(HTTPFetcherTests.page)
            }
        }) { server in
            var settings = server.settings
            settings.respectRobots = true
            let fetcher = HTTPFetcher(settings: settings)
            defer { fetcher.shutdown() }
            let responses = fetcher.fetch(["/news/a", "/drafts/b", "/private/c", "/news/d"].map { FetchRequest(url: server.base + $0) })
            #expect(responses.map(\.disposition) == [.stored, .rejected, .stored, .stored])
            #expect(responses[1].record.error == "robots-disallowed")
            #expect(server.hits("/robots.txt") == 1)
            #expect(server.hits("/drafts/b") == 0)
        }
        // An unavailable robots.txt (5xx) means: crawl nothing of that host for now, and say why.
        try Self.withServer({ path, _ in path == "/robots.txt" ? .status(500) : .html(HTTPFetcherTests.page) }) { server in
            var settings = server.settings
            settings.respectRobots = true
            settings.retries = 0
            let fetcher = HTTPFetcher(settings: settings)
            defer { fetcher.shutdown() }
            #expect(fetcher.fetch([FetchRequest(url: server.base + "/x")])[0].record.error == "robots-unavailable")
            #expect(server.hits("/x") == 0)
        }
    }

    @Test func perHostDelaySpacesRequests() throws {
        try Self.withServer({ _, _ in .html(HTTPFetcherTests.page) }) { server in
            var settings = server.settings
            settings.perHostConcurrency = 2
            settings.perHostDelayMs = 20
            let fetcher = HTTPFetcher(settings: settings)
            defer { fetcher.shutdown() }
            let started = ContinuousClock.now
            let responses = fetcher.fetch((0 ..< 10).map { FetchRequest(url: server.base + "/p\($0)") })
            #expect(responses.allSatisfy { $0.disposition == .stored })
            // Ten starts spaced by 20 ms take at least 180 ms.
            #expect(ContinuousClock.now - started >= .milliseconds(180))
        }
    }

    @Test func perHostAndGlobalConcurrencyAreBounded() throws {
        try Self.withServer({ _, _ in .delayed(milliseconds: 50, .html(HTTPFetcherTests.page)) }) { server in
            var settings = server.settings
            settings.perHostConcurrency = 3
            let fetcher = HTTPFetcher(settings: settings)
            defer { fetcher.shutdown() }
            let responses = fetcher.fetch((0 ..< 24).map { FetchRequest(url: server.base + "/p\($0)") })
            #expect(responses.allSatisfy { $0.disposition == .stored })
            #expect(server.active.withLock { $0.peak } <= 3)
            #expect(server.active.withLock { $0.peak } >= 1)
        }
        try Self.withServer({ _, _ in .delayed(milliseconds: 50, .html(HTTPFetcherTests.page)) }) { server in
            var settings = server.settings
            settings.globalConcurrency = 2
            settings.perHostConcurrency = 16
            let fetcher = HTTPFetcher(settings: settings)
            defer { fetcher.shutdown() }
            let responses = fetcher.fetch((0 ..< 12).map { FetchRequest(url: server.base + "/q\($0)") })
            #expect(responses.allSatisfy { $0.disposition == .stored })
            #expect(server.active.withLock { $0.peak } <= 2)
        }
    }
}
