import ArgumentParser
import Foundation
import NERTraining
import NewsEntities

/// `newspipe tone margin-cv --labels labels.jsonl --documents documents.jsonl`
public struct ToneCompanyCVCommand: ParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "margin-cv",
        abstract: "Choose the company-tone rule (margin over neutral) by leave-one-document-out CV on labelled (document, company) rows.",
        discussion: """
        Runs the entities engine with the tone model over the documents, and prints the held-out \
        accuracy and macro-F1 of the rule chosen inside each fold, next to all-neutral and the lexicon.
        """)

    @Option(name: .long, help: ArgumentHelp("Labels: {\"doc\", \"entity_id\", \"tone\"} per line (positive, negative, neutral, not_company).", valueName: "path"))
    public var labels: String

    @Option(name: .long, help: ArgumentHelp("The documents (article records, as the dedup stage writes them).", valueName: "path"))
    public var documents: String

    @Option(name: .long, help: ArgumentHelp("A tone model (default: the shipped one).", valueName: "path"))
    public var model: String?

    @Option(name: .long, help: ArgumentHelp("Candidate margins, comma-separated.", valueName: "x,x"))
    public var margins: String = "0,0.1,0.2,0.3,0.4,0.5,0.6,0.7,0.8,0.9,1"

    @Option(name: .long, help: ArgumentHelp("Also write each labelled row with the lexicon's call and the model's mention probabilities.", valueName: "path"))
    public var dump: String?

    public init() {}

    public func run() throws {
        try CommandFailure.guarding {
            let m = margins.split(separator: ",").compactMap { Double($0) }
            print(try ToneCompanyStudy.run(labels: URL(fileURLWithPath: labels), documents: URL(fileURLWithPath: documents),
                                           toneModel: model.map { URL(fileURLWithPath: $0) }, margins: m, dump: dump.map { URL(fileURLWithPath: $0) }), terminator: "")
        }
    }
}
