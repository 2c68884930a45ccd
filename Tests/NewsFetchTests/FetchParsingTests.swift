import Foundation
import Testing
@testable import NewsFetch
@testable import MarkupTree
@testable import NewsIO
@testable import NewsRecords

@Suite("Fetch: feeds, sitemaps, WARC, robots, address policy, decompression")
struct FetchParsingTests {
    // MARK: Feeds

    static func rss(items: Int, host: String = "news.example") -> String {
        var text = #"<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel><title>Wire</title>"#
        for index in 0 ..< items {
            text += "<item><title>Story \(index) &amp; more</title><link>https://\(host)/2026/story-\(index).html</link>"
            text += "<guid isPermaLink=\"false\">id-\(index)</guid><pubDate>Thu, 26 Nov 2026 08:00:00 GMT</pubDate></item>"
        }
        return text + "</channel></rss>"
    }

    @Test func rssFeedWithThousandItems() throws {
        let feed = try FeedParser.parse(Array(Self.rss(items: 1_000).utf8), base: URL(string: "https://news.example/feed.xml"))
        #expect(feed.format == "rss")
        #expect(feed.title == "Wire")
        #expect(feed.items.count == 1_000)
        #expect(feed.items[0].url == "https://news.example/2026/story-0.html")
        #expect(feed.items[999].url == "https://news.example/2026/story-999.html")
        #expect(feed.items[3].title == "Story 3 & more")
        #expect(feed.items[3].guid == "id-3")
        #expect(feed.items[3].published == "Thu, 26 Nov 2026 08:00:00 GMT")
    }

    @Test func rssPermalinkGuidAndRelativeLinksAndJunk() throws {
        let text = """
        <rss version="2.0"><channel><title>T</title>
        <item><guid>https://a.example/p1</guid></item>
        <item><link>/relative/p2#comments</link></item>
        <item><link>javascript:alert(1)</link></item>
        <item><link>https://a.example/p1</link></item>
        <item><title>no link</title></item>
        </channel></rss>
        """
        let feed = try FeedParser.parse(Array(text.utf8), base: URL(string: "https://a.example/feeds/all.xml"))
        #expect(feed.items.map(\.url) == ["https://a.example/p1", "https://a.example/relative/p2"])
    }

    @Test func atomFeed() throws {
        let text = """
        <?xml version="1.0" encoding="utf-8"?>
        <feed xmlns="http://www.w3.org/2005/Atom"><title>Atom wire</title>
          <entry><title>One</title><id>tag:a,2026:1</id><updated>2026-11-26T08:00:00Z</updated>
            <link rel="self" href="https://a.example/self"/><link rel="alternate" type="text/html" href="https://a.example/one"/></entry>
          <entry><title>Two</title><link href="two.html"/><published>2026-11-25T08:00:00Z</published></entry>
        </feed>
        """
        let feed = try FeedParser.parse(Array(text.utf8), base: URL(string: "https://a.example/news/atom.xml"))
        #expect(feed.format == "atom")
        #expect(feed.items.map(\.url) == ["https://a.example/one", "https://a.example/news/two.html"])
        #expect(feed.items[0].guid == "tag:a,2026:1")
        #expect(feed.items[1].published == "2026-11-25T08:00:00Z")
    }

    @Test(arguments: [
        "",
        "not xml at all",
        "<rss><channel><item><link>https://a.example/x</link></item>",   // unclosed
        "<html><body>oops</body></html>",                                 // wrong root
        "<rss version=\"2.0\"></rss>",                                    // no channel
        "<?xml version=\"1.0\"?><rss><channel><item><link>https://a.example/\u{1}</link></item></channel></rss>",
    ])
    func malformedFeedsThrow(_ text: String) {
        #expect(throws: XMLTreeError.self) { try FeedParser.parse(Array(text.utf8), base: nil) }
    }

    static let billionLaughs = """
    <?xml version="1.0"?>
    <!DOCTYPE rss [
      <!ENTITY lol "lol">
      <!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
      <!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;">
      <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
      <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
      <!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
      <!ENTITY lol6 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;">
      <!ENTITY lol7 "&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;">
      <!ENTITY lol8 "&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;">
      <!ENTITY lol9 "&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;">
    ]>
    <rss version="2.0"><channel><title>&lol9;</title>
    <item><title>&lol9;</title><link>https://a.example/bomb</link></item></channel></rss>
    """

    @Test func entityExpansionBombIsRefused() {
        #expect(throws: XMLTreeError.entitiesForbidden) { try FeedParser.parse(Array(Self.billionLaughs.utf8), base: nil) }
    }

    /// Even without the up-front refusal, libxml2 with our options neither expands the entities
    /// into the copied tree nor blows up: a billion "lol"s would be 3 GB.
    @Test func entityBombWithoutPrecheckStaysSmall() throws {
        let started = ContinuousClock.now
        do {
            let root = try XMLTree.parse(Array(Self.billionLaughs.utf8), checkEntities: false)
            func size(_ element: XMLTreeElement) -> Int { element.text.utf8.count + element.children.map(size).reduce(0, +) }
            #expect(size(root) < 10_000)
        } catch let error as XMLTreeError {
            // libxml2 may also refuse the document as an entity loop / amplification: equally safe.
            if case .malformed = error {} else { Issue.record("unexpected \(error)") }
        }
        #expect(ContinuousClock.now - started < .seconds(20))
    }

    @Test func externalEntityIsRefused() {
        let text = #"<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY xxe SYSTEM "file:///etc/passwd">]><rss><channel><title>&xxe;</title></channel></rss>"#
        #expect(throws: XMLTreeError.entitiesForbidden) { try FeedParser.parse(Array(text.utf8), base: nil) }
    }

    // MARK: Sitemaps

    @Test func newsSitemap() throws {
        let text = """
        <?xml version="1.0" encoding="UTF-8"?>
        <urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" xmlns:news="http://www.google.com/schemas/sitemap-news/0.9">
          <url><loc>https://a.example/business/rates.html</loc><lastmod>2026-11-26</lastmod>
            <news:news><news:publication><news:name>A</news:name><news:language>en</news:language></news:publication>
              <news:publication_date>2026-11-26T07:30:00+00:00</news:publication_date><news:title>Rates held</news:title></news:news></url>
          <url><loc> https://a.example/plain.html </loc></url>
          <url><loc>ftp://a.example/file</loc></url>
        </urlset>
        """
        guard case let .urls(entries) = try SitemapParser.parse(Array(text.utf8), base: nil) else { Issue.record("not a urlset"); return }
        #expect(entries.count == 2)
        #expect(entries[0].url == "https://a.example/business/rates.html")
        #expect(entries[0].publicationDate == "2026-11-26T07:30:00+00:00")
        #expect(entries[0].title == "Rates held")
        #expect(entries[0].lastModified == "2026-11-26")
        #expect(entries[1].url == "https://a.example/plain.html")
    }

    @Test func sitemapIndexAndGzip() throws {
        let text = """
        <sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
          <sitemap><loc>https://a.example/s1.xml</loc></sitemap><sitemap><loc>/s2.xml.gz</loc></sitemap>
        </sitemapindex>
        """
        let gz = FetchGzip.compress(Array(text.utf8))
        #expect(gz.count > 10 && gz[0] == 0x1F)
        guard case let .index(children) = try SitemapParser.parse(gz, base: URL(string: "https://a.example/index.xml")) else {
            Issue.record("not an index"); return
        }
        #expect(children == ["https://a.example/s1.xml", "https://a.example/s2.xml.gz"])
        #expect(throws: XMLTreeError.self) { try SitemapParser.parse(Array("<rss/>".utf8), base: nil) }
    }

    // MARK: WARC

    static func warcRecord(type: String, uri: String, block: [UInt8], date: String = "2026-11-26T06:00:00Z") -> [UInt8] {
        var head = "WARC/1.0\r\nWARC-Type: \(type)\r\nWARC-Target-URI: \(uri)\r\nWARC-Date: \(date)\r\n"
        head += "WARC-Record-ID: <urn:uuid:\(UUID().uuidString)>\r\n"
        head += "Content-Type: application/http; msgtype=\(type == "request" ? "request" : "response")\r\nContent-Length: \(block.count)\r\n\r\n"
        return Array(head.utf8) + block + Array("\r\n\r\n".utf8)
    }

    static func httpBlock(status: Int = 200, type: String = "text/html; charset=windows-1252", extra: String = "", body: [UInt8]) -> [UInt8] {
        Array("HTTP/1.1 \(status) OK\r\nContent-Type: \(type)\r\nETag: \"v1\"\r\n\(extra)Content-Length: \(body.count)\r\n\r\n".utf8) + body
    }

    /// A CC-NEWS style file: warcinfo, then request/response pairs, one gzip member per record.
    static func writeWARC(to file: URL, gzip: Bool) throws -> [String] {
        var records: [[UInt8]] = [Self.warcRecord(type: "warcinfo", uri: "", block: Array("software: test\r\n".utf8))]
        var pages: [String] = []
        for index in 0 ..< 20 {
            let uri = "https://a.example/page-\(index).html"
            let body = Array("<html><head><title>P\(index)</title></head><body><p>\(String(repeating: "text \(index) ", count: 200))</p></body></html>".utf8)
            records.append(Self.warcRecord(type: "request", uri: uri, block: Array("GET / HTTP/1.1\r\nHost: a.example\r\n\r\n".utf8)))
            if index == 5 {
                records.append(Self.warcRecord(type: "response", uri: uri, block: Self.httpBlock(type: "application/pdf", body: Array("%PDF-1.4".utf8))))
            } else if index == 6 {
                records.append(Self.warcRecord(type: "response", uri: uri, block: Self.httpBlock(status: 404, body: Array("missing".utf8))))
            } else if index == 7 {
                // Stored still compressed, as some crawlers do.
                records.append(Self.warcRecord(type: "response", uri: uri, block: Self.httpBlock(extra: "Content-Encoding: gzip\r\n", body: FetchGzip.compress(body))))
                pages.append(uri)
            } else {
                records.append(Self.warcRecord(type: "response", uri: uri, block: Self.httpBlock(body: body)))
                pages.append(uri)
            }
        }
        let bytes = gzip ? records.flatMap { FetchGzip.compress($0) } : records.flatMap { $0 }
        try Data(bytes).write(to: file)
        return pages
    }

    @Test(arguments: [true, false])
    func warcImport(gzip: Bool) throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("fetch-warc-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let file = folder.appendingPathComponent(gzip ? "news.warc.gz" : "news.warc")
        let pages = try Self.writeWARC(to: file, gzip: gzip)
        let store = ContentStore(root: folder.appendingPathComponent("objects"))
        var responses: [FetchResponse] = []
        try NetworkFetch.importWARC(file, store: store, settings: FetchNetworkSettings()) { responses.append($0) }
        #expect(responses.count == 20)
        let stored = responses.filter { $0.disposition == .stored }
        #expect(stored.map(\.record.url!) == pages)
        #expect(responses.first { $0.record.url == "https://a.example/page-5.html" }?.reason == "not-html")
        #expect(responses.first { $0.record.url == "https://a.example/page-6.html" }?.reason == "http-404")
        let page7 = try #require(stored.first { $0.record.url == "https://a.example/page-7.html" })
        let text = String(decoding: try store.get(page7.record.hash!), as: UTF8.self)
        #expect(text.hasPrefix("<html><head><title>P7</title>"))
        let first = stored[0].record
        #expect(first.status == 200)
        #expect(first.charset == "windows-1252")
        #expect(first.etag == "\"v1\"")
        #expect(first.fetchedAt == "2026-11-26T06:00:00Z")
        #expect(try store.get(first.hash!).count == first.bytes)
        // Sharding by record position covers every record exactly once.
        var shardCounts = 0
        for shard in 0 ..< 3 {
            try NetworkFetch.importWARC(file, store: store, settings: FetchNetworkSettings(), owns: { $0 % 3 == shard }) { _ in shardCounts += 1 }
        }
        #expect(shardCounts == 20)
    }

    @Test func warcTruncatedFileThrows() throws {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("fetch-bad-\(UUID().uuidString).warc")
        defer { try? FileManager.default.removeItem(at: file) }
        let record = Self.warcRecord(type: "response", uri: "https://a.example/", block: Self.httpBlock(body: Array("<html></html>".utf8)))
        try Data(record.prefix(record.count - 20)).write(to: file)
        let reader = try WARCReader(path: file)
        #expect(throws: WARCError.self) { _ = try reader.next() }
    }

    @Test func chunkedHTTPBodyInWARC() throws {
        let block = Array("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nContent-Type: text/html\r\n\r\n5\r\nhello\r\n6\r\n world\r\n0\r\n\r\n".utf8)
        let response = try WARCReader.parseHTTPResponse(block, maxBytes: 1000, maxRatio: 100)
        #expect(String(decoding: response.body, as: UTF8.self) == "hello world")
    }

    // MARK: robots.txt

    @Test func robotsLongestMatch() {
        let text = """
        User-agent: *
        Disallow: /private/
        Allow: /private/press/
        Disallow: /*.pdf$

        User-agent: otherbot
        Disallow: /
        """
        let rules = FetchRobotsRules(parsing: text, userAgent: "newspipe/1.0 (+https://x.example)")
        #expect(rules.allows(path: "/news/today.html"))
        #expect(!rules.allows(path: "/private/memo.html"))
        #expect(rules.allows(path: "/private/press/release.html"))
        #expect(!rules.allows(path: "/files/report.pdf"))
        #expect(rules.allows(path: "/files/report.pdf?download=1"))
        let other = FetchRobotsRules(parsing: text, userAgent: "OtherBot/2.0")
        #expect(!other.allows(path: "/news/today.html"))
    }

    @Test func robotsOwnGroupWinsOverStar() {
        let text = """
        User-agent: *
        Disallow: /

        User-agent: NewsPipe
        User-agent: someone-else
        Disallow: /admin
        Crawl-delay: 2
        """
        let rules = FetchRobotsRules(parsing: text, userAgent: "newspipe/1.0")
        #expect(rules.allows(path: "/business/story.html"))
        #expect(!rules.allows(path: "/admin/x"))
        #expect(rules.crawlDelaySeconds == 2)
        #expect(FetchRobotsRules(parsing: "User-agent: *\nDisallow:\n", userAgent: "newspipe").allows(path: "/anything"))
        #expect(FetchRobotsRules.disallowAll.allows(path: "/") == false)
    }

    @Test func robotsManyStarsStayCheap() {
        let rules = FetchRobotsRules(parsing: "User-agent: *\nDisallow: /" + String(repeating: "*a", count: 200) + "b\n", userAgent: "newspipe")
        let started = ContinuousClock.now
        #expect(rules.allows(path: "/" + String(repeating: "a", count: 5_000)))
        #expect(ContinuousClock.now - started < .seconds(10))
    }

    // MARK: Address policy

    @Test(arguments: [
        ("127.0.0.1", "loopback"), ("127.5.5.5", "loopback"), ("10.1.2.3", "private"), ("172.16.0.1", "private"),
        ("172.31.255.255", "private"), ("192.168.1.1", "private"), ("169.254.169.254", "link-local"), ("0.0.0.0", "unspecified"),
        ("100.64.0.1", "cgnat"), ("100.127.255.255", "cgnat"), ("::1", "loopback"), ("::", "unspecified"), ("fc00::1", "private"),
        ("fd12:3456::1", "private"), ("fe80::1", "link-local"), ("::ffff:127.0.0.1", "loopback in IPv4-mapped"), ("::ffff:169.254.169.254", "link-local in IPv4-mapped"),
    ])
    func refusedRanges(_ address: String, _ range: String) throws {
        let parsed = try #require(FetchIPAddress(literal: address))
        #expect(parsed.refusedRange == range)
    }

    @Test(arguments: ["8.8.8.8", "172.32.0.1", "100.128.0.1", "93.184.216.34", "2606:4700::1111", "::ffff:8.8.8.8", "192.169.0.1"])
    func publicAddresses(_ address: String) throws {
        #expect(try #require(FetchIPAddress(literal: address)).refusedRange == nil)
    }

    @Test func policyOnURLs() throws {
        let policy = FetchAddressPolicy()
        // Literals and names resolving locally are judged without sending a packet anywhere.
        #expect(policy.check(URL(string: "http://169.254.169.254/latest/meta-data/")!)?.reason == "private-address")
        #expect(policy.check(URL(string: "http://127.0.0.1:8080/")!)?.reason == "private-address")
        #expect(policy.check(URL(string: "http://[::1]/")!)?.reason == "private-address")
        #expect(policy.check(URL(string: "http://localhost/")!)?.reason == "private-address")
        #expect(policy.check(URL(string: "http://0.0.0.0/")!)?.reason == "private-address")
        #expect(policy.check(URL(string: "http://10.0.0.5/")!)?.reason == "private-address")
        #expect(policy.check(URL(string: "file:///etc/passwd")!)?.reason == "unsupported-scheme")
        #expect(policy.check(URL(string: "gopher://a.example/")!)?.reason == "unsupported-scheme")
        #expect(policy.check(URL(string: "http://8.8.8.8/")!) == nil)
        let allowed = FetchAddressPolicy(allowHosts: ["127.0.0.1:8080", "10.9.0.0/16", "intranet.local"])
        #expect(allowed.check(URL(string: "http://127.0.0.1:8080/x")!) == nil)
        #expect(allowed.check(URL(string: "http://127.0.0.1:8081/x")!)?.reason == "private-address")
        #expect(allowed.check(URL(string: "http://10.9.3.4/")!) == nil)
        #expect(allowed.check(URL(string: "http://10.10.3.4/")!)?.reason == "private-address")
        #expect(FetchAddressPolicy(allowPrivateAddresses: true).check(URL(string: "http://127.0.0.1/")!) == nil)
    }

    // MARK: Decompression

    @Test func inflaterCapsRatioAndSize() throws {
        let bomb = FetchGzip.compress([UInt8](repeating: 0, count: 20_000_000), level: 9)
        #expect(bomb.count < 100_000)
        #expect(throws: FetchInflateError.ratio(limit: 100)) {
            _ = try FetchInflater.inflateAll(bomb, maxOutput: 1 << 30, maxRatio: 100)
        }
        #expect(throws: FetchInflateError.tooLarge(limit: 1_000_000)) {
            _ = try FetchInflater.inflateAll(bomb, maxOutput: 1_000_000, maxRatio: 100_000)
        }
        let text = Array(String(repeating: "The central bank held rates. ", count: 1_000).utf8)
        #expect(try FetchInflater.inflateAll(FetchGzip.compress(text), maxOutput: 1 << 20, maxRatio: 100) == text)
        #expect(throws: FetchInflateError.self) { _ = try FetchInflater.inflateAll([0x1F, 0x8B, 1, 2, 3, 4, 5, 6, 7, 8], maxOutput: 100, maxRatio: 100) }
    }
}
