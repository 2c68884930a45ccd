import ArgumentParser
import ArticleExtraction
import Foundation
import MirrorDedup
import NERTraining
import NewsBench
import NewsEntities
import NewsFetch
import NewsIO
import NewsPipe
import NewsRecords
import NewsReports
import NewsText
import PipelineKit
#if canImport(Glibc)
import Glibc
#endif

/// `newspipe bench`: speed and memory of each stage engine and of the whole pipeline.
public struct BenchCommand: ParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Measure the speed and memory of the stage engines and of the whole pipeline.",
        discussion: """
        Build with -c release before measuring. Rates per core divide by CPU seconds, \
        which a busy shared machine disturbs less than wall time; still, compare tools \
        within one run. scripts/bench runs each bench beside the Python tools users \
        would pick instead.

          newspipe bench strip --input-dir PAGES [--repeat 3]
          newspipe bench dedup --texts TEXTS [--sizes 10000,100000] [--write-docs DIR]
          newspipe bench entities --input docs.jsonl [--predictions spans.jsonl]
          newspipe bench pipeline --pages 1000,10000 --out DIR [--per-stage [--second-night]]
          newspipe bench nights --nights 30 --pages 10000 --out DIR
          newspipe bench fetch [--pages 10000] [--size 100000] [--connections 64]
        """,
        subcommands: [BenchFetchCommand.self, BenchStripCommand.self, BenchDedupCommand.self, BenchEntitiesCommand.self, BenchPipelineCommand.self,
                      BenchNightsCommand.self])

    public init() {}
}

/// Where every bench's `--json` goes.
public struct BenchOutputOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp("Also write the results as JSON to this file.", valueName: "path"))
    public var json: String?

    public init() {}

    func finish(_ report: BenchReport) throws {
        report.printTable()
        try CommandFailure.guarding { try report.write(json: json) }
    }
}

// MARK: - fetch

/// `newspipe bench fetch`: pages fetched over HTTP and stored per second, against a loopback
/// server in this process, and peak memory while doing it.
public struct BenchFetchCommand: ParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "fetch", abstract: "Fetch and store pages from a loopback server; pages/s and peak memory.")

    @Option(name: .long, help: "Pages to fetch.") public var pages = 10_000
    @Option(name: .long, help: "Bytes per page.") public var size = 100_000
    @Option(name: .long, help: "Connections (global and per host).") public var connections = 64
    @Flag(name: .long, help: "Keep bodies in memory instead of storing them.") public var noStore = false

    public init() {}

    public func run() throws {
        let server = try BenchFetchServer(pageSize: size)
        defer { server.shutdown() }
        var settings = FetchNetworkSettings()
        settings.globalConcurrency = connections
        settings.perHostConcurrency = connections
        settings.perHostDelayMs = 0
        settings.respectRobots = false
        settings.allowHosts = ["127.0.0.1:\(server.port)"]
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("newspipe-bench-fetch-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: folder) }
        let fetcher = HTTPFetcher(settings: settings, store: noStore ? nil : ContentStore(root: folder))
        defer { fetcher.shutdown() }
        let requests = (0 ..< pages).map { FetchRequest(url: "http://127.0.0.1:\(server.port)/news/\($0).html") }
        let before = BenchMemory.peakMB()
        let started = Date()
        var stored = 0, bytes = 0, failed: [String: Int] = [:]
        try NetworkFetch.fetchPages(requests, fetcher: fetcher) { response in
            if response.disposition == .stored { stored += 1; bytes += response.record.bytes }
            else { failed[response.reason ?? "unknown", default: 0] += 1 }
        }
        let seconds = Date().timeIntervalSince(started)
        print(String(format: "fetch: %d pages of %d bytes, %d connections, %@: %d stored, %d failed %@",
                     pages, size, connections, noStore ? "not stored" : "stored", stored, failed.values.reduce(0, +), failed.description))
        print(String(format: "fetch: %.2f s, %.0f pages/s, %.1f MB/s, peak RSS %.0f MB (%.0f MB before fetching)",
                     seconds, Double(stored) / seconds, Double(bytes) / seconds / 1e6, BenchMemory.peakMB(), before))
        if stored < pages { throw ExitCode(1) }
    }
}

// MARK: - strip

/// `newspipe bench strip`: the extractor on one thread over pages already in memory.
public struct BenchStripCommand: ParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "strip",
        abstract: "Extraction speed on one thread (pages pre-loaded), peak memory and whether memory stays flat.")

    @Option(name: .long, help: ArgumentHelp("Folder of pages: every .html/.htm below it.", valueName: "dir"))
    public var inputDir: String

    @Option(name: .long, help: ArgumentHelp("Passes over the pages.", valueName: "n"))
    public var `repeat`: Int = 1

    @Option(name: .long, help: ArgumentHelp("HTML parser: streaming (default), libxml2 or libxml2-sax.", valueName: "parser"))
    public var frontEnd: String = HTMLFrontEnd.streaming.rawValue

    @Flag(name: .long, help: "Time the HTML parse alone (no extraction).")
    public var parseOnly = false

    @OptionGroup public var output: BenchOutputOptions

    public init() {}

    public func validate() throws {
        if `repeat` < 1 { throw ValidationError("--repeat must be at least 1") }
        if HTMLFrontEnd(rawValue: frontEnd) == nil {
            throw ValidationError("--front-end: expected one of \(HTMLFrontEnd.allCases.map(\.rawValue).joined(separator: ", "))")
        }
    }

    public func run() throws {
        let pages = try CommandFailure.guarding { try Self.loadPages(URL(fileURLWithPath: inputDir)) }
        guard !pages.isEmpty else { throw ValidationError("no .html/.htm pages under \(inputDir)") }
        ArticleExtractor.prepareLibrary()
        let parser = HTMLFrontEnd(rawValue: frontEnd) ?? .streaming
        let extractor = ArticleExtractor(options: ExtractionOptions(frontEnd: parser))
        let megabytes = Double(pages.reduce(0) { $0 + $1.count }) / 1e6
        let extract: ([UInt8]) -> Bool = parseOnly
            ? { ArticleExtractor.parseOnly($0, frontEnd: parser) }
            : { if case .success = extractor.extract($0, url: nil, contentType: nil) { return true } else { return false } }
        // One untimed page first: lazy tables and the parser's own set-up are not per-page costs.
        _ = extract(pages[0])
        let baseline = BenchMemory.residentMB()

        let total = pages.count * `repeat`
        let checkpoints = [total / 4, total / 2, total]
        var memoryAt: [Double] = []
        var accepted = 0
        var done = 0
        let cpu0 = BenchClock.threadCPU(), wall0 = BenchClock.wall()
        for _ in 0 ..< `repeat` {
            for page in pages {
                if extract(page) { accepted += 1 }
                done += 1
                if checkpoints.contains(done), memoryAt.count < checkpoints.count { memoryAt.append(BenchMemory.residentMB()) }
            }
        }
        let cpu = BenchClock.threadCPU() - cpu0, wall = BenchClock.wall() - wall0
        while memoryAt.count < 3 { memoryAt.append(BenchMemory.residentMB()) }

        var row = BenchRow()
        row.add("pages", pages.count)
        row.add("mb", megabytes)
        row.add("repeat", `repeat`)
        row.add("cpu_s", cpu)
        row.add("wall_s", wall)
        row.add("pages_per_s_core", Double(total) / cpu)
        row.add("mb_per_s_core", megabytes * Double(`repeat`) / cpu)
        row.add("ms_per_page", cpu / Double(total) * 1000)
        row.add("accepted", accepted / `repeat`)
        row.add("rss_start_mb", baseline)
        row.add("rss_25_mb", memoryAt[0])
        row.add("rss_50_mb", memoryAt[1])
        row.add("rss_100_mb", memoryAt[2])
        row.add("peak_rss_mb", BenchMemory.peakMB())
        var report = BenchReport(bench: "strip", settings: ["input_dir": inputDir, "threads": "1", "front_end": parser.rawValue,
                                                            "parse_only": parseOnly ? "yes" : "no"], rows: [row])
        report.notes.append("per core = pages / CPU seconds of the extracting thread; peak RSS includes the pages held in memory (\(String(format: "%.1f", megabytes)) MB)")
        try output.finish(report)
    }

    static func loadPages(_ folder: URL) throws -> [[UInt8]] {
        guard let walker = FileManager.default.enumerator(at: folder, includingPropertiesForKeys: nil) else {
            throw FileError.io(path: folder.path, reason: "cannot list")
        }
        var files: [URL] = []
        for case let file as URL in walker where ["html", "htm"].contains(file.pathExtension.lowercased()) { files.append(file) }
        return try files.sorted { $0.path < $1.path }.map { [UInt8](try Data(contentsOf: $0)) }
    }
}

// MARK: - dedup

/// `newspipe bench dedup`: signatures and clustering on synthetic stories with planted mirrors.
public struct BenchDedupCommand: ParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "dedup",
        abstract: "Signature and LSH+check speed per core, peak memory and time per document at each corpus size.")

    @Option(name: .long, help: ArgumentHelp("Folder of dev texts (.txt, or .jsonl with text/plaintext) to draw sentences from.", valueName: "dir"))
    public var texts: String

    @Option(name: .long, help: ArgumentHelp("Corpus sizes, comma-separated (10k allowed).", valueName: "n,n"))
    public var sizes: String = "10000,100000"

    @Option(name: .long, help: ArgumentHelp("Share of documents that are mirrors of a recent story.", valueName: "x"))
    public var mirrorShare: Double = 0.2

    @Option(name: .long, help: ArgumentHelp("Signing threads (1 measures one core).", valueName: "n"))
    public var workers: Int = 1

    @Option(name: .long, help: ArgumentHelp("Also write each corpus as DIR/dedup-<size>.jsonl ({id, story, text}) for other tools.", valueName: "dir"))
    public var writeDocs: String?

    @OptionGroup public var output: BenchOutputOptions

    public init() {}

    public func validate() throws {
        if benchSizes(sizes) == nil { throw ValidationError("--sizes expects sizes like 10000,100000, found \"\(sizes)\"") }
        if workers < 1 { throw ValidationError("--workers must be at least 1") }
    }

    public func run() throws {
        let corpus = try CommandFailure.guarding { try BenchDedupCorpus(folder: texts) }
        let parameters = DedupParameters()
        let signer = MinHashSigner(parameters: parameters)
        var report = BenchReport(bench: "dedup", settings: [
            "texts": texts, "sentences": String(corpus.sentences.count), "mirror_share": String(mirrorShare),
            "shingle": String(parameters.shingleSize), "permutations": String(parameters.permutations),
            "threshold": String(parameters.threshold), "banding": "\(parameters.banding.bands)x\(parameters.banding.rows)",
            "signing_workers": String(workers),
        ])
        for size in benchSizes(sizes)! {
            let documents = corpus.documents(size: size, mirrorShare: mirrorShare)
            if let writeDocs {
                try CommandFailure.guarding {
                    try FileManager.default.createDirectory(atPath: writeDocs, withIntermediateDirectories: true)
                    try JSONLines.write(documents, to: URL(fileURLWithPath: writeDocs).appendingPathComponent("dedup-\(size).jsonl"))
                }
            }
            let inputs = documents.map { DedupDocument(id: $0.id, source: "bench", text: $0.text, words: $0.words) }
            let words = inputs.reduce(0) { $0 + $1.words }
            let rssBefore = BenchMemory.residentMB()
            let t0 = BenchClock.processCPU(), w0 = BenchClock.wall()
            let signatures = signer.sign(inputs, workers: workers)
            let t1 = BenchClock.processCPU()
            let result = MirrorClusterer.cluster(signatures, parameters: parameters)
            let t2 = BenchClock.processCPU(), w2 = BenchClock.wall()
            let score = BenchPairScore(documents: documents, clusters: result.clusters.map { $0.members.map(\.id) })
            let sign = t1 - t0, cluster = t2 - t1

            var row = BenchRow()
            row.add("docs", size)
            row.add("words_per_doc", Double(words) / Double(size))
            row.add("sign_cpu_s", sign)
            row.add("sign_docs_per_s_core", Double(size) / sign)
            row.add("lsh_cpu_s", cluster)
            row.add("lsh_docs_per_s_core", Double(size) / cluster)
            row.add("docs_per_s_core", Double(size) / (sign + cluster))
            row.add("us_per_doc", (sign + cluster) / Double(size) * 1e6)
            row.add("wall_s", w2 - w0)
            row.add("candidates", result.statistics.candidatePairs)
            row.add("pair_precision", score.precision)
            row.add("pair_recall", score.recall)
            row.add("rss_growth_mb", BenchMemory.residentMB() - rssBefore)
            row.add("peak_rss_mb", BenchMemory.peakMB())
            report.rows.append(row)
        }
        report.notes.append("per core = documents / CPU seconds; generating the corpus is not timed; peak RSS is the process's so far (it holds the texts too)")
        report.notes.append("pair precision/recall: document pairs clustered together vs pairs telling the same synthetic story")
        try output.finish(report)
    }
}

// MARK: - entities

/// `newspipe bench entities`: the entities engine (tokenizer, NER model, annotator) on one thread.
public struct BenchEntitiesCommand: ParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "entities",
        abstract: "Tokens per second per core of the entities engine, model load time and memory.")

    @Option(name: .long, help: ArgumentHelp("JSON Lines of {\"doc\": N, \"text\": \"…\"} (as eng.testa.docs.jsonl).", valueName: "path"))
    public var input: String

    @Option(name: .long, help: ArgumentHelp("A model trained with `newspipe ner train` (default: the shipped one).", valueName: "path"))
    public var model: String?

    @Option(name: .long, help: ArgumentHelp("Passes over the documents.", valueName: "n"))
    public var `repeat`: Int = 1

    @Option(name: .long, help: ArgumentHelp("Write the engine's spans as {\"doc\": N, \"spans\": [{char_start, char_end, label}]} for score_ner.py.", valueName: "path"))
    public var predictions: String?

    @OptionGroup public var output: BenchOutputOptions

    public init() {}

    public func validate() throws {
        if `repeat` < 1 { throw ValidationError("--repeat must be at least 1") }
    }

    private struct Line: Sendable { var doc: JSONValue; var text: String; var published: String? }
    private struct Decoded: Decodable { var doc: JSONValue?; var text: String; var published: String? }

    public func run() throws {
        var lines: [Line] = []
        try CommandFailure.guarding {
            let decoder = JSONDecoder()
            var number = 0
            try JSONLines.forEachLine(in: URL(fileURLWithPath: input)) { bytes in
                number += 1
                guard let line = try? decoder.decode(Decoded.self, from: Data(bytes)) else {
                    throw FileError.corruptRecord(path: input, line: number, reason: "expected {\"doc\": …, \"text\": \"…\"}")
                }
                lines.append(Line(doc: line.doc ?? .number(Double(number - 1)), text: line.text, published: line.published))
            }
        }
        guard !lines.isEmpty else { throw ValidationError("no documents in \(input)") }

        let settings = EntityEngine.Settings(model: model.map { URL(fileURLWithPath: $0) })
        let rss0 = BenchMemory.residentMB()
        let load0 = BenchClock.wall(), loadCPU0 = BenchClock.threadCPU()
        let engine = try CommandFailure.guarding { try EntityEngine(settings: settings) }
        let loadWall = BenchClock.wall() - load0, loadCPU = BenchClock.threadCPU() - loadCPU0
        let modelMB = BenchMemory.residentMB() - rss0

        let tokens = lines.reduce(0) { $0 + NewsTokenizer.tokenize($1.text).tokens.count }
        let characters = lines.reduce(0) { $0 + $1.text.unicodeScalars.count }
        // The engine's layers one by one, then together: shows where the time goes.
        let tokenizeCPU = Self.time(`repeat`) { for line in lines { _ = NewsTokenizer.tokenize(line.text) } }
        let nerCPU = Self.time(`repeat`) { for line in lines { _ = engine.model.tag(NewsTokenizer.tokenize(line.text)) } }
        var mentions: [[EntityMention]] = []
        let engineCPU = Self.time(`repeat`) {
            mentions = lines.map { engine.mentions(documentId: "", text: $0.text, published: $0.published) }
        }

        var report = BenchReport(bench: "entities", settings: [
            "input": input, "documents": String(lines.count), "tokens": String(tokens), "threads": "1",
            "model": model ?? "shipped",
        ])
        for (layer, cpu) in [("tokenize", tokenizeCPU), ("tokenize+ner", nerCPU), ("engine", engineCPU)] {
            var row = BenchRow()
            row.add("layer", layer)
            row.add("cpu_s", cpu)
            row.add("tokens_per_s_core", Double(tokens * `repeat`) / cpu)
            row.add("docs_per_s_core", Double(lines.count * `repeat`) / cpu)
            row.add("mb_text_per_s_core", Double(characters * `repeat`) / 1e6 / cpu)
            report.rows.append(row)
        }
        report.settings["model_load_wall_s"] = String(format: "%.3f", loadWall)
        report.settings["model_load_cpu_s"] = String(format: "%.3f", loadCPU)
        report.settings["model_memory_mb"] = String(format: "%.1f", modelMB)
        report.settings["mentions"] = String(mentions.reduce(0) { $0 + $1.count })
        report.settings["peak_rss_mb"] = String(format: "%.1f", BenchMemory.peakMB())
        report.notes.append("tokens as NewsTokenizer counts them; model memory = resident growth while the engine (model, gazetteer, lexicon) loads")

        if let predictions {
            var out: [UInt8] = []
            let encoder = JSONLines.makeEncoder()
            for (line, found) in zip(lines, mentions) {
                let spans = found.map { NERTagSpan(charStart: $0.start, charEnd: $0.end, label: $0.type.rawValue, confidence: $0.confidence) }
                out += try JSONLines.line(NERTagOutput(doc: line.doc, spans: spans), encoder: encoder)
            }
            try CommandFailure.guarding { try AtomicFile.write(out, to: URL(fileURLWithPath: predictions)) }
        }
        try output.finish(report)
    }

    /// CPU seconds of this thread for `passes` runs of `body`.
    private static func time(_ passes: Int, _ body: () -> Void) -> Double {
        let start = BenchClock.threadCPU()
        for _ in 0 ..< passes { body() }
        return BenchClock.threadCPU() - start
    }
}

// MARK: - pipeline

/// `newspipe bench pipeline`: the built binary on generated corpora, as a child process.
public struct BenchPipelineCommand: ParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "pipeline",
        abstract: "Generate corpora from the sample corpus and time `newspipe run` on them (wall, CPU, peak memory).")

    @Option(name: .long, help: ArgumentHelp("Corpus sizes in pages, comma-separated (1k allowed).", valueName: "n,n"))
    public var pages: String = "1000,10000"

    @Option(name: .long, help: ArgumentHelp("Work folder: DIR/<size>/pages, pipeline.json and output.", valueName: "dir"))
    public var out: String

    @Option(name: .long, help: ArgumentHelp("Sample corpus the pages are made from.", valueName: "dir"))
    public var corpus: String = "corpus"

    @Option(name: .long, help: ArgumentHelp("Worker threads of the run (1 measures one core).", valueName: "n"))
    public var workers: Int = 1

    @Option(name: .long, help: ArgumentHelp("The newspipe binary to run (default: this one).", valueName: "path"))
    public var binary: String?

    @Flag(name: .long, help: "Keep the generated pages and the run's output.")
    public var keep = false

    @Flag(name: .long, help: "Run each stage as a process of its own (`run --stage X`): wall, CPU and peak memory per stage.")
    public var perStage = false

    @Flag(name: .long, help: ArgumentHelp(
        "With --per-stage: run the report stage once more, dated a day later (NEWSPIPE_NOW), so that it compares against the first report as the next night's report does (the nightly case).",
        discussion: "Its row's stage is `report-second-night`; the pipeline row stays the first night's."))
    public var secondNight = false

    @OptionGroup public var output: BenchOutputOptions

    public init() {}

    public func validate() throws {
        if benchSizes(pages) == nil { throw ValidationError("--pages expects sizes like 1000,10000, found \"\(pages)\"") }
        if workers < 1 { throw ValidationError("--workers must be at least 1") }
        if secondNight && !perStage { throw ValidationError("--second-night measures the report stage on its own: it needs --per-stage") }
    }

    public func run() throws {
        let executable = binary ?? Bundle.main.executablePath ?? CommandLine.arguments[0]
        let generator = try CommandFailure.guarding { try BenchPageGenerator(sampleFolder: URL(fileURLWithPath: corpus)) }
        var report = BenchReport(bench: "pipeline", settings: [
            "binary": executable, "workers": String(workers), "sample_pages": String(generator.pages.count), "corpus": corpus,
        ])
        for size in benchSizes(pages)! {
            let folder = URL(fileURLWithPath: out).appendingPathComponent(String(size))
            try? FileManager.default.removeItem(at: folder)
            let pageFolder = folder.appendingPathComponent("pages")
            let manifest = folder.appendingPathComponent("pipeline.json")
            let generated = BenchClock.wall()
            try CommandFailure.guarding {
                try generator.write(count: size, into: pageFolder)
                try AtomicFile.write("""
                    {"version": 1, "output": "output", "workers": \(workers),
                     "stages": {"fetch": {"sources": [{"type": "folder", "path": "pages"}]}}}

                    """, to: manifest)
            }
            let generateSeconds = BenchClock.wall() - generated
            let bytes = Self.folderBytes(pageFolder)
            let log = folder.appendingPathComponent("run.log").path
            let layout = OutputLayout(root: folder.appendingPathComponent("output"))
            var stageRows: [BenchRow] = []
            let child: BenchChild
            if perStage {
                /// Runs one stage as a process of its own and adds its row.
                func runStage(_ stage: StageName, row name: String, environment: [String: String] = [:]) throws -> BenchChild {
                    let one = try CommandFailure.guarding {
                        try BenchChild.run([executable, "run", "--manifest", manifest.path, "--workers", String(workers), "--stage", stage.rawValue],
                                           log: folder.appendingPathComponent("run-\(name).log").path, environment: environment)
                    }
                    var row = BenchRow()
                    row.add("pages", size)
                    row.add("stage", name)
                    row.add("exit", Int(one.status))
                    row.add("wall_s", one.wallSeconds)
                    row.add("cpu_s", one.userSeconds + one.systemSeconds)
                    row.add("cpu_per_wall", (one.userSeconds + one.systemSeconds) / max(one.wallSeconds, 1e-9))
                    row.add("peak_rss_mb", one.peakMB)
                    stageRows.append(row)
                    return one
                }
                var total = BenchChild(status: 0, wallSeconds: 0, userSeconds: 0, systemSeconds: 0, peakMB: 0)
                for stage in StageName.allCases {
                    let one = try runStage(stage, row: stage.rawValue)
                    total.status = max(total.status, one.status)
                    total.wallSeconds += one.wallSeconds; total.userSeconds += one.userSeconds; total.systemSeconds += one.systemSeconds
                    total.peakMB = max(total.peakMB, one.peakMB)
                }
                child = total
                if secondNight {
                    // Dated a day after now, so after the first report's day: it reads that report
                    // as the previous night's.
                    _ = try runStage(.report, row: "report-second-night",
                                     environment: ["NEWSPIPE_NOW": Timestamp.string(Date().addingTimeInterval(86_400))])
                }
            } else {
                child = try CommandFailure.guarding {
                    try BenchChild.run([executable, "run", "--manifest", manifest.path, "--workers", String(workers)], log: log)
                }
            }
            let cpu = child.userSeconds + child.systemSeconds
            var row = BenchRow()
            row.add("pages", size)
            row.add("mb", Double(bytes) / 1e6)
            row.add("exit", Int(child.status))
            row.add("wall_s", child.wallSeconds)
            row.add("cpu_s", cpu)
            row.add("pages_per_s", Double(size) / child.wallSeconds)
            row.add("pages_per_s_core", Double(size) / cpu)
            row.add("peak_rss_mb", child.peakMB)
            row.add("articles", Self.lines(in: StripStage.Outputs.documents.files(in: layout)))
            row.add("mirrors_removed", Self.lines(in: [DedupStage.Outputs.removed.url(in: layout)]))
            row.add("mentions", Self.lines(in: EntitiesStage.Outputs.mentions.files(in: layout)))
            for stage in StageName.allCases {
                row.add("\(stage.rawValue)_s", StageFiles.read(StageRecord.self, layout.stageRecord(stage.id))?.durationSeconds ?? 0)
            }
            let footprint = BenchFootprint.measure(layout.root)
            row.add("output_files", footprint.files)
            row.add("output_mb", Double(footprint.bytes) / 1e6)
            row.add("generate_s", generateSeconds)
            report.rows.append(row)
            report.rows += stageRows
            if child.status != 0 && child.status != 1 {
                report.notes.append("\(size) pages: the run exited \(child.status); see \(log)")
            }
            if !keep { try? FileManager.default.removeItem(at: folder) }
        }
        report.notes.append("per core = pages / CPU seconds (user+system) of the run; peak RSS = the run's maxrss (wait4); exit 1 = finished with rejects (the sample's junk pages)")
        report.notes.append("<stage>_s = the stage's wall seconds from its stage.json; output_files / output_mb = regular files and their bytes under output/ (find output -type f)")
        if perStage { report.notes.append("rows with a stage: that stage alone as its own process (`run --stage X`): wall, CPU (user+system) and its peak RSS") }
        if secondNight { report.notes.append("report-second-night: the report stage again, dated a day later, comparing against the first report (the nightly case); not in the pipeline row") }
        try output.finish(report)
    }

    static func folderBytes(_ folder: URL) -> Int {
        guard let walker = FileManager.default.enumerator(at: folder, includingPropertiesForKeys: [.fileSizeKey]) else { return 0 }
        var total = 0
        for case let file as URL in walker { total += (try? file.resourceValues(forKeys: [.fileSizeKey]).fileSize ?? 0) ?? 0 }
        return total
    }

    /// Lines of every `<prefix>*.jsonl` in a stage folder (0 when absent).
    /// Records in JSON Lines files (missing files count none).
    static func lines(in files: [URL]) -> Int {
        var count = 0
        for file in files { try? JSONLines.forEachLine(in: file) { _ in count += 1 } }
        return count
    }
}

/// A child process with what `wait4` says it used.
struct BenchChild {
    var status: Int32
    var wallSeconds: Double
    var userSeconds: Double
    var systemSeconds: Double
    var peakMB: Double

    /// Runs `arguments` with standard output and error into `log`, and waits for it; `environment`
    /// is added to this process's.
    static func run(_ arguments: [String], log: String, environment: [String: String] = [:]) throws -> BenchChild {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 1, log, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        posix_spawn_file_actions_adddup2(&actions, 1, 2)
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        let argv: [UnsafeMutablePointer<CChar>?] = arguments.map { strdup($0) } + [nil]
        let envp: [UnsafeMutablePointer<CChar>?] = ProcessInfo.processInfo.environment.merging(environment) { $1 }
            .map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer { for pointer in argv + envp { free(pointer) } }
        var pid: pid_t = 0
        let start = BenchClock.wall()
        let spawned = posix_spawn(&pid, arguments[0], &actions, nil, argv, envp)
        guard spawned == 0 else { throw FileError.io(path: arguments[0], reason: "cannot start: \(String(cString: strerror(spawned)))") }
        var status: Int32 = 0
        var usage = rusage()
        while wait4(pid, &status, 0, &usage) < 0 {
            guard errno == EINTR else { throw FileError.io(path: arguments[0], reason: "wait4 failed: \(String(cString: strerror(errno)))") }
        }
        let wall = BenchClock.wall() - start
        let exited = status & 0x7f == 0
        func seconds(_ t: timeval) -> Double { Double(t.tv_sec) + Double(t.tv_usec) / 1e6 }
        return BenchChild(status: exited ? (status >> 8) & 0xff : 128 + (status & 0x7f), wallSeconds: wall,
                          userSeconds: seconds(usage.ru_utime), systemSeconds: seconds(usage.ru_stime),
                          peakMB: Double(usage.ru_maxrss) / 1024)
    }
}

/// Files and bytes under a folder, as `find DIR -type f | wc -l` and `du -b` count them.
struct BenchFootprint {
    var files = 0
    var bytes = 0

    static func measure(_ folder: URL) -> BenchFootprint {
        var footprint = BenchFootprint()
        guard let walker = FileManager.default.enumerator(at: folder, includingPropertiesForKeys: [.isRegularFileKey, .fileSizeKey],
                                                          options: [], errorHandler: { _, _ in true }) else { return footprint }
        for case let file as URL in walker {
            guard let values = try? file.resourceValues(forKeys: [.isRegularFileKey, .fileSizeKey]), values.isRegularFile == true else { continue }
            footprint.files += 1
            footprint.bytes += values.fileSize ?? 0
        }
        return footprint
    }
}

// MARK: - nights

/// `newspipe bench nights`: the same output folder through many nights of new pages, to show a
/// night's cost follows the night, not the history.
public struct BenchNightsCommand: ParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "nights",
        abstract: "Run N nights of new pages into one output folder; cost, memory and storage per night.",
        discussion: """
        Night n gets `--pages` new pages made from the sample corpus (variants n·pages …), plus \
        `--late-share` of the previous night's pages again under new addresses (mirrors arriving a \
        day late, which dedup must remove in favour of the earlier night's). Each night runs as \
        `newspipe run` dated a day later (NEWSPIPE_NOW), with the default retention.
        """)

    @Option(name: .long, help: "Nights to run.") public var nights = 30
    @Option(name: .long, help: "New pages per night.") public var pages = 10_000
    @Option(name: .long, help: ArgumentHelp("Share of the previous night's pages that come back as late mirrors.", valueName: "x"))
    public var lateShare = 0.02
    @Option(name: .long, help: ArgumentHelp("Work folder: DIR/pages, DIR/pipeline.json, DIR/output.", valueName: "dir"))
    public var out: String
    @Option(name: .long, help: ArgumentHelp("Sample corpus the pages are made from.", valueName: "dir"))
    public var corpus: String = "corpus"
    @Option(name: .long, help: ArgumentHelp("Worker threads of each run.", valueName: "n")) public var workers = 2
    @Option(name: .long, help: ArgumentHelp("The newspipe binary to run (default: this one).", valueName: "path"))
    public var binary: String?
    @Flag(name: .long, help: "Keep the work folder.") public var keep = false
    @OptionGroup public var output: BenchOutputOptions

    public init() {}

    public func validate() throws {
        if nights < 1 || pages < 1 || workers < 1 { throw ValidationError("--nights, --pages and --workers must be at least 1") }
        if !(0 ... 1).contains(lateShare) { throw ValidationError("--late-share must be between 0 and 1") }
    }

    public func run() throws {
        let executable = binary ?? Bundle.main.executablePath ?? CommandLine.arguments[0]
        let generator = try CommandFailure.guarding { try BenchPageGenerator(sampleFolder: URL(fileURLWithPath: corpus)) }
        let folder = URL(fileURLWithPath: out)
        try? FileManager.default.removeItem(at: folder)
        let pageFolder = folder.appendingPathComponent("pages")
        let manifest = folder.appendingPathComponent("pipeline.json")
        try CommandFailure.guarding {
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            try AtomicFile.write("""
                {"version": 1, "output": "output", "workers": \(workers),
                 "stages": {"fetch": {"sources": [{"type": "folder", "path": "pages"}]}}}

                """, to: manifest)
        }
        let layout = OutputLayout(root: folder.appendingPathComponent("output"))
        var report = BenchReport(bench: "nights", settings: [
            "binary": executable, "workers": String(workers), "pages_per_night": String(pages), "nights": String(nights),
            "late_share": String(lateShare), "sample_pages": String(generator.pages.count),
        ])
        let start = Date(timeIntervalSince1970: 1_767_234_600) // 2026-01-01T02:30:00Z
        var firstCPU = 0.0, firstWall = 0.0
        for night in 1 ... nights {
            try? FileManager.default.removeItem(at: pageFolder)
            let late = night > 1 ? Int(Double(pages) * lateShare) : 0
            try CommandFailure.guarding {
                try generator.write(range: (night - 1) * pages ..< night * pages, into: pageFolder)
                if late > 0 {
                    // The previous night's first pages again, under other addresses.
                    try generator.write(range: (night - 2) * pages ..< (night - 2) * pages + late, into: pageFolder.appendingPathComponent("late"))
                }
            }
            let now = Timestamp.string(start.addingTimeInterval(Double(night - 1) * 86_400))
            let log = folder.appendingPathComponent("night-\(night).log").path
            let child = try CommandFailure.guarding {
                try BenchChild.run([executable, "run", "--manifest", manifest.path, "--workers", String(workers), "--log-format", "json"],
                                   log: log, environment: ["NEWSPIPE_NOW": now])
            }
            let cpu = child.userSeconds + child.systemSeconds
            if night == 1 { firstCPU = cpu; firstWall = child.wallSeconds }
            let footprint = BenchFootprint.measure(layout.root)
            var row = BenchRow()
            row.add("night", night)
            row.add("pages", pages + late)
            row.add("exit", Int(child.status))
            row.add("wall_s", child.wallSeconds)
            row.add("cpu_s", cpu)
            row.add("cpu_vs_night1", cpu / max(firstCPU, 1e-9))
            row.add("wall_vs_night1", child.wallSeconds / max(firstWall, 1e-9))
            row.add("peak_rss_mb", child.peakMB)
            for stage in StageName.allCases {
                row.add("\(stage.rawValue)_s", StageFiles.read(StageRecord.self, layout.stageRecord(stage.id))?.durationSeconds ?? 0)
            }
            row.add("removed", BenchPipelineCommand.lines(in: [DedupStage.Outputs.removed.url(in: layout)]))
            row.add("output_files", footprint.files)
            row.add("output_mb", Double(footprint.bytes) / 1e6)
            report.rows.append(row)
            FileHandle.standardError.write(Data("night \(night): exit \(child.status), wall \(String(format: "%.1f", child.wallSeconds)) s, cpu \(String(format: "%.1f", cpu)) s, rss \(String(format: "%.0f", child.peakMB)) MB, \(footprint.files) files\n".utf8))
            if child.status != 0 && child.status != 1 {
                report.notes.append("night \(night): the run exited \(child.status); see \(log)")
                break
            }
        }
        report.notes.append("cpu_s = user+system seconds of the night's `newspipe run` (wait4); <stage>_s = the stage's wall seconds (stage.json); removed = pages dedup removed as mirrors that night")
        try output.finish(report)
        if !keep { try? FileManager.default.removeItem(at: folder) }
    }
}
