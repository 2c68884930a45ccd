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

/// The seed article (`../shared/seed/article.txt`, as our fixture) through the built binary's
/// entities code: the acceptance list of issue 5.
@Suite struct SeedArticleTests {
    struct Span: Decodable { var charStart: Int; var charEnd: Int; var label: String; var entityId: String?; var canonical: String?; var ticker: String?; var value: String?; var tone: String? }
    struct Line: Decodable { var doc: Int; var spans: [Span] }

    func seedSpans() throws -> (String, [Span]) {
        let fixture = PipelineHarness.repository.appendingPathComponent("Tests/NewsEntitiesTests/Fixtures/entities/seed-article.txt")
        let text = try String(contentsOf: fixture, encoding: .utf8)
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("seed-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let input = folder.appendingPathComponent("docs.jsonl")
        struct Doc: Encodable { var doc: Int; var text: String; var published: String }
        try JSONLines.write([Doc(doc: 0, text: text, published: "2026-04-14")], to: input)
        let harness = try PipelineHarness(sampleCorpus: false)
        defer { harness.remove() }
        let outcome = try harness.run(["ner", "--input", input.path, "--output", folder.appendingPathComponent("spans.jsonl").path])
        #expect(outcome.status == 0, "\(outcome.stderr)")
        let lines = try JSONLines.read(Line.self, from: folder.appendingPathComponent("spans.jsonl"))
        return (text, try #require(lines.first).spans)
    }

    @Test func findsTheCompaniesProductsAmountsAndDatesLinked() throws {
        let (text, spans) = try seedSpans()
        let scalars = Array(text.unicodeScalars)
        func surface(_ span: Span) -> String { String(String.UnicodeScalarView(scalars[span.charStart ..< span.charEnd])) }
        func find(_ surfaceText: String) -> [Span] { spans.filter { surface($0) == surfaceText } }

        #expect(find("OpenAI").contains { $0.label == "ORG" })
        #expect(find("Microsoft").contains { $0.label == "ORG" && $0.ticker == "MSFT" })
        #expect(find("Amazon").contains { $0.label == "ORG" && $0.ticker == "AMZN" })
        #expect(find("AWS").contains { $0.canonical == "Amazon" && $0.ticker == "AMZN" }, "AWS is linked to Amazon")
        #expect(find("Alphabet").contains { $0.ticker == "GOOGL" })
        #expect(find("Google").contains { $0.canonical == "Alphabet" }, "Google is linked to Alphabet")
        #expect(!find("Azure").isEmpty)
        #expect(!find("Vertex AI").isEmpty)
        #expect(!find("Google Cloud Platform").isEmpty)
        #expect(find("Cailian Press").contains { $0.label == "ORG" })
        #expect(!find("GPT-4").isEmpty)
        #expect(find("April 13").contains { $0.label == "DATE" && $0.value == "2026-04-13" })
        #expect(find("$600 billion").contains { $0.label == "MONEY" && $0.value == "600000000000 USD" })
        #expect(find("MSFT").contains { $0.label == "TICKER" })
        #expect(find("AMZN").contains { $0.label == "TICKER" })
        #expect(find("GOOGL").contains { $0.label == "TICKER" })

        // One canonical id per entity across its mentions and aliases.
        let amazonIds = Set(spans.filter { $0.canonical == "Amazon" }.compactMap(\.entityId))
        #expect(amazonIds.count == 1)
        // Tone: bearish for Microsoft, bullish for Amazon, in the sentence that says so.
        #expect(spans.contains { $0.canonical == "Microsoft" && $0.tone == "bearish" })
        #expect(!spans.contains { $0.canonical == "Microsoft" && $0.tone == "bullish" })
        #expect(spans.contains { $0.canonical == "Amazon" && $0.tone == "bullish" })
        #expect(!spans.contains { $0.canonical == "Amazon" && $0.tone == "bearish" })
        // Possessives stay out of spans.
        #expect(!spans.contains { surface($0).hasSuffix("'s") || surface($0).hasSuffix("’s") })
    }
}
