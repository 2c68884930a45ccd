import Foundation
import NewsEntities
import NewsIO
import NewsText

/// Settings for training the NER tagger; the defaults are what the shipped model was trained with.
public struct NERTrainingOptions: Sendable {
    /// Passes over the training data.
    public var epochs: Int
    /// Seed of the sentence shuffle, so training is reproducible.
    public var seed: UInt64
    /// Features seen fewer times than this in the training data are not learned.
    public var minFeatureCount: Int
    /// Feature rows whose largest averaged weight is below this are dropped from the saved model.
    public var pruneWeightBelow: Float
    /// BILOU tags (entity-final and single-token tags) instead of BIO.
    public var bilou: Bool
    /// A second pass that sees the first pass's labels of the same words across the document.
    public var secondStage: Bool
    /// Folds for the jackknifed training-entity gazetteer and first-pass labels.
    public var folds: Int
    /// Folder with the public-domain lists (census_names/, sec_company_tickers_*.csv, sp500_constituents.csv).
    public var gazetteerDirectory: URL?
    /// Use the training data's own entity lists as a gazetteer (jackknifed).
    public var trainingEntityGazetteer: Bool
    /// Extra copies of the training documents with organisation and person mentions swapped for
    /// names from the public lists (needs `gazetteerDirectory`): teaches today's company names
    /// and census names, which 1996 Reuters text rarely has.
    public var augmentCopies: Int
    /// Share of mentions swapped in an augmented copy.
    public var augmentRate: Double
    /// Which mention types augmentation swaps (of ORG, PER, LOC).
    public var augmentTypes: Set<String>
    /// Extra copies in which every organisation mention becomes an S&P 500 company, in turn, so
    /// that each major company is seen as ORG several times.
    public var majorCompanyCopies: Int

    public init(epochs: Int = 10, seed: UInt64 = 1, minFeatureCount: Int = 2, pruneWeightBelow: Float = 0.01,
                bilou: Bool = false, secondStage: Bool = true, folds: Int = 5, gazetteerDirectory: URL? = nil,
                trainingEntityGazetteer: Bool = true, augmentCopies: Int = 1, augmentRate: Double = 0.25,
                augmentTypes: Set<String> = ["ORG", "PER", "LOC"], majorCompanyCopies: Int = 1) {
        self.majorCompanyCopies = majorCompanyCopies
        self.augmentCopies = augmentCopies; self.augmentRate = augmentRate; self.augmentTypes = augmentTypes
        self.epochs = epochs; self.seed = seed; self.minFeatureCount = minFeatureCount
        self.pruneWeightBelow = pruneWeightBelow; self.bilou = bilou; self.secondStage = secondStage
        self.folds = folds; self.gazetteerDirectory = gazetteerDirectory
        self.trainingEntityGazetteer = trainingEntityGazetteer
    }
}

/// One CoNLL document: sentences of tokens with entity spans (token ranges within the sentence).
struct NERConllDocument {
    var sentences: [[String]] = []
    var spans: [[(Int, Int, String)]] = []
}

/// Reads CoNLL-2003 files and trains `NERModel`s.
public enum NERTrainer {
    /// Trains a model on a CoNLL file (`token POS chunk tag` lines, IOB1 or IOB2 tags, `-DOCSTART-`
    /// lines between documents). With `devFile`, logs development scores after each epoch (they do
    /// not steer training) and calibrates the confidence scale there.
    public static func train(trainFile: URL, devFile: URL?, options: NERTrainingOptions = NERTrainingOptions(),
                             log: (String) -> Void) throws -> NERModel {
        let train = try readConll(trainFile)
        let dev = try devFile.map { try readConll($0) }
        return try train_(docs: train, dev: dev, options: options, log: log)
    }

    // MARK: CoNLL

    static func readConll(_ url: URL) throws -> [NERConllDocument] {
        let text: String
        do { text = try String(contentsOf: url, encoding: .utf8) } catch {
            throw FileError.io(path: url.path, reason: "cannot read CoNLL file: \(error.localizedDescription)")
        }
        return parseConll(text)
    }

    static func parseConll(_ text: String) -> [NERConllDocument] {
        var docs: [NERConllDocument] = []
        var doc = NERConllDocument()
        var tokens: [String] = []
        var tags: [String] = []
        func endSentence() {
            guard !tokens.isEmpty else { return }
            doc.sentences.append(tokens)
            doc.spans.append(spansFromTags(tags))
            tokens = []; tags = []
        }
        func endDocument() {
            endSentence()
            if !doc.sentences.isEmpty { docs.append(doc) }
            doc = NERConllDocument()
        }
        for lineSub in text.split(separator: "\n", omittingEmptySubsequences: false) {
            let line = lineSub.hasSuffix("\r") ? lineSub.dropLast() : lineSub
            if line.hasPrefix("-DOCSTART-") { endDocument(); continue }
            let cols = line.split(whereSeparator: { $0 == " " || $0 == "\t" })
            if cols.isEmpty { endSentence(); continue }
            tokens.append(String(cols[0]))
            tags.append(cols.count > 1 ? String(cols[cols.count - 1]) : "O")
        }
        endDocument()
        return docs
    }

    /// Entity spans of IOB1 / IOB2 / BILOU tags (conlleval chunking).
    static func spansFromTags(_ tags: [String]) -> [(Int, Int, String)] {
        var out: [(Int, Int, String)] = []
        var start = -1, cur = ""
        var prevPrefix: Character = "O"
        for (k, tag) in (tags + ["O"]).enumerated() {
            let p: Character = tag == "O" || tag.count < 3 ? "O" : tag.first!
            let ty = p == "O" ? "" : String(tag.dropFirst(2))
            let endsPrev = prevPrefix == "L" || prevPrefix == "U" || prevPrefix == "E" || prevPrefix == "S"
                || p == "O" || p == "B" || p == "U" || p == "S" || ty != cur
            if start >= 0 && endsPrev { out.append((start, k, cur)); start = -1 }
            if p != "O" && start < 0 { start = k; cur = ty }
            prevPrefix = p
        }
        return out
    }

    // MARK: Resources

    static func lowerHash(_ token: String) -> UInt64 {
        let l = token.unicodeScalars.map { CharacterClass.lowercased($0.value) }
        return l.withUnsafeBufferPointer { nerHashScalars($0, 0, $0.count) }
    }

    /// Public-domain lists: census first names and surnames, SEC and S&P 500 company names.
    static func publicGazetteer(_ dir: URL, into gaz: inout NERGazetteer, log: (String) -> Void) {
        let fm = FileManager.default
        var added = 0
        for (file, isFirst) in [("census_names/dist.male.first", true), ("census_names/dist.female.first", true),
                                ("census_names/dist.all.last", false)] {
            guard let text = try? String(contentsOf: dir.appendingPathComponent(file), encoding: .utf8) else { continue }
            for line in text.split(separator: "\n") {
                let cols = line.split(separator: " ")
                guard cols.count >= 4, let rank = Int(cols[3]) else { continue }
                let bit: Int
                if isFirst { bit = rank <= 500 ? NERGazBit.firstTop : NERGazBit.first } else {
                    bit = rank <= 1000 ? NERGazBit.lastTop : (rank <= 10000 ? NERGazBit.lastMid : NERGazBit.last)
                }
                gaz.add([lowerHash(String(cols[0]))], bits: 1 << UInt32(bit)); added += 1
            }
        }
        let names = (try? fm.contentsOfDirectory(atPath: dir.path)) ?? []
        for name in names where name.hasPrefix("sec_company_tickers") && name.hasSuffix(".csv") {
            guard let text = try? String(contentsOf: dir.appendingPathComponent(name), encoding: .utf8) else { continue }
            for (i, row) in csvRows(text).enumerated() where i > 0 && row.count >= 4 {
                addCompany(row[3], to: &gaz); added += 1
            }
        }
        if let text = try? String(contentsOf: dir.appendingPathComponent("sp500_constituents.csv"), encoding: .utf8) {
            for (i, row) in csvRows(text).enumerated() where i > 0 && row.count >= 2 {
                addCompany(row[1], to: &gaz); added += 1
            }
        }
        for name in nameLists(dir).majorCompanies {
            gaz.add(name.map(lowerHash), bits: 1 << UInt32(NERGazBit.majorCompany))
        }
        log("public gazetteer: \(added) names from \(dir.path)")
    }

    /// Display names for augmentation: companies without legal suffixes, census names title-cased.
    struct NameLists {
        var companies: [[String]] = []
        /// S&P 500 names: the companies today's business news mentions most, each used in turn.
        var majorCompanies: [[String]] = []
        var nextMajor = 0
        /// Place names of the training data, swapped among themselves so that a copy does not repeat
        /// every place mention (a 1996 "Amazon" the river should not outweigh today's company).
        var places: [[String]] = []
        var firstNames: [String] = []
        var surnames: [String] = []
    }

    static func nameLists(_ dir: URL) -> NameLists {
        var lists = NameLists()
        func title(_ w: String) -> String {
            let letters = w.unicodeScalars.filter { CharacterClass.isLetter($0) }
            let vowels = letters.filter { "AEIOUYaeiouy".unicodeScalars.contains($0) }
            if w != w.uppercased() { return w }
            if letters.count <= 3 && vowels.isEmpty { return w }
            return w.prefix(1) + w.dropFirst().lowercased()
        }
        for file in ["census_names/dist.male.first", "census_names/dist.female.first"] {
            guard let text = try? String(contentsOf: dir.appendingPathComponent(file), encoding: .utf8) else { continue }
            for line in text.split(separator: "\n").prefix(1000) {
                if let name = line.split(separator: " ").first { lists.firstNames.append(title(String(name))) }
            }
        }
        if let text = try? String(contentsOf: dir.appendingPathComponent("census_names/dist.all.last"), encoding: .utf8) {
            for line in text.split(separator: "\n").prefix(5000) {
                if let name = line.split(separator: " ").first { lists.surnames.append(title(String(name))) }
            }
        }
        let names = ((try? FileManager.default.contentsOfDirectory(atPath: dir.path)) ?? []).sorted()
        var seen = Set<String>()
        for name in names where name.hasPrefix("sec_company_tickers") && name.hasSuffix(".csv") {
            guard let text = try? String(contentsOf: dir.appendingPathComponent(name), encoding: .utf8) else { continue }
            for (i, row) in csvRows(text).enumerated() where i > 0 && row.count >= 4 {
                var toks = NewsTokenizer.tokenize(row[3]).tokens.map { $0.text }
                while let last = toks.last, legalSuffixes.contains(last.lowercased()) || last.hasPrefix("/") { toks.removeLast() }
                if toks.first?.lowercased() == "the" { toks.removeFirst() }
                guard !toks.isEmpty, toks.count <= 4 else { continue }
                let display = toks.map(title)
                if seen.insert(display.joined(separator: " ")).inserted { lists.companies.append(display) }
            }
        }
        if let text = try? String(contentsOf: dir.appendingPathComponent("sp500_constituents.csv"), encoding: .utf8) {
            for (i, row) in csvRows(text).enumerated() where i > 0 && row.count >= 2 {
                var toks = NewsTokenizer.tokenize(row[1]).tokens.map { $0.text }
                while let last = toks.last, legalSuffixes.contains(last.lowercased()) || last.hasPrefix("(") { toks.removeLast() }
                // "Alphabet Inc. (Class A)" -> "Alphabet"
                if let paren = toks.firstIndex(of: "(") { toks = Array(toks[..<paren]) }
                while let last = toks.last, legalSuffixes.contains(last.lowercased()) { toks.removeLast() }
                if !toks.isEmpty && toks.count <= 4 { lists.majorCompanies.append(toks) }
            }
        }
        return lists
    }

    /// A copy of `doc` with a share of ORG and PER mentions replaced by listed names, consistently
    /// within the document (the same mention gets the same replacement).
    static func augmented(_ doc: NERConllDocument, lists: inout NameLists, rate: Double, types: Set<String>, majorOnly: Bool = false, rng: inout NERSplitMix) -> NERConllDocument {
        var out = NERConllDocument()
        var replacement: [String: [String]] = [:]
        func chance() -> Double { Double(rng.next() % 1_000_000) / 1_000_000 }
        for (si, sent) in doc.sentences.enumerated() {
            let caps = isHeadline(sent)
            var toks: [String] = []
            var spans: [(Int, Int, String)] = []
            var k = 0
            for (a, b, ty) in doc.spans[si] {
                toks += sent[k ..< a]
                let key = ty + "|" + sent[a ..< b].joined(separator: " ").lowercased()
                var new: [String]? = replacement[key]
                if new == nil && types.contains(ty) && chance() < rate {
                    if ty == "ORG" && !lists.majorCompanies.isEmpty && (majorOnly || chance() < 0.5) {
                        new = lists.majorCompanies[lists.nextMajor % lists.majorCompanies.count]
                        lists.nextMajor += 1
                    } else if ty == "ORG" && !lists.companies.isEmpty {
                        new = lists.companies[Int(rng.next() % UInt64(lists.companies.count))]
                    } else if ty == "LOC" && !lists.places.isEmpty {
                        new = lists.places[Int(rng.next() % UInt64(lists.places.count))]
                    } else if ty == "PER" && !lists.firstNames.isEmpty && !lists.surnames.isEmpty {
                        let last = lists.surnames[Int(rng.next() % UInt64(lists.surnames.count))]
                        let first = lists.firstNames[Int(rng.next() % UInt64(lists.firstNames.count))]
                        new = b - a == 1 ? [last] : [first, last]
                    }
                    if let new { replacement[key] = new }
                }
                let words = (new ?? Array(sent[a ..< b])).map { caps ? $0.uppercased() : $0 }
                spans.append((toks.count, toks.count + words.count, ty))
                toks += words
                k = b
            }
            toks += sent[k...]
            out.sentences.append(toks)
            out.spans.append(spans)
        }
        return out
    }

    static let legalSuffixes: Set<String> = [
        "corp", "corporation", "inc", "incorporated", "co", "company", "ltd", "limited", "plc", "llc",
        "lp", "l.p", "holdings", "holding", "group", "trust", "sa", "s.a", "nv", "n.v", "ag", "se", "adr",
        "/de/", "/md/", "/new/", "/de", "/adr", "ltd/adr", "limited/adr", "&", ",", "-", "the", "/", "n.v.",
        "s.a.", "inc.", "corp.", "co.", "ltd.", "l.p.", "plc.", "spa", "s.p.a", "bhd", "oyj", "asa", "ab",
        "com", ".com",
    ]

    /// Adds a company name as written and without its legal suffixes ("MICROSOFT CORP" -> "microsoft").
    static func addCompany(_ name: String, to gaz: inout NERGazetteer) {
        var toks = NewsTokenizer.tokenize(name).tokens.map { $0.text.lowercased() }
        if toks.isEmpty || toks.count > 8 { return }
        gaz.add(toks.map(lowerHash), bits: 1 << UInt32(NERGazBit.companyFull))
        while let last = toks.last, legalSuffixes.contains(last) || legalSuffixes.contains(last.trimmingCharacters(in: CharacterSet(charactersIn: ".")))
            || last.hasPrefix("/") { toks.removeLast() }
        if toks.first == "the" { toks.removeFirst() }
        guard !toks.isEmpty else { return }
        gaz.add(toks.map(lowerHash), bits: 1 << UInt32(NERGazBit.company))
        // "Meta Platforms" is often just "Meta" in the news
        if toks.count > 1, toks[0].count > 2 { gaz.add([lowerHash(toks[0])], bits: 1 << UInt32(NERGazBit.companyHead)) }
    }

    static func csvRows(_ text: String) -> [[String]] {
        var rows: [[String]] = []
        var row: [String] = []
        var field = ""
        var quoted = false
        var it = text.unicodeScalars.makeIterator()
        var pending: Unicode.Scalar? = nil
        while let c = pending ?? it.next() {
            pending = nil
            if quoted {
                if c == "\"" {
                    if let n = it.next() {
                        if n == "\"" { field.unicodeScalars.append("\"") } else { quoted = false; pending = n }
                    } else { quoted = false }
                } else { field.unicodeScalars.append(c) }
            } else if c == "\"" { quoted = true }
            else if c == "," { row.append(field); field = "" }
            else if c == "\n" { row.append(field); rows.append(row); row = []; field = "" }
            else if c != "\r" { field.unicodeScalars.append(c) }
        }
        if !field.isEmpty || !row.isEmpty { row.append(field); rows.append(row) }
        return rows
    }

    /// The usual casing of words in running text (not headlines, not sentence starts).
    static func casingLexicon(_ docs: [NERConllDocument]) -> NERCasingLexicon {
        var counts: [UInt64: (Int32, Int32, Int32, Int32)] = [:]
        for d in docs {
            for s in d.sentences where !isHeadline(s) {
                for t in s.dropFirst() {
                    let a = t.unicodeScalars.map { $0.value }
                    let cls = a.withUnsafeBufferPointer { nerCaseClass($0, 0, $0.count) }
                    guard cls != .none else { continue }
                    var e = counts[lowerHash(t)] ?? (0, 0, 0, 0)
                    switch cls {
                    case .lower: e.0 += 1
                    case .title: e.1 += 1
                    case .upper: e.2 += 1
                    default: e.3 += 1
                    }
                    counts[lowerHash(t)] = e
                }
            }
        }
        var lex = NERCasingLexicon()
        for (k, c) in counts {
            let best = max(c.0, c.1, c.2, c.3)
            let cls: NERCaseClass = best == c.1 ? .title : (best == c.0 ? .lower : (best == c.2 ? .upper : .mixed))
            lex[k] = cls.rawValue
        }
        return lex
    }

    /// The featuriser's test for headlines in capitals (Title Case needs the casing lexicon).
    static func isHeadline(_ s: [String]) -> Bool {
        let tokens = s.map { t -> (NERCaseClass, Int) in
            let a = t.unicodeScalars.map { $0.value }
            return (a.withUnsafeBufferPointer { nerCaseClass($0, 0, $0.count) }, a.count)
        }
        return nerHeadlineKind(tokens, lastIsPeriod: s.last == ".", capitalizedCommonWords: 0) == 1
    }

    // MARK: Training

    /// A training sentence: its tokens' rows are `rows[tokenOffsets[firstToken + k] ..< tokenOffsets[firstToken + k + 1]]`.
    struct Sentence {
        let firstToken: Int
        let gold: [Int]
        let doc: Int
    }

    /// Featurised training corpus: feature rows per token.
    struct Corpus {
        var rows: [Int32] = []
        var tokenOffsets: [Int] = [0]
        var sentences: [Sentence] = []
    }

    /// Trains the model in named steps: gazetteers (public lists plus training entities, jackknifed
    /// by fold), the casing lexicon, optional augmented copies, first-pass features, stage one, the
    /// jackknifed second stage, and confidence calibration on the development set.
    static func train_(docs: [NERConllDocument], dev: [NERConllDocument]?, options: NERTrainingOptions,
                       log: (String) -> Void) throws -> NERModel {
        let clock = ContinuousClock()
        let t0 = clock.now
        let tagSet = NERTagSet.make(bilou: options.bilou)
        let folds = max(2, options.folds)
        let tokenCount = docs.reduce(0) { $0 + $1.sentences.reduce(0) { $0 + $1.count } }
        log("training data: \(docs.count) documents, \(docs.reduce(0) { $0 + $1.sentences.count }) sentences, \(tokenCount) tokens")

        let (fullGaz, foldGaz) = gazetteers(docs, folds: folds, options: options, log: log)
        let lexicon = casingLexicon(docs)
        log("gazetteer \(fullGaz.entries.count) entries, casing lexicon \(lexicon.count) words")
        let originalCount = docs.count
        let docs = augmentedCorpus(docs, options: options, log: log)

        // First-pass features of every training document, with its fold's gazetteer.
        let docFeatures = docs.enumerated().map { di, d in
            NERDocumentFeatures(sentences: d.sentences.map { $0.map { Substring($0) } },
                                resources: NERResources(gazetteer: foldGaz[(di % originalCount) % folds], lexicon: lexicon))
        }
        let golds: [[[Int]]] = docs.map { d in d.sentences.indices.map { tagSet.encode(spans: d.spans[$0], count: d.sentences[$0].count) } }
        log("featurised in \(clock.now - t0)")

        let fullResources = NERResources(gazetteer: fullGaz, lexicon: lexicon)
        let devEval: ((NERModel) -> String)? = dev.map { devDocs in { model in evaluate(model: model, docs: devDocs).summary } }

        // Stage one.
        let (corpus1, keys1) = buildCorpus(docFeatures: docFeatures, extra: nil, golds: golds, minCount: options.minFeatureCount)
        log("stage 1: \(keys1.count) features kept")
        let layer1 = trainLayer(corpus: corpus1, keys: keys1, tagSet: tagSet, epochs: options.epochs, seed: options.seed,
                                only: nil, prune: options.pruneWeightBelow, log: log) { layer in
            guard let devEval else { return nil }
            return devEval(NERModel(tagSet: tagSet, first: layer, second: nil, resources: fullResources, confidenceScale: 1))
        }
        var model = NERModel(tagSet: tagSet, first: layer1, second: nil, resources: fullResources, confidenceScale: 1)
        log("stage 1 trained: \(layer1.keys.count) weight rows, \(clock.now - t0)")

        if options.secondStage {
            let layer2 = trainSecondStage(docs: docs, originalCount: originalCount, docFeatures: docFeatures, golds: golds,
                                          first: (corpus1, keys1, layer1), tagSet: tagSet, resources: fullResources,
                                          options: options, devEval: devEval, log: { log("\($0), \(clock.now - t0)") })
            model = NERModel(tagSet: tagSet, first: layer1, second: layer2, resources: fullResources, confidenceScale: 1)
        }
        if let dev {
            let scale = calibrateConfidence(model: model, docs: dev)
            model = NERModel(tagSet: tagSet, first: model.first, second: model.second, resources: model.resources, confidenceScale: scale)
            log("confidence scale \(scale)")
        }
        return model
    }

    /// The full gazetteer and one per fold: public lists for everyone; each training document's
    /// entities only in the gazetteers of the other folds (so features never see their own
    /// document's answers); today's major companies stripped of their 1996 PER/LOC/MISC bits.
    static func gazetteers(_ docs: [NERConllDocument], folds: Int, options: NERTrainingOptions,
                           log: (String) -> Void) -> (full: NERGazetteer, folds: [NERGazetteer]) {
        var publicGaz = NERGazetteer()
        if let dir = options.gazetteerDirectory { publicGazetteer(dir, into: &publicGaz, log: log) }
        var fullGaz = publicGaz
        var foldGaz = [NERGazetteer](repeating: publicGaz, count: folds)
        if options.trainingEntityGazetteer {
            for (di, d) in docs.enumerated() {
                for (si, s) in d.sentences.enumerated() {
                    for (a, b, ty) in d.spans[si] {
                        let bit = UInt32(1) << UInt32(NERTagSet.entityTypes.firstIndex(of: ty) ?? 3)
                        let hashes = s[a ..< b].map(lowerHash)
                        fullGaz.add(hashes, bits: bit)
                        for f in 0 ..< folds where f != di % folds { foldGaz[f].add(hashes, bits: bit) }
                    }
                }
            }
        }
        if let dir = options.gazetteerDirectory {
            // Today's major companies outrank 1996 usage: "Amazon" was mostly the river in the
            // training text, but in the news newspipe reads it is the company.
            let majors = nameLists(dir).majorCompanies
            var cleared = 0
            let otherTypes = ~(UInt32(1) << UInt32(NERGazBit.trainPER) | UInt32(1) << UInt32(NERGazBit.trainLOC)
                               | UInt32(1) << UInt32(NERGazBit.trainMISC))
            for name in majors {
                var h = nerSequenceSeed
                for t in name { h = nerSequenceStep(h, lowerHash(t)) }
                if let bits = fullGaz.entries[h], bits & ~otherTypes != 0 { cleared += 1 }
                fullGaz.entries[h].map { fullGaz.entries[h] = $0 & otherTypes }
                for f in 0 ..< folds { foldGaz[f].entries[h].map { foldGaz[f].entries[h] = $0 & otherTypes } }
            }
            log("major companies: \(majors.count), \(cleared) lost their training PER/LOC/MISC gazetteer bits")
        }
        return (fullGaz, foldGaz)
    }

    /// The training documents plus augmented copies (names swapped for others from the public
    /// lists), the copies after the originals.
    static func augmentedCorpus(_ docs: [NERConllDocument], options: NERTrainingOptions, log: (String) -> Void) -> [NERConllDocument] {
        guard options.augmentCopies + options.majorCompanyCopies > 0, let dir = options.gazetteerDirectory else { return docs }
        let originalCount = docs.count
        var docs = docs
        var lists = nameLists(dir)
        var placeSet = Set<[String]>()
        for d in docs { for (si, s) in d.sentences.enumerated() where !isHeadline(s) {
            for (a, b, ty) in d.spans[si] where ty == "LOC" { placeSet.insert(Array(s[a ..< b])) } } }
        lists.places = placeSet.sorted { $0.joined(separator: " ") < $1.joined(separator: " ") }
        var rng = NERSplitMix(state: options.seed ^ 0xA5A5)
        for _ in 0 ..< options.augmentCopies {
            for d in docs.prefix(originalCount) { docs.append(augmented(d, lists: &lists, rate: options.augmentRate, types: options.augmentTypes, rng: &rng)) }
        }
        for _ in 0 ..< options.majorCompanyCopies {
            for d in docs.prefix(originalCount) {
                docs.append(augmented(d, lists: &lists, rate: 1, types: ["ORG"], majorOnly: true, rng: &rng))
            }
        }
        log("augmented: \(docs.count - originalCount) extra documents (\(lists.companies.count) companies, \(lists.majorCompanies.count) major, \(lists.firstNames.count) first names, \(lists.surnames.count) surnames)")
        return docs
    }

    /// The second stage: jackknifed first-pass labels (each fold tagged by a first stage trained
    /// without it), so the second pass learns how far to trust the first on unseen text.
    static func trainSecondStage(docs: [NERConllDocument], originalCount: Int, docFeatures: [NERDocumentFeatures], golds: [[[Int]]],
                                 first: (corpus: Corpus, keys: [UInt64], layer: NERLayer), tagSet: NERTagSet,
                                 resources: NERResources, options: NERTrainingOptions, devEval: ((NERModel) -> String)?,
                                 log: (String) -> Void) -> NERLayer {
        let folds = max(2, options.folds)
        var firstPass = [[Int]](repeating: [], count: docs.count)
        for f in 0 ..< folds {
            let held = Set(docs.indices.filter { ($0 % originalCount) % folds == f })
            let layer = trainLayer(corpus: first.corpus, keys: first.keys, tagSet: tagSet, epochs: options.epochs, seed: options.seed &+ UInt64(f),
                                   only: { !held.contains($0) }, prune: options.pruneWeightBelow, log: { _ in }, report: { _ in nil })
            let foldModel = NERModel(tagSet: tagSet, first: layer, second: nil, resources: resources, confidenceScale: 1)
            for di in held {
                firstPass[di] = foldModel.firstPassTags(docFeatures[di])
            }
            log("jackknife fold \(f + 1)/\(folds) done")
        }
        var extras: [(keys: [UInt64], offsets: [Int])] = []
        for di in docs.indices {
            extras.append(NERSecondStage.features(doc: docFeatures[di], firstPass: firstPass[di], tagSet: tagSet))
        }
        let (corpus2, keys2) = buildCorpus(docFeatures: docFeatures, extra: extras, golds: golds, minCount: options.minFeatureCount)
        log("stage 2: \(keys2.count) features kept")
        let layer2 = trainLayer(corpus: corpus2, keys: keys2, tagSet: tagSet, epochs: options.epochs, seed: options.seed &+ 99,
                                only: nil, prune: options.pruneWeightBelow, log: log) { layer in
            guard let devEval else { return nil }
            return devEval(NERModel(tagSet: tagSet, first: first.layer, second: layer, resources: resources, confidenceScale: 1))
        }
        log("stage 2 trained: \(layer2.keys.count) weight rows")
        return layer2
    }

    /// Maps feature keys to rows (dropping rare ones) and lays out the corpus.
    static func buildCorpus(docFeatures: [NERDocumentFeatures], extra: [(keys: [UInt64], offsets: [Int])]?,
                            golds: [[[Int]]], minCount: Int) -> (Corpus, [UInt64]) {
        var counts: [UInt64: Int32] = [:]
        counts.reserveCapacity(2_000_000)
        for (di, d) in docFeatures.enumerated() {
            for k in d.keys { counts[k, default: 0] += 1 }
            if let extra { for k in extra[di].keys { counts[k, default: 0] += 1 } }
        }
        var rowOf: [UInt64: Int32] = [:]
        var keys: [UInt64] = []
        // sorted, so that the saved model does not depend on dictionary order
        for k in counts.filter({ $0.value >= minCount }).keys.sorted() {
            rowOf[k] = Int32(keys.count)
            keys.append(k)
        }
        var corpus = Corpus()
        var token = 0
        for (di, d) in docFeatures.enumerated() {
            for (si, r) in d.sentences.enumerated() {
                corpus.sentences.append(Sentence(firstToken: token, gold: golds[di][si], doc: di))
                for t in r {
                    for k in d.keys[d.offsets[t] ..< d.offsets[t + 1]] { if let row = rowOf[k] { corpus.rows.append(row) } }
                    if let extra {
                        let e = extra[di]
                        for k in e.keys[e.offsets[t] ..< e.offsets[t + 1]] { if let row = rowOf[k] { corpus.rows.append(row) } }
                    }
                    corpus.tokenOffsets.append(corpus.rows.count)
                    token += 1
                }
            }
        }
        return (corpus, keys)
    }

    /// Averaged structured perceptron over the corpus sentences whose document passes `only`.
    static func trainLayer(corpus: Corpus, keys: [UInt64], tagSet: NERTagSet, epochs: Int, seed: UInt64,
                           only: ((Int) -> Bool)?, prune: Float, log: (String) -> Void,
                           report: (NERLayer) -> String?) -> NERLayer {
        let T = tagSet.count
        let R = keys.count
        var w = [Float](repeating: 0, count: R * T)
        var u = [Double](repeating: 0, count: R * T)
        var tr = [Float](repeating: 0, count: T * T), tru = [Double](repeating: 0, count: T * T)
        var st = [Float](repeating: 0, count: T), stu = [Double](repeating: 0, count: T)
        var en = [Float](repeating: 0, count: T), enu = [Double](repeating: 0, count: T)
        var c: Double = 1
        var order = corpus.sentences.indices.filter { only?(corpus.sentences[$0].doc) ?? true }
        var rng = NERSplitMix(state: seed)
        var emissions = [Float](repeating: 0, count: 256 * T)

        func averaged() -> NERLayer {
            var avg = [Float](repeating: 0, count: R * T)
            for k in 0 ..< R * T { avg[k] = w[k] - Float(u[k] / c) }
            let trA = (0 ..< T * T).map { tr[$0] - Float(tru[$0] / c) }
            let stA = (0 ..< T).map { st[$0] - Float(stu[$0] / c) }
            let enA = (0 ..< T).map { en[$0] - Float(enu[$0] / c) }
            // drop rows that carry (almost) nothing
            var keptKeys: [UInt64] = []
            var keptW: [Float] = []
            for r in 0 ..< R {
                var m: Float = 0
                for j in 0 ..< T { m = max(m, abs(avg[r * T + j])) }
                if m >= prune {
                    keptKeys.append(keys[r])
                    keptW.append(contentsOf: avg[(r * T) ..< (r * T + T)])
                }
            }
            let (q, scale) = NERLayer.quantize(keptW)
            return NERLayer(numTags: T, keys: keptKeys, weights: q, scale: scale, transitions: trA, start: stA, end: enA)
        }

        for epoch in 1 ... max(1, epochs) {
            // Fisher-Yates with the seeded generator
            if order.count > 1 {
                for i in stride(from: order.count - 1, to: 0, by: -1) {
                    let j = Int(rng.next() % UInt64(i + 1))
                    order.swapAt(i, j)
                }
            }
            var mistakes = 0
            for si in order {
                let s = corpus.sentences[si]
                let n = s.gold.count
                if emissions.count < n * T { emissions = [Float](repeating: 0, count: n * T * 2) }
                corpus.rows.withUnsafeBufferPointer { rows in
                    w.withUnsafeBufferPointer { wp in
                        for k in 0 ..< n {
                            let tok = s.firstToken + k
                            let base = k * T
                            for j in 0 ..< T { emissions[base + j] = 0 }
                            for f in corpus.tokenOffsets[tok] ..< corpus.tokenOffsets[tok + 1] {
                                let rb = Int(rows[f]) * T
                                for j in 0 ..< T { emissions[base + j] += wp[rb + j] }
                            }
                        }
                    }
                }
                let scores = NERDecoderScores(trans: tr, start: st, end: en, tagSet: tagSet)
                let pred = emissions.withUnsafeBufferPointer {
                    nerViterbi(emissions: $0.baseAddress!, count: n, numTags: T, trans: scores.trans, start: scores.start, end: scores.end)
                }
                if pred != s.gold {
                    mistakes += 1
                    for k in 0 ..< n where pred[k] != s.gold[k] {
                        let tok = s.firstToken + k
                        let g = s.gold[k], p = pred[k]
                        for f in corpus.tokenOffsets[tok] ..< corpus.tokenOffsets[tok + 1] {
                            let rb = Int(corpus.rows[f]) * T
                            w[rb + g] += 1; u[rb + g] += c
                            w[rb + p] -= 1; u[rb + p] -= c
                        }
                    }
                    for k in 0 ..< n {
                        if k == 0 {
                            if pred[0] != s.gold[0] {
                                st[s.gold[0]] += 1; stu[s.gold[0]] += c
                                st[pred[0]] -= 1; stu[pred[0]] -= c
                            }
                        } else if pred[k - 1] != s.gold[k - 1] || pred[k] != s.gold[k] {
                            let gi = s.gold[k - 1] * T + s.gold[k], pi = pred[k - 1] * T + pred[k]
                            tr[gi] += 1; tru[gi] += c
                            tr[pi] -= 1; tru[pi] -= c
                        }
                    }
                    if pred[n - 1] != s.gold[n - 1] {
                        en[s.gold[n - 1]] += 1; enu[s.gold[n - 1]] += c
                        en[pred[n - 1]] -= 1; enu[pred[n - 1]] -= c
                    }
                }
                c += 1
            }
            var line = "  epoch \(epoch): \(mistakes) of \(order.count) sentences wrong"
            if epoch == epochs || epoch % 4 == 0, let r = report(averaged()) { line += "; dev \(r)" }
            log(line)
        }
        return averaged()
    }

    // MARK: Evaluation

    struct Evaluation {
        var tp: [String: Int] = [:], fp: [String: Int] = [:], fn: [String: Int] = [:]
        var margins: [(Float, Bool)] = []

        func f1(_ types: [String]) -> (p: Double, r: Double, f: Double) {
            let a = types.reduce(0) { $0 + (tp[$1] ?? 0) }
            let b = types.reduce(0) { $0 + (fp[$1] ?? 0) }
            let c = types.reduce(0) { $0 + (fn[$1] ?? 0) }
            let p = a + b > 0 ? Double(a) / Double(a + b) : 0
            let r = a + c > 0 ? Double(a) / Double(a + c) : 0
            return (p, r, p + r > 0 ? 2 * p * r / (p + r) : 0)
        }

        var summary: String {
            let h = f1(["PER", "ORG", "LOC"]), all = f1(NERTagSet.entityTypes)
            return String(format: "F1 PER/ORG/LOC %.2f (all %.2f)", h.f * 100, all.f * 100)
        }
    }

    /// Entity-level exact-match scores on gold-tokenised documents.
    static func evaluate(model: NERModel, docs: [NERConllDocument]) -> Evaluation {
        var e = Evaluation()
        for d in docs {
            let (tags, margins) = model.tagDocument(d.sentences.map { $0.map { Substring($0) } })
            for (si, t) in tags.enumerated() {
                let pred = model.tagSet.decode(t)
                let gold = Set(d.spans[si].map { "\($0.0)-\($0.1)-\($0.2)" })
                var predSet = Set<String>()
                for (k, p) in pred.enumerated() {
                    let key = "\(p.start)-\(p.end)-\(p.type)"
                    predSet.insert(key)
                    let ok = gold.contains(key)
                    e.margins.append((margins[si][k], ok))
                    if ok { e.tp[p.type, default: 0] += 1 } else { e.fp[p.type, default: 0] += 1 }
                }
                for g in d.spans[si] where !predSet.contains("\(g.0)-\(g.1)-\(g.2)") { e.fn[g.2, default: 0] += 1 }
            }
        }
        return e
    }

    /// The margin scale whose logistic best predicts (log loss) whether a span is right.
    static func calibrateConfidence(model: NERModel, docs: [NERConllDocument]) -> Float {
        let margins = evaluate(model: model, docs: docs).margins
        guard !margins.isEmpty else { return 1 }
        var best: (Float, Double) = (1, .infinity)
        var s: Float = 0.05
        while s < 200 {
            var loss = 0.0
            for (m, ok) in margins {
                let p = min(max(1 / (1 + exp(-Double(m / s))), 1e-6), 1 - 1e-6)
                loss -= ok ? log(p) : log(1 - p)
            }
            if loss < best.1 { best = (s, loss) }
            s *= 1.25
        }
        return best.0
    }
}

extension NERModel {
    /// First-pass tags of a featurised document (the jackknife uses it on held-out documents).
    func firstPassTags(_ doc: NERDocumentFeatures) -> [Int] {
        let T = tagSet.count
        let n = doc.offsets.count - 1
        var emissions = [Float](repeating: 0, count: n * T)
        var scratch = [Int32](repeating: 0, count: T)
        let scores = NERDecoderScores(trans: first.transitions, start: first.start, end: first.end, tagSet: tagSet)
        var out: [Int] = []
        out.reserveCapacity(n)
        emissions.withUnsafeMutableBufferPointer { em in
            scratch.withUnsafeMutableBufferPointer { sc in
                doc.keys.withUnsafeBufferPointer { keys in
                    for t in 0 ..< n {
                        first.accumulate(keys, doc.offsets[t], doc.offsets[t + 1], into: em.baseAddress! + t * T, scratch: sc.baseAddress!)
                    }
                }
            }
            for r in doc.sentences {
                out += nerViterbi(emissions: UnsafePointer(em.baseAddress! + r.lowerBound * T), count: r.count, numTags: T,
                                  trans: scores.trans, start: scores.start, end: scores.end)
            }
        }
        return out
    }
}

/// Small seeded generator for reproducible shuffles.
struct NERSplitMix {
    var state: UInt64
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        return nerMix(state)
    }
}
