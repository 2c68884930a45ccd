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

/// `newspipe ner`: the entities stage's code on text given by hand, and model training.
public struct NERCommand: ParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "ner",
        abstract: "Tag entities in text (JSON Lines), or train the NER model.",
        subcommands: [NERTagCommand.self, NERTrainCommand.self],
        defaultSubcommand: NERTagCommand.self)

    public init() {}
}

/// `newspipe ner --input docs.jsonl --output spans.jsonl`
public struct NERTagCommand: ParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "tag",
        abstract: "Read {\"doc\": N, \"text\": …} lines, write {\"doc\": N, \"spans\": […], \"companies\": […]} with character offsets.")

    @Option(name: .long, help: ArgumentHelp("JSON Lines input: {\"doc\": N, \"text\": \"…\"} (- for standard input).", valueName: "path"))
    public var input: String = "-"

    @Option(name: .long, help: ArgumentHelp("JSON Lines output (- for standard output).", valueName: "path"))
    public var output: String = "-"

    @Option(name: .long, help: ArgumentHelp("A model trained with `newspipe ner train` (default: the shipped one).", valueName: "path"))
    public var model: String?

    @Flag(name: .long, help: "Only the statistical model's PER/ORG/LOC/MISC spans, without gazetteer, patterns and linking.")
    public var modelOnly = false

    @Option(name: .long, help: ArgumentHelp("Worker threads (default: one per core).", valueName: "n"))
    public var workers: Int?

    public init() {}

    struct InputLine: Decodable, Sendable { var doc: JSONValue; var text: String; var published: String? }

    public func run() throws {
        try CommandFailure.guarding {
            let engine = try EntityEngine(settings: EntityEngine.Settings(model: model.map { URL(fileURLWithPath: $0) }))
            let inputURL = URL(fileURLWithPath: input == "-" ? "/dev/stdin" : input)
            var lines: [InputLine] = []
            let decoder = JSONDecoder()
            var number = 0
            try JSONLines.forEachLine(in: inputURL) { line in
                number += 1
                do { lines.append(try decoder.decode(InputLine.self, from: Data(line))) } catch {
                    throw FileError.corruptRecord(path: input, line: number, reason: "expected {\"doc\": …, \"text\": \"…\"}")
                }
            }
            let modelOnly = self.modelOnly
            let results = WorkerPool(workers: workers ?? ProcessInfo.processInfo.activeProcessorCount).map(lines) { line -> ([NERTagSpan], [NERTagCompany]?) in
                if modelOnly {
                    return (engine.model.tag(text: line.text).map { NERTagSpan(charStart: $0.start, charEnd: $0.end, label: $0.label, confidence: $0.confidence) }, nil)
                }
                let analysis = engine.analyze(documentId: "", text: line.text, published: line.published)
                let spans = analysis.mentions.map {
                    NERTagSpan(charStart: $0.start, charEnd: $0.end, label: $0.type.rawValue, confidence: $0.confidence,
                               entityId: $0.entityId, canonical: $0.canonicalName, ticker: $0.ticker, value: $0.value,
                               tone: $0.tone == .neutral ? nil : $0.tone.rawValue, evidence: $0.evidence, nameAtDate: $0.nameAtDate)
                }
                let companies = analysis.companyTones.map {
                    NERTagCompany(entityId: $0.entityId, canonical: $0.canonicalName, ticker: $0.ticker, tone: $0.tone.rawValue,
                                  confidence: $0.confidence, bullish: $0.bullish, bearish: $0.bearish, neutral: $0.neutral)
                }
                return (spans, companies)
            }
            var out: [UInt8] = []
            let encoder = JSONLines.makeEncoder()
            for (line, result) in zip(lines, results) {
                out += try JSONLines.line(NERTagOutput(doc: line.doc, spans: result.0, companies: result.1), encoder: encoder)
            }
            if output == "-" { FileHandle.standardOutput.write(Data(out)) } else { try AtomicFile.write(out, to: URL(fileURLWithPath: output)) }
        }
    }
}

struct NERTagSpan: Encodable {
    var charStart: Int, charEnd: Int, label: String, confidence: Double
    var entityId: String? = nil, canonical: String? = nil, ticker: String? = nil, value: String? = nil, tone: String? = nil
    var evidence: String? = nil, nameAtDate: String? = nil
}

/// A company's tone in the document (`CompanyTone`), as `newspipe ner` prints it.
struct NERTagCompany: Encodable {
    var entityId: String, canonical: String, ticker: String?, tone: String, confidence: Double
    var bullish: Int, bearish: Int, neutral: Int
}

struct NERTagOutput: Encodable {
    var doc: JSONValue
    var spans: [NERTagSpan]
    /// Per company, its tone in the document (absent with --model-only).
    var companies: [NERTagCompany]? = nil
}

extension JSONValue: Encodable {
    public func encode(to encoder: Encoder) throws {
        var container = encoder.singleValueContainer()
        switch self {
        case .null: try container.encodeNil()
        case let .bool(value): try container.encode(value)
        case let .number(value):
            if value == value.rounded(), abs(value) < 1e15 { try container.encode(Int64(value)) } else { try container.encode(value) }
        case let .string(value): try container.encode(value)
        case let .array(value): try container.encode(value)
        case let .object(value): try container.encode(value)
        }
    }
}

/// `newspipe ner train --train eng.train --dev eng.testa --out MODEL`
public struct NERTrainCommand: ParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "train", abstract: "Train the NER model on CoNLL-format data.")

    @Option(name: .long, help: ArgumentHelp("Training data (CoNLL-2003 columns, IOB tags).", valueName: "path"))
    public var train: String

    @Option(name: .long, help: ArgumentHelp("Development data, scored after each epoch.", valueName: "path"))
    public var dev: String?

    @Option(name: .long, help: ArgumentHelp("Where to write the model.", valueName: "path"))
    public var out: String

    @Option(name: .long, help: ArgumentHelp("Training epochs.", valueName: "n"))
    public var epochs: Int?

    @Option(name: .long, help: ArgumentHelp("Random seed for the order of training sentences.", valueName: "n"))
    public var seed: UInt64?

    @Option(name: .long, help: ArgumentHelp("Folder of public name lists (census names, SEC and S&P 500 companies) used as gazetteer features.", valueName: "dir"))
    public var gazetteer: String?

    public init() {}

    public func run() throws {
        try CommandFailure.guarding {
            var options = NERTrainingOptions()
            if let epochs { options.epochs = epochs }
            if let seed { options.seed = seed }
            if let gazetteer { options.gazetteerDirectory = URL(fileURLWithPath: gazetteer) }
            let model = try NERTrainer.train(trainFile: URL(fileURLWithPath: train), devFile: dev.map { URL(fileURLWithPath: $0) },
                                             options: options) { message in
                FileHandle.standardError.write(Data((message + "\n").utf8))
            }
            try model.save(to: URL(fileURLWithPath: out))
            print("model written to \(out)")
        }
    }
}
