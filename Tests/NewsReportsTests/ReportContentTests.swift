import Foundation
import Testing
@testable import NewsReports
@testable import NewsIO
@testable import NewsRecords

/// Report contents checked against the fixture corpus recounted independently, the SQLite
/// database queried, the data package checked against the CSV headers, and determinism.
@Suite struct ReportContentTests {
    @Test func entityAndTickerCountsMatchTheMentions() throws {
        let (folder, _) = try ReportFixture.buildFixtureReport()
        let mentions = try JSONLines.read(EntityMention.self, from: ReportFixture.file("mentions.jsonl"))
        let entities = try ReportFixture.csv(folder, "entities.csv")
        let header = entities[0]
        let column = { (name: String) in header.firstIndex(of: name)! }
        #expect(entities.count - 1 == Set(mentions.map(\.entityId)).count)
        for row in entities.dropFirst() {
            let own = mentions.filter { $0.entityId == row[column("entity_id")] }
            #expect(Int(row[column("mentions")]) == own.count)
            #expect(Int(row[column("documents")]) == Set(own.map(\.documentId)).count)
            #expect(Int(row[column("bullish")]) == own.filter { $0.tone == .bullish }.count)
            #expect(Int(row[column("bearish")]) == own.filter { $0.tone == .bearish }.count)
        }
        // Most mentioned first, ties by id.
        let order = entities.dropFirst().map { (Int($0[column("mentions")])!, $0[column("entity_id")]) }
        let sorted = order.sorted { $0.0 != $1.0 ? $0.0 > $1.0 : $0.1.utf8.lexicographicallyPrecedes($1.1.utf8) }
        #expect(order.map(\.1) == sorted.map(\.1))

        let nvidia = try #require(entities.first { $0[0] == "org:nvidia" })
        #expect(nvidia[column("first_seen")] == "2026-04-13")
        #expect(nvidia[column("last_seen")] == "2026-04-15")
        #expect(nvidia[column("sites")] == "3")
        #expect(nvidia[column("tone_balance")] == "0.500")
        // d1 is carried by 4 sites (3 mirrors): Alphabet reaches them although one document names it... twice.
        let alphabet = try #require(entities.first { $0[0] == "org:alphabet" })
        #expect(alphabet[column("sites")] == "1")
        #expect(alphabet[column("sites_with_mirrors")] == "4")

        let tickers = try ReportFixture.csv(folder, "tickers.csv")
        #expect(tickers[0] == ReportTables.tickers.columns.map(\.name))
        let tsla = tickers.filter { $0[0] == "TSLA" }
        // d3 (2026-04-14, bearish x2), d7 (23:30 at UTC-4 -> 2026-04-15, bullish x2), d8 undated.
        #expect(tsla.map { $0[1] } == ["2026-04-14", "2026-04-15", ""])
        #expect(tsla.map { $0[2] } == ["2", "2", "1"])
        #expect(tsla.map { $0[8] } == ["-1.000", "1.000", "0.000"])
        let total = tickers.dropFirst().reduce(0) { $0 + Int($1[2])! }
        #expect(total == mentions.filter { $0.ticker != nil || $0.type == .ticker }.count)
    }

    @Test func cooccurrenceAndDocumentsAndClusters() throws {
        let (folder, _) = try ReportFixture.buildFixtureReport()
        let pairs = try ReportFixture.csv(folder, "cooccurrence.csv")
        #expect(pairs[0] == ["entity_a", "name_a", "entity_b", "name_b", "documents", "sites", "first_seen", "last_seen"])
        for row in pairs.dropFirst() {
            #expect(row[0].utf8.lexicographicallyPrecedes(row[2].utf8))
            #expect(!row[0].hasPrefix("money:") && !row[2].hasPrefix("percent:"))
        }
        // A company is not paired with its own symbol; it is paired with other entities of its documents.
        #expect(!pairs.contains { $0[0] == "org:alphabet" && $0[2] == "ticker:GOOGL" })
        let pichai = try #require(pairs.first { $0[0] == "org:alphabet" && $0[2] == "per:sundar-pichai" })
        #expect(pichai[4] == "2")

        let documents = try ReportFixture.csv(folder, "documents.csv")
        #expect(documents.count == 9)
        let d1 = try #require(documents.first { $0[5] == "Alphabet lifts cloud forecast as AI demand grows" })
        #expect(d1[7] == "3")
        #expect(d1[8] == "4")
        #expect(d1[9] == "dailyledger.example;markets.example;regionalpost.example;wire.example")
        #expect(d1[11] == "GOOGL")
        // Publication order, undated last.
        #expect(documents.last?[4] == "")

        let clusters = try ReportFixture.csv(folder, "duplicates.csv")
        #expect(clusters.dropFirst().map { $0[5] } == ["4", "2", "2"])
        #expect(clusters[1][8] == "0.910" && clusters[1][9] == "1.000")
    }

    @Test func sqliteHoldsTheSameTables() throws {
        let (folder, _) = try ReportFixture.buildFixtureReport()
        let database = try ReportSQLiteDatabase(path: folder.appendingPathComponent("newspipe.sqlite").path, readOnly: true)
        defer { database.close() }
        func value(_ sql: String) throws -> String? { try database.rows(sql).first?.first ?? nil }
        #expect(try value("SELECT count(*) FROM mentions") == "39")
        #expect(try value("SELECT count(*) FROM documents") == "8")
        #expect(try value("SELECT count(*) FROM clusters") == "3")
        #expect(try value("SELECT count(*) FROM cluster_members") == "9")
        #expect(try value("SELECT count(*) FROM runs") == "1")
        #expect(try value("SELECT manifest_hash FROM runs") == "3f1c9a7e5b2d4c6a8e0f1b3d5c7a9e1f")
        #expect(try value("SELECT count(*) FROM stages") == "4")
        #expect(try value("SELECT sum(count) FROM rejects") == "2")
        #expect(try value("SELECT mentions FROM entities WHERE entity_id = 'org:nvidia'") == "4")
        // Tables agree with each other.
        #expect(try value("""
            SELECT count(*) FROM entities e WHERE e.mentions != (SELECT count(*) FROM mentions m WHERE m.entity_id = e.entity_id)
            """) == "0")
        #expect(try value("SELECT sum(mentions) FROM tickers WHERE ticker = 'NVDA'") == "7")
        #expect(try value("SELECT title FROM documents d JOIN clusters c ON c.canonical_id = d.document_id ORDER BY c.sites DESC LIMIT 1")
                == "Alphabet lifts cloud forecast as AI demand grows")
        #expect(try value("SELECT typeof(tone_balance) FROM tickers LIMIT 1") == "real")
        #expect(try value("SELECT typeof(words) FROM documents LIMIT 1") == "integer")
        // The text is stored raw (CSV neutralising is for spreadsheets only).
        #expect(try value("SELECT \"end\" - \"start\" FROM mentions WHERE surface = 'Société Générale'") == "16")
        let indexes = try database.rows("SELECT name FROM sqlite_master WHERE type = 'index' AND name NOT LIKE 'sqlite_%'").compactMap { $0[0] }
        #expect(indexes.contains("mentions_entity") && indexes.contains("mentions_document"))
        let plan = try database.rows("EXPLAIN QUERY PLAN SELECT * FROM mentions WHERE entity_id = 'org:tesla'").map { $0.compactMap { $0 }.joined(separator: " ") }
        #expect(plan.contains { $0.contains("mentions_entity") })
        #expect(try value("PRAGMA integrity_check") == "ok")
    }

    @Test func dataPackageDescribesTheCSVFiles() throws {
        let (folder, _) = try ReportFixture.buildFixtureReport()
        let object = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: folder.appendingPathComponent("datapackage.json"))) as? [String: Any])
        #expect(object["profile"] as? String == "tabular-data-package")
        let resources = try #require(object["resources"] as? [[String: Any]])
        let csvResources = resources.filter { $0["format"] as? String == "csv" }
        #expect(Set(csvResources.compactMap { $0["path"] as? String })
                == ["entities.csv", "tickers.csv", "cooccurrence.csv", "documents.csv", "document_tickers.csv", "duplicates.csv"])
        let types: Set<String> = ["string", "integer", "number", "date"]
        for resource in csvResources {
            let path = try #require(resource["path"] as? String)
            let schema = try #require(resource["schema"] as? [String: Any])
            let fields = try #require(schema["fields"] as? [[String: Any]])
            let header = try ReportFixture.csv(folder, path)[0]
            #expect(fields.compactMap { $0["name"] as? String } == header, "\(path)")
            #expect(fields.allSatisfy { types.contains($0["type"] as? String ?? "") })
            for key in schema["primaryKey"] as? [String] ?? [] { #expect(header.contains(key)) }
            // Values fit their declared types.
            let rows = try ReportFixture.csv(folder, path).dropFirst()
            for (index, field) in fields.enumerated() {
                for row in rows where !row[index].isEmpty {
                    switch field["type"] as? String {
                    case "integer": #expect(Int(row[index]) != nil, "\(path) \(field["name"]!) \(row[index])")
                    case "number": #expect(Double(row[index]) != nil, "\(path) \(field["name"]!) \(row[index])")
                    case "date": #expect(row[index].wholeMatch(of: /\d{4}-\d{2}-\d{2}/) != nil)
                    default: break
                    }
                }
            }
        }
        let mentions = try #require(resources.first { $0["path"] as? String == "mentions.jsonl" })
        let fields = ((mentions["schema"] as? [String: Any])?["fields"] as? [[String: Any]] ?? []).compactMap { $0["name"] as? String }
        let line = try #require(try ReportFixture.text(folder, "mentions.jsonl").split(separator: "\n").first)
        let keys = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any]).keys
        #expect(Set(keys).isSubset(of: Set(fields)))
        // Keyed rows: fields in the sorted key order JSONLines writes, as the dialect lists them.
        #expect(fields == fields.sorted())
        let dialect = (mentions["dialect"] as? [String: Any])?["json"] as? [String: Any]
        #expect(dialect?["keys"] as? [String] == fields)
        let full = EntityMention(documentId: "d", entityId: "e", canonicalName: "c", surface: "s", type: .money, start: 0,
                                 end: 1, sentence: 0, ticker: "T", value: "v", confidence: 1, tone: .bullish, cue: "up",
                                 evidence: "cashtag", nameAtDate: "n", sentenceStart: 0, sentenceEnd: 1)
        let encoded = try JSONSerialization.jsonObject(with: JSONLines.makeEncoder().encode(full)) as? [String: Any] ?? [:]
        // Every key an entities record can have, and the context the report adds.
        let mentionKeys = Set(encoded.keys).union(["context", "context_start", "context_end", "context_kind"])
        #expect(mentionKeys == Set(fields))
    }

    /// Two builds in one process share Swift's per-process hash seed, so this alone would not catch
    /// output that follows dictionary order; the golden tests (goldens written by another process)
    /// do.
    @Test func buildsAreByteIdentical() throws {
        let (first, files) = try ReportFixture.buildFixtureReport()
        let (second, _) = try ReportFixture.buildFixtureReport()
        for name in files {
            let a = try Data(contentsOf: first.appendingPathComponent(name))
            let b = try Data(contentsOf: second.appendingPathComponent(name))
            #expect(a == b, "\(name) differs between two builds")
        }
    }

    @Test func aggregatesDoNotDependOnMentionOrder() throws {
        let root = try ReportFixture.temporaryFolder()
        var mentions = try JSONLines.read(EntityMention.self, from: ReportFixture.file("mentions.jsonl"))
        mentions.reverse()
        let half = mentions.count / 2
        let a = root.appendingPathComponent("a.jsonl"), b = root.appendingPathComponent("b.jsonl")
        try JSONLines.write(mentions[..<half], to: a)
        try JSONLines.write(mentions[half...], to: b)
        let shuffled = root.appendingPathComponent("shuffled")
        _ = try ReportBuilder().build(ReportFixture.inputs(mentions: [a, b]), into: shuffled)
        let ordered = root.appendingPathComponent("ordered")
        _ = try ReportBuilder().build(ReportFixture.inputs(), into: ordered)
        for name in ["entities.csv", "tickers.csv", "cooccurrence.csv", "documents.csv", "duplicates.csv", "summary.md", "report.html"] {
            #expect(try ReportFixture.text(shuffled, name) == ReportFixture.text(ordered, name), "\(name)")
        }
    }

    @Test func pairCapLimitsPairsPerDocument() throws {
        let root = try ReportFixture.temporaryFolder()
        let id = String(repeating: "a", count: 64)
        let documents = [ArticleRecord(id: id, source: "s", site: "wrap.example", title: "Market wrap", published: "2026-04-13",
                                       text: "x", words: 1, confidence: 1)]
        let mentions = (0..<200).map {
            EntityMention(documentId: id, entityId: "ticker:T\($0)", canonicalName: "T\($0)", surface: "$T\($0)", type: .ticker,
                          start: 0, end: 1, sentence: 0, confidence: 1)
        }
        let d = root.appendingPathComponent("d.jsonl"), m = root.appendingPathComponent("m.jsonl")
        try JSONLines.write(documents, to: d)
        try JSONLines.write(mentions, to: m)
        let inputs = ReportInputs(documents: [d], mentions: [m], stages: [], manifestHash: "x",
                                  runStartedAt: ReportFixture.started, runFinishedAt: ReportFixture.finished)
        _ = try ReportBuilder(pairEntitiesPerDocument: 10, minimumPairDocuments: 1).build(inputs, into: root.appendingPathComponent("r"))
        let pairs = try ReportFixture.csv(root.appendingPathComponent("r"), "cooccurrence.csv")
        #expect(pairs.count - 1 == 45)
        let tickers = try ReportFixture.csv(root.appendingPathComponent("r"), "tickers.csv")
        #expect(tickers.count - 1 == 200)
    }

    @Test func emptyInputsStillGiveAReport() throws {
        let root = try ReportFixture.temporaryFolder()
        let d = root.appendingPathComponent("d.jsonl"), m = root.appendingPathComponent("m.jsonl")
        try AtomicFile.write("", to: d)
        try AtomicFile.write("", to: m)
        let inputs = ReportInputs(documents: [d], mentions: [m], stages: [], manifestHash: "x",
                                  runStartedAt: ReportFixture.started, runFinishedAt: ReportFixture.finished)
        let out = root.appendingPathComponent("r")
        let files = try ReportBuilder().build(inputs, into: out)
        #expect(files == ReportBuilder.fileNames)
        #expect(try ReportFixture.csv(out, "entities.csv").count == 1)
        let html = try ReportFixture.text(out, "report.html")
        #expect(html.contains("No named entities in this run."))
        try ReportMetricsTests.checkExposition(try ReportFixture.text(out, "metrics.prom"))
    }

    @Test func whatChangedComparesWithThePreviousRun() throws {
        let (folder, _) = try ReportFixture.buildFixtureReport()
        let summary = try ReportFixture.text(folder, "summary.md")
        #expect(summary.contains("## What changed since the previous run"))
        #expect(summary.contains("| NVDA | 2 | 7 | +5 | -1.000 | +0.286 |"))
        #expect(summary.contains("Lisa Su"))
        #expect(!summary.contains("New entities: Alphabet"))

        // Without the snapshot the previous report's CSV files give the same comparison.
        let root = try ReportFixture.temporaryFolder()
        let previous = root.appendingPathComponent("previous")
        _ = try ReportBuilder().build(ReportFixture.previousInputs(), into: previous)
        try FileManager.default.removeItem(at: previous.appendingPathComponent(ReportSnapshot.fileName))
        let current = root.appendingPathComponent("current")
        _ = try ReportBuilder().build(ReportFixture.inputs(previous: previous), into: current)
        let fallback = try ReportFixture.text(current, "summary.md")
        #expect(fallback.contains("| NVDA | 2 | 7 | +5 | -1.000 | +0.286 |"))
        #expect(fallback.contains("5 new named entities") == summary.contains("5 new named entities"))
    }
}

extension ReportContentTests {
    /// The runner may write the new report over the previous one: comparisons must use the old files.
    @Test func previousReportCanBeTheOutputFolder() throws {
        let folder = try ReportFixture.temporaryFolder().appendingPathComponent("report")
        _ = try ReportBuilder().build(ReportFixture.previousInputs(), into: folder)
        var inputs = ReportFixture.inputs(previous: folder)
        inputs.stages[0].status = "failed"
        _ = try ReportBuilder().build(inputs, into: folder)
        let summary = try ReportFixture.text(folder, "summary.md")
        #expect(summary.contains("| NVDA | 2 | 7 | +5 | -1.000 | +0.286 |"))
        #expect(summary.contains("with 3 documents"))
        #expect(try ReportFixture.text(folder, "metrics.prom").contains("newspipe_last_success_timestamp_seconds 1776153660\n"))
    }
}

extension ReportContentTests {
    /// Stage outputs that disagree (a mention of a removed mirror, a document in two files) are
    /// counted once and reported, not silently merged.
    @Test func mismatchedInputsAreCountedAndReported() throws {
        let root = try ReportFixture.temporaryFolder()
        let extraMentions = root.appendingPathComponent("extra.jsonl")
        try JSONLines.write([EntityMention(documentId: "not-a-canonical-document", entityId: "org:nvidia", canonicalName: "Nvidia",
                                           surface: "Nvidia", type: .organization, start: 0, end: 6, sentence: 0,
                                           ticker: "NVDA", confidence: 1, tone: .bearish)], to: extraMentions)
        let documents = [ReportFixture.file("documents.jsonl"), ReportFixture.file("previous-documents.jsonl")]
        let inputs = ReportFixture.inputs(mentions: [ReportFixture.file("mentions.jsonl"), extraMentions], documents: documents)
        let out = root.appendingPathComponent("r")
        _ = try ReportBuilder().build(inputs, into: out)
        #expect(try ReportFixture.csv(out, "documents.csv").count == 9)
        let nvidia = try #require(try ReportFixture.csv(out, "entities.csv").first { $0[0] == "org:nvidia" })
        #expect(nvidia[4] == "5")  // mentions: the stray one counts
        #expect(nvidia[5] == "3")  // documents: only canonical ones
        let nvda = try ReportFixture.csv(out, "tickers.csv").filter { $0[0] == "NVDA" }
        #expect(nvda.last?[1] == "" && nvda.last?[2] == "1" && nvda.last?[3] == "0")
        let summary = try ReportFixture.text(out, "summary.md")
        #expect(summary.contains("Warning: 1 mentions name documents that are not among the canonical documents"))
        #expect(summary.contains("Warning: 3 document records repeat an earlier id"))
        let html = try ReportFixture.text(out, "report.html")
        #expect(html.contains("<div class=\"notice\" role=\"note\">"))
        #expect(html.contains("1 mentions name documents"))
    }
}

extension ReportContentTests {
    /// An array job or a resumed run splits the same records into other shard files in another
    /// order, and the stage may run with any number of workers: the report must not change (the
    /// runner's end-to-end tests compare CSV and JSONL).
    @Test func shardingDoesNotChangeTheReport() throws {
        let root = try ReportFixture.temporaryFolder()
        let documents = try JSONLines.read(ArticleRecord.self, from: ReportFixture.file("documents.jsonl"))
        let mentions = try JSONLines.read(EntityMention.self, from: ReportFixture.file("mentions.jsonl"))
        var documentShards: [URL] = [], mentionShards: [URL] = []
        for shard in 0..<3 {
            let d = root.appendingPathComponent("documents-\(shard).jsonl"), m = root.appendingPathComponent("mentions-\(shard).jsonl")
            try JSONLines.write(documents.enumerated().filter { $0.offset % 3 == shard }.map(\.element).reversed(), to: d)
            try JSONLines.write(mentions.enumerated().filter { ($0.offset * 7) % 3 == shard }.map(\.element).reversed(), to: m)
            documentShards.append(d); mentionShards.append(m)
        }
        let sharded = root.appendingPathComponent("sharded")
        var builder = ReportBuilder()
        builder.mentionSortChunk = 4  // force spilled runs and a merge
        builder.contextBatchMentions = 3  // and many small batches of contexts
        builder.workers = 3  // finished by three workers out of order, written in order
        _ = try builder.build(ReportFixture.inputs(mentions: mentionShards.reversed(), documents: documentShards), into: sharded)
        let whole = root.appendingPathComponent("whole")
        var single = ReportBuilder()
        single.workers = 1  // everything on one thread
        _ = try single.build(ReportFixture.inputs(), into: whole)
        for name in ReportBuilder.fileNames where name != "newspipe.sqlite" {
            #expect(try Data(contentsOf: sharded.appendingPathComponent(name)) == Data(contentsOf: whole.appendingPathComponent(name)), "\(name)")
        }
        #expect(try ReportFixture.sqliteDump(sharded.appendingPathComponent("newspipe.sqlite"))
                == ReportFixture.sqliteDump(whole.appendingPathComponent("newspipe.sqlite")))
        let stray = try FileManager.default.contentsOfDirectory(atPath: sharded.path).filter { $0.hasPrefix(".tmp-") }
        #expect(stray.isEmpty)
        // Sorted by document, then offsets.
        let lines = try JSONLines.read(EntityMention.self, from: whole.appendingPathComponent("mentions.jsonl"))
        #expect(lines.count == mentions.count)
        #expect(lines.map { "\($0.documentId)\(1_000_000 + $0.start)" } == lines.map { "\($0.documentId)\(1_000_000 + $0.start)" }.sorted())
    }

    @Test func missingInputFilesAreReportedNotFatal() throws {
        let root = try ReportFixture.temporaryFolder()
        var inputs = ReportFixture.inputs(mentions: [ReportFixture.file("mentions.jsonl"), root.appendingPathComponent("mentions-9.jsonl")])
        inputs.clusters = root.appendingPathComponent("clusters.jsonl")
        let out = root.appendingPathComponent("r")
        _ = try ReportBuilder().build(inputs, into: out)
        let summary = try ReportFixture.text(out, "summary.md")
        #expect(summary.contains("Warning: input files missing (read as empty): clusters.jsonl, mentions-9.jsonl"))
        let run = try JSONSerialization.jsonObject(with: Data(contentsOf: out.appendingPathComponent("run.json"))) as? [String: Any]
        #expect(run?["missing_inputs"] as? [String] == ["clusters.jsonl", "mentions-9.jsonl"])
        #expect(try ReportFixture.csv(out, "entities.csv").count == 24)
    }
}

@Suite struct ReportFormatTests {
    @Test func fixedIsLocaleFreeAndRounds() {
        #expect(ReportFormat.fixed(0.5, digits: 3) == "0.500")
        #expect(ReportFormat.fixed(-0.25, digits: 3) == "-0.250")
        #expect(ReportFormat.fixed(-0.0001, digits: 3) == "0.000")
        #expect(ReportFormat.fixed(2.0 / 3.0, digits: 3) == "0.667")
        #expect(ReportFormat.fixed(1234567.891, digits: 2) == "1234567.89")
        #expect(ReportFormat.fixed(0.0005, digits: 3) == "0.001")
        #expect(ReportFormat.fixed(12, digits: 0) == "12")
        #expect(ReportFormat.fixed(.nan, digits: 2) == "")
        #expect(ReportFormat.fixed(1e300, digits: 3) == "1e+300")
        #expect(ReportFormat.grouped(1234567) == "1,234,567")
        #expect(ReportFormat.timestamp(Date(timeIntervalSince1970: 1_776_240_075.9)) == "2026-04-15T08:01:15Z")
    }

    @Test func publishedDatesNormaliseToUTCDays() {
        func day(_ text: String) -> String? { ReportPublished(text)?.dayString }
        #expect(day("2026-04-13") == "2026-04-13")
        #expect(day("2026-04-13T08:00:00Z") == "2026-04-13")
        #expect(day("2026-04-13T23:30:00-04:00") == "2026-04-14")
        #expect(day("2026-04-13T01:30:00+02:00") == "2026-04-12")
        #expect(day("2026-04-13T01:30:00.123+0530") == "2026-04-12")
        #expect(day("2026-04-13 08:00") == "2026-04-13")
        #expect(day("2026-04-13T08:00:00") == "2026-04-13")
        #expect(day("2024-02-29") == "2024-02-29")
        #expect(day("April 13, 2026") == nil)
        #expect(day("2026-13-01") == nil)
        #expect(day("2026-04-13T25:00") == nil)
        #expect(day("") == nil)
        #expect(ReportPublished("2026-04-13T23:30:00-04:00")?.display == "2026-04-14 03:30 UTC")
        #expect(ReportPublished("2026-04-13T08:05")?.display == "2026-04-13 08:05")
        #expect(ReportPublished("2026-04-13")?.display == "2026-04-13")
        #expect(ReportDay.string(0) == "1970-01-01")
        #expect(ReportDay.string(-1) == "1969-12-31")
        for days in stride(from: -800_000, through: 800_000, by: 997) {
            let text = ReportDay.string(days)
            #expect(ReportPublished(text)?.day == days || days < -719_162, "\(text)")
        }
    }

    @Test func csvReaderReadsWhatTheWriterWrites() {
        let text = "a,b\r\n\"x,\"\"y\"\"\",\"line\nbreak\"\r\n,\r\n"
        #expect(ReportCSVReader.records(text) == [["a", "b"], ["x,\"y\"", "line\nbreak"], ["", ""]])
    }
}
