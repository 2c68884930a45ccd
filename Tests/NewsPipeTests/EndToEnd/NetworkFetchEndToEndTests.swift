import Foundation
import Testing
import NewsTestSupport
@testable import NewsPipeCLI
@testable import NewsPipe
@testable import PipelineKit
@testable import NewsIO
@testable import NewsText
@testable import NewsRecords
@testable import ArticleExtraction
@testable import MirrorDedup
@testable import NewsEntities
@testable import NewsFetch
@testable import NewsReports
@testable import NERTraining
@testable import NewsBench

/// The built binary fetching a feed from a loopback server the test starts: two nights, the second
/// answered by conditional GET, and a feed item pointing at a refused address.
@Suite(.serialized) struct NetworkFetchEndToEndTests {
    static func storyPage(_ n: Int) -> String {
        let body = (0 ..< 8).map { "<p>Story \(n), paragraph \($0): Intel said on Tuesday that its foundry in Arizona signed customer number \(n), a deal analysts valued at about $\(n) billion over five years.</p>" }.joined()
        return "<html lang=en><head><title>Foundry deal \(n)</title></head><body><article><h1>Foundry deal \(n)</h1>\(body)</article></body></html>"
    }

    /// The port is known only once the server listens; the route reads it from here.
    final class PortBox: @unchecked Sendable { var port = 0 }

    @Test func aFeedIsFetchedStrippedAndRefetchedConditionally() throws {
        let box = PortBox()
        let server = try FetchTestServer(requestRoute: { request, _ in
            switch request.path {
            case "/feed.xml":
                let items = (1 ... 3).map { "<item><title>Deal \($0)</title><link>http://127.0.0.1:\(box.port)/story/\($0)</link></item>" }.joined()
                    + "<item><title>Metadata</title><link>http://169.254.169.254/latest/meta-data/</link></item>"
                return .xml("<?xml version=\"1.0\"?><rss version=\"2.0\"><channel><title>Deals</title>\(items)</channel></rss>")
            case "/robots.txt":
                return .status(404)
            default:
                guard request.path.hasPrefix("/story/"), let n = Int(request.path.dropFirst("/story/".count)) else { return .status(404) }
                if request.headers.contains(where: { $0.key.lowercased() == "if-none-match" && $0.value == "\"story-\(n)\"" }) {
                    return .status(304, headers: [("ETag", "\"story-\(n)\"")])
                }
                return .html(Self.storyPage(n), headers: [("ETag", "\"story-\(n)\"")])
            }
        })
        defer { server.shutdown() }
        box.port = server.port
        let manifest = #"{"shards": 2, "stages": {"fetch": {"sources": [{"type": "feed", "urls": ["\#(server.base)/feed.xml"]}], "http": {"allowHosts": ["127.0.0.1:\#(server.port)"], "perHostDelayMs": 0}}}}"#
        let harness = try PipelineHarness(manifest: manifest, sampleCorpus: false)
        defer { harness.remove() }

        let first = try harness.run(["run"])
        #expect(first.status == ExitStatus.finishedWithRejects.rawValue, "\(first.stderr)")
        #expect(server.hits("/story/1") == 1 && server.hits("/story/3") == 1)
        let rejects = try harness.lines("work/fetch/rejects.jsonl").joined(separator: "\n")
        #expect(rejects.contains("169.254.169.254") && rejects.contains("private-address"), "\(rejects)")
        var titles: [String] = []
        for file in harness.shardFiles("strip", "documents") {
            try JSONLines.forEach(ArticleRecord.self, in: harness.work("strip/\(file)")) { titles.append($0.title ?? "") }
        }
        #expect(titles.sorted() == ["Foundry deal 1", "Foundry deal 2", "Foundry deal 3"])

        // The next night: the same feed; pages already seen are not fetched again or are answered 304.
        let statusBefore = (1 ... 3).map { server.requests("/story/\($0)").count }
        try Data(manifest.utf8).write(to: harness.folder.appendingPathComponent("pipeline.json"))
        let second = try harness.run(["run", "--force"])
        #expect(second.status == ExitStatus.finishedWithRejects.rawValue, "\(second.stderr)")
        let counts = try harness.stageCounts()
        #expect(counts["fetch"]?.cached == 3, "\(String(describing: counts["fetch"]))")
        for n in 1 ... 3 {
            let requests = server.requests("/story/\(n)")
            #expect(requests.count - statusBefore[n - 1] <= 1)
            if requests.count > statusBefore[n - 1] {
                #expect(requests.last?.headers.contains { $0.key.lowercased() == "if-none-match" } == true)
            }
        }
        #expect(counts["strip"]?.output == 3)
    }

    /// A page's canonical link is a claim: a `javascript:` one and one naming another site are
    /// dropped; the page keeps the URL it was fetched from and its own site (issue 18, item 12).
    @Test func hostileCanonicalLinksAreNotBelieved() throws {
        let server = try FetchTestServer(requestRoute: { request, _ in
            switch request.path {
            case "/robots.txt": return .status(404)
            case "/script": return .html(Self.page(title: "Script canonical", canonical: "javascript:alert(1)"))
            case "/claim": return .html(Self.page(title: "Claimed canonical", canonical: "https://www.big-wire.example/story/9"))
            case "/own": return .html(Self.page(title: "Own canonical", canonical: "/own?print=0"))
            default: return .status(404)
            }
        })
        defer { server.shutdown() }
        let urls = ["script", "claim", "own"].map { "\"\(server.base)/\($0)\"" }.joined(separator: ", ")
        let manifest = #"{"stages": {"fetch": {"sources": [{"type": "urls", "urls": [\#(urls)]}], "http": {"allowHosts": ["127.0.0.1:\#(server.port)"], "perHostDelayMs": 0}}}}"#
        let harness = try PipelineHarness(manifest: manifest, sampleCorpus: false)
        defer { harness.remove() }
        let run = try harness.run(["run"])
        #expect(run.status == ExitStatus.ok.rawValue, "\(run.stderr)")
        var articles: [String: ArticleRecord] = [:]
        for file in harness.shardFiles("strip", "documents") {
            try JSONLines.forEach(ArticleRecord.self, in: harness.work("strip/\(file)")) { articles[$0.title ?? ""] = $0 }
        }
        #expect(articles.count == 3)
        #expect(articles["Script canonical"]?.canonical == nil)
        #expect(articles["Script canonical"]?.provenance["canonical"] == "canonical-rejected: scheme javascript")
        #expect(articles["Claimed canonical"]?.canonical == nil)
        #expect(articles["Claimed canonical"]?.site == "127.0.0.1")
        #expect(articles["Own canonical"]?.canonical == "\(server.base)/own?print=0")
        let report = try String(contentsOf: harness.folder.appendingPathComponent("output/reports/latest/documents.csv"), encoding: .utf8)
        #expect(!report.contains("javascript:") && !report.contains("big-wire"), "\(report)")
    }

    static func page(title: String, canonical: String) -> String {
        let body = (0 ..< 8).map { "<p>\(title), paragraph \($0): the harbour authority said on Monday that the new container terminal would open in the spring, two years later than planned.</p>" }.joined()
        return "<html lang=en><head><title>\(title)</title><link rel=canonical href=\"\(canonical)\"></head><body><article><h1>\(title)</h1>\(body)</article></body></html>"
    }
}
