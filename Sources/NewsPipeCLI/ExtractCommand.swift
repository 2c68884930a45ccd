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
import PipelineKit

/// `newspipe extract`: the strip stage's extractor on pages given by hand.
public struct ExtractCommand: ParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "extract",
        abstract: "Extract the article of HTML pages with the strip stage's code.",
        discussion: """
          newspipe extract page.html …                      print each page's article text
          newspipe extract --input-dir DIR --output-dir OUT  write OUT/<stem>.txt (text) and
                                                             OUT/<stem>.json (the full record)
        """)

    @Argument(help: ArgumentHelp("Pages to extract.", valueName: "page"))
    public var pages: [String] = []

    @Option(name: .long, help: ArgumentHelp("Extract every .html/.htm file in this folder.", valueName: "dir"))
    public var inputDir: String?

    @Option(name: .long, help: ArgumentHelp("Where --input-dir writes <stem>.txt and <stem>.json.", valueName: "dir"))
    public var outputDir: String?

    @Option(name: .long, help: ArgumentHelp("The page's URL (for pages given as arguments).", valueName: "url"))
    public var url: String?

    @Option(name: .long, parsing: .unconditional, help: ArgumentHelp("Worker threads (default: one per core).", valueName: "n"))
    public var workers: Int?

    @Flag(name: .long, help: "Print the full JSON record instead of the text.")
    public var json = false

    @Option(name: .long, help: ArgumentHelp("HTML parser: streaming (default), libxml2 or libxml2-sax (to compare).", valueName: "parser"))
    public var frontEnd: String = HTMLFrontEnd.streaming.rawValue

    @Flag(name: .long, help: "Print the parsed page's outline (elements and text) instead of the article, to compare front ends.")
    public var outline = false

    @Option(name: .long, help: ArgumentHelp("Extractor thresholds for the cross-validation study: name=value,… (scripts/eval-extraction --lodo).", valueName: "list"))
    public var tuning: String = ""

    public init() {}

    public func validate() throws {
        if (inputDir == nil) != (outputDir == nil) { throw ValidationError("--input-dir and --output-dir go together") }
        if inputDir == nil, pages.isEmpty { throw ValidationError("name pages to extract, or --input-dir and --output-dir") }
        if let workers, workers < 1 { throw ValidationError("--workers must be at least 1, found \(workers)") }
        do { _ = try StripTuning.parse(tuning) } catch { throw ValidationError("--tuning: \(error)") }
        if HTMLFrontEnd(rawValue: frontEnd) == nil {
            throw ValidationError("--front-end: expected one of \(HTMLFrontEnd.allCases.map(\.rawValue).joined(separator: ", ")), found \"\(frontEnd)\"")
        }
    }

    public func run() throws {
        ArticleExtractor.prepareLibrary()
        let tuned = (try? StripTuning.parse(tuning)) ?? StripTuning()
        let extractor = ArticleExtractor(options: ExtractionOptions(frontEnd: HTMLFrontEnd(rawValue: frontEnd) ?? .streaming, tuning: tuned))
        try CommandFailure.guarding {
            if let inputDir, let outputDir {
                try extractFolder(URL(fileURLWithPath: inputDir), into: URL(fileURLWithPath: outputDir), extractor: extractor)
                return
            }
            var failed = false
            if outline {
                for page in pages {
                    let data = FileManager.default.contents(atPath: page) ?? Data()
                    print(ArticleExtractor.outline([UInt8](data), frontEnd: HTMLFrontEnd(rawValue: frontEnd) ?? .streaming))
                }
                return
            }
            for page in pages {
                let file = URL(fileURLWithPath: page)
                switch try Self.read(file, extractor: extractor).flatMap({ Self.record(for: $0, source: file.lastPathComponent, url: url, extractor: extractor) }) {
                case let .success(article):
                    if json { print(String(decoding: try JSONLines.line(article).dropLast(), as: UTF8.self)) }
                    else {
                        if pages.count > 1 { print("==> \(page) <==") }
                        print(article.text)
                    }
                case let .failure(reject):
                    failed = true
                    FileHandle.standardError.write(Data("newspipe: \(page): rejected: \(reject.reason): \(reject.detail)\n".utf8))
                }
            }
            if failed { throw ExitCode(ExitStatus.finishedWithRejects.rawValue) }
        }
    }

    private func extractFolder(_ input: URL, into output: URL, extractor: ArticleExtractor) throws {
        let names = try FileManager.default.contentsOfDirectory(atPath: input.path)
            .filter { $0.hasSuffix(".html") || $0.hasSuffix(".htm") }.sorted()
        try FileManager.default.createDirectory(at: output, withIntermediateDirectories: true)
        let pool = WorkerPool(workers: workers ?? ProcessInfo.processInfo.activeProcessorCount)
        let results = pool.map(names) { name -> (String, Result<ArticleRecord, RejectRecord>) in
            let result = (try? Self.read(input.appendingPathComponent(name), extractor: extractor))
                ?? .failure(RejectRecord(stage: "strip", id: nil, source: name, reason: "unreadable", detail: "cannot read \(name)"))
            return (name, result.flatMap { Self.record(for: $0, source: name, url: nil, extractor: extractor) })
        }
        var rejected = 0
        for (name, result) in results {
            let stem = (name as NSString).deletingPathExtension
            switch result {
            case let .success(article):
                try AtomicFile.write(article.text + "\n", to: output.appendingPathComponent("\(stem).txt"))
                try AtomicFile.write(try JSONLines.line(article), to: output.appendingPathComponent("\(stem).json"))
            case let .failure(reject):
                rejected += 1
                try AtomicFile.write("", to: output.appendingPathComponent("\(stem).txt"))
                try AtomicFile.write(try JSONLines.line(reject), to: output.appendingPathComponent("\(stem).json"))
            }
        }
        print("\(names.count) pages: \(names.count - rejected) articles, \(rejected) rejected → \(output.path)")
    }

    /// The page's bytes, or a `too-large` reject decided from the file's size before reading it:
    /// a 3 GB file must not be read whole to learn that it is too big.
    static func read(_ file: URL, extractor: ArticleExtractor) throws -> Result<[UInt8], RejectRecord> {
        let attributes: [FileAttributeKey: Any]
        do { attributes = try FileManager.default.attributesOfItem(atPath: file.path) } catch {
            throw FileError.io(path: file.path, reason: "cannot read: \(error.localizedDescription)")
        }
        if let size = attributes[.size] as? Int, size > extractor.options.maxBytes {
            return .failure(RejectRecord(stage: "strip", id: nil, source: file.lastPathComponent, reason: "too-large",
                                         detail: "\(size) bytes, over the limit of \(extractor.options.maxBytes)"))
        }
        guard attributes[.type] as? FileAttributeType == .typeRegular, let data = FileManager.default.contents(atPath: file.path) else {
            throw FileError.io(path: file.path, reason: "cannot read (not a regular file, or unreadable)")
        }
        return .success([UInt8](data))
    }

    static func record(for bytes: [UInt8], source: String, url: String?, extractor: ArticleExtractor) -> Result<ArticleRecord, RejectRecord> {
        let hash = ContentHash.hex(bytes)
        let fetched = FetchRecord(source: source, url: url, bytes: bytes.count, hash: hash)
        return StripStage.strip(fetched, bytes: bytes, extractor: extractor)
    }
}
