import Foundation
import Testing
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

/// The sample corpus through the whole pipeline: what `corpus/README.md` says should come out.
@Suite(.serialized) struct SampleCorpusTests {
    static let harness: PipelineHarness = {
        let harness = try! PipelineHarness()
        _ = try! harness.run(["run"])
        return harness
    }()

    func articles() throws -> [String: ArticleRecord] {
        var articles: [String: ArticleRecord] = [:]
        for file in Self.harness.shardFiles("strip", "documents") {
            try JSONLines.forEach(ArticleRecord.self, in: Self.harness.work("strip/\(file)")) {
                articles[String($0.source.dropFirst("corpus/".count))] = $0
            }
        }
        return articles
    }

    @Test func pagesWithoutAnArticleAreRejectedWithTheirReason() throws {
        let rejects = try Self.harness.lines("work/strip/rejects.jsonl").map {
            try JSONLines.makeDecoder().decode(RejectRecord.self, from: Data($0.utf8))
        }
        let reasons = Dictionary(uniqueKeysWithValues: rejects.map { (String($0.source.dropFirst("corpus/".count)), $0.reason) })
        #expect(reasons["crawl/empty.html"] == "empty")
        #expect(reasons["crawl/binary-logo.html"] == "binary")
        #expect(reasons["siliconledger.example/chips-section-front.html"] == "section-front")
        #expect(reasons["harborstreet-journal.example/banking-jpmorgan-q1-old-link-404.html"] == "error-page")
        #expect(reasons["thecapitalbrief.example/private-credit-defaults-portfolio-paywall.html"] == "login-wall")
        #expect(try articles().count >= 29)
    }

    @Test func theSeedsScrapedMirrorKeepsTheHeadlineOnceAndDropsBack() throws {
        let articles = try articles()
        let headline = "OpenAI signals a potential strategic shift from Microsoft to Amazon, a move that could reshape the competitive landscape for cloud-based AI services."
        for page in ["marketwire-daily.example/openai-memo-amazon-alliance-microsoft.html", "newsfeedhub.example/openai-signals-shift-microsoft-amazon.html"] {
            let article = try #require(articles[page], "\(page) was not extracted")
            #expect(article.title == headline, "\(page): \(article.title ?? "no title")")
            let paragraphs = article.text.components(separatedBy: "\n\n")
            #expect(!paragraphs.contains { $0.trimmingCharacters(in: .whitespaces) == "Back" }, "\(page) keeps the Back link")
            #expect(!paragraphs.contains(headline), "\(page) repeats the headline in its body")
            #expect(paragraphs.contains { $0.hasPrefix("A memo from OpenAI is causing ripples in the tech industry") }, "\(page)")
            #expect(article.text.contains("total addressable market estimated to be over $600 billion"))
        }
        let original = try #require(articles["marketwire-daily.example/openai-memo-amazon-alliance-microsoft.html"])
        #expect(original.published?.hasPrefix("2026-04-1") == true)
        #expect(original.language == "en")
        #expect(original.site == "marketwire-daily.example")
    }

    @Test func legacyCharsetsComeOutAsUTF8() throws {
        let articles = try articles()
        let cp1252 = try #require(articles.first { $0.key.hasPrefix("iberobolsa-news.example/") }?.value)
        #expect(!cp1252.text.contains("\u{FFFD}"))
        #expect(cp1252.text.contains("€") || cp1252.text.contains("“"))
        let latin1 = try #require(articles.first { $0.key.hasPrefix("helvetia-markets.example/") }?.value)
        #expect(latin1.text.contains("Zürich") || latin1.text.contains("ü"))
        #expect(!latin1.text.contains("\u{FFFD}"))
        let lying = try #require(articles.first { $0.key.hasPrefix("latamwire.example/") }?.value)
        #expect(!lying.text.contains("Ã"), "UTF-8 bytes read as Latin-1")
    }

    @Test func mirrorsAreClusteredWithTheOriginalAsCanonical() throws {
        let clusters = try JSONLines.read(MirrorCluster.self, from: Self.harness.work("dedup/clusters.jsonl"))
        let bySource = clusters.map { cluster in
            (canonical: String(cluster.members[0].source.dropFirst("corpus/".count)),
             members: Set(cluster.members.map { String($0.source.dropFirst("corpus/".count)) }))
        }
        let expected: [(String, Set<String>)] = [
            ("marketwire-daily.example/openai-memo-amazon-alliance-microsoft.html", ["newsfeedhub.example/openai-signals-shift-microsoft-amazon.html", "capitalticker.example/openai-memo-favors-aws-over-azure.html"]),
            ("siliconledger.example/apple-beats-estimates-services-record.html", ["dailymarketdigest.example/apple-beats-estimates-services-revenue-record.html"]),
            ("harborstreet-journal.example/jpmorgan-first-quarter-profit-trading.html", ["newsfeedhub.example/jpmorgan-chase-profit-tops-estimates-record-trading.html"]),
            ("asiachipwatch.example/tsmc-first-quarter-profit-jumps-ai-demand.html", ["capitalticker.example/tsmc-q1-profit-jumps-48-percent.html"]),
            ("eurobourse-review.example/shell-trims-buyback-refining-margins.html", ["dailymarketdigest.example/shell-trims-quarterly-buyback.html"]),
            ("thecapitalbrief.example/tesla-shares-plunge-deliveries-miss.html", ["newsfeedhub.example/tesla-shares-plunge-after-deliveries-miss.html"]),
        ]
        #expect(clusters.count == expected.count)
        for (canonical, mirrors) in expected {
            let cluster = bySource.first { $0.canonical == canonical }
            #expect(cluster?.members == mirrors.union([canonical]), "\(canonical)")
        }
        // Hard negatives stay apart.
        for cluster in bySource {
            #expect(!(cluster.members.contains("thecapitalbrief.example/jpmorgan-dimon-trading-desks-record-quarter.html")))
            #expect(!(cluster.members.contains("siliconledger.example/nvidia-earnings-preview-data-center-demand.html")))
        }
    }

    @Test func reportsAreWrittenAndDeterministic() throws {
        let reports = Self.harness.output.appendingPathComponent("reports/latest")
        for name in ["entities.csv", "tickers.csv", "cooccurrence.csv", "documents.csv", "duplicates.csv", "mentions.jsonl",
                     "datapackage.json", "newspipe.sqlite", "summary.md", "report.html", "run.json", "metrics.prom"] {
            #expect(FileManager.default.fileExists(atPath: reports.appendingPathComponent(name).path), "\(name)")
        }
        let before = try Self.harness.snapshot("reports/latest").filter { $0.key.hasSuffix(".csv") || $0.key.hasSuffix(".jsonl") || $0.key.hasSuffix("datapackage.json") }
        #expect(try Self.harness.run(["run", "--stage", "report", "--force"]).status <= 1)
        let after = try Self.harness.snapshot("reports/latest").filter { $0.key.hasSuffix(".csv") || $0.key.hasSuffix(".jsonl") || $0.key.hasSuffix("datapackage.json") }
        #expect(before == after)
        let entities = try String(contentsOf: reports.appendingPathComponent("entities.csv"), encoding: .utf8)
        #expect(entities.contains("org:amazon,Amazon,ORG,AMZN"))
    }
}
