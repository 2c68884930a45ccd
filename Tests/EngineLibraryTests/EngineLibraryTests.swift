import Foundation
import Testing
// Plain imports, no @testable: each engine is used only through its public API, as another
// program would use it, with no pipeline, manifest or stage type in sight (issue 13).
import ArticleExtraction
import MirrorDedup
import NewsEntities
import NewsFetch
import NewsReports
import NewsRecords

@Suite("Engines as libraries, public API only")
struct EngineLibraryTests {
    static let story = (0 ..< 8).map { "Paragraph \($0): Microsoft Corp. said on Tuesday in Redmond, Washington, that its cloud revenue rose 30 percent in the quarter, ahead of what analysts had expected." }

    static var page: [UInt8] {
        Array(("<html lang=en><head><title>Cloud revenue rises</title></head><body><article><h1>Cloud revenue rises</h1>"
               + story.map { "<p>\($0)</p>" }.joined() + "</article></body></html>").utf8)
    }

    @Test func articleExtraction() throws {
        ArticleExtractor.prepareLibrary()
        guard case .success(let article) = ArticleExtractor().extract(Self.page, url: "https://news.example/a", contentType: "text/html") else {
            Issue.record("the page was rejected"); return
        }
        #expect(article.title == "Cloud revenue rises")
        #expect(article.site == "news.example")
        #expect(article.text.contains("Paragraph 7"))
    }

    @Test func mirrorDedup() {
        let text = Self.story.joined(separator: "\n\n")
        let signer = MinHashSigner(parameters: DedupParameters())
        let signatures = [
            signer.sign(DedupDocument(id: "a", source: "one", site: "one.example", published: "2026-01-01", text: text)),
            signer.sign(DedupDocument(id: "b", source: "two", site: "two.example", published: "2026-01-02", text: text)),
            signer.sign(DedupDocument(id: "c", source: "three", text: "An unrelated story about rainfall in the valley, the reservoir levels and the farmers who depend on them for the summer.")),
        ]
        let result = MirrorClusterer.cluster(signatures, parameters: DedupParameters())
        #expect(result.clusters.count == 1)
        #expect(result.canonicalIds == ["a", "c"])
        #expect(result.removed.map(\.id) == ["b"])
    }

    @Test func entities() throws {
        let engine = try EntityEngine()
        let mentions = engine.mentions(documentId: "d", text: Self.story.joined(separator: "\n\n"), published: "2026-01-01")
        #expect(mentions.contains { $0.canonicalName.contains("Microsoft") })
        #expect(mentions.allSatisfy { $0.documentId == "d" && $0.start < $0.end })
    }

    @Test func fetchPolicyAndSitemaps() throws {
        let policy = FetchAddressPolicy(resolver: FetchResolver { _ in [] })
        #expect(policy.check(URL(string: "http://169.254.169.254/latest/meta-data/")!) != nil)
        #expect(policy.check(URL(string: "http://127.0.0.1/")!) != nil)
        let xml = #"<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"><url><loc>https://news.example/a</loc></url><url><loc>https://news.example/b</loc></url></urlset>"#
        let sitemap = try SitemapParser.parse(Array(xml.utf8), base: nil)
        guard case .urls(let entries) = sitemap else { Issue.record("not a URL set: \(sitemap)"); return }
        #expect(entries.map(\.url) == ["https://news.example/a", "https://news.example/b"])
    }

    @Test func reports() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("engine-library-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: folder) }
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let article = ArticleRecord(id: "a1", source: "corpus/a.html", url: "https://news.example/a", site: "news.example",
                                    title: "Cloud revenue rises", published: "2026-01-01", language: "en",
                                    text: Self.story.joined(separator: "\n\n"), words: 200, confidence: 0.9)
        let documents = folder.appendingPathComponent("documents.jsonl")
        try (String(decoding: try JSONEncoder().encode(article), as: UTF8.self) + "\n").write(to: documents, atomically: true, encoding: .utf8)
        let mentions = folder.appendingPathComponent("mentions.jsonl")
        try Data().write(to: mentions)
        let out = folder.appendingPathComponent("report")
        try FileManager.default.createDirectory(at: out, withIntermediateDirectories: true)
        let files = try ReportBuilder().build(ReportInputs(documents: [documents], mentions: [mentions], stages: [],
                                                           manifestHash: "test", runStartedAt: Date(timeIntervalSince1970: 0),
                                                           runFinishedAt: Date(timeIntervalSince1970: 60)), into: out)
        #expect(files.contains("documents.csv"))
        let csv = try String(contentsOf: out.appendingPathComponent("documents.csv"), encoding: .utf8)
        #expect(csv.contains("Cloud revenue rises"))
    }
}
