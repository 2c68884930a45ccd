import ArgumentParser
import Foundation
import NewsEntities
import NewsIO
import NewsPipe
import NewsRecords
import PipelineKit

/// `newspipe entities`: looks into what the entities stage wrote.
public struct EntitiesCommand: ParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "entities",
        abstract: "Inspect the entities stage's output.",
        subcommands: [EntitiesAuditCommand.self])

    public init() {}
}

/// `newspipe entities audit`: per ticker, the surface forms that produced it.
public struct EntitiesAuditCommand: ParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "audit",
        abstract: "Per ticker: the surface forms that produced it, with counts, evidence and one example sentence each.",
        discussion: """
        Reads the entities stage's mentions and the documents they were found in (from the run the \
        manifest names), or a mentions file given with --mentions and the documents with --documents \
        (JSON Lines of ArticleRecord, or {"doc", "text"} lines). A ticker whose top surface is an \
        ordinary word ("News" for NWSA) is the sign of a false link.
        """)

    public enum Format: String, ExpressibleByArgument, CaseIterable, Sendable { case text, tsv }

    @OptionGroup public var global: GlobalOptions

    @Option(name: .long, help: ArgumentHelp("Tickers to list, most mentioned first (0: all).", valueName: "n"))
    public var top: Int = 50

    @Option(name: .long, help: ArgumentHelp("Surfaces per ticker in the text format.", valueName: "n"))
    public var surfaces: Int = 10

    @Option(name: .long, help: "text (for reading) or tsv (one row per ticker and surface).")
    public var format: Format = .text

    @Option(name: .long, help: ArgumentHelp("Write here instead of standard output.", valueName: "path"))
    public var output: String?

    @Option(name: .long, help: ArgumentHelp("Mentions as JSON Lines instead of the manifest's run.", valueName: "path"))
    public var mentions: String?

    @Option(name: .long, help: ArgumentHelp("Documents for the example sentences, with --mentions.", valueName: "path"))
    public var documents: String?

    public init() {}

    public func validate() throws {
        if top < 0 { throw ValidationError("--top must be 0 (all) or more") }
        if surfaces < 1 { throw ValidationError("--surfaces must be at least 1") }
        if documents != nil && mentions == nil { throw ValidationError("--documents goes with --mentions") }
    }

    private struct DocumentLine: Decodable { var id: String?; var doc: JSONValue?; var text: String }

    public func run() throws {
        try CommandFailure.guarding {
            var audit: EntityTickerAudit
            var texts: [String: String] = [:]
            if let mentions {
                audit = EntityTickerAudit(mentions: try JSONLines.read(EntityMention.self, from: URL(fileURLWithPath: mentions)))
                if let documents {
                    let wanted = audit.prefix(top).exampleDocuments
                    let decoder = JSONDecoder()
                    decoder.keyDecodingStrategy = .convertFromSnakeCase
                    try JSONLines.forEachLine(in: URL(fileURLWithPath: documents)) { line in
                        guard let d = try? decoder.decode(DocumentLine.self, from: Data(line)) else { return }
                        let id: String?
                        switch d.doc {
                        case let .string(s)?: id = s
                        case let .number(n)?: id = n == n.rounded() ? String(Int64(n)) : String(n)
                        default: id = d.id
                        }
                        if let id, wanted.contains(id) { texts[id] = d.text }
                    }
                }
            } else {
                let manifest = try global.loadManifest(checkInputs: false)
                let layout = OutputLayout(root: manifest.output)
                var all: [EntityMention] = []
                for url in EntitiesStage.Outputs.mentions.files(in: layout) {
                    try JSONLines.forEach(EntityMention.self, in: url) { if $0.ticker != nil { all.append($0) } }
                }
                guard !EntitiesStage.Outputs.mentions.files(in: layout).isEmpty else {
                    throw PipelineError.missingInput(stage: "entities audit", previous: StageName.entities.id.rawValue)
                }
                audit = EntityTickerAudit(mentions: all)
                let wanted = audit.prefix(top).exampleDocuments
                for url in DedupStage.Outputs.documents.files(in: layout) {
                    try JSONLines.forEach(ArticleRecord.self, in: url) { if wanted.contains($0.id) { texts[$0.id] = $0.text } }
                }
            }
            audit = audit.prefix(top)
            audit.fillExamples(texts: texts)
            let body = format == .tsv ? audit.tsv() : audit.text(surfacesPerTicker: surfaces)
            if let output { try AtomicFile.write(Array(body.utf8), to: URL(fileURLWithPath: output)) } else { print(body, terminator: "") }
        }
    }
}
