import Foundation
import Testing
@testable import NewsReports
@testable import NewsIO
@testable import NewsRecords

/// Hostile text (formulas, markup, quotes, line breaks) must come out inert in CSV, HTML and Markdown.
@Suite struct ReportSafetyTests {
    static let hostileTitles = [
        "=HYPERLINK(\"http://x\",\"y\")",
        "<script>alert(1)</script>",
        "\"quoted\", comma",
        "first line\nsecond line",
        "+1 for tabs",
        "@SUM(A1:A2)",
        "-2+3",
        "\tTabbed",
    ]

    /// Builds a report from documents with hostile titles, a hostile entity name and a bearish-only
    /// ticker (negative tone balance).
    static func buildHostile() throws -> URL {
        let root = try ReportFixture.temporaryFolder()
        var documents: [ArticleRecord] = []
        var mentions: [EntityMention] = []
        for (index, title) in hostileTitles.enumerated() {
            let id = String(format: "%064d", index)
            documents.append(ArticleRecord(
                id: id, source: "s\(index)", url: index == 1 ? "javascript:alert(2)" : "https://evil.example/\(index)?a=1&b=\"2\"",
                site: index == 2 ? "<b>site</b>" : "evil.example", title: title, published: "2026-04-1\(index % 3 + 3)",
                text: "text", words: 1, confidence: 1))
            mentions.append(EntityMention(documentId: id, entityId: "org:evil", canonicalName: "=cmd|' /C calc'!A0",
                                          surface: "<img src=x onerror=alert(3)>", type: .organization, start: 0, end: 4,
                                          sentence: 0, ticker: "EVIL", confidence: 0.5, tone: .bearish))
            mentions.append(EntityMention(documentId: id, entityId: "per:quote", canonicalName: "O'Brien \"Q\" <x>",
                                          surface: "O'Brien", type: .person, start: 0, end: 4, sentence: 0, confidence: 0.5))
        }
        let documentsURL = root.appendingPathComponent("documents.jsonl")
        let mentionsURL = root.appendingPathComponent("mentions.jsonl")
        try JSONLines.write(documents, to: documentsURL)
        try JSONLines.write(mentions, to: mentionsURL)
        let stages = [StageSummary(stage: "strip", status: "done", processed: 9, output: 8, rejected: 1,
                                   rejectsByReason: ["bad\"reason\n<x>": 1])]
        let inputs = ReportInputs(documents: [documentsURL], mentions: [mentionsURL], stages: stages,
                                  manifestHash: "<hash>", runStartedAt: ReportFixture.started,
                                  runFinishedAt: ReportFixture.finished)
        let out = root.appendingPathComponent("report")
        _ = try ReportBuilder().build(inputs, into: out)
        return out
    }

    @Test func csvCellsAreNeutralisedAndRoundTrip() throws {
        let folder = try Self.buildHostile()
        let rows = try ReportFixture.csv(folder, "documents.csv")
        let header = rows[0]
        let title = try #require(header.firstIndex(of: "title"))
        let titles = Set(rows.dropFirst().map { $0[title] })
        #expect(titles.contains("'=HYPERLINK(\"http://x\",\"y\")"))
        #expect(titles.contains("<script>alert(1)</script>"))  // harmless in a spreadsheet, kept as is
        #expect(titles.contains("\"quoted\", comma"))
        #expect(titles.contains("first line\nsecond line"))
        #expect(titles.contains("'+1 for tabs"))
        #expect(titles.contains("'@SUM(A1:A2)"))
        #expect(titles.contains("'-2+3"))
        #expect(titles.contains("'\tTabbed"))
        // Every record has the header's width: quotes, commas and newlines did not break rows.
        for row in rows { #expect(row.count == header.count) }
        #expect(rows.count == Self.hostileTitles.count + 1)

        let raw = try ReportFixture.text(folder, "documents.csv")
        #expect(raw.contains("\"'=HYPERLINK(\"\"http://x\"\",\"\"y\"\")\""))
        #expect(raw.contains("\"first line\nsecond line\""))

        let entities = try ReportFixture.csv(folder, "entities.csv")
        let name = try #require(entities[0].firstIndex(of: "name"))
        let balance = try #require(entities[0].firstIndex(of: "tone_balance"))
        let evil = try #require(entities.first { $0[0] == "org:evil" })
        #expect(evil[name] == "'=cmd|' /C calc'!A0")
        // Numeric columns are not neutralised: a negative balance stays a number.
        #expect(evil[balance] == "-1.000")
        let tickers = try ReportFixture.csv(folder, "tickers.csv")
        #expect(tickers.dropFirst().allSatisfy { $0[8] == "-1.000" })
    }

    @Test func htmlIsInert() throws {
        let folder = try Self.buildHostile()
        let page = try ReportFixture.text(folder, "report.html")
        // The interactive view's data is JSON inside a script element (its own test checks the
        // escaping); the markup around it is checked here as before.
        let data = try ReportPageTests.scriptText(page, id: "data").text
        let sentences = try ReportPageTests.scriptText(page, id: "data-sentences").text
        let documents = try ReportPageTests.scriptText(page, id: "data-documents").text
        let mentions = try ReportPageTests.scriptText(page, id: "data-mentions").text
        let entities = try ReportPageTests.scriptText(page, id: "data-entities").text
        let html = page.replacingOccurrences(of: data, with: "").replacingOccurrences(of: sentences, with: "")
            .replacingOccurrences(of: documents, with: "").replacingOccurrences(of: mentions, with: "")
            .replacingOccurrences(of: entities, with: "").replacingOccurrences(of: ReportPageAssets.script, with: "")
        #expect(html.components(separatedBy: "<script").count - 1 == 6)  // data, program, entities, documents, mentions, sentences: none from the input
        #expect(html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"))
        #expect(!html.contains("<img"))
        #expect(!html.contains("<b>site</b>"))
        #expect(!html.contains("javascript:"))  // not linked, and shown only as text when at all
        #expect(!page.contains("href=\"javascript"))
        #expect(!html.contains("O'Brien \"Q\" <x>"))
        #expect(html.contains("O&#39;Brien &quot;Q&quot; &lt;x&gt;"))
        #expect(!html.contains("bad\"reason"))
        #expect(html.contains("a=1&amp;b=&quot;2&quot;"))
        // The data holds no markup characters at all: they are \u003c … escapes.
        #expect(!data.contains("<") && !data.contains(">") && !data.contains("&"))
        for block in [sentences, documents, mentions, entities] { #expect(block.allSatisfy { $0.isASCII && !"<>&\"".contains($0) }) }
        // Nothing loads from elsewhere (the data may hold such text: a title "<img src=…>" is data).
        #expect(!html.contains("src="))
        #expect(!page.contains("@import"))
        #expect(!page.contains("url("))
    }

    @Test func markdownIsInert() throws {
        let folder = try Self.buildHostile()
        let markdown = try ReportFixture.text(folder, "summary.md")
        #expect(!markdown.contains("<script"))
        #expect(!markdown.contains("<x>"))
        // Table rows stay one line each: a newline in a name would end the row.
        for line in markdown.split(separator: "\n") where line.hasPrefix("|") { #expect(line.hasSuffix("|")) }
    }

    @Test func metricsLabelsAreEscaped() throws {
        let folder = try Self.buildHostile()
        let prom = try ReportFixture.text(folder, "metrics.prom")
        #expect(prom.contains("reason=\"bad\\\"reason\\n<x>\""))
        try ReportMetricsTests.checkExposition(prom)
    }

    @Test func neutralisingLeavesPlainTextAlone() {
        #expect(ReportCSVWriter.neutralised("Alphabet") == "Alphabet")
        #expect(ReportCSVWriter.neutralised("") == "")
        #expect(ReportCSVWriter.neutralised("=1+1") == "'=1+1")
        #expect(ReportCSVWriter.neutralised("\rX") == "'\rX")
        #expect(ReportCSVWriter.field(.integer(-3)) == "-3")
        #expect(ReportCSVWriter.field(.number(-0.25, digits: 3)) == "-0.250")
        #expect(ReportCSVWriter.field(.text("-0.25")) == "'-0.25")
        #expect(ReportCSVWriter.field(.text(nil)) == "")
        #expect(ReportCSVWriter.field(.text("a\"b")) == "\"a\"\"b\"")
    }
}
