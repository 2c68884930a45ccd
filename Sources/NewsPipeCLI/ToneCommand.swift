import ArgumentParser
import Foundation
import NERTraining
import NewsEntities
import NewsIO

/// `newspipe tone`: the entities stage's tone model on given texts, and its training.
public struct ToneCommand: ParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "tone",
        abstract: "Tone towards named entities in texts (JSON Lines), or train the tone model.",
        subcommands: [TonePredictCommand.self, ToneTrainCommand.self, ToneCompanyCVCommand.self],
        defaultSubcommand: TonePredictCommand.self)

    public init() {}
}

/// `newspipe tone --input items.jsonl --output out.jsonl`
public struct TonePredictCommand: ParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "predict",
        abstract: "Read {\"id\": 7, \"text\": \"…\", \"entities\": [{\"name\": \"EXL\"}]} lines; write them with \"tone\" (positive, negative, neutral) and \"confidence\" per entity.",
        discussion: """
        The same model the entities stage uses for every company mention: each entity is found in \
        the text by its name (whole words, longest name first) and judged from its own sentence, \
        other entities masked. An entity whose name does not occur is neutral with confidence 0.
        """)

    @Option(name: .long, help: ArgumentHelp("JSON Lines input (- for standard input).", valueName: "path"))
    public var input: String = "-"

    @Option(name: .long, help: ArgumentHelp("JSON Lines output (- for standard output).", valueName: "path"))
    public var output: String = "-"

    @Option(name: .long, help: ArgumentHelp("A model trained with `newspipe tone train` (default: the shipped one).", valueName: "path"))
    public var model: String?

    @Flag(name: .long, help: "Also write the three probabilities (positive, negative, neutral) per entity.")
    public var probabilities = false

    @Flag(name: .long, help: "Leave the text out of the output lines.")
    public var dropText = false

    public init() {}

    public func run() throws {
        try CommandFailure.guarding {
            let toneModel: ToneModel
            do {
                toneModel = try model.map { try ToneModel.load(from: URL(fileURLWithPath: $0)) } ?? ToneModel.loadDefault()
            } catch let error as FileError { throw error } catch {
                throw FileError.io(path: model ?? "tone/model.bin", reason: "not a tone model: \(error)")
            }
            let items: [ToneItem]
            do { items = try ToneJSONL.read(URL(fileURLWithPath: input == "-" ? "/dev/stdin" : input)) } catch {
                throw FileError.io(path: input, reason: "\(error) (expected {\"id\": …, \"text\": \"…\", \"entities\": [{\"name\": \"…\"}]} per line)")
            }
            var out = ""
            for item in items {
                let predictions = toneModel.predict(text: item.text, entityNames: item.entities.map(\.name))
                out += ToneJSONL.line(item, predictions: predictions, includeText: !dropText, probabilities: probabilities) + "\n"
            }
            if output == "-" { FileHandle.standardOutput.write(Data(out.utf8)) } else { try AtomicFile.write(out, to: URL(fileURLWithPath: output)) }
        }
    }
}

/// `newspipe tone train --data sentfin-dev.jsonl --conll eng.train --out model.bin`
public struct ToneTrainCommand: ParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "train",
        abstract: "Train the tone model: nested k-fold cross-validation (the figures to quote), then the final model.",
        discussion: """
        Multinomial logistic regression (L2, L-BFGS, deterministic) over hashed features of the \
        entity's clause, window, negation, hedges and numbers; a sports gate learned from the CoNLL \
        sports stories makes non-financial contexts neutral. Prints the per-fold table; the \
        window and L2 strength are chosen by CV inside each outer fold.
        """)

    @Option(name: .long, help: ArgumentHelp("Labelled entities: {\"id\", \"text\", \"entities\": [{\"name\", \"tone\"}]} per line.", valueName: "path"))
    public var data: String

    @Option(name: .long, help: ArgumentHelp("CoNLL-2003 training file (sports stories: neutral mentions and the gate).", valueName: "path"))
    public var conll: String?

    @Option(name: .long, help: ArgumentHelp("Where to write the model (without it, only the CV is run).", valueName: "path"))
    public var out: String?

    @Option(name: .long, help: ArgumentHelp("Cross-validation folds.", valueName: "n"))
    public var folds: Int = 5

    @Option(name: .long, help: ArgumentHelp("Candidate windows, comma-separated.", valueName: "n,n"))
    public var windows: String = "3,4"

    @Option(name: .long, help: ArgumentHelp("Candidate L2 strengths, comma-separated.", valueName: "x,x"))
    public var l2: String = "1e-4,2e-4,4e-4"

    @Option(name: .long, help: ArgumentHelp("Candidate naive-Bayes feature scalings β (NB-LR), comma-separated, chosen by the inner CV with the window and L2; 0 is plain logistic regression.", valueName: "b,b"))
    public var nb: String = "0"

    @Option(name: .long, help: ArgumentHelp("Candidate ensemble weights t, comma-separated: for every two β of --nb, the inner CV's best L2 of each makes the pair, and (1-t)·first + t·second (one linear model) competes with the single models. Empty: single models only.", valueName: "t,t"))
    public var mix: String = ""

    @Option(name: .long, help: ArgumentHelp("Out-of-fold predictions for score_tone.py.", valueName: "path"))
    public var oof: String?

    @Option(name: .long, help: ArgumentHelp("The CV report as JSON.", valueName: "path"))
    public var report: String?

    @Option(name: .long, help: ArgumentHelp("CoNLL file whose sports mentions are checked after training.", valueName: "path"))
    public var checkConll: String?

    @Flag(name: .long, help: "Only the CV over all folds for every grid point (optimistic: for exploring a grid, not for quoting; no model).")
    public var gridOnly = false

    @Flag(name: .long, help: "Also run the feature-group ablation (plain CV).")
    public var ablation = false

    @Option(name: .long, help: ArgumentHelp("Seed of the fold shuffle.", valueName: "n"))
    public var seed: UInt64 = 20261203

    @Option(name: .long, help: ArgumentHelp("Candidate feature-group sets chosen by the inner CV with the window and L2, comma-separated; each is standard or standard+GROUP+… (groups as the model file names them, e.g. chars, sides).", valueName: "set,set"))
    public var variants: String?

    static func parseVariants(_ s: String) -> [ToneFeatureGroups]? {
        var out: [ToneFeatureGroups] = []
        for item in s.split(separator: ",") {
            var g: ToneFeatureGroups = []
            for part in item.split(separator: "+") {
                if part == "standard" { g.formUnion(.standard); continue }
                guard let one = ToneFeatureGroups(names: String(part)), !one.isEmpty else { return nil }
                g.formUnion(one)
            }
            guard !g.isEmpty else { return nil }
            out.append(g)
        }
        return out.isEmpty ? nil : out
    }

    public init() {}

    public func validate() throws {
        if folds < 2 { throw ValidationError("--folds must be at least 2") }
        if windows.split(separator: ",").compactMap({ Int($0) }).isEmpty { throw ValidationError("--windows expects numbers like 3,4") }
        if l2.split(separator: ",").compactMap({ Double($0) }).isEmpty { throw ValidationError("--l2 expects numbers like 1e-4,2e-4") }
        let betas = nb.split(separator: ",").map { Double($0) }
        if betas.isEmpty || betas.contains(where: { $0 == nil || !(0...1).contains($0!) }) { throw ValidationError("--nb expects numbers in 0...1 like 0,1") }
        if mix.split(separator: ",").contains(where: { Double($0).map { !(0...1).contains($0) } ?? true }) { throw ValidationError("--mix expects numbers in 0...1 like 0.5") }
        if let v = variants, Self.parseVariants(v) == nil { throw ValidationError("--variants expects sets like standard,standard+chars") }
    }

    public func run() throws {
        var options = ToneTrainingOptions(data: data)
        options.conll = conll
        options.out = out
        options.folds = folds
        options.windows = windows.split(separator: ",").compactMap { Int($0) }
        options.l2s = l2.split(separator: ",").compactMap { Double($0) }
        options.nbs = nb.split(separator: ",").compactMap { Double($0) }
        options.mixes = mix.split(separator: ",").compactMap { Double($0) }
        options.oof = oof
        options.report = report
        options.testa = checkConll
        options.ablation = ablation
        options.gridOnly = gridOnly
        options.seed = seed
        if let v = variants, let sets = Self.parseVariants(v) { options.variants = sets; options.groups = sets[0] }
        let printed = try CommandFailure.guarding {
            do {
                return try ToneTraining.run(options) { FileHandle.standardError.write(Data(($0 + "\n").utf8)) }
            } catch let error as FileError { throw error } catch {
                throw FileError.io(path: data, reason: "\(error)")
            }
        }
        print(printed, terminator: "")
    }
}
