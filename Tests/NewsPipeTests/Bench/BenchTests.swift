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

/// The bench's own machinery: corpora it generates, scores it computes, what it reports.
@Suite struct BenchTests {
    static let samplePage = """
        <html><head><title>Harbor Cranes Report Record Quarter</title>
        <link rel="canonical" href="https://www.harbor.example/markets/cranes-record.html">
        <script>var trackingWords = "keep these words";</script></head>
        <body><h1>Harbor Cranes Report Record Quarter</h1>
        <p>The harbor operator said on Tuesday that container volumes rose sharply &amp; steadily.</p>
        <p>Analysts at Quayside Research expect the cranes to stay busy through the winter season.</p>
        </body></html>
        """

    private func sampleFolder() throws -> URL {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("bench-tests-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder.appendingPathComponent("harbor.example"), withIntermediateDirectories: true)
        try Data(Self.samplePage.utf8).write(to: folder.appendingPathComponent("harbor.example/cranes-record.html"))
        try Data("<html><body><p>Second story about river barges and their cargo of grain.</p></body></html>".utf8)
            .write(to: folder.appendingPathComponent("harbor.example/barges.html"))
        return folder
    }

    @Test func variantZeroKeepsTheSamplePage() throws {
        let generator = try BenchPageGenerator(sampleFolder: try sampleFolder())
        let page = generator.page(Array(Self.samplePage.utf8), variant: 0)
        let text = String(decoding: page, as: UTF8.self)
        #expect(text.hasPrefix(Self.samplePage))
        #expect(text.hasSuffix("<!-- bench variant 0 -->\n"))
    }

    @Test func laterVariantsChangeWordsButNotMarkupOrScripts() throws {
        let generator = try BenchPageGenerator(sampleFolder: try sampleFolder())
        let original = Array(Self.samplePage.utf8)
        let first = String(decoding: generator.page(original, variant: 1), as: UTF8.self)
        let again = String(decoding: generator.page(original, variant: 1), as: UTF8.self)
        let second = String(decoding: generator.page(original, variant: 2), as: UTF8.self)
        #expect(first == again, "one variant, one mapping: mirrors inside a variant stay mirrors")
        #expect(first != second)
        #expect(first.contains("var trackingWords = \"keep these words\";"))
        #expect(first.contains("&amp;"))
        #expect(first.contains("https://www.harbor.example/v1/markets/cranes-record-v1.html"))
        #expect(first.components(separatedBy: "<p>").count == 3)
        let words = { (page: String) -> [String] in
            let body = page.components(separatedBy: "<body>")[1].components(separatedBy: "</body>")[0]
            return body.split(whereSeparator: { !$0.isLetter }).map(String.init)
        }
        let before = words(Self.samplePage), after = words(first)
        #expect(before.count == after.count)
        let changed = zip(before, after).filter { $0.lowercased() != $1.lowercased() }.count
        #expect(changed > before.count / 4, "about half the words change: \(changed) of \(before.count)")
    }

    @Test func generatorWritesEveryPageUnderItsVariant() throws {
        let generator = try BenchPageGenerator(sampleFolder: try sampleFolder())
        let out = FileManager.default.temporaryDirectory.appendingPathComponent("bench-pages-\(UUID().uuidString)")
        try generator.write(count: 5, into: out)
        let files = FileManager.default.enumerator(atPath: out.path)!.compactMap { $0 as? String }.filter { $0.hasSuffix(".html") }.sorted()
        #expect(files == ["v00000/harbor.example/barges.html", "v00000/harbor.example/cranes-record.html",
                          "v00001/harbor.example/barges.html", "v00001/harbor.example/cranes-record.html",
                          "v00002/harbor.example/barges.html"])
    }

    private func textsFolder() throws -> String {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("bench-texts-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        var rng = BenchRandom(seed: 7)
        let vocabulary = ["market", "shares", "harbor", "profit", "analysts", "quarter", "river", "grain", "cranes", "rose",
                          "fell", "investors", "board", "chief", "said", "plans", "record", "costs", "demand", "season"]
        var text = ""
        for _ in 0 ..< 300 {
            text += (0 ..< 10).map { _ in vocabulary.randomElement(using: &rng)! }.joined(separator: " ") + ".\n"
        }
        try text.write(to: folder.appendingPathComponent("texts.txt"), atomically: true, encoding: .utf8)
        return folder.path
    }

    @Test func syntheticCorpusIsReproducibleWithPlantedMirrors() throws {
        let corpus = try BenchDedupCorpus(folder: try textsFolder())
        let documents = corpus.documents(size: 400, mirrorShare: 0.2)
        let again = corpus.documents(size: 400, mirrorShare: 0.2)
        #expect(documents.map(\.text) == again.map(\.text))
        #expect(Set(documents.map(\.id)).count == 400)
        let stories = Set(documents.map(\.story)).count
        #expect(stories > 260 && stories < 360, "about a fifth are mirrors: \(400 - stories) mirrors")
        #expect(documents.allSatisfy { $0.words > 300 })
    }

    @Test func dedupFindsThePlantedMirrors() throws {
        let corpus = try BenchDedupCorpus(folder: try textsFolder())
        let documents = corpus.documents(size: 300, mirrorShare: 0.2)
        let parameters = DedupParameters()
        let signatures = MinHashSigner(parameters: parameters).sign(
            documents.map { DedupDocument(id: $0.id, source: "bench", text: $0.text, words: $0.words) }, workers: 1)
        let result = MirrorClusterer.cluster(signatures, parameters: parameters)
        let score = BenchPairScore(documents: documents, clusters: result.clusters.map { $0.members.map(\.id) })
        #expect(score.truePairs > 0)
        #expect(score.precision == 1)
        #expect(score.recall > 0.8)
    }

    @Test func pairScoreCountsPairs() {
        let documents = [("a", 1), ("b", 1), ("c", 1), ("d", 2), ("e", 3)].map { BenchDedupDocument(id: $0.0, story: $0.1, text: "") }
        let score = BenchPairScore(documents: documents, clusters: [["a", "b"], ["c", "d"]])
        #expect(score.truePairs == 3)
        #expect(score.foundPairs == 1)
        #expect(score.wrongPairs == 1)
        #expect(score.precision == 0.5)
        #expect(abs(score.recall - 1.0 / 3) < 1e-9)
    }

    @Test func sizesParse() {
        #expect(benchSizes("1000,10k,100K") == [1000, 10_000, 100_000])
        #expect(benchSizes("10,x") == nil)
        #expect(benchSizes("0") == nil)
        #expect(benchSizes("") == nil)
    }

    @Test func reportKeepsColumnOrderAndWritesJSON() throws {
        var row = BenchRow()
        row.add("pages", 181)
        row.add("pages_per_s_core", 123.456_7)
        row.add("tool", "newspipe")
        #expect(row.fields.map(\.key) == ["pages", "pages_per_s_core", "tool"])
        #expect(BenchValue.number(123.4567).display == "123")
        #expect(BenchValue.number(0.12345).display == "0.123")
        let report = BenchReport(bench: "strip", settings: ["threads": "1"], rows: [row])
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("bench-\(UUID().uuidString).json")
        try report.write(json: file.path)
        let object = try JSONSerialization.jsonObject(with: Data(contentsOf: file)) as! [String: Any]
        let rows = object["rows"] as! [[String: Any]]
        #expect(rows[0]["pages"] as? Int == 181)
        #expect(rows[0]["pages_per_s_core"] as? Double == 123.457)
        #expect(rows[0]["tool"] as? String == "newspipe")
        #expect(object["bench"] as? String == "strip")
    }

    @Test func memoryIsReadFromProc() throws {
        try #require(FileManager.default.fileExists(atPath: "/proc/self/status"))
        #expect(BenchMemory.residentMB() > 1)
        #expect(BenchMemory.peakMB() >= BenchMemory.residentMB() - 1)
    }

    @Test func childExitStatusAndUsageAreReported() throws {
        let log = FileManager.default.temporaryDirectory.appendingPathComponent("bench-child-\(UUID().uuidString).log").path
        let child = try BenchChild.run(["/bin/sh", "-c", "echo started; exit 3"], log: log)
        #expect(child.status == 3)
        #expect(child.peakMB > 0)
        #expect(try String(contentsOfFile: log, encoding: .utf8) == "started\n")
        #expect(throws: FileError.self) { try BenchChild.run(["/no/such/binary"], log: log) }
    }

    /// Each stage on its own, then the report again dated a day later: it compares against the
    /// first report (its summary has "What changed"), and the pipeline row is the first night's.
    @Test func pipelineBenchMeasuresASecondNightsReport() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("bench-second-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: folder) }
        let json = folder.appendingPathComponent("pipeline.json")
        let harness = try PipelineHarness(sampleCorpus: false)
        defer { harness.remove() }
        let work = folder.appendingPathComponent("work")
        let outcome = try harness.run(["bench", "pipeline", "--pages", "68", "--workers", "2", "--per-stage", "--second-night", "--keep",
                                       "--corpus", PipelineHarness.repository.appendingPathComponent("corpus").path,
                                       "--out", work.path, "--json", json.path])
        #expect(outcome.status == 0, "\(outcome.stderr)")
        let object = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: json)) as? [String: Any])
        let rows = try #require(object["rows"] as? [[String: Any]])
        #expect(rows.map { $0["stage"] as? String } == [nil, "fetch", "strip", "dedup", "entities", "report", "report-second-night"])
        #expect(rows.last?["exit"] as? Int == 0)
        let reports = work.appendingPathComponent("68/output/reports")
        let days = try FileManager.default.contentsOfDirectory(atPath: reports.path).filter { $0.first?.isNumber == true }.sorted()
        #expect(days.count == 2)
        let second = try String(contentsOf: reports.appendingPathComponent(days.last ?? "").appendingPathComponent("summary.md"), encoding: .utf8)
        #expect(second.contains("## What changed since the previous run"))
        let first = try String(contentsOf: reports.appendingPathComponent(days.first ?? "").appendingPathComponent("summary.md"), encoding: .utf8)
        #expect(!first.contains("## What changed since the previous run"))
        let noFlag = try harness.run(["bench", "pipeline", "--pages", "68", "--second-night", "--out", work.path])
        #expect(noFlag.status != 0 && noFlag.stderr.contains("--per-stage"))
    }

    /// Two small nights through the built binary: rows per night, late mirrors removed on night 2.
    @Test func nightsBenchRunsNightsIntoOneOutputFolder() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("bench-nights-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: folder) }
        let json = folder.appendingPathComponent("nights.json")
        let harness = try PipelineHarness(sampleCorpus: false)
        defer { harness.remove() }
        let outcome = try harness.run(["bench", "nights", "--nights", "2", "--pages", "68", "--late-share", "0.5", "--workers", "2",
                                       "--corpus", PipelineHarness.repository.appendingPathComponent("corpus").path,
                                       "--out", folder.appendingPathComponent("work").path, "--json", json.path])
        #expect(outcome.status == 0, "\(outcome.stderr)")
        let object = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: json)) as? [String: Any])
        let rows = try #require(object["rows"] as? [[String: Any]])
        #expect(rows.count == 2)
        #expect(rows.map { $0["exit"] as? Int } == [1, 1], "the sample's junk pages are rejected every night")
        #expect((rows[1]["pages"] as? Int) == 68 + 34)
        #expect((rows[1]["removed"] as? Int ?? 0) > (rows[0]["removed"] as? Int ?? 0), "the late copies of night 1 are removed on night 2")
    }
}
