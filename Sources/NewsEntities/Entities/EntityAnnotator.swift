import Foundation
import NewsRecords
import NewsText

/// Where an entities candidate came from; decides who wins an overlap.
private enum EntityOrigin: UInt8 {
    case pattern, dictionary, weakDictionary, ner, ticker
}

/// A mention on its way to becoming an `EntityMention`.
private struct EntityCandidate {
    var start: Int
    var end: Int
    var type: EntityType
    var origin: EntityOrigin
    var confidence: Double
    /// Knowledge-base entry the mention links to.
    var entry: Int? = nil
    var value: String? = nil
    var ticker: String? = nil
    var entityId: String = ""
    var canonical: String = ""
    var tokenStart = 0
    var tokenEnd = 0
    var alive = true
    /// Why the name may mean something else (dictionary and look-up links).
    var ambiguity: EntityAmbiguity = []
    /// A legal form follows the name ("Target Corp.").
    var legalSuffix = false
    /// Why the link was made (`EntityLinkEvidence.Reason` or a ticker cue).
    var evidence: String? = nil
    /// The NER span this dictionary match stands for: revived, unlinked, if the link is refused.
    var shadow: Int? = nil
    /// The NER's own label, when a look-up in the knowledge base changed the type.
    var nerLabel: EntityType? = nil
    /// The NER read this person-name company name as a person.
    var nerPerson = false
    /// ... and was sure of it.
    var nerPersonSure = false
    /// The NER read these words as an organisation.
    var nerOrg = false

    /// Output order of the type: the raw values' alphabetical order, without making strings.
    var typeRank: Int {
        switch type {
        case .date: return 0
        case .location: return 1
        case .miscellaneous: return 2
        case .money: return 3
        case .organization: return 4
        case .person: return 5
        case .percent: return 6
        case .ticker: return 7
        }
    }
}

/// Finds and links the entities of one article: known companies, brands and products from the
/// knowledge base, NER names, tickers with cues, money, percentages, dates, and the tone of each
/// company mention's sentence.
///
/// One linear pass each for the dictionary, the patterns and the tone cues, with hash look-ups of
/// precompiled token hashes; strings are made only for emitted mentions. Thread-safe: the
/// annotator is immutable and can be shared by concurrent workers.
public struct EntityAnnotator: Sendable {
    let knowledge: EntityKnowledgeBase
    let lexicon: ToneLexicon
    /// The entity-aware tone model: the tone of every company mention. Without it (tests of the
    /// linker), the lexicon's cues set the tone.
    let toneModel: ToneModel?

    public init(knowledge: EntityKnowledgeBase, lexicon: ToneLexicon, toneModel: ToneModel? = nil) {
        self.knowledge = knowledge
        self.lexicon = lexicon
        self.toneModel = toneModel
    }

    /// Annotates one article.
    ///
    /// - Parameters:
    ///   - sentences: Unicode-scalar ranges of the sentences of `text` (from the tokenizer); when
    ///     empty, a simple splitter finds them.
    ///   - nerSpans: spans of the statistical NER (`PER`, `ORG`, `LOC`, `MISC`).
    ///   - published: ISO 8601 date of the article, to resolve "April 13" or "on Monday"; without
    ///     it only explicit dates are emitted.
    /// - Returns: mentions sorted by start, end, type and id; equal input gives equal output.
    public func annotate(documentId: String, text: String, sentences: [Range<Int>], nerSpans: [NERSpan],
                         published: String?) -> [EntityMention] {
        analyze(documentId: documentId, text: text, sentences: sentences, nerSpans: nerSpans, published: published).mentions
    }

    /// Annotates one article and gives each company's tone in it (see `annotate`).
    public func analyze(documentId: String, text: String, sentences: [Range<Int>], nerSpans: [NERSpan],
                        published: String?) -> EntityAnalysis {
        let doc = EntityScanDocument(text: text, sentences: sentences)
        guard !doc.tokens.isEmpty else { return EntityAnalysis(mentions: [], companyTones: []) }
        let day = published.flatMap(EntityDay.init(iso:))

        var droppedPatterns: Set<Int> = []
        let patterns = EntityPatterns.scan(doc, published: day).map {
            EntityCandidate(start: $0.start, end: $0.end, type: $0.type, origin: .pattern, confidence: $0.confidence, value: $0.value)
        }
        var dictionary = dictionaryMatches(doc)
        var ner = nerCandidates(nerSpans, doc)

        // Patterns are the most precise: names overlapping them go.
        for i in dictionary.indices where Self.overlapsAny(dictionary[i], patterns) { dictionary[i].alive = false }
        for i in ner.indices where Self.overlapsAny(ner[i], patterns) {
            // A longer name around a year ("1998 World Cup") is the name; otherwise the pattern wins.
            let inside = patterns.filter { $0.start < ner[i].end && ner[i].start < $0.end }
            if inside.allSatisfy({ $0.type == .date && $0.start >= ner[i].start && $0.end <= ner[i].end && ($0.end - $0.start) < (ner[i].end - ner[i].start) }) {
                droppedPatterns.formUnion(inside.map(\.start))
            } else {
                ner[i].alive = false
            }
        }

        // Clock times ("10:30 PM ET") are not names.
        let clocks = EntityDocumentShape.clockTimes(doc)
        if !clocks.isEmpty {
            for i in dictionary.indices where clocks.contains(where: { $0.lowerBound < dictionary[i].end && dictionary[i].start < $0.upperBound }) { dictionary[i].alive = false }
            for i in ner.indices where clocks.contains(where: { $0.lowerBound < ner[i].end && ner[i].start < $0.upperBound }) { ner[i].alive = false }
        }

        mergeNER(&ner, &dictionary, doc)
        decideLinks(&dictionary, &ner, patterns, doc)

        var names = (dictionary + ner).filter(\.alive)
        names.sort { ($0.start, $0.end) < ($1.start, $1.end) }
        dropPositionalNames(&names, doc)
        names += repeatedNERNames(names, patterns, doc)
        names.sort { ($0.start, $0.end) < ($1.start, $1.end) }
        let tickers = tickerMatches(doc, names)
        // Exchange words inside a cue are not companies; a name under a ticker ("$AMD") is the ticker.
        let covered = (tickers.cues + tickers.mentions.map { $0.start..<$0.end }).sorted { $0.lowerBound < $1.lowerBound }
        if !covered.isEmpty {
            for i in names.indices where covered.contains(where: { $0.lowerBound < names[i].end && names[i].start < $0.upperBound }) {
                names[i].alive = false
            }
        }

        var all = names.filter(\.alive) + tickers.mentions + patterns.filter { !droppedPatterns.contains($0.start) }
        for i in all.indices {
            all[i].tokenStart = doc.tokenIndex(containingOrAfter: all[i].start)
            all[i].tokenEnd = max(all[i].tokenStart + 1, doc.tokenIndex(startingAtOrAfter: all[i].end))
        }
        all.sort(by: Self.positionOrder)
        assignIds(&all, doc)
        all = all.filter { $0.alive && !$0.entityId.isEmpty }
        all.sort { Self.positionOrder($0, $1) || (!Self.positionOrder($1, $0) && $0.entityId < $1.entityId) }
        var tones = tone(all, doc)
        var scores = tones.map { t -> EntityToneScore in
            switch t.tone {
            case .bullish: return EntityToneScore(positive: 1, negative: 0, neutral: 0)
            case .bearish: return EntityToneScore(positive: 0, negative: 1, neutral: 0)
            case .neutral: return .neutralOnly
            }
        }
        if let toneModel { modelTone(toneModel, all, text: text, tones: &tones, scores: &scores) }

        var out: [EntityMention] = []
        out.reserveCapacity(all.count)
        for i in all.indices {
            let c = all[i]
            let sentence = c.tokenStart < doc.tokenSentence.count ? Int(doc.tokenSentence[c.tokenStart]) : doc.sentenceOf(offset: c.start)
            let bounds = doc.sentenceBounds(token: c.tokenStart, offset: c.start)
            let t = tones[i]
            let surface = doc.string(c.start, c.end)
            var nameAtDate: String? = nil
            if let published, c.entry != nil, c.type == .organization || c.type == .ticker || c.type == .miscellaneous {
                nameAtDate = knowledge.history.name(surface: surface, entityId: c.entityId, canonical: c.canonical, on: published)
            }
            out.append(EntityMention(documentId: documentId, entityId: c.entityId, canonicalName: c.canonical,
                                     surface: surface, type: c.type, start: c.start, end: c.end,
                                     sentence: sentence, ticker: c.ticker, value: c.value,
                                     confidence: (c.confidence * 1000).rounded() / 1000, tone: t.tone, cue: t.cue,
                                     evidence: c.evidence, nameAtDate: nameAtDate,
                                     sentenceStart: bounds.lowerBound, sentenceEnd: bounds.upperBound))
        }
        return EntityAnalysis(mentions: out, companyTones: EntityCompanyToneAggregator.companyTones(out, scores: scores, documentId: documentId))
    }

    /// Start, then end, then type; strings stay out of the comparison (it runs n log n times).
    private static func positionOrder(_ a: EntityCandidate, _ b: EntityCandidate) -> Bool {
        if a.start != b.start { return a.start < b.start }
        if a.end != b.end { return a.end < b.end }
        return a.typeRank < b.typeRank
    }

    // MARK: Dictionary

    private static let suffixHashes = EntityScanHashSet(hashes: EntityNames.spanSuffixes.map(EntityScanHash.exact))
    private static let dotHash = EntityScanHash.exact(".")
    private static let commaHash = EntityScanHash.exact(",")
    private static let atHash = EntityScanHash.exact("@")

    private static let coHash = EntityScanHash.folded("co")

    /// "Morgan Co., Ind.": "Co." then a comma and an abbreviated state is a county, not a company.
    private static func countyAbbreviation(_ toks: [EntityScanToken], suffix s: Int) -> Bool {
        guard toks[s].foldHash == coHash else { return false }
        var k = s + 1
        if k < toks.count, toks[k].hash == dotHash, toks[k].gap == 0 { k += 1 }
        guard k + 2 < toks.count, toks[k].hash == commaHash else { return false }
        let state = toks[k + 1]
        return state.kind == .word && state.isCapitalized && state.length <= 5 && toks[k + 2].hash == dotHash && toks[k + 2].gap == 0
    }

    private func dictionaryMatches(_ doc: EntityScanDocument) -> [EntityCandidate] {
        let toks = doc.tokens
        let dict = knowledge.index.dictionary
        var out: [EntityCandidate] = []
        var i = 0
        while i < toks.count {
            let t = toks[i]
            guard t.kind != .punct, let cands = dict[t.hash], !doc.chrome[i] else { i += 1; continue }
            var found: EntityDictCandidate? = nil
            for c in cands {
                let n = c.hashes.count
                guard i + n <= toks.count else { continue }
                var ok = true
                var q = 1
                while q < n {
                    if toks[i + q].hash != c.hashes[q] || toks[i + q].matchGap != c.gaps[q - 1] { ok = false; break }
                    q += 1
                }
                if ok { found = c; break }
            }
            guard let c = found, !(i > 0 && t.gap == 0 && toks[i - 1].hash == Self.atHash) else { i += 1; continue }
            var e = i + c.hashes.count
            var legal = false
            // Legal form right after the name belongs to the mention: "Microsoft Corp.", "Apple, Inc.".
            var s = e
            if s + 1 < toks.count, toks[s].hash == Self.commaHash, toks[s].gap == 0 { s += 1 }
            if s < toks.count, toks[s].matchGap == 1, Self.suffixHashes.contains(toks[s].hash) {
                e = s + 1
                if e < toks.count, toks[e].hash == Self.dotHash, toks[e].gap == 0 { e += 1 }
                // "Target Corp." is the retailer; "Mercantile Bancorp Inc." is not "Bancorp".
                let insideLongerName = i > 0 && toks[i - 1].isCapitalized && toks[i].matchGap == 1
                    && doc.tokenSentence[i - 1] == doc.tokenSentence[i]
                // "Group" or "Holdings" after ordinary words is any group ("a 'Citizens Group'");
                // "Co., Ind." is a county.
                let weakForm = EntityKBIndex.groupFormHashes.contains(toks[s].foldHash)
                    && !c.ambiguity.isDisjoint(with: .groupWordIsNoLegalForm)
                legal = !insideLongerName && !weakForm && !Self.countyAbbreviation(toks, suffix: s)
            }
            let entry = knowledge.index.entries[c.entry]
            var cand = EntityCandidate(start: t.start, end: toks[e - 1].end, type: entry.type,
                                       origin: c.ambiguity.isEmpty || legal ? .dictionary : .weakDictionary,
                                       confidence: entry.dictionaryConfidence, entry: c.entry)
            cand.ambiguity = c.ambiguity
            cand.legalSuffix = legal || c.legalForm
            out.append(cand)
            i = e
        }
        return out
    }

    // MARK: NER

    private static func label(_ raw: String) -> EntityType? {
        var l = raw.uppercased()
        if l.hasPrefix("B-") || l.hasPrefix("I-") || l.hasPrefix("E-") || l.hasPrefix("S-") { l.removeFirst(2) }
        switch l {
        case "PER", "PERSON": return .person
        case "ORG", "ORGANIZATION": return .organization
        case "LOC", "LOCATION", "GPE": return .location
        case "MISC": return .miscellaneous
        default: return nil
        }
    }

    private static let keepDotAfter: Set<String> = ["Inc", "Corp", "Co", "Ltd", "Jr", "Sr", "S", "A", "N", "V", "L", "P", "Bros", "Cos"]

    /// NER spans clipped to the text, without surrounding punctuation or a possessive.
    /// Upper-case abbreviations of common nouns in business news, never an entity by themselves.
    static let commonAcronyms: Set<String> = [
        "AI", "CEO", "CFO", "COO", "CTO", "IPO", "ETF", "ETFs", "GDP", "EPS", "API", "APIs", "GPU", "GPUs", "CPU",
        "CPUs", "EV", "EVs", "ESG", "M&A", "Q1", "Q2", "Q3", "Q4", "YoY", "PC", "PCs", "TV", "HR", "IT", "PR", "R&D",
        "SaaS", "VR", "AR", "5G", "LLM", "LLMs", "AGI", "CAGR", "EBITDA", "PE", "P/E", "ROI", "FAQ",
    ]

    private func nerCandidates(_ spans: [NERSpan], _ doc: EntityScanDocument) -> [EntityCandidate] {
        let sc = doc.scalars
        var out: [EntityCandidate] = []
        for span in spans {
            guard let type = Self.label(span.label), span.confidence > 0 else { continue }
            var a = max(0, span.start), b = min(sc.count, span.end)
            while a < b && !CharacterClass.isWordCharacter(sc[a]) && sc[a] != "$" { a += 1 }
            while b > a {
                let last = sc[b - 1]
                if CharacterClass.isWordCharacter(last) { break }
                if last == "." {
                    // The period of an abbreviation stays: "Corp.", "Fla.", "N.H.".
                    var w = b - 1
                    while w > a && CharacterClass.isWordCharacter(sc[w - 1]) { w -= 1 }
                    let word = doc.string(w, b - 1)
                    if Self.keepDotAfter.contains(word) { break }
                    let short = w < b - 1 && b - 1 - w <= 3 && CharacterClass.isUpper(sc[w])
                    if short && (sc[w..<(b - 1)].contains(where: CharacterClass.isLower) || sc[a..<(b - 1)].contains(".")) { break }
                }
                if last == ")" && sc[a..<b].contains("(") { break }
                b -= 1
            }
            // Possessive: "Alphabet's" -> "Alphabet", "Reuters'" -> "Reuters".
            if b - a > 2, sc[b - 1] == "s" || sc[b - 1] == "S", sc[b - 2] == "'" || sc[b - 2] == "\u{2019}" {
                b -= 2
                while b > a && (CharacterClass.isSpaceInLine(sc[b - 1]) || CharacterClass.isNewline(sc[b - 1])) { b -= 1 }
            }
            // A slash without spaces ends a name ("Photo by James Martin/CNET"): the model, trained
            // on text where slashes are tokens, reads the credit as one name; the part before stays.
            if a < b, let slash = sc[a..<b].firstIndex(of: "/"), slash > a {
                b = slash
                while b > a && !CharacterClass.isWordCharacter(sc[b - 1]) { b -= 1 }
            }
            guard b > a else { continue }
            // Acronyms of common nouns ("AI", "CEO", "IPO") look like names to a model trained on
            // 1996 wire copy; they name no entity, so a MISC or ORG span of exactly one is dropped.
            if type == .miscellaneous || type == .organization, Self.commonAcronyms.contains(doc.string(a, b)) { continue }
            out.append(EntityCandidate(start: a, end: b, type: type, origin: .ner,
                                       confidence: min(max(span.confidence, 0), 1)))
        }
        out.sort { ($0.start, $0.end) < ($1.start, $1.end) }
        // Overlapping NER spans: keep the more confident (then the longer) one.
        var kept: [EntityCandidate] = []
        for c in out {
            if let last = kept.last, last.end > c.start {
                if (c.confidence, c.end - c.start) > (last.confidence, last.end - last.start) { kept[kept.count - 1] = c }
                continue
            }
            kept.append(c)
        }
        return kept
    }

    private static func overlapsAny(_ c: EntityCandidate, _ sorted: [EntityCandidate]) -> Bool {
        // `sorted` is ordered by start and free of overlaps, so ends are ordered too.
        var lo = 0, hi = sorted.count
        while lo < hi {
            let mid = (lo + hi) / 2
            if sorted[mid].end <= c.start { lo = mid + 1 } else { hi = mid }
        }
        return lo < sorted.count && sorted[lo].start < c.end
    }

    /// Words that may extend a known company name to the NER's longer span ("Kia Motor Corp",
    /// "Toyota Motor North America"): legal and group forms, what companies call themselves, regions.
    private static let extensionWords: EntityScanHashSet = {
        let corporate: [String] = """
        motor motors bank international technologies technology systems airlines airways financial capital partners \
        industries energy pharmaceuticals pharma communications entertainment media foods brands labs electronics software \
        networks services solutions enterprises insurance securities investments ventures studios pictures records music \
        games automotive auto aerospace health healthcare therapeutics biosciences semiconductor semiconductors telecom \
        north south east west europe european asia asian pacific america americas usa us uk global worldwide
        """.split(whereSeparator: { $0 == " " || $0 == "\n" }).map(String.init)
        let legal: [String] = Array(EntityNames.legalSuffixes.union(EntityNames.groupSuffixes))
        return EntityScanHashSet(hashes: (legal + corporate).map(EntityScanHash.folded))
    }()

    /// Resolves overlaps of NER spans and dictionary matches; links NER names the dictionary did
    /// not see (case or legal form differs) through the knowledge base. Nothing here confirms an
    /// ambiguous name: `decideLinks` asks the document for evidence afterwards.
    private func mergeNER(_ ner: inout [EntityCandidate], _ dict: inout [EntityCandidate], _ doc: EntityScanDocument) {
        var d0 = 0
        for n in ner.indices where ner[n].alive {
            let span = ner[n]
            while d0 < dict.count && dict[d0].end <= span.start { d0 += 1 }
            var overlapping: [Int] = []
            var d = d0
            while d < dict.count && dict[d].start < span.end {
                if dict[d].alive { overlapping.append(d) }
                d += 1
            }
            if overlapping.isEmpty {
                // People and places of user lists are found by the dictionary; only names of
                // companies and products are worth a normalised look-up.
                guard span.type == .organization || span.type == .miscellaneous else { continue }
                if let hit = knowledge.lookUp(doc.scalars[span.start..<span.end]) {
                    let entry = knowledge.entry(hit.entry)
                    if entry.type == span.type || (span.type == .organization && entry.type == .miscellaneous)
                        || (span.type == .miscellaneous && entry.type == .organization) {
                        let toks = EntityScanTokenizer.tokenize(Array(doc.scalars[span.start..<span.end]))
                        ner[n].entry = hit.entry
                        ner[n].nerLabel = span.type
                        ner[n].type = entry.type
                        ner[n].confidence = max(span.confidence, EntityConfidence.knownName)
                        ner[n].ambiguity = hit.ambiguity.union(knowledge.index.profiler.profile(
                            toks, scalars: Array(doc.scalars[span.start..<span.end]), confirmOnly: false, ownNames: [], insideOtherName: false,
                            prominent: entry.rank >= EntityEvidenceThresholds.prominentRank))
                        ner[n].nerOrg = span.type == .organization
                        ner[n].legalSuffix = toks.contains { $0.kind == .word && Self.suffixHashes.contains($0.hash) }
                    }
                }
                continue
            }
            let covered = overlapping.allSatisfy { dict[$0].start >= span.start && dict[$0].end <= span.end }
            let longer = covered && (span.end - span.start) > overlapping.reduce(0) { $0 + dict[$1].end - dict[$1].start }
            let sameSpan = overlapping.count == 1 && dict[overlapping[0]].start == span.start && dict[overlapping[0]].end == span.end
            let ambiguous = overlapping.contains { !dict[$0].ambiguity.isEmpty }
            let extra = covered && longer ? extraWords(span, overlapping.map { dict[$0] }, doc) : []
            var nerWins = false
            var extend = false
            if !extra.isEmpty && makerBeforeProduct(span, overlapping.count == 1 ? dict[overlapping[0]] : nil, extra, doc) {
                // "Sony Bravia", "Dell PowerEdge 1950", "Netgear Nighthawk R6700": the maker's name
                // before its product's; the dictionary's name stands, the span comes back if it is refused.
            } else if !extra.isEmpty && sweptInBefore(span, overlapping.count == 1 ? dict[overlapping[0]] : nil, extra, doc) {
                // "Dual-Core AMD Opteron", "Archive Patcher GitHub": the NER swept the words before a
                // known company's name into its span; the name stands, the span comes back if refused.
            } else if !extra.isEmpty && span.type != .organization {
                nerWins = true       // "Amazon River", "Harrison Ford": a longer name of another kind
            } else if !extra.isEmpty {
                let o = overlapping[0]
                // Extension words say company whatever the name's words are, unless the name is
                // an ordinary word or initialism ("US News" is not News Corp's "News").
                if overlapping.count == 1 && dict[o].type == .organization
                    && dict[o].ambiguity.isDisjoint(with: [.ordinaryWord, .initialism, .listed])
                    && extra.allSatisfy({ Self.extensionWords.contains(doc.tokens[$0].foldHash) }) {
                    extend = true    // "Kia Motor Corp", "LM Ericsson AB": the NER's fuller name, the dictionary's link
                } else if extra.allSatisfy({ knowledge.words.isOrdinaryWord(doc.tokens[$0].foldHash)
                                                && !Self.extensionWords.contains(doc.tokens[$0].foldHash) }) {
                    // "Cisco Routers Contribute" in a title-case line: the NER swept in ordinary
                    // words; the dictionary's name stands, the span comes back if it is refused.
                } else {
                    nerWins = true   // "Emerald City Comic Con", "Visa Waiver Program": another organisation's name
                }
            } else if span.type == .person && (sameSpan || (overlapping.count == 1 && singleWord(dict[overlapping[0]], doc))) {
                // A known company is never a person, unless its name is also a person's name and
                // the model is sure ("Ford" the novelist).
                let o = overlapping[0]
                if dict[o].ambiguity.contains(.personName) {
                    // Decided with the document's other names (`decideLinks`): the NER's person stands
                    // when the document names a person with this word, or the model is sure and the
                    // company is not prominent.
                    dict[o].nerPerson = true
                    dict[o].nerPersonSure = span.confidence >= EntityConfidence.confirmed
                }
            } else if ambiguous && span.type != .organization && sameSpan && span.type != dict[overlapping[0]].type {
                nerWins = true       // an ordinary word the NER reads as something else
            }
            if nerWins {
                for o in overlapping { dict[o].alive = false }
            } else if extend {
                let o = overlapping[0]
                dict[o].start = span.start
                dict[o].end = span.end
                dict[o].confidence = min(dict[o].confidence, max(span.confidence, EntityConfidence.confirmed))
                dict[o].shadow = n
                dict[o].nerOrg = true
                ner[n].alive = false
            } else {
                ner[n].alive = false
                for o in overlapping {
                    dict[o].shadow = n
                    if span.type == .organization && sameSpan { dict[o].nerOrg = true }
                    if dict[o].ambiguity.isEmpty && (span.type == dict[o].type || span.type == .organization) {
                        dict[o].confidence = min(EntityConfidence.dictionaryCeiling, dict[o].confidence + EntityConfidence.agreementBonus)
                    }
                }
            }
        }
    }

    /// Asks the document for evidence for every link of an ambiguous name (`EntityLinkDecision`);
    /// a refused name is dropped, and the NER span it stood on comes back unlinked.
    private func decideLinks(_ dict: inout [EntityCandidate], _ ner: inout [EntityCandidate], _ patterns: [EntityCandidate],
                             _ doc: EntityScanDocument) {
        var evidence = EntityLinkEvidence(doc: doc, patterns: patterns.filter { $0.type == .money || $0.type == .percent }
            .map { (start: $0.start, end: $0.end) })
        // Tickers written with their own cue ("NYSE: F", "$F", "shares of F") vouch for their company.
        for t in tickerMatches(doc, []).mentions { if let e = t.entry { evidence.tickerEntries.insert(e) } }
        for c in dict where c.alive && (c.ambiguity.subtracting(.partOfOtherName).isEmpty || c.legalSuffix) {
            if let e = c.entry { evidence.unambiguousEntries.insert(e) }
        }
        for c in ner where c.alive {
            if let e = c.entry, c.ambiguity.subtracting(.partOfOtherName).isEmpty || c.legalSuffix { evidence.unambiguousEntries.insert(e) }
            // One sense per document: words of people's and places' longer names.
            guard c.type == .person || c.type == .location else { continue }
            var k = doc.tokenIndex(containingOrAfter: c.start)
            var words: [UInt64] = []
            while k < doc.tokens.count && doc.tokens[k].start < c.end {
                if doc.tokens[k].kind == .word { words.append(doc.tokens[k].foldHash) }
                k += 1
            }
            if words.count >= 2 { evidence.personOrPlaceWords.formUnion(words) }
        }
        // A prominent company's one-word name that the NER read as a person, in a document that
        // names no person with that word ("a Dell 1.7GHz machine", "If Philips hadn't bailed"): news
        // names a person in full before using the surname alone, so the company is meant. Otherwise
        // a sure person reading stands ("Ford" after "Richard Ford").
        for i in dict.indices where dict[i].alive && dict[i].nerPerson {
            let a = doc.tokenIndex(containingOrAfter: dict[i].start), b = doc.tokenIndex(startingAtOrAfter: dict[i].end)
            let oneWord = b - a == 1 && a < doc.tokens.count
            let prominent = dict[i].entry.map { knowledge.entry($0).rank >= EntityEvidenceThresholds.prominentRank } ?? false
            if oneWord && prominent && !evidence.personOrPlaceWords.contains(doc.tokens[a].foldHash) {
                dict[i].nerPerson = false
            } else if dict[i].nerPersonSure {
                dict[i].alive = false
                if let n = dict[i].shadow, n < ner.count { ner[n].alive = true; ner[n].entry = nil }
            }
        }
        var refused: Set<Int> = []
        var kept: Set<Int> = []
        func decide(_ c: inout EntityCandidate) -> Bool {
            guard let entry = c.entry else { return true }
            let a = doc.tokenIndex(containingOrAfter: c.start), b = doc.tokenIndex(startingAtOrAfter: c.end)
            guard let reason = EntityLinkDecision.decide(entry: entry, ambiguity: c.ambiguity, legalSuffix: c.legalSuffix,
                                                         nerPerson: c.nerPerson, nerOrg: c.nerOrg, a: a, b: max(b, a + 1), evidence: evidence,
                                                         knowledge: knowledge) else { return false }
            c.evidence = reason.rawValue
            if c.origin == .weakDictionary { c.origin = .dictionary }
            return true
        }
        for i in dict.indices where dict[i].alive {
            if decide(&dict[i]) {
                if let n = dict[i].shadow { kept.insert(n) }
            } else {
                dict[i].alive = false
                if let n = dict[i].shadow { refused.insert(n) }
            }
        }
        for n in refused.subtracting(kept) where n < ner.count { ner[n].alive = true; ner[n].entry = nil }
        for i in ner.indices where ner[i].alive && ner[i].entry != nil {
            if !decide(&ner[i]) { ner[i].entry = nil; ner[i].ambiguity = []; ner[i].type = ner[i].nerLabel ?? ner[i].type }
        }
    }

    /// Drops names that only look like names because of where they stand: an ordinary word at the
    /// start of a sentence or line ("Oh", "Therefore", "Click"), a heading of ordinary words ("Most
    /// Popular"); makes the place of a dateline a place ("NEW YORK (Reuters)" is not an ORG).
    private func dropPositionalNames(_ names: inout [EntityCandidate], _ doc: EntityScanDocument) {
        let toks = doc.tokens
        let datelines = EntityDocumentShape.datelines(doc)
        for i in names.indices where names[i].alive {
            let c = names[i]
            if datelines.contains(where: { $0.lowerBound <= c.start && c.end <= $0.upperBound }) {
                names[i].type = .location
                names[i].entry = nil
                names[i].evidence = "dateline"
                names[i].origin = .ner
                continue
            }
            // Linked names were decided on evidence already.
            guard c.entry == nil else { continue }
            let a = doc.tokenIndex(containingOrAfter: c.start), b = doc.tokenIndex(startingAtOrAfter: c.end)
            guard a < b, b <= toks.count else { continue }
            let words = toks[a..<b].filter { $0.kind != .punct }
            // A surname or first name of many people ("Brown", "May") stays a name; table rows
            // ("Hull 4 3 0 1") are not sentences.
            if words.count == 1, let w = words.first, EntityDocumentShape.startsSentenceOrLine(a, doc),
               knowledge.words.isCapitalisedByPosition(w.foldHash), !knowledge.words.isCommonName(w.foldHash),
               !EntityDocumentShape.onTableRow(a, doc) {
                names[i].alive = false
                continue
            }
            if EntityDocumentShape.isWholeShortLine(a, b, doc),
               words.allSatisfy({ knowledge.words.isCapitalisedByPosition($0.foldHash) || Self.functionWords.contains($0.foldHash) }) {
                names[i].alive = false
            }
        }
    }

    /// Further occurrences of names the NER found but the knowledge base does not know: the NER
    /// often tags "Cailian Press" once and misses it two paragraphs later.
    private func repeatedNERNames(_ names: [EntityCandidate], _ patterns: [EntityCandidate], _ doc: EntityScanDocument) -> [EntityCandidate] {
        let toks = doc.tokens
        var table: [UInt64: [(hashes: [UInt64], source: EntityCandidate)]] = [:]
        for c in names where c.origin == .ner && c.entry == nil && c.confidence >= EntityConfidence.repeatableName {
            let a = doc.tokenIndex(containingOrAfter: c.start), b = doc.tokenIndex(startingAtOrAfter: c.end)
            guard a < b, b <= toks.count, toks[a].start == c.start, toks[b - 1].end == c.end, toks[a].isCapitalized else { continue }
            // One short word ("Su", "May") is too easily something else.
            if b - a == 1 && toks[a].length < 4 { continue }
            let hashes = toks[a..<b].map(\.hash)
            if table[hashes[0]]?.contains(where: { $0.hashes == hashes }) == true { continue }
            table[hashes[0], default: []].append((hashes, c))
        }
        guard !table.isEmpty else { return [] }
        let lookup = EntityScanHashTable(table.map { ($0.key, $0.value.sorted { $0.hashes.count > $1.hashes.count }) })
        var covered = [Bool](repeating: false, count: toks.count)
        func cover(_ c: EntityCandidate) {
            var k = doc.tokenIndex(containingOrAfter: c.start)
            while k < toks.count && toks[k].start < c.end { covered[k] = true; k += 1 }
        }
        for i in names.indices { cover(names[i]) }
        for i in patterns.indices { cover(patterns[i]) }
        var out: [EntityCandidate] = []
        var k = 0
        while k < toks.count {
            guard !covered[k], !doc.chrome[k], let cands = lookup[toks[k].hash] else { k += 1; continue }
            var matched = false
            for cand in cands {
                let n = cand.hashes.count
                guard k + n <= toks.count else { continue }
                var ok = true
                for q in 0..<n where toks[k + q].hash != cand.hashes[q] || covered[k + q] || (q > 0 && toks[k + q].gap == 2) { ok = false; break }
                // Not glued into a longer word sequence: "Acme" inside "Acme Robotics" is the NER's call.
                if ok, k + n < toks.count, toks[k + n].gap == 1, toks[k + n].isCapitalized, toks[k + n].kind == .word { ok = false }
                guard ok else { continue }
                var c = cand.source
                c.start = toks[k].start
                c.end = toks[k + n - 1].end
                c.confidence = (c.confidence * EntityConfidence.repeatDiscount * 1000).rounded() / 1000
                out.append(c)
                k += n
                matched = true
                break
            }
            if !matched { k += 1 }
        }
        return out
    }

    private static let functionWords = EntityScanHashSet(hashes: ["the", "a", "an", "while", "as", "for", "and", "but", "if",
        "when", "after", "before", "this", "that", "these", "those", "in", "on", "at", "by", "with", "from", "since", "although",
        "though", "despite", "meanwhile", "conversely", "however", "also", "both", "rival", "rivals", "said", "says", "like",
        "unlike", "including", "via", "of", "to", "or", "nor", "so", "yet", "why", "how", "what", "where", "who"]
        .map(EntityScanHash.folded))

    private func singleWord(_ c: EntityCandidate, _ doc: EntityScanDocument) -> Bool {
        !doc.scalars[c.start..<c.end].contains { CharacterClass.isSpaceInLine($0) }
    }

    /// Tokens of the NER span that are capitalised words outside the dictionary matches: "Amazon
    /// River" has one, "Amazon Web Services staff" none, and neither has "While Microsoft" (a
    /// sentence-initial word the NER swept in).
    /// Whether an NER span is a company's name followed by its product's (the guidelines count the
    /// maker's name in a product name as a mention of the maker): the span starts with one known
    /// company name that needs no evidence beyond being a name (or is a surname, "Dell"), every extra
    /// word comes after it, the word after the name is no place word, extension or legal form, and no
    /// word of the span heads a venue, institution or event. The NER's organisation and product
    /// readings qualify; a person's reading, or a surname-like company name, only with a model number.
    private func makerBeforeProduct(_ span: EntityCandidate, _ name: EntityCandidate?, _ extra: [Int], _ doc: EntityScanDocument) -> Bool {
        guard let name, name.type == .organization, let entry = name.entry, name.start == span.start, name.end < span.end
        else { return false }
        // A prominent company's initialism too ("ESPN HD", "CBS DFW"); the link still asks for its evidence.
        let prominent = knowledge.entry(entry).rank >= EntityEvidenceThresholds.prominentRank
        guard name.ambiguity.subtracting(prominent ? [.partOfOtherName, .personName, .initialism] : [.partOfOtherName, .personName]).isEmpty
        else { return false }
        let toks = doc.tokens
        guard let first = extra.first, extra.allSatisfy({ toks[$0].start >= name.end }) else { return false }
        let head = toks[first].foldHash
        if EntityLinkEvidence.placeHeadsAfter.contains(head) || Self.extensionWords.contains(head)
            || Self.suffixHashes.contains(toks[first].hash) { return false }
        // An ordinary word in capitals after the name: a heading or a table's header ("BP SINGLE").
        if extra.contains(where: { toks[$0].isAllCaps && toks[$0].length > 1 && knowledge.words.isOrdinaryWord(toks[$0].foldHash) }) { return false }
        // A venue, institution or event anywhere in the span ("Monster Energy NASCAR Cup Series").
        if extra.contains(where: { EntityLinkEvidence.venueHeads.contains(toks[$0].foldHash)
                                   || EntityLinkEvidence.institutionHeads.contains(toks[$0].foldHash)
                                   || Self.eventHeads.contains(toks[$0].foldHash) }) { return false }
        // A surname-like company name ("Dell", "Dover") and a person's reading of the span need a
        // model number in or right after it ("Dell PowerEdge 1950", "Netgear Nighthawk R6700"):
        // "Dover Saddlery" is another business, "Dell Curry" a person.
        let needsModelNumber = span.type == .person || name.ambiguity.contains(.personName)
        guard span.type == .organization || span.type == .miscellaneous || span.type == .person else { return false }
        if !needsModelNumber { return true }
        var k = first
        let last = doc.tokenIndex(startingAtOrAfter: span.end)
        while k <= last && k < toks.count {
            if doc.string(toks[k].start, toks[k].end).unicodeScalars.contains(where: { CharacterClass.isASCIIDigit($0) }) { return true }
            k += 1
        }
        return false
    }

    /// Whether an NER span holds a prominent company's name, which needs no evidence, after other words
    /// that are neither a person's first name or title nor a place: words the NER swept in ("Dual-Core
    /// AMD Opteron", "Archive Patcher GitHub"). Words after the name are checked as for a product.
    private func sweptInBefore(_ span: EntityCandidate, _ name: EntityCandidate?, _ extra: [Int], _ doc: EntityScanDocument) -> Bool {
        guard let name, name.type == .organization, let entry = name.entry, name.start > span.start,
              knowledge.entry(entry).rank >= EntityEvidenceThresholds.prominentRank,
              name.ambiguity.subtracting([.partOfOtherName, .initialism]).isEmpty,
              span.type == .organization || span.type == .miscellaneous || span.type == .person else { return false }
        let toks = doc.tokens
        let before = extra.filter { toks[$0].start < name.start }
        let after = extra.filter { toks[$0].start >= name.end }
        guard !before.isEmpty else { return false }
        for k in before {
            let h = toks[k].foldHash
            if knowledge.words.isFirstName(h) || EntityLinkEvidence.titleWords.contains(h)
                || EntityLinkEvidence.placeHeadsBefore.contains(h) || knowledge.words.isPersonName(h) { return false }
            // A place or nationality before the name makes another organisation's name ("Bank of America" aside).
            let a = max(0, toks[k].start), b = min(toks[k].end, doc.scalars.count)
            if a < b, knowledge.index.profiler.places.contains(EntityNames.lookupKey(doc.scalars[a..<b])) { return false }
        }
        guard after.isEmpty || makerBeforeProduct(EntityCandidate(start: name.start, end: span.end, type: span.type, origin: span.origin,
                                                                   confidence: span.confidence), name, after, doc) else { return false }
        return true
    }

    /// Words that end the name of an event named after a sponsor.
    private static let eventHeads = EntityScanHashSet(hashes: ["series", "cup", "championship", "championships", "open",
                                                               "classic", "tournament", "trophy", "rally", "marathon",
                                                               "festival", "games", "invitational", "grand", "prix"]
        .map(EntityScanHash.folded))

    private func extraWords(_ span: EntityCandidate, _ inside: [EntityCandidate], _ doc: EntityScanDocument) -> [Int] {
        var out: [Int] = []
        var k = doc.tokenIndex(containingOrAfter: span.start)
        while k < doc.tokens.count && doc.tokens[k].start < span.end {
            let t = doc.tokens[k]
            if t.kind == .word && t.isCapitalized && !Self.functionWords.contains(t.foldHash)
                && !inside.contains(where: { $0.start <= t.start && t.end <= $0.end }) { out.append(k) }
            k += 1
        }
        return out
    }

    // MARK: Tickers

    private static let exchanges = EntityScanHashSet(hashes: ["NASDAQ", "Nasdaq", "NYSE", "NYSEArca", "NYSEAmerican", "AMEX", "Amex", "OTC",
        "OTCQX", "OTCQB", "OTCMKTS", "TSX", "TSXV", "LSE", "LON", "HKEX", "HKG", "SEHK", "ASX", "NSE", "BSE", "ETR", "XETRA",
        "FRA", "EPA", "Euronext", "CBOE", "Cboe", "BATS", "NasdaqGS", "NasdaqGM", "NasdaqCM", "TYO", "TSE", "KRX", "KOSDAQ",
        "SGX", "SIX", "SWX", "NEO", "CSE"].map(EntityScanHash.exact))
    private static let exchangeQualifiers = EntityScanHashSet(hashes: ["American", "Arca", "MKT", "GS", "GM", "CM", "Global", "Select",
        "Market", "Capital", "Markets", "Stock", "Exchange", "Pink", "Venture", "-", "V"].map(EntityScanHash.exact))
    /// Tickers that are also words or common initialisms: only with an exchange cue or a cashtag.
    static let wordTickers: Set<String> = Set("""
    A B C D E F G H I J K L M N O P Q R S T U V W X Y Z ALL ON IT CAT NOW CAN ARE BIG CAR FUN GO HAS KEY LOW MAN NEW OUT \
    PAY RUN SEE SO TWO UP WELL BEST GOOD LIFE LOVE MAIN NICE OPEN PLAY REAL SAFE TRUE WORK HOME HOPE FAST EAT DOG AI AM PM \
    BE DO AN AT BY HE ME MY NO OR US WE ONE FOR GAS OIL BOX FLY JOB EARN CASH PLAN POST SAVE TECH GOLD BIO LOAN CEO CFO \
    IPO ETF GDP EU UK USA SEC FDA EV EVS AR VR API OK TV PC IQ HR PR CPU GPU SPY FUND RISK BOND DEBT DATA CARE FREE PEAK \
    BEAT FLOW GAIN GROW HUGE LAND MOVE NEXT NOTE PICK PLUS RIDE SHIP SITE TEAM TELL TRIP WAVE WISH ZONE BLUE CUBE EDGE \
    FIVE MIND ROCK STAR STAY SUN AIR ANY CUT DAY EGG FAT FIT GEM ICE JOY LIT NET OPT PEN PIN RAW SKY TAP WIN ZIP MUST \
    HOLD BUY SELL SHOP SNOW COST FIG DASH HOOD RACE COIN PINS DE MA MS BA HD KO PG AA UPS LOW CEO COO CTO EPS ESG IRS \
    NYSE ADR ADS LLC INC CORP LTD PLC ARM SAFE TIME BILL FAST CORE LIVE PLUG RUN WOLF WELL
    """.split(whereSeparator: { $0 == " " || $0 == "\n" }).map(String.init))

    private static let sharesWords = EntityScanHashSet(hashes: ["shares", "stock", "stocks"].map(EntityScanHash.folded))
    private static let ofWords = EntityScanHashSet(hashes: ["of", "in"].map(EntityScanHash.folded))
    private static let colonHash = EntityScanHash.exact(":")
    private static let dollarHash = EntityScanHash.exact("$")
    private static let openHash = EntityScanHash.exact("(")
    private static let closeHash = EntityScanHash.exact(")")
    private static let apostropheHash = EntityScanHash.exact("'")
    private static let sHash = EntityScanHash.exact("s")

    /// Reads a ticker symbol at scalar `p`: capitals and digits, optionally ".B"/"-B".
    private func symbol(_ doc: EntityScanDocument, _ p: Int) -> (text: String, end: Int)? {
        let sc = doc.scalars
        guard p < sc.count, CharacterClass.isUpper(sc[p]), sc[p].value < 128 else { return nil }
        if p > 0 && CharacterClass.isWordCharacter(sc[p - 1]) { return nil }
        var i = p
        while i < sc.count && i - p < 6 && ((sc[i].value &- 65) < 26 || CharacterClass.isASCIIDigit(sc[i])) { i += 1 }
        if i < sc.count && CharacterClass.isWordCharacter(sc[i]) { return nil }
        var end = i
        if i + 1 < sc.count, sc[i] == "." || sc[i] == "-", (sc[i + 1].value &- 65) < 26 {
            var j = i + 1
            while j < sc.count && j - i <= 2 && (sc[j].value &- 65) < 26 { j += 1 }
            if j - i <= 3 && (j >= sc.count || !CharacterClass.isWordCharacter(sc[j])) { end = j }
        }
        return (doc.string(p, end), end)
    }

    /// The knowledge-base entry of a symbol as written: "BRK.B", or "MSFT.O" (a Reuters code).
    private func tickerEntry(_ s: String) -> (entry: Int, ticker: String)? {
        if let e = knowledge.entryForTicker(s) { return (e, s.replacingOccurrences(of: ".", with: "-")) }
        if let dot = s.firstIndex(where: { $0 == "." || $0 == "-" }) {
            let base = String(s[..<dot])
            if let e = knowledge.entryForTicker(base) { return (e, base) }
        }
        return nil
    }

    private func tickerMatches(_ doc: EntityScanDocument, _ names: [EntityCandidate]) -> (mentions: [EntityCandidate], cues: [Range<Int>]) {
        let toks = doc.tokens
        var mentions: [EntityCandidate] = []
        var cues: [Range<Int>] = []
        // Token right after each linked company mention, for "Microsoft (MSFT)".
        var companyBefore: [Int: Int] = [:]
        var nameTokens: Set<Int> = []
        for i in names.indices where names[i].alive {
            if names[i].type == .organization, let e = names[i].entry { companyBefore[doc.tokenIndex(startingAtOrAfter: names[i].end)] = e }
            let first = doc.tokenIndex(containingOrAfter: names[i].start)
            if first < toks.count && toks[first].isAllCaps { nameTokens.insert(first) }
        }
        func emit(_ start: Int, _ end: Int, _ entry: Int, _ ticker: String, _ confidence: Double, _ evidence: String) {
            if let last = mentions.last, last.start == start { return }
            var c = EntityCandidate(start: start, end: end, type: .ticker, origin: .ticker, confidence: confidence,
                                    entry: entry, ticker: ticker)
            c.evidence = evidence
            mentions.append(c)
        }
        var k = 0
        while k < toks.count {
            let t = toks[k]
            if doc.tickerBlocked[k] { k += 1; continue }
            // "(NASDAQ: MSFT)", "NYSE:AMZN", "NYSE American: XYZ".
            if t.kind == .word, Self.exchanges.contains(t.hash) {
                var j = k + 1
                var q = 0
                while j < toks.count && q < 2 && toks[j].matchGap <= 1 && Self.exchangeQualifiers.contains(toks[j].hash) { j += 1; q += 1 }
                if j + 1 < toks.count, toks[j].hash == Self.colonHash, toks[j].matchGap <= 1, toks[j + 1].matchGap <= 1,
                   let s = symbol(doc, toks[j + 1].start), let hit = tickerEntry(s.text) {
                    emit(toks[j + 1].start, s.end, hit.entry, hit.ticker, EntityConfidence.certain, "exchange-cue")
                    cues.append(t.start..<toks[j].end)
                    k = doc.tokenIndex(startingAtOrAfter: s.end)
                    continue
                }
            }
            // "$GOOGL".
            if t.hash == Self.dollarHash, k + 1 < toks.count, toks[k + 1].gap == 0, toks[k + 1].kind == .word,
               k == 0 || toks[k].gap > 0 || !(toks[k - 1].kind == .word),
               let s = symbol(doc, toks[k + 1].start), let hit = tickerEntry(s.text) {
                emit(toks[k + 1].start, s.end, hit.entry, hit.ticker, EntityConfidence.strong, "cashtag")
                k = doc.tokenIndex(startingAtOrAfter: s.end)
                continue
            }
            if t.kind == .word && t.isAllCaps && t.length <= 6 {
                // "(MSFT)" right after a company the ticker belongs to.
                if k >= 1, toks[k - 1].hash == Self.openHash, let company = companyBefore[k - 1],
                   let s = symbol(doc, t.start), let hit = tickerEntry(s.text), hit.entry == company,
                   !Self.wordTickers.contains(hit.ticker) {
                    let close = doc.tokenIndex(startingAtOrAfter: s.end)
                    if close < toks.count, toks[close].hash == Self.closeHash {
                        emit(t.start, s.end, hit.entry, hit.ticker, EntityConfidence.certain, "parenthesised-ticker")
                        k = close + 1
                        continue
                    }
                }
                // "shares of MSFT", "MSFT shares", "MSFT's stock".
                let before = k >= 2 && Self.ofWords.contains(toks[k - 1].foldHash) && Self.sharesWords.contains(toks[k - 2].foldHash)
                var a = k + 1
                if a + 1 < toks.count, toks[a].hash == Self.apostropheHash, toks[a + 1].hash == Self.sHash { a += 2 }
                let after = a < toks.count && toks[a].gap == 1 && Self.sharesWords.contains(toks[a].foldHash)
                // A company written as its ticker-like name ("AMD stock") stays a name.
                if before || after, !nameTokens.contains(k), let s = symbol(doc, t.start), let hit = tickerEntry(s.text), !Self.wordTickers.contains(s.text),
                   !Self.wordTickers.contains(hit.ticker), s.text.count >= 2 {
                    emit(t.start, s.end, hit.entry, hit.ticker, EntityConfidence.likely, "shares-of")
                }
            }
            k += 1
        }
        return (mentions, cues)
    }

    // MARK: Ids and in-document coreference

    private static let honorificHashes = EntityScanHashSet(hashes: EntityNames.honorifics.map(EntityScanHash.folded))

    /// Words of a name as folded hashes, without honorifics.
    private func nameWords(_ c: EntityCandidate, _ doc: EntityScanDocument) -> [UInt64] {
        var out: [UInt64] = []
        var k = c.tokenStart
        while k < c.tokenEnd && k < doc.tokens.count {
            let t = doc.tokens[k]
            if t.kind != .punct && !Self.honorificHashes.contains(t.foldHash) { out.append(t.foldHash) }
            k += 1
        }
        return out
    }

    /// The readable canonical name of an unknown name: capitals of datelines title-cased, legal
    /// forms dropped from organisations, titles from people.
    private func canonicalName(_ surface: String, _ type: EntityType) -> String {
        var name = surface
        // "SAN FRANCISCO" in a dateline reads better as "San Francisco".
        if name.unicodeScalars.count >= 4 && !name.contains(where: { $0.isLowercase }) && name.contains(" ") {
            name = EntityNames.titleCase(name, shortWordsAreInitialisms: false)
        }
        if type == .organization {
            // Legal forms go ("Acme Corp." is "Acme"); group words stay ("Minsk Group").
            let forms = EntityNames.canonicalCompany(name)
            name = forms.withGroup ?? forms.name
        }
        if type == .person {
            let parts = name.split(separator: " ")
            let kept = parts.drop { EntityNames.honorifics.contains($0.lowercased().filter { $0 != "." }) }
            if !kept.isEmpty { name = kept.joined(separator: " ") }
        }
        return name
    }

    /// People named in full in the document, by their last and by their first word: "Obama",
    /// "Mr. Romney" and a surname the NER called an organisation join the one full name they end.
    private struct PeopleIndex {
        var byLast: [UInt64: [Int]] = [:]
        var names: [(words: [UInt64], name: String)] = []

        /// The one full name whose last word is `word` (nil when none or several).
        func person(last word: UInt64) -> (words: [UInt64], name: String)? {
            guard let list = byLast[word] else { return nil }
            let distinct = Set(list.map { names[$0].name })
            return distinct.count == 1 ? names[list[0]] : nil
        }
    }

    private func peopleIndex(_ all: [EntityCandidate], _ doc: EntityScanDocument) -> PeopleIndex {
        var index = PeopleIndex()
        for c in all where c.alive && c.type == .person && c.entry == nil {
            let words = nameWords(c, doc)
            guard words.count >= 2 else { continue }
            let name = canonicalName(doc.string(c.start, c.end), .person)
            if index.names.contains(where: { $0.name == name }) { continue }
            index.byLast[words[words.count - 1], default: []].append(index.names.count)
            index.names.append((words, name))
        }
        return index
    }

    private func assignIds(_ all: inout [EntityCandidate], _ doc: EntityScanDocument) {
        struct Seen { var words: [UInt64]; var id: String; var name: String; var type: EntityType }
        var seen: [Seen] = []
        let people = peopleIndex(all, doc)
        // Repeated unknown names: normalise once per article.
        struct Known { var label: EntityType; var id: String; var name: String; var entry: Int?; var type: EntityType; var ticker: String?
                       var evidence: String? = nil }
        var unknownCache: [String: Known] = [:]
        var seenEntries: Set<Int> = []
        let entries = knowledge.index.entries
        for i in all.indices {
            var c = all[i]
            switch c.origin {
            case .pattern:
                let prefix = c.type == .money ? "money" : (c.type == .percent ? "percent" : "date")
                if let v = c.value {
                    c.entityId = prefix + ":" + String(decoding: v.utf8.map { $0 == 32 ? 45 : $0 }, as: UTF8.self)
                    c.canonical = v
                } else {
                    // A date the text does not fix ("last week" with no published date): its words.
                    let surface = doc.string(c.start, c.end)
                    c.entityId = prefix + ":" + EntityNames.slug(surface)
                    c.canonical = surface
                }
            case .ticker:
                c.entityId = entries[c.entry!].id
                c.canonical = entries[c.entry!].name
            default:
                if let ei = c.entry {
                    c.entityId = entries[ei].id
                    c.canonical = entries[ei].name
                    if entries[ei].type == .organization { c.ticker = entries[ei].tickers.first }
                    if !seenEntries.contains(ei) {
                        seenEntries.insert(ei)
                        let words = nameWords(c, doc)
                        if !words.isEmpty { seen.append(Seen(words: words, id: c.entityId, name: c.canonical, type: entries[ei].type)) }
                    }
                } else {
                    let surface = doc.string(c.start, c.end)
                    let label = c.type
                    if let known = unknownCache[surface], known.label == label {
                        c.entityId = known.id; c.canonical = known.name; c.entry = known.entry
                        c.type = known.type; c.ticker = known.ticker; c.evidence = known.evidence
                        break
                    }
                    let words = nameWords(c, doc)
                    guard !words.isEmpty else { c.alive = false; break }
                    // Countries and states: one id for "U.S.", "US", "United States", "America".
                    // Only places: "Texas" the baseball team stays the NER's organisation.
                    if c.type == .location, let place = knowledge.places.place(doc.scalars[c.start..<c.end]) {
                        c.type = .location
                        c.entityId = place.id
                        c.canonical = place.name
                        unknownCache[surface] = Known(label: label, id: c.entityId, name: c.canonical, entry: nil, type: .location, ticker: nil)
                        break
                    }
                    // A surname alone is the person named in full in the document, whatever the NER
                    // called it ("Obama" after or before "Barack Obama"; not the state of Washington).
                    if words.count == 1, c.type != .location || knowledge.places.place(doc.scalars[c.start..<c.end]) == nil,
                       let person = people.person(last: words[0]) {
                        c.type = .person
                        c.canonical = person.name
                        c.entityId = "per:" + EntityNames.slug(person.name)
                        unknownCache[surface] = Known(label: label, id: c.entityId, name: c.canonical, entry: nil, type: .person, ticker: nil)
                        break
                    }
                    // A shorter later reference links to the earlier full name: "Nadella" after
                    // "Satya Nadella", "Goldman" after "Goldman Sachs".
                    var linked: Seen? = nil
                    if c.type == .person || (c.type == .organization && Self.canShorten(surface)) {
                        for s in seen.reversed() where s.words.count > words.count && s.type == c.type {
                            if c.type == .person ? Self.contains(s.words, words) : Self.hasPrefix(s.words, words) { linked = s; break }
                        }
                    }
                    // An initialism of an earlier organisation: "SEC" after "Securities and Exchange Commission".
                    if linked == nil, c.type == .organization, let short = Self.initialism(surface) {
                        linked = seen.last { $0.type == .organization && Self.initials(of: $0.name) == short }
                    }
                    if let s = linked {
                        c.entityId = s.id
                        c.canonical = s.name
                        if let e = knowledge.index.ids[s.id] {
                            c.entry = e; c.type = entries[e].type
                            if c.type == .organization { c.ticker = entries[e].tickers.first }
                            c.evidence = "earlier-full-name"
                        }
                    } else {
                        let name = canonicalName(surface, c.type)
                        let slug = EntityNames.slug(name)
                        guard !slug.isEmpty else { c.alive = false; break }
                        c.entityId = EntityKnowledgeBase.idPrefix(c.type) + ":" + slug
                        c.canonical = name
                        seen.append(Seen(words: words, id: c.entityId, name: name, type: c.type))
                    }
                    unknownCache[surface] = Known(label: label, id: c.entityId, name: c.canonical, entry: c.entry,
                                                  type: c.type, ticker: c.ticker, evidence: c.evidence)
                }
            }
            all[i] = c
        }
    }

    /// Whether an organisation name may be a short form of a longer earlier one ("Magna" for
    /// "Magna International"): not a nationality word ("Scottish", "Iraqi") or a bare initialism.
    private static func canShorten(_ surface: String) -> Bool {
        let letters = surface.unicodeScalars.filter { $0.properties.isAlphabetic }.count
        guard letters >= 4 else { return false }
        if surface.contains(" ") { return true }
        let lower = surface.lowercased()
        return !["ish", "ese", "ian", "ean", "i"].contains { lower.hasSuffix($0) }
    }

    /// The letters of an all-capitals short name ("SEC", "U.N."), or nil.
    private static func initialism(_ surface: String) -> String? {
        let letters = surface.filter { $0 != "." }
        guard letters.count >= 2, letters.count <= 6, letters.allSatisfy({ $0.isUppercase && $0.isLetter }) else { return nil }
        return letters
    }

    /// Initials of the capitalised words of a name ("Securities and Exchange Commission" -> "SEC").
    private static func initials(of name: String) -> String {
        let words = name.split(whereSeparator: { $0 == " " || $0 == "-" })
        guard words.count >= 2 else { return "" }
        return String(words.compactMap { w in w.first.flatMap { $0.isUppercase ? $0 : nil } })
    }

    private static func hasPrefix(_ long: [UInt64], _ short: [UInt64]) -> Bool {
        // A newspaper is named after its place ("Akron Beacon Journal", "Detroit Free Press"): the
        // words before its masthead words are the place, not a short form of the paper.
        short.count < long.count && long.prefix(short.count).elementsEqual(short)
            && !long[short.count...].contains(where: { mastheadWords.contains($0) })
    }

    /// Words that make the words before them a newspaper's place.
    private static let mastheadWords = EntityScanHashSet(hashes: ["journal", "times", "post", "press", "star", "tribune",
        "herald", "news", "republic", "register", "enquirer", "dispatch", "gazette", "sentinel", "statesman", "leader",
        "chronicle", "daily", "courier", "inquirer", "bulletin", "examiner", "observer", "record", "reporter", "telegraph",
        "globe", "mercury", "beacon", "democrat", "citizen", "independent", "review"].map(EntityScanHash.folded))

    /// `short` is a contiguous run of `long` that starts or ends it (first or last names).
    private static func contains(_ long: [UInt64], _ short: [UInt64]) -> Bool {
        guard short.count < long.count else { return false }
        return long.prefix(short.count).elementsEqual(short) || long.suffix(short.count).elementsEqual(short)
    }

    // MARK: Tone

    /// The tone model's call for every company mention (organisations and tickers of companies;
    /// news outlets, named as sources, stay neutral): the model's most probable tone per mention
    /// (the company's call in the document is `CompanyToneRule.shipped` over these probabilities).
    /// The lexicon's cue is kept as the explanation when it points the same way as the model.
    private func modelTone(_ model: ToneModel, _ all: [EntityCandidate], text: String,
                           tones: inout [(tone: Tone, cue: String?)], scores: inout [EntityToneScore]) {
        let entries = knowledge.index.entries
        let lexiconTones = tones
        let targets = all.indices.filter {
            EntityCompanyToneAggregator.isToneTarget(type: all[$0].type, entityId: all[$0].entityId,
                                                     outlet: all[$0].entry.map { entries[$0].outlet } ?? false)
        }
        for i in all.indices { tones[i] = (.neutral, nil); scores[i] = .neutralOnly }
        let modelScores = EntityCompanyToneAggregator.modelScores(model, text: text, spans: targets.map { all[$0].start..<all[$0].end })
        for (i, score) in zip(targets, modelScores) {
            scores[i] = score
            let tone = score.tone
            tones[i] = (tone, tone != .neutral && lexiconTones[i].tone == tone ? lexiconTones[i].cue : nil)
        }
    }

    private static let negators = EntityScanHashSet(hashes: ["not", "no", "never", "without", "nor", "hardly", "neither"].map(EntityScanHash.folded))
    private static let tHash = EntityScanHash.folded("t")
    private static let linkWords = EntityScanHashSet(hashes: ["for", "on", "to", "toward", "towards", "about", "over"].map(EntityScanHash.folded))

    private struct ToneKey: Hashable { var sentence: Int32; var entity: String }

    private struct EntityToneCueHit {
        var start: Int; var end: Int; var weight: Double; var sentence: Int32
        /// An analyst's rating action ("upgraded", "downgraded"): its subject is the analyst, its
        /// object the company the tone is about.
        var ratingAction: Bool
        /// A phrase of several words or a strong word: tone without a financial word around it.
        var specific: Bool
    }

    private static let ratingStems = ["upgrad", "downgrad"]
    private static let ratingWords: Set<String> = ["overweight", "underweight", "outperform", "underperform", "strong buy"]
    /// Words that start a contrasting clause: a cue after them is not about a company before them.
    private static let clauseBreaks = EntityScanHashSet(hashes: ["while", "whereas", "but", "although", "though", "however", ";"]
        .map(EntityScanHash.folded))
    private static let passiveWords = EntityScanHashSet(hashes: ["was", "were", "been", "is", "are", "be", "being"].map(EntityScanHash.folded))
    private static let byHash = EntityScanHash.folded("by")
    private static let andHash = EntityScanHash.folded("and")

    /// Tone per mention: cues in a sentence go to the company they are about ("bearish for X",
    /// "X shares fell", "upgraded X"), not to every company in the sentence.
    private func tone(_ all: [EntityCandidate], _ doc: EntityScanDocument) -> [(tone: Tone, cue: String?)] {
        var result = [(tone: Tone, cue: String?)](repeating: (.neutral, nil), count: all.count)
        let toks = doc.tokens
        // Company mentions by token.
        var owner = [Int32](repeating: -1, count: toks.count)
        var anyTarget = false
        for i in all.indices where all[i].type == .organization || all[i].type == .ticker || all[i].type == .miscellaneous || all[i].type == .person {
            for k in all[i].tokenStart..<min(all[i].tokenEnd, toks.count) { owner[k] = Int32(i) }
            if all[i].type == .organization || all[i].type == .ticker { anyTarget = true }
        }
        guard anyTarget, lexicon.count > 0 else { return result }
        let entries = knowledge.index.entries
        func isTarget(_ i: Int32) -> Bool {
            guard i >= 0 else { return false }
            let c = all[Int(i)]
            guard c.type == .organization || c.type == .ticker else { return false }
            return !(c.entry.map { entries[$0].outlet } ?? false)
        }

        var hits: [EntityToneCueHit] = []
        var k = 0
        while k < toks.count {
            let t = toks[k]
            guard t.kind == .word, owner[k] < 0, let cands = lexicon.cues[t.foldHash] else { k += 1; continue }
            var matched: EntityToneCue? = nil
            for c in cands {
                let n = c.hashes.count
                guard k + n <= toks.count else { continue }
                var ok = true
                for q in 1..<max(n, 1) where q < n {
                    let u = toks[k + q]
                    if u.foldHash != c.hashes[q] || u.gap == 2 || owner[k + q] >= 0 || doc.tokenSentence[k + q] != doc.tokenSentence[k] { ok = false; break }
                }
                if ok { matched = c; break }
            }
            guard let cue = matched else { k += 1; continue }
            let end = k + cue.hashes.count
            // A neutral phrase: its words are no cue ("declined to comment").
            if cue.weight == 0 { k = end; continue }
            // Negated: "did not beat", "isn't bullish".
            var negated = false
            var b = k - 1
            while b >= 0 && b >= k - 3 && doc.tokenSentence[b] == doc.tokenSentence[k] {
                if Self.negators.contains(toks[b].foldHash) || (toks[b].foldHash == Self.tHash && b > 0 && toks[b - 1].hash == Self.apostropheHash) {
                    negated = true; break
                }
                b -= 1
            }
            if !negated {
                let phrase = cue.phrase.lowercased()
                let rating = Self.ratingStems.contains { phrase.hasPrefix($0) } || Self.ratingWords.contains(phrase)
                    || phrase.contains("price target") || phrase.hasSuffix("rating")
                hits.append(EntityToneCueHit(start: k, end: end, weight: cue.weight, sentence: doc.tokenSentence[k], ratingAction: rating,
                                             specific: cue.hashes.count > 1 || abs(cue.weight) >= 1))
            }
            k = end
        }
        // Tone is about a company's business: a weak one-word cue (weight below 1: "gains", "loss",
        // "benefits", "concerns", "win") counts only in a sentence that speaks of business (a
        // financial word, money or a percentage): "Prime member benefits", "shrugged off concerns",
        // a match won or lost carry no tone. Phrases ("beat estimates", "bearish for") and strong
        // words ("plunged", "bankrupt") are specific enough on their own.
        if hits.contains(where: { !$0.specific }) {
            var financialSentences: Set<Int32> = []
            for t in toks.indices where toks[t].kind == .word && EntityLinkEvidence.financialWords.contains(toks[t].foldHash) {
                financialSentences.insert(doc.tokenSentence[t])
            }
            for c in all where c.type == .money || c.type == .percent {
                if c.tokenStart < doc.tokenSentence.count { financialSentences.insert(doc.tokenSentence[c.tokenStart]) }
            }
            hits.removeAll { !$0.specific && !financialSentences.contains($0.sentence) }
        }
        guard !hits.isEmpty else { return result }

        // Attribute each cue to one entity.
        struct Score { var sum = 0.0; var bull = 0.0; var bear = 0.0; var bullCue = (0, 0); var bearCue = (0, 0) }
        var scores: [ToneKey: Score] = [:]
        for hit in hits {
            var target: Int32 = -1
            // "bearish for Microsoft", "upgraded Amazon".
            var a = hit.end
            if a < toks.count && Self.linkWords.contains(toks[a].foldHash) && !isTarget(owner[a]) { a += 1 }
            if a < toks.count, doc.tokenSentence[a] == hit.sentence, isTarget(owner[a]) { target = owner[a] }
            // A rating action in the active voice is about its object, never its subject (the
            // analyst): "JPMorgan downgraded Apple", "JPMorgan downgraded the stock".
            let passive = hit.start > 0 && Self.passiveWords.contains(toks[hit.start - 1].foldHash)
                || (hit.end < toks.count && toks[hit.end].foldHash == Self.byHash)
            let lookBefore = !hit.ratingAction || passive
            // Else the nearest company before the cue in its clause, else the nearest after it
            // in its clause: "Shares of X closed up, while the index fell" says nothing of X.
            if target < 0 && lookBefore {
                var b = hit.start - 1
                while b >= 0 && doc.tokenSentence[b] == hit.sentence && !Self.clauseBreaks.contains(toks[b].foldHash) {
                    if isTarget(owner[b]) { target = owner[b]; break }
                    b -= 1
                }
            }
            if target < 0 {
                var f = hit.end
                while f < toks.count && doc.tokenSentence[f] == hit.sentence {
                    if isTarget(owner[f]) { target = owner[f]; break }
                    // The object of a rating action may be a few words on; other cues stay in their clause.
                    if !hit.ratingAction && (toks[f].hash == Self.commaHash || Self.clauseBreaks.contains(toks[f].foldHash)
                                             || toks[f].foldHash == Self.andHash) { break }
                    f += 1
                }
            }
            guard target >= 0 else { continue }
            let key = ToneKey(sentence: hit.sentence, entity: all[Int(target)].entityId)
            var s = scores[key] ?? Score()
            s.sum += hit.weight
            let range = (toks[hit.start].start, toks[hit.end - 1].end)
            if hit.weight > s.bull { s.bull = hit.weight; s.bullCue = range }
            if -hit.weight > s.bear { s.bear = -hit.weight; s.bearCue = range }
            scores[key] = s
        }
        for i in all.indices where all[i].type == .organization || all[i].type == .ticker {
            let sentence = all[i].tokenStart < toks.count ? doc.tokenSentence[all[i].tokenStart] : -1
            guard let s = scores[ToneKey(sentence: sentence, entity: all[i].entityId)], abs(s.sum) > 1e-9 else { continue }
            // The cue shown is the strongest one agreeing with the overall tone.
            let cue = s.sum > 0 ? s.bullCue : s.bearCue
            result[i] = (s.sum > 0 ? .bullish : .bearish, doc.string(cue.0, cue.1))
        }
        return result
    }
}
