import Foundation
import NewsText

/// What one document says for or against reading an ambiguous name as its company: cue words
/// near each token, the entities named unambiguously, people's and places' names, initialisms
/// that stand for something else. Built once per document, then asked per mention.
struct EntityLinkEvidence {
    /// Why a link was made; the strings are what `EntityMention.evidence` carries.
    enum Reason: String {
        case legalSuffix = "legal-suffix"
        case tickerCue = "ticker-cue"
        case unambiguousName = "unambiguous-name"
        case fullNameInDocument = "full-name-in-document"
        case financialContext = "financial-context"
        case corporateRole = "corporate-role"
        case prominentInitialism = "prominent-initialism"
        case noConflict = "no-conflict-in-document"
        case nerOrganisation = "ner-organisation"
    }

    /// Words that say a company is meant when they stand near its name: its stock and results.
    static let financialWords = EntityScanHashSet(hashes: """
    shares share stock stocks shareholder shareholders stockholders earnings revenue revenues profit profits \
    quarter quarterly fiscal analyst analysts investor investors ipo dividend dividends nasdaq nyse valuation \
    sales acquisition acquisitions acquire acquired acquires acquiring merger mergers buyout stake guidance \
    forecast forecasts listed listing downgrade downgraded upgrade upgraded bonds debt lawsuit sued settlement \
    regulators antitrust layoffs
    """.split(whereSeparator: { $0 == " " || $0 == "\n" }).map { EntityScanHash.folded(String($0)) })

    /// Words that name a company's role or people ("chief executive of", "the company", "a spokeswoman").
    static let corporateWords = EntityScanHashSet(hashes: """
    ceo cfo coo cto chairman chairwoman executive executives founder cofounder spokesman spokeswoman \
    spokesperson parent owner company companies firm firms corporation subsidiary subsidiaries unit division maker makers \
    manufacturer retailer retailers carmaker automaker chipmaker bank banks lender insurer brand brands rival \
    rivals competitor competitors headquarters headquartered employees startup conglomerate operator airline \
    supplier suppliers customers inc corp ltd plc llc giant giants chain chains carrier carriers broadcaster \
    publisher developer provider vendor vendors
    """.split(whereSeparator: { $0 == " " || $0 == "\n" }).map { EntityScanHash.folded(String($0)) })

    /// Titles and honorifics before a person's name.
    static let titleWords = EntityScanHashSet(hashes: EntityNames.honorifics.union(["mr", "mrs", "ms", "dr", "sir", "saint",
        "st", "judge", "coach", "sen", "rep", "gen", "col", "capt", "lt", "sgt", "rev", "father", "king", "queen", "prince",
        "princess", "pope", "author", "novelist", "writer", "actor", "actress", "singer", "director", "player"])
        .map(EntityScanHash.folded))

    /// Words that make a capitalised word the name of a place or landform ("Mount Everest", "Swiss Alps").
    static let placeHeadsBefore = EntityScanHashSet(hashes: ["mount", "mt", "lake", "cape", "isle", "gulf", "bay", "fort",
                                                             "port", "north", "south", "east", "west"]
        .map(EntityScanHash.folded))
    static let placeHeadsAfter = EntityScanHashSet(hashes: ["river", "mountain", "mountains", "island", "islands", "valley",
                                                            "county", "lake", "bay", "street", "avenue", "road", "peak",
                                                            "desert", "sea", "ocean", "canyon", "creek", "falls", "hills",
                                                            "hill", "heights", "springs", "beach", "woods", "forest", "ridge"]
        .map(EntityScanHash.folded))

    let doc: EntityScanDocument
    /// Token flags: 1 financial cue, 2 corporate cue.
    private var cue: [UInt8]
    /// Knowledge-base entries named unambiguously somewhere in the document (a strong name, a
    /// legal form, a ticker cue).
    var unambiguousEntries: Set<Int> = []
    /// Entries with an exchange-qualified ticker, a cashtag or "shares of" ticker in the document.
    var tickerEntries: Set<Int> = []
    /// Folded words that are part of a person's or a place's name of several words in the document
    /// ("Ford" of "John M. Ford", "Alps" of "Swiss Alps"): one sense per document.
    var personOrPlaceWords: Set<UInt64> = []
    /// Initialisms (exact hash) the document spells out as something else, or uses as a modifier
    /// ("hypersensitivity pneumonitis (HP)", "non-GM", "GM-free").
    var otherInitialisms: Set<UInt64> = []

    init(doc: EntityScanDocument, patterns: [(start: Int, end: Int)]) {
        self.doc = doc
        let toks = doc.tokens
        var flags = [UInt8](repeating: 0, count: toks.count)
        for (k, t) in toks.enumerated() where t.kind == .word {
            if Self.financialWords.contains(t.foldHash) { flags[k] |= 1 }
            if Self.corporateWords.contains(t.foldHash) { flags[k] |= 2 }
        }
        // Money and percentages are financial context too.
        for p in patterns {
            var k = doc.tokenIndex(containingOrAfter: p.start)
            while k < toks.count && toks[k].start < p.end { flags[k] |= 1; k += 1 }
        }
        cue = flags
        otherInitialisms = Self.initialismsUsedOtherwise(doc)
    }

    /// Financial or corporate cue words within the window around tokens `a..<b`, in its sentence.
    func localCue(_ a: Int, _ b: Int, window: Int = EntityEvidenceThresholds.evidenceWindow) -> Reason? {
        let toks = doc.tokens
        guard a < toks.count else { return nil }
        let sentence = doc.tokenSentence[a]
        var found: UInt8 = 0
        var words = 0
        var k = a - 1
        while k >= 0 && words < window && doc.tokenSentence[k] == sentence {
            if toks[k].kind != .punct { words += 1 }
            found |= cue[k]; k -= 1
        }
        words = 0
        k = b
        while k < toks.count && words < window && doc.tokenSentence[k] == sentence {
            if toks[k].kind != .punct { words += 1 }
            found |= cue[k]; k += 1
        }
        if found & 1 != 0 { return .financialContext }
        if found & 2 != 0 { return .corporateRole }
        return nil
    }

    /// Tokens `a..<b` joined by a hyphen to a capitalised word or initialism ("UAW-GM", "GM-Toyota"),
    /// or followed by a hyphen and a number: a code, a part or model number ("BP-25406").
    func inHyphenCompound(_ a: Int, _ b: Int) -> Bool {
        let toks = doc.tokens
        func capital(_ k: Int) -> Bool { k >= 0 && k < toks.count && toks[k].kind == .word && toks[k].isCapitalized }
        func number(_ k: Int) -> Bool { k < toks.count && toks[k].kind == .number }
        if a >= 2, a < toks.count, toks[a - 1].hash == Self.dashHash, toks[a - 1].gap == 0, toks[a].gap == 0, capital(a - 2) { return true }
        if b + 1 < toks.count, toks[b].hash == Self.dashHash, toks[b].gap == 0, toks[b + 1].gap == 0, capital(b + 1) || number(b + 1) { return true }
        return false
    }

    /// Words that make a name before them a venue's name ("HP Pavilion", "Staples Center").
    static let venueHeads = EntityScanHashSet(hashes: ["arena", "stadium", "center", "centre", "pavilion", "place", "field",
                                                       "park", "coliseum", "dome", "theatre", "theater", "amphitheatre",
                                                       "amphitheater", "ballpark", "bowl", "speedway", "garden", "gardens"]
        .map(EntityScanHash.folded))

    /// Words that make a name before them an institution's name: a foundation, school or prize named
    /// after a company or its founder ("Ford Foundation", "Nobel Prize") is not the company.
    static let institutionHeads = EntityScanHashSet(hashes: ["foundation", "foundations", "institute", "institution",
                                                             "university", "college", "museum", "hospital", "school",
                                                             "library", "prize", "award", "awards", "fellowship",
                                                             "scholarship", "clinic", "academy", "observatory"]
        .map(EntityScanHash.folded))

    /// A capitalised venue or institution word right after the name ending before token `b` ("HP
    /// Pavilion", "Ford Foundation"), or one capitalised word further on ("Lowe's Motor Speedway").
    func venueAfter(_ b: Int) -> Bool {
        let toks = doc.tokens
        func head(_ k: Int) -> Bool {
            k < toks.count && toks[k].matchGap == 1 && toks[k].kind == .word && toks[k].isCapitalized
                && (Self.venueHeads.contains(toks[k].foldHash) || Self.institutionHeads.contains(toks[k].foldHash))
        }
        var k = b
        // A possessive's "'s" belongs to the name.
        if k + 1 < toks.count, toks[k].gap == 0, toks[k].kind == .punct, toks[k + 1].gap == 0, toks[k + 1].foldHash == Self.sHash { k += 2 }
        if head(k) { return true }
        return k < toks.count && toks[k].matchGap == 1 && toks[k].kind == .word && toks[k].isCapitalized && head(k + 1)
    }
    private static let sHash = EntityScanHash.folded("s")

    /// A landform word right before ("Mount", "Lake") or after ("River", "Mountains") tokens `a..<b`.
    func landformAround(_ a: Int, _ b: Int) -> Bool {
        let toks = doc.tokens
        if a > 0, a < toks.count, toks[a].matchGap == 1 {
            var p = a - 1
            if toks[p].hash == Self.dotHash, toks[p].gap == 0, p > 0 { p -= 1 }
            if toks[p].kind == .word, toks[p].isCapitalized, Self.landformsBefore.contains(toks[p].foldHash) { return true }
        }
        return b < toks.count && toks[b].matchGap == 1 && toks[b].kind == .word && toks[b].isCapitalized
            && Self.placeHeadsAfter.contains(toks[b].foldHash)
    }

    static let landformsBefore = EntityScanHashSet(hashes: ["mount", "mt", "lake", "cape", "isle", "gulf", "bay"].map(EntityScanHash.folded))

    /// A title, first name or landform word right before or after the name: a person or a place.
    func personOrPlaceAround(_ a: Int, _ b: Int, words: EntityWords) -> Bool {
        let toks = doc.tokens
        if a > 0, a < toks.count, toks[a].matchGap == 1 {
            var p = a - 1
            var dotted = false
            if toks[p].hash == Self.dotHash, toks[p].gap == 0, p > 0 { p -= 1; dotted = true }   // "Mr. Ford", "Mt. Everest"
            let t = toks[p]
            if t.kind == .word && t.isCapitalized {
                if Self.titleWords.contains(t.foldHash) || Self.placeHeadsBefore.contains(t.foldHash) { return true }
                // "T.J. Ford": an initial.
                if dotted && t.length == 1 { return true }
                // "John Ford": a first name that is not an ordinary word.
                if words.isFirstName(t.foldHash) && !words.isOrdinaryWord(t.foldHash) { return true }
            }
        }
        if b < toks.count, toks[b].matchGap == 1, toks[b].kind == .word, toks[b].isCapitalized,
           Self.placeHeadsAfter.contains(toks[b].foldHash) { return true }
        return false
    }

    /// Whether a capitalised name word is glued to tokens `a..<b` (same line, one space): before it
    /// (unless it starts the sentence as an ordinary word) or, when `after`, after it. Cue words
    /// ("Target CEO") and legal forms do not count.
    func gluedToOtherName(_ a: Int, _ b: Int, after: Bool, words: EntityWords) -> Bool {
        let toks = doc.tokens
        func nameWord(_ k: Int) -> Bool {
            let t = toks[k]
            guard t.kind == .word, t.isCapitalized, cue[k] == 0, !Self.titleWords.contains(t.foldHash) else { return false }
            return !(t.isAllCaps && t.length <= 1)
        }
        if a > 0, a < toks.count, toks[a].matchGap == 1, nameWord(a - 1) {
            let startsSentence = EntityDocumentShape.startsSentenceOrLine(a - 1, doc)
            if !(startsSentence && words.isCapitalisedByPosition(toks[a - 1].foldHash)) { return true }
        }
        // A number inside a longer name ("Channel 4 News", "Studio 54 Club").
        if a > 1, a < toks.count, toks[a].matchGap == 1, toks[a - 1].kind == .number, toks[a - 1].matchGap == 1, nameWord(a - 2) { return true }
        if after, b < toks.count, toks[b].matchGap == 1, nameWord(b), !toks[b].isAllCaps || toks[b].length > 1 {
            // A capitalised word that is an ordinary word in a title-case line ("Block Storage Pricing")
            // still makes a longer name; only possessives and punctuation end one.
            return true
        }
        return false
    }

    private static let dotHash = EntityScanHash.exact(".")
    private static let openHash = EntityScanHash.exact("(")
    private static let closeHash = EntityScanHash.exact(")")
    private static let dashHash = EntityScanHash.exact("-")
    private static let commaHash = EntityScanHash.exact(",")
    private static let orHash = EntityScanHash.folded("or")
    private static let modifierWords = EntityScanHashSet(hashes: ["non", "anti", "pro", "free"].map(EntityScanHash.folded))
    private static let skippedInExpansion = EntityScanHashSet(hashes: ["and", "of", "the", "for", "&", "in", "on", "-"]
        .map(EntityScanHash.folded))

    /// Initialisms the document defines as a phrase ("Picture Archiving and Communication Systems
    /// (PACS)", "hypersensitivity pneumonitis, or HP") or uses as a modifier ("non-GM", "GM-free").
    /// Whether the phrase is the company's own name is checked by the caller.
    static func initialismsUsedOtherwise(_ doc: EntityScanDocument) -> Set<UInt64> {
        let toks = doc.tokens
        var out: Set<UInt64> = []
        for (k, t) in toks.enumerated() where t.isAllCaps && t.upper >= 2 && t.upper <= 6 && t.lower == 0 {
            // Modifier: "non-GM", "GM-free".
            if k >= 2, toks[k - 1].hash == dashHash, toks[k - 1].gap == 0, t.gap == 0, modifierWords.contains(toks[k - 2].foldHash) {
                out.insert(t.hash); continue
            }
            if k + 2 < toks.count, toks[k + 1].hash == dashHash, toks[k + 1].gap == 0, toks[k + 2].gap == 0,
               modifierWords.contains(toks[k + 2].foldHash) {
                out.insert(t.hash); continue
            }
            // Definition: "(PACS)" or ", or HP" after words whose initials spell it.
            var end = k - 1
            let inParentheses = k >= 1 && toks[k - 1].hash == openHash && k + 1 < toks.count && toks[k + 1].hash == closeHash
            if inParentheses { end = k - 2 }
            else if k >= 2 && toks[k - 1].foldHash == orHash && toks[k - 2].hash == commaHash { end = k - 3 }
            else { continue }
            if spelledOut(t, endingAt: end, doc) { out.insert(t.hash) }
        }
        return out
    }

    /// Whether the words ending at token `end` have initials spelling the initialism `t`
    /// (case-insensitive; "and", "of", "the" may be skipped).
    private static func spelledOut(_ t: EntityScanToken, endingAt end: Int, _ doc: EntityScanDocument) -> Bool {
        let letters = Array(doc.string(t.start, t.end).lowercased().unicodeScalars)
        guard letters.count >= 2, end >= 0 else { return false }
        var li = letters.count - 1
        var k = end
        var used = 0
        while k >= 0 && li >= 0 && used < letters.count + 4 {
            let w = doc.tokens[k]
            if w.kind == .punct {
                if w.hash == dashHash { k -= 1; continue }
                return false
            }
            let first = CharacterClass.lowercased(doc.scalars[w.start].value)
            if first == letters[li].value { li -= 1; k -= 1; used += 1; continue }
            if skippedInExpansion.contains(w.foldHash) { k -= 1; used += 1; continue }
            return false
        }
        return li < 0
    }
}

/// The decision for one candidate link of a name to its company.
enum EntityLinkDecision {
    /// Links `candidate` (tokens `a..<b`, known name with `ambiguity`) to `entry` or not; returns
    /// the evidence that carried the link, or nil to leave the name unlinked.
    static func decide(entry: Int, ambiguity: EntityAmbiguity, legalSuffix: Bool, nerPerson: Bool, nerOrg: Bool = false, a: Int, b: Int,
                       evidence e: EntityLinkEvidence, knowledge: EntityKnowledgeBase) -> EntityLinkEvidence.Reason? {
        if legalSuffix { return .legalSuffix }
        // A venue named after its sponsor ("HP Pavilion", "GM Place", "Heinz Field") is a place.
        if e.venueAfter(b) { return nil }
        if e.tickerEntries.contains(entry) { return .tickerCue }
        let toks = e.doc.tokens
        // A landform word around a one-word name makes it a place whatever the name ("Mount Everest").
        if b - a == 1, e.landformAround(a, b) { return nil }
        // Being part of other organisations' longer names ("Microsoft" in "Microsoft Copilot")
        // does not make a name ambiguous on its own: the longest match already took those.
        if ambiguity.subtracting(.partOfOtherName).isEmpty { return .unambiguousName }
        // Counter-evidence: the document reads the same words another way.
        if ambiguity.contains(.initialism), a < toks.count, e.otherInitialisms.contains(toks[a].hash),
           !e.unambiguousEntries.contains(entry) { return nil }
        if !ambiguity.isDisjoint(with: [.ordinaryWord, .personName, .listed, .place]),
           e.personOrPlaceAround(a, b, words: knowledge.words) { return nil }
        // Glued to another capitalised name word: part of another name ("BBC News", "Emerald City",
        // "Greedy Williams"); for a person's name only a word before it counts ("Ford Mustang" is Ford's).
        let gluedAfter = !ambiguity.isDisjoint(with: [.ordinaryWord, .listed])
        if !ambiguity.isDisjoint(with: [.ordinaryWord, .listed, .personName]),
           e.gluedToOtherName(a, b, after: gluedAfter, words: knowledge.words) { return nil }
        // An ordinary word that starts a sentence or line is capitalised by its position ("On the
        // other hand", "Here, we forecast"): only a cue right next to it says company ("Block shares").
        let positional = b - a == 1 && a < toks.count && ambiguity.contains(.ordinaryWord)
            && EntityDocumentShape.startsSentenceOrLine(a, e.doc) && knowledge.words.isCapitalisedByPosition(toks[a].foldHash)
        let local: EntityLinkEvidence.Reason? = e.unambiguousEntries.contains(entry) ? .fullNameInDocument
            : e.localCue(a, b, window: positional ? EntityEvidenceThresholds.positionalEvidenceWindow : EntityEvidenceThresholds.evidenceWindow)
        if b - a == 1, a < toks.count, e.personOrPlaceWords.contains(toks[a].foldHash), local == nil { return nil }
        // The NER read the name as a person's, and nothing here says company.
        if nerPerson && local == nil { return nil }
        // An ordinary word needs evidence. (Accepting a prominent company's name capitalised
        // mid-sentence without it was tried on the dev-page judgements: +9 right, +20 wrong links.)
        if ambiguity.contains(.commonPhrase) {
            if local == .fullNameInDocument { return local }
            guard !e.gluedToOtherName(a, b, after: true, words: knowledge.words) else { return nil }
            if nerOrg { return local ?? .nerOrganisation }
            // Without the NER: a cue right next to the name ("Jefferies analyst", "shares of Sonos").
            return e.localCue(a, b, window: EntityEvidenceThresholds.positionalEvidenceWindow)
        }
        if !ambiguity.isDisjoint(with: EntityAmbiguity.needsEvidence) {
            // A cue word near an ordinary word is not enough on its own ("Coffee maker", "Team
            // owner", "Net Crown Debt", "Emerging market stocks"): the NER, which reads the whole
            // sentence, must also take the words for an organisation's name, unless the company is
            // named unambiguously elsewhere in the document.
            guard let local else { return nil }
            return local == .fullNameInDocument || nerOrg ? local : nil
        }
        if ambiguity.contains(.initialism) {
            if let local { return local }
            // Joined by a hyphen to another name ("UAW-GM Quality 500"): another organisation's or
            // event's name. (Glued by a space is the maker's product as often: "CBS All Access".)
            if e.inHyphenCompound(a, b) { return nil }
            return knowledge.entry(entry).rank >= 1 ? .prominentInitialism : nil
        }
        // A person's or place's name: without evidence only for a company known well enough that
        // its name is read as the company (Apple, Ford, Fox), not for every filer named Williams.
        if let local { return local }
        return knowledge.entry(entry).rank >= EntityEvidenceThresholds.noConflictMinimumRank ? .noConflict : nil
    }
}
