import Foundation
import Testing
import NewsTestSupport
@testable import NewsFetch
@testable import NewsIO
@testable import NewsRecords

/// Issue 18, items 11 and 12b: what a robots.txt that cannot be had means for a page, and IPv6
/// addresses that carry a refused IPv4 address. Servers are on loopback only.
@Suite("Fetch: robots.txt failures and IPv6 transition addresses", .serialized)
struct FetchHardeningTests {
    static let page = "<html><body><p>The central bank held rates.</p></body></html>"

    // MARK: Item 11: an unreachable host is reported as such, not as a robots.txt disallow

    /// A port on 127.0.0.1 where nothing listens: a server is started to learn a free port, then closed.
    static func closedPort() throws -> Int {
        let server = try FetchTestServer(route: { _, _ in .status(404) })
        let port = server.port
        server.shutdown()
        return port
    }

    @Test func hostDownIsConnectionRefusedNotRobotsDisallowed() throws {
        let port = try Self.closedPort()
        var settings = FetchNetworkSettings()
        settings.allowHosts = ["127.0.0.1:\(port)"]
        settings.respectRobots = true
        settings.retries = 0
        settings.perHostDelayMs = 0
        let fetcher = HTTPFetcher(settings: settings)
        defer { fetcher.shutdown() }
        let responses = fetcher.fetch([FetchRequest(url: "http://127.0.0.1:\(port)/a"), FetchRequest(url: "http://127.0.0.1:\(port)/b")])
        for response in responses {
            #expect(response.disposition == .rejected)
            #expect(response.record.error == "connection-refused", "\(response.detail ?? "")")
            #expect(response.detail?.contains("robots.txt of 127.0.0.1 could not be fetched") == true, "\(response.detail ?? "")")
            #expect(response.detail?.contains("disallows") == false)
        }
    }

    @Test func hostDownWithoutRobotsIsConnectionRefused() throws {
        let port = try Self.closedPort()
        var settings = FetchNetworkSettings()
        settings.allowHosts = ["127.0.0.1:\(port)"]
        settings.respectRobots = false
        settings.retries = 1
        settings.backoffBaseMs = 1
        settings.backoffMaxMs = 5
        let fetcher = HTTPFetcher(settings: settings)
        defer { fetcher.shutdown() }
        let response = fetcher.fetch([FetchRequest(url: "http://127.0.0.1:\(port)/a")])[0]
        #expect(response.record.error == "connection-refused", "\(response.detail ?? "")")
        #expect(response.attempts == 2) // refused connections are retried
    }

    @Test func robotsServerErrorIsUnavailableNotDisallowed() throws {
        let server = try FetchTestServer(route: { path, _ in path == "/robots.txt" ? .status(503) : .html(FetchHardeningTests.page) })
        defer { server.shutdown() }
        var settings = server.settings
        settings.respectRobots = true
        settings.retries = 0
        let fetcher = HTTPFetcher(settings: settings)
        defer { fetcher.shutdown() }
        let response = fetcher.fetch([FetchRequest(url: server.base + "/x")])[0]
        #expect(response.record.error == "robots-unavailable")
        #expect(response.detail?.contains("HTTP 503") == true, "\(response.detail ?? "")")
        // RFC 9309 2.3.1.4: complete disallow while robots.txt is unavailable.
        #expect(server.hits("/x") == 0)
    }

    @Test func robotsThatNeverAnswersIsATimeout() throws {
        let server = try FetchTestServer(route: { path, _ in path == "/robots.txt" ? .hang : .html(FetchHardeningTests.page) })
        defer { server.shutdown() }
        var settings = server.settings
        settings.respectRobots = true
        settings.retries = 0
        settings.readTimeoutMs = 200
        settings.totalTimeoutMs = 200
        let fetcher = HTTPFetcher(settings: settings)
        defer { fetcher.shutdown() }
        let response = fetcher.fetch([FetchRequest(url: server.base + "/x")])[0]
        #expect(["timeout", "read-timeout"].contains(response.record.error ?? ""), "\(response.record.error ?? "nil")")
        #expect(server.hits("/x") == 0)
    }

    @Test func robotsMissingAllowsEverything() throws {
        let server = try FetchTestServer(route: { path, _ in path == "/robots.txt" ? .status(404) : .html(FetchHardeningTests.page) })
        defer { server.shutdown() }
        var settings = server.settings
        settings.respectRobots = true
        let fetcher = HTTPFetcher(settings: settings)
        defer { fetcher.shutdown() }
        #expect(fetcher.fetch([FetchRequest(url: server.base + "/x")])[0].disposition == .stored)
    }

    // MARK: Item 12b: IPv6 transition addresses are judged by the IPv4 address they carry

    @Test(arguments: [
        // 6to4 (RFC 3056): 2002:AABB:CCDD::/48 carries AA.BB.CC.DD.
        ("2002:7f00:1::", "loopback in 6to4"), ("2002:7f00:0001:0:0:0:0:1", "loopback in 6to4"),
        ("2002:7f01:0203:ffff::1", "loopback in 6to4"), ("2002:a00:1::1", "private in 6to4"),
        ("2002:ac10:1::", "private in 6to4"), ("2002:c0a8:101::", "private in 6to4"),
        ("2002:a9fe:a9fe::", "link-local in 6to4"), ("2002::", "unspecified in 6to4"), ("2002:6440:1::", "cgnat in 6to4"),
        // NAT64 (RFC 6052) well-known prefix 64:ff9b::/96, and the local-use prefix (RFC 8215).
        ("64:ff9b::7f00:1", "loopback in NAT64"), ("64:ff9b::10.0.0.1", "private in NAT64"),
        ("64:ff9b::169.254.169.254", "link-local in NAT64"), ("64:ff9b:1::a00:1", "nat64-local-use"),
        ("64:ff9b:1:ffff::8.8.8.8", "nat64-local-use"),
        // IPv4-mapped, IPv4-compatible, SIIT IPv4-translated.
        ("::ffff:127.0.0.1", "loopback in IPv4-mapped"), ("::ffff:7f00:1", "loopback in IPv4-mapped"),
        ("::ffff:10.1.2.3", "private in IPv4-mapped"), ("::ffff:169.254.169.254", "link-local in IPv4-mapped"),
        ("::127.0.0.1", "loopback in IPv4-compatible"), ("::192.168.0.1", "private in IPv4-compatible"),
        ("::ffff:0:127.0.0.1", "loopback in SIIT"), ("::ffff:0:a00:1", "private in SIIT"),
        // Teredo (RFC 4380): 2001:0:SERVER:flags:port:~CLIENT.
        ("2001:0:4136:e378:8000:63bf:80ff:fffe", "loopback in Teredo client"),      // client 127.0.0.1
        ("2001:0:4136:e378:8000:63bf:3f57:fefe", "private in Teredo client"),       // client 192.168.1.1
        ("2001:0:a00:1:8000:63bf:f7f7:f7f7", "private in Teredo server"),          // server 10.0.0.1
        ("2001:0:7f00:1::", "loopback in Teredo server"),
        // Other IPv6 ranges that reach nothing public.
        ("100::1", "discard"), ("2001:db8::1", "documentation"),
    ])
    func transitionAddressesCarryingRefusedIPv4(_ address: String, _ range: String) throws {
        let parsed = try #require(FetchIPAddress(literal: address))
        #expect(parsed.refusedRange == range)
    }

    @Test(arguments: [
        "2002:808:808::1",                         // 6to4 of 8.8.8.8
        "64:ff9b::8.8.8.8", "64:ff9b::5db8:d822",  // NAT64 of public addresses
        "::ffff:8.8.8.8", "::ffff:0:8.8.8.8",
        "2001:0:4136:e378:8000:63bf:f7f7:f7f7",    // Teredo, public server and client 8.8.8.8
        "2001:4860:4860::8888", "2606:4700::1111", "2a00:1450::1",
    ])
    func transitionAddressesCarryingPublicIPv4(_ address: String) throws {
        #expect(try #require(FetchIPAddress(literal: address)).refusedRange == nil)
    }

    @Test func transitionAddressesInURLsAreRefused() throws {
        let policy = FetchAddressPolicy()
        for url in ["http://[2002:7f00:1::]/", "http://[2002:7f00:1::1]:8080/admin", "http://[64:ff9b::7f00:1]/",
                    "http://[::ffff:0:7f00:1]/", "http://[2001:0:4136:e378:8000:63bf:80ff:fffe]/", "http://[2002:a9fe:a9fe::]/latest/meta-data/"] {
            #expect(policy.check(URL(string: url)!)?.reason == "private-address", "\(url)")
        }
    }
}

/// robotsMaxBytes: a long robots.txt is read up to the cap and the rest ignored (RFC 9309 2.5),
/// instead of failing as too large and closing the whole host.
@Suite("Fetch: robots.txt size cap", .serialized)
struct FetchRobotsSizeTests {
    @Test(arguments: [false, true])
    func longRobotsIsCutNotFatal(gzip: Bool) throws {
        let text = "User-agent: *\nDisallow: /early/\n" + String(repeating: "# padding\n", count: 200) + "Disallow: /late/\n"
        let body = gzip ? FetchGzip.compress(Array(text.utf8)) : Array(text.utf8)
        let server = try FetchTestServer(route: { path, _ in
            if path == "/robots.txt" {
                return .respond(status: 200, headers: [("Content-Type", "text/plain")] + (gzip ? [("Content-Encoding", "gzip")] : []), body: body)
            }
            return .html(FetchHardeningTests.page)
        })
        defer { server.shutdown() }
        var settings = server.settings
        settings.respectRobots = true
        settings.robotsMaxBytes = 500
        settings.maxBytes = 1_000 // pages may be this large; robots.txt is capped by robotsMaxBytes alone
        let fetcher = HTTPFetcher(settings: settings)
        defer { fetcher.shutdown() }
        let responses = fetcher.fetch([FetchRequest(url: server.base + "/early/a"), FetchRequest(url: server.base + "/late/b")])
        #expect(responses[0].record.error == "robots-disallowed")
        #expect(responses[1].disposition == .stored, "\(responses[1].reason ?? "") \(responses[1].detail ?? "")")
    }
}
