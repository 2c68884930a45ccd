import Foundation
import Testing
@testable import NewsReports
@testable import NewsIO
@testable import NewsRecords

/// What an analyst checks a mention with: its sentence in mentions.jsonl and SQLite, documents
/// with authors and language, each document's tone towards each ticker.
@Suite struct ReportWorkbenchTests {
    static func texts() throws -> [String: [Unicode.Scalar]] {
        var texts: [String: [Unicode.Scalar]] = [:]
        for document in try JSONLines.read(ArticleRecord.self, from: ReportFixture.file("documents.jsonl")) {
            texts[document.id] = Array(document.text.unicodeScalars)
        }
        return texts
    }

    @Test func everyMentionLineCarriesItsSentence() throws {
        let (folder, _) = try ReportFixture.buildFixtureReport()
        let texts = try Self.texts()
        let lines = try ReportFixture.text(folder, "mentions.jsonl").split(separator: "\n")
        #expect(lines.count == 39)
        let input = try ReportFixture.text(ReportFixture.input, "mentions.jsonl").split(separator: "\n").map(String.init)
        for line in lines {
            let object = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
            let text = try #require(texts[object["document_id"] as? String ?? ""])
            let start = try #require(object["context_start"] as? Int), end = try #require(object["context_end"] as? Int)
            let context = try #require(object["context"] as? String)
            #expect(String(String.UnicodeScalarView(text[start ..< end])) == context)
            #expect(object["context_kind"] as? String == "sentence")
            let from = try #require(object["start"] as? Int), to = try #require(object["end"] as? Int)
            #expect(start <= from && to <= end)
            #expect(object["sentence_start"] as? Int == start && object["sentence_end"] as? Int == end)
            // Keys in byte order, as JSONLines writes them.
            let keys = try #require(ReportMentionLine.members(of: Array(line.utf8)[...])).map { String(decoding: $0.key, as: UTF8.self) }
            #expect(keys == keys.sorted())
        }
        // The sentence of the fixture's d1 Pichai mention, found by the report's own split.
        let pichai = try #require(lines.first { $0.contains("\"per:sundar-pichai\"") && $0.contains("would spend") })
        #expect(pichai.contains(#""context":"Chief executive Sundar Pichai said the company would spend $12 billion on new data centres near Mountain View.""#))
        // d5's lines kept the sentence offsets and the evidence the stage gave.
        let enriched = input.filter { $0.contains("sentence_start") }
        #expect(enriched.count == 7)
        for original in enriched {
            let id = try #require(try JSONSerialization.jsonObject(with: Data(original.utf8)) as? [String: Any])
            let match = try #require(lines.first { $0.contains("\"start\":\(id["start"]!),") && $0.contains(id["document_id"] as! String) })
            #expect(match.contains("\"sentence_start\":\(id["sentence_start"]!)"))
            #expect(match.contains("\"evidence\":") == (id["evidence"] != nil))
        }
    }

    @Test func theDatabaseHoldsTheSameContexts() throws {
        let (folder, _) = try ReportFixture.buildFixtureReport()
        let database = try ReportSQLiteDatabase(path: folder.appendingPathComponent("newspipe.sqlite").path, readOnly: true)
        defer { database.close() }
        #expect(try database.rows("SELECT count(*) FROM mentions WHERE context IS NULL") == [["0"]])
        #expect(try database.rows("SELECT count(*) FROM mentions WHERE instr(context, surface) = 0") == [["0"]])
        #expect(try database.rows("SELECT evidence, name_at_date FROM mentions WHERE surface = 'Alphabet' AND name_at_date IS NOT NULL")
                == [["unambiguous-name", "Google"]])
        #expect(try database.rows("SELECT authors, language FROM documents WHERE title LIKE 'Alphabet lifts%'") == [["Jane Roe;John Doe", "en"]])
        #expect(try database.rows("SELECT count(*) FROM documents WHERE language IS NULL") == [["1"]])
    }

    @Test func documentsCarryAuthorsAndLanguageAndFormulasStayInert() throws {
        let (folder, _) = try ReportFixture.buildFixtureReport()
        let rows = try ReportFixture.csv(folder, "documents.csv")
        let header = rows[0]
        let authors = try #require(header.firstIndex(of: "authors")), language = try #require(header.firstIndex(of: "language"))
        #expect(header.suffix(2) == ["authors", "language"])
        #expect(rows.contains { $0[authors] == "Jane Roe;John Doe" })
        #expect(rows.contains { $0[authors] == "'=Formula Writer" })
        #expect(rows.dropFirst().filter { $0[language] == "en" }.count == 7)
    }

    @Test func documentTickersGiveEachDocumentsToneTowardsATicker() throws {
        let (folder, _) = try ReportFixture.buildFixtureReport()
        let rows = try ReportFixture.csv(folder, "document_tickers.csv")
        #expect(rows[0] == ReportTables.documentTickers.columns.map(\.name))
        // Per ticker, the document rows add up to tickers.csv's mentions.
        let tickers = try ReportFixture.csv(folder, "tickers.csv")
        for symbol in Set(tickers.dropFirst().map { $0[0] }) {
            let total = tickers.filter { $0[0] == symbol }.reduce(0) { $0 + Int($1[2])! }
            #expect(rows.filter { $0[1] == symbol }.reduce(0) { $0 + Int($1[4])! } == total, "\(symbol)")
        }
        // d3 (Tesla recall): two bearish mentions, so bearish by the mentions.
        let tesla = rows.filter { $0[1] == "TSLA" && $0[2] == "2026-04-14" }
        #expect(tesla.map { Array($0[4...]) } == [["2", "0", "2", "0", "-1.000", "bearish", "mentions", ""]])

        // With the entities stage's company tone, its call wins and names its source.
        let root = try ReportFixture.temporaryFolder()
        let d3 = try #require(tesla.first?[0])
        let tone = root.appendingPathComponent("company-tone-0000-of-0001.jsonl")
        try JSONLines.write([CompanyTone(documentId: d3, entityId: "org:tesla", canonicalName: "Tesla", ticker: "TSLA",
                                         tone: .neutral, confidence: 0.62, bullish: 0, bearish: 2, neutral: 0)], to: tone)
        var inputs = ReportFixture.inputs()
        inputs.companyTone = [tone, root.appendingPathComponent("company-tone-missing.jsonl")]
        let out = root.appendingPathComponent("r")
        _ = try ReportBuilder().build(inputs, into: out)
        let withTone = try ReportFixture.csv(out, "document_tickers.csv").filter { $0[0] == d3 && $0[1] == "TSLA" }
        #expect(withTone.map { Array($0[9...]) } == [["neutral", "company-tone", "0.620"]])
        let database = try ReportSQLiteDatabase(path: out.appendingPathComponent("newspipe.sqlite").path, readOnly: true)
        defer { database.close() }
        let plan = try database.rows("EXPLAIN QUERY PLAN SELECT document_id FROM document_tickers WHERE ticker = 'TSLA' AND tone = 'bearish'")
        #expect(plan.contains { $0.compactMap { $0 }.joined(separator: " ").contains("document_tickers_ticker") })
    }

    @Test func mirrorsWithoutASiteAreCountedAsSuch() throws {
        let (folder, _) = try ReportFixture.buildFixtureReport()
        let html = try ReportFixture.text(folder, "report.html")
        #expect(html.contains("1 page without a known site"))
        #expect(html.contains("Copies per story"))
        // The site of a page comes from its URL when strip named none; file:// pages have none.
        #expect(ReportCorpus.site(ofURL: "https://www.Example.com:8443/a?b") == "example.com")
        #expect(ReportCorpus.site(ofURL: "http://user@[::1]:80/") == "::1")
        #expect(ReportCorpus.site(ofURL: "file:///corpus/m6.html") == nil)
        #expect(ReportCorpus.site(ofURL: nil) == nil)
    }

    @Test func aReportOnlyRerunIsRecognisedByItsStageTimes() throws {
        let (folder, _) = try ReportFixture.buildFixtureReport()
        let recorded = try #require(ReportRecordedRun.read(from: folder))
        #expect(recorded.startedAt == ReportFixture.started)
        #expect(recorded.matches(ReportFixture.stages))
        var changed = ReportFixture.stages
        changed[1].finishedAt = "2026-04-16T01:00:00Z"
        #expect(!recorded.matches(changed))
        var skipped = ReportFixture.stages
        for index in skipped.indices { skipped[index].status = "skipped" }
        #expect(recorded.statuses(applied: skipped).map(\.status) == ["done", "done", "done", "done"])
        #expect(ReportRecordedRun.read(from: folder.appendingPathComponent("nowhere")) == nil)
    }

    @Test func aQuietRunIsOkEvenWhenEarlierRunsRejected() throws {
        var inputs = ReportFixture.inputs()
        for index in inputs.stages.indices { inputs.stages[index].status = ReportRunFacts.skippedStatus }
        let root = try ReportFixture.temporaryFolder()
        _ = try ReportBuilder().build(inputs, into: root)
        let run = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: root.appendingPathComponent("run.json"))) as? [String: Any])
        #expect(run["status"] as? String == "ok")
    }
}
