import Foundation
import Testing
import NewsTestSupport
@testable import NewsFetch
@testable import NewsIO
@testable import NewsRecords

/// Issue 18, items 12a and 12c: connections go to the address the policy checked (DNS rebinding),
/// and HTTPS is verified, with a private CA trusted only through `caCertificatesFile`.
///
/// A stand-in resolver plays DNS: it answers names like `news.test` with loopback addresses, so
/// every packet stays on this machine; the HTTP client's own resolver (getaddrinfo) would not know
/// these names at all, or would answer `localhost` differently.
@Suite("Fetch: pinned connections and TLS against loopback servers", .serialized)
struct FetchPinningTLSTests {
    static let page = "<html><body><p>The central bank held rates.</p></body></html>"

    /// A resolver from a table, counting lookups; a name may answer differently each time.
    final class TableResolver: Sendable {
        let answers: [String: [[FetchIPAddress]]]
        let lookups = FetchLocked<[String: Int]>([:])

        init(_ answers: [String: [[String]]]) {
            self.answers = answers.mapValues { $0.map { $0.compactMap(FetchIPAddress.init(literal:)) } }
        }

        var resolver: FetchResolver {
            FetchResolver { [self] host in
                let n = lookups.withLock { counts -> Int in counts[host, default: 0] += 1; return counts[host]! - 1 }
                guard let list = answers[host], !list.isEmpty else { return [] }
                return list[min(n, list.count - 1)]
            }
        }

        func count(_ host: String) -> Int { lookups.withLock { $0[host] ?? 0 } }
    }

    /// Two servers on one port: the one the policy checks (127.0.0.2) and the one a second DNS answer
    /// (rebinding) or the system resolver would lead to (127.0.0.1, standing for an internal service).
    static func twoServers(_ body: (_ checked: FetchTestServer, _ other: FetchTestServer) throws -> Void) throws {
        var attempt = 0
        while true {
            let checked = try FetchTestServer(host: "127.0.0.2", route: { _, _ in .html(FetchPinningTLSTests.page) })
            let other: FetchTestServer
            do {
                other = try FetchTestServer(host: "127.0.0.1", port: checked.port, route: { _, _ in .html("<html><body>internal</body></html>") })
            } catch {
                checked.shutdown() // the port is taken on 127.0.0.1: try another
                attempt += 1
                if attempt >= 5 { throw error }
                continue
            }
            defer { other.shutdown(); checked.shutdown() }
            try body(checked, other)
            return
        }
    }

    // MARK: 12a: DNS rebinding

    @Test func connectionGoesToTheCheckedAddressNotASecondAnswer() throws {
        try Self.twoServers { checked, other in
            let port = checked.port
            // First answer 127.0.0.2 (allowed below); every later answer 127.0.0.1 (refused).
            let dns = TableResolver(["rebind.test": [["127.0.0.2"], ["127.0.0.1"]]])
            var settings = checked.settings
            settings.allowHosts = ["127.0.0.2/32"]
            let fetcher = HTTPFetcher(settings: settings, resolver: dns.resolver)
            defer { fetcher.shutdown() }
            for path in ["/a", "/b", "/c"] { // separate calls: nothing may resolve the name again
                let response = fetcher.fetch([FetchRequest(url: "http://rebind.test:\(port)\(path)")])[0]
                #expect(response.disposition == .stored, "\(response.reason ?? "") \(response.detail ?? "")")
            }
            #expect(checked.hits("/a") + checked.hits("/b") + checked.hits("/c") == 3)
            #expect(other.seen.withLock { $0.count } == 0)
            #expect(dns.count("rebind.test") == 1)
            // The server saw the name, not the address.
            #expect(checked.requests("/a").first?.headers["host"] == "rebind.test:\(port)")
        }
    }

    @Test func systemResolverIsNotAskedAgain() throws {
        // The policy's resolver says localhost is 127.0.0.2; getaddrinfo would say 127.0.0.1.
        try Self.twoServers { checked, other in
            let dns = TableResolver(["localhost": [["127.0.0.2"]]])
            var settings = checked.settings
            settings.allowHosts = ["127.0.0.2/32"]
            let fetcher = HTTPFetcher(settings: settings, resolver: dns.resolver)
            defer { fetcher.shutdown() }
            let response = fetcher.fetch([FetchRequest(url: "http://localhost:\(checked.port)/page")])[0]
            #expect(response.disposition == .stored, "\(response.reason ?? "") \(response.detail ?? "")")
            #expect(checked.hits("/page") == 1)
            #expect(other.hits("/page") == 0)
        }
    }

    @Test func everyAnswerIsCheckedAndOnlyCheckedAnswersAreTried() throws {
        try Self.twoServers { checked, other in
            let port = checked.port
            let dns = TableResolver([
                // One refused address among the answers refuses the host.
                "mixed.test": [["127.0.0.2", "10.0.0.1"]],
                // 127.0.0.3 refuses connections: the next checked address is tried.
                "fallback.test": [["127.0.0.3", "127.0.0.2"]],
                "nowhere.test": [[]],
            ])
            var settings = checked.settings
            settings.allowHosts = ["127.0.0.2/32", "127.0.0.3/32"]
            settings.retries = 0
            let fetcher = HTTPFetcher(settings: settings, resolver: dns.resolver)
            defer { fetcher.shutdown() }
            let responses = fetcher.fetch(["mixed.test", "fallback.test", "nowhere.test"].map { FetchRequest(url: "http://\($0):\(port)/x") })
            #expect(responses[0].record.error == "private-address")
            #expect(responses[0].detail?.contains("10.0.0.1") == true)
            #expect(responses[1].disposition == .stored, "\(responses[1].reason ?? "") \(responses[1].detail ?? "")")
            #expect(responses[2].record.error == "dns-failed")
            #expect(checked.hits("/x") == 1)
            #expect(other.hits("/x") == 0)
        }
    }

    @Test func redirectToANameIsCheckedAndPinnedToo() throws {
        try Self.twoServers { checked, other in
            let port = checked.port
            let start = try FetchTestServer(route: { _, _ in .status(302, headers: [("Location", "http://second.test:\(port)/landing")]) })
            defer { start.shutdown() }
            let dns = TableResolver(["second.test": [["127.0.0.2"], ["127.0.0.1"]]])
            var settings = checked.settings
            settings.allowHosts = ["127.0.0.2/32", "127.0.0.1:\(start.port)"]
            let fetcher = HTTPFetcher(settings: settings, resolver: dns.resolver)
            defer { fetcher.shutdown() }
            let response = fetcher.fetch([FetchRequest(url: start.base + "/go")])[0]
            #expect(response.disposition == .stored)
            #expect(checked.hits("/landing") == 1)
            #expect(other.hits("/landing") == 0)
        }
    }

    // MARK: 12c: TLS

    static func tlsServer(_ certificates: FetchTestCertificates) throws -> FetchTestServer {
        try FetchTestServer(tls: (certificates.serverPEM, certificates.serverKeyPEM),
                            requestRoute: { _, _ in .html(FetchPinningTLSTests.page) })
    }

    static func caFile(_ pem: String) throws -> URL {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("fetch-ca-\(UUID().uuidString).pem")
        try Data(pem.utf8).write(to: file)
        return file
    }

    @Test func httpsWithTheTestCATrusted() throws {
        let certificates = try FetchTestCertificates(names: ["news.test"])
        let server = try Self.tlsServer(certificates)
        defer { server.shutdown() }
        let ca = try Self.caFile(certificates.caPEM)
        defer { try? FileManager.default.removeItem(at: ca) }
        let dns = TableResolver(["news.test": [["127.0.0.1"]]])
        var settings = server.settings
        settings.allowHosts = ["news.test:\(server.port)"]
        settings.caCertificatesFile = ca.path
        let fetcher = HTTPFetcher(settings: settings, resolver: dns.resolver)
        defer { fetcher.shutdown() }
        let response = fetcher.fetch([FetchRequest(url: "https://news.test:\(server.port)/story")])[0]
        #expect(response.disposition == .stored, "\(response.reason ?? "") \(response.detail ?? "")")
        #expect(response.body == Array(Self.page.utf8))
        #expect(response.record.status == 200)
        // Connected by address, but TLS named the host (SNI) and HTTP sent its name.
        #expect(server.serverNames.withLock { $0 }.contains("news.test"))
        #expect(server.requests("/story").first?.headers["host"] == "news.test:\(server.port)")
    }

    @Test func httpsRefusesAnUntrustedCertificateByDefault() throws {
        let certificates = try FetchTestCertificates(names: ["news.test"])
        let server = try Self.tlsServer(certificates)
        defer { server.shutdown() }
        let dns = TableResolver(["news.test": [["127.0.0.1"]]])
        var settings = server.settings
        settings.allowHosts = ["news.test:\(server.port)"]
        settings.retries = 2
        let fetcher = HTTPFetcher(settings: settings, resolver: dns.resolver)
        defer { fetcher.shutdown() }
        let response = fetcher.fetch([FetchRequest(url: "https://news.test:\(server.port)/story")])[0]
        #expect(response.disposition == .rejected)
        #expect(response.record.error == "tls-failed", "\(response.detail ?? "")")
        #expect(response.attempts == 1) // a certificate does not get better by asking again
        #expect(server.seen.withLock { $0.count } == 0)
    }

    @Test func httpsRefusesACertificateForAnotherName() throws {
        let certificates = try FetchTestCertificates(names: ["news.test"])
        let server = try Self.tlsServer(certificates)
        defer { server.shutdown() }
        let ca = try Self.caFile(certificates.caPEM)
        defer { try? FileManager.default.removeItem(at: ca) }
        let dns = TableResolver(["other.test": [["127.0.0.1"]]])
        var settings = server.settings
        settings.allowHosts = ["other.test:\(server.port)"]
        settings.caCertificatesFile = ca.path
        let fetcher = HTTPFetcher(settings: settings, resolver: dns.resolver)
        defer { fetcher.shutdown() }
        let response = fetcher.fetch([FetchRequest(url: "https://other.test:\(server.port)/story")])[0]
        #expect(response.record.error == "tls-failed", "\(response.detail ?? "")")
        #expect(server.seen.withLock { $0.count } == 0)
    }

    @Test func unreadableCAFileIsNamed() throws {
        var settings = FetchNetworkSettings()
        settings.caCertificatesFile = "/nonexistent/newspipe-ca.pem"
        settings.allowHosts = ["127.0.0.1/32"]
        let fetcher = HTTPFetcher(settings: settings)
        defer { fetcher.shutdown() }
        let response = fetcher.fetch([FetchRequest(url: "https://127.0.0.1:1/")])[0]
        #expect(response.record.error == "tls-failed")
        #expect(response.detail?.contains("/nonexistent/newspipe-ca.pem") == true)
    }
}
