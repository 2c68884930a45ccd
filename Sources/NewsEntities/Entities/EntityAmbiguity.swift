import Foundation
import NewsText

/// Why a company name might mean something else in a given text; each reason asks for its own
/// evidence before the name is linked (see `EntityLinkDecision`).
///
/// Decided from data, never from a list of words: English word frequencies and the case the word
/// is written in (`EntityWords`), census names, the country list, and the gazetteer itself.
struct EntityAmbiguity: OptionSet, Sendable, Hashable {
    let rawValue: UInt8

    /// An ordinary English word ("Block", "Click", "Target", "CLICK"), or ordinary words that are a
    /// short form of the company's longer name ("Old Dominion" of Old Dominion Freight Line).
    static let ordinaryWord = EntityAmbiguity(rawValue: 1 << 0)
    /// Two to five capitals ("GM", "HP", "PACS"): initialisms of many other things.
    static let initialism = EntityAmbiguity(rawValue: 1 << 1)
    /// A common surname or first name ("Ford", "Williams", "Dell").
    static let personName = EntityAmbiguity(rawValue: 1 << 2)
    /// Words inside another known organisation's longer name ("News" in "Fox News").
    static let partOfOtherName = EntityAmbiguity(rawValue: 1 << 3)
    /// A country or US state name or variant.
    static let place = EntityAmbiguity(rawValue: 1 << 4)
    /// Marked `?` by the list that supplied it (the gazetteer builder marks obscure one-word
    /// filers; users mark words they know to be ambiguous).
    static let listed = EntityAmbiguity(rawValue: 1 << 5)
    /// Several ordinary words or places naming a filer known only from the SEC list ("Information
    /// Services", "Public Policy", "Intuitive Machines"): the NER must read exactly those words as
    /// an organisation (or a cue stand right next to them), not glued to other name words.
    static let commonPhrase = EntityAmbiguity(rawValue: 1 << 6)

    /// Reasons that need positive evidence in the document; the others only need the document
    /// not to contradict the company reading.
    static let needsEvidence: EntityAmbiguity = [.ordinaryWord, .listed]
    /// Reasons that make a group word ("Group", "Holdings") after the name no legal form ("a
    /// 'Citizens Group'", "Metro Group").
    static let groupWordIsNoLegalForm: EntityAmbiguity = [.ordinaryWord, .listed, .place]

    var names: [String] {
        var out: [String] = []
        if contains(.ordinaryWord) { out.append("ordinary-word") }
        if contains(.initialism) { out.append("initialism") }
        if contains(.personName) { out.append("person-name") }
        if contains(.partOfOtherName) { out.append("part-of-other-name") }
        if contains(.place) { out.append("place") }
        if contains(.listed) { out.append("listed") }
        if contains(.commonPhrase) { out.append("common-phrase") }
        return out
    }
}

/// Computes the ambiguity of names from their tokens.
struct EntityAmbiguityProfiler: Sendable {
    let words: EntityWords
    /// Place variants by `EntityNames.lookupKey`.
    let places: Set<String>

    private static let droppedWords: Set<UInt64> = Set(
        EntityNames.legalSuffixes.union(EntityNames.groupSuffixes).union(["&", "the"]).map(EntityScanHash.folded))

    /// The words of a name that say what it is, without legal forms ("Ford" of "Ford Motor Co.").
    static func contentTokens(_ toks: [EntityScanToken]) -> [EntityScanToken] {
        let words = toks.filter { $0.kind != .punct }
        let content = words.filter { !droppedWords.contains($0.foldHash) }
        return content.isEmpty ? words : content
    }

    /// Reasons the name `toks` (of `text`) may not mean its company, before document evidence.
    /// `ownNames` are the content-token hashes of the entity's names (for short forms).
    /// `prominent`: the company is known beyond the SEC file (S&P 500, the alias file, a user's list).
    func profile(_ toks: [EntityScanToken], scalars: [Unicode.Scalar], confirmOnly: Bool,
                 ownNames: [[UInt64]], insideOtherName: Bool, prominent: Bool = true) -> EntityAmbiguity {
        var a: EntityAmbiguity = []
        // Marked by its list: a cue and the NER's organisation are needed. (Letting the NER's exact
        // organisation alone link the SEC list's marked one-word names that the data finds no
        // other reading for was tried on the dev pages: 5 right links (Sonos, Shutterstock), 17
        // wrong (Orion the capsule, Alps, Aether, Viking the publisher, Polaris the boat).)
        if confirmOnly { a.insert(.listed) }
        if insideOtherName { a.insert(.partOfOtherName) }
        let content = Self.contentTokens(toks)
        guard !content.isEmpty else { return a }
        let key = EntityNames.lookupKey(scalars[...])
        if places.contains(key) { a.insert(.place) }
        if content.count == 1 {
            let t = content[0]
            let letters = Int(t.upper) + Int(t.lower)
            // "eBay", "iPhone", "PayPal": a capital after the first letter marks a coinage.
            let first = max(0, t.start)
            let internalCaps = t.lower > 0 && first + 1 < min(t.end, scalars.count)
                && scalars[(first + 1)..<min(t.end, scalars.count)].contains(where: CharacterClass.isUpper)
            if t.isAllCaps && letters >= 2 {
                // "CLICK", "HERE": an ordinary word in capitals; "GM", "PACS": an initialism.
                if letters >= 4 && words.isOrdinaryWord(t.foldHash) { a.insert(.ordinaryWord) }
                else if letters <= 5 { a.insert(.initialism) }
            } else if t.kind == .word && !internalCaps {
                if words.isOrdinaryWord(t.foldHash) { a.insert(.ordinaryWord) }
                if words.isPersonName(t.foldHash) { a.insert(.personName) }
            }
        } else if content.allSatisfy({ ordinaryOrPlace($0, scalars) }) {
            // Ordinary words that are a short form of the company's longer name: "Old Dominion".
            let mine = content.map(\.hash)
            if ownNames.contains(where: { $0.count > mine.count && $0.starts(with: mine) }) { a.insert(.ordinaryWord) }
            // A filer known only from the SEC list whose whole name is ordinary words or places
            // ("Information Services", "Public Policy", "Rocky Mountains", "US Energy") is far more
            // often the phrase than the company; prominent ones ("General Motors") are read as named.
            if !prominent { a.insert(.commonPhrase) }
        }
        return a
    }

    /// A lower-case-able word of general English, or a place's name ("US", "North").
    private func ordinaryOrPlace(_ t: EntityScanToken, _ scalars: [Unicode.Scalar]) -> Bool {
        guard t.kind == .word else { return false }
        if !t.isAllCaps && words.isOrdinaryWord(t.foldHash) { return true }
        let a = max(0, t.start), b = min(t.end, scalars.count)
        return a < b && places.contains(EntityNames.lookupKey(scalars[a..<b]))
    }
}
