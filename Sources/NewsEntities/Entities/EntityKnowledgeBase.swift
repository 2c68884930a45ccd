import Foundation
import NewsIO
import NewsRecords
import NewsText

/// A name the dictionary matches for an entity.
struct EntityKBSurface: Sendable, Equatable {
    var text: String
    /// Also an ordinary word ("Target"): linked only when the NER marks the same words as a name.
    var confirmOnly: Bool
}

/// One entity the knowledge base knows: a company, a product, or whatever a user list names.
struct EntityKBEntry: Sendable {
    var id: String
    var name: String
    var type: EntityType
    /// Primary first.
    var tickers: [String]
    /// Where it comes from, which decides who wins a shared name: 0 SEC list, 1 S&P 500,
    /// 2 the team's alias file, 3 a user list.
    var rank: Int
    var surfaces: [EntityKBSurface]
    /// Owning company of a product, when the alias file says so.
    var owner: String?
    /// A news outlet: named as the source of a story, so never the target of its tone.
    var outlet = false

    var dictionaryConfidence: Double { EntityConfidence.dictionary(rank: rank) }
}

/// One dictionary name, compiled to token hashes.
struct EntityDictCandidate: Sendable {
    let hashes: [UInt64]
    /// Gap before each token after the first (0 none, 1 space).
    let gaps: [UInt8]
    let entry: Int
    let confirmOnly: Bool
    let rank: Int
    /// Why this name may mean something else (data-driven; see `EntityAmbiguity`).
    let ambiguity: EntityAmbiguity
    /// The name carries its legal form ("Alphabet Inc."): evidence of the company by itself.
    let legalForm: Bool
}

/// A name the NER found, looked up in the knowledge base by its normalised form.
struct EntityLookupHit: Sendable {
    let entry: Int
    /// Ambiguity of the known name with that key.
    let ambiguity: EntityAmbiguity
    /// The one-word names with that key as written ("Bill", "Post"): a one-word NER span must be
    /// written the same way (or in capitals) to link.
    let oneWordForms: Set<String>
}

/// The compiled, immutable part of a knowledge base, shared between copies.
final class EntityKBIndex: Sendable {
    /// Words companies add after their name to say what they do ("Live Nation Entertainment",
    /// "SoFi Technologies", "Jefferies Financial"); news writes the name without them.
    static let descriptorWords: Set<String> = [
        "entertainment", "financial", "technologies", "technology", "systems", "solutions", "services", "industries",
        "enterprises", "international", "worldwide", "global", "brands", "communications", "networks", "pharmaceuticals",
        "therapeutics", "biosciences", "sciences", "laboratories", "software", "semiconductor", "resources", "capital",
        "partners", "insurance", "media", "interactive", "digital", "group", "holdings", "holding", "corporation",
    ]
    private static let connectorWords: Set<String> = ["of", "and", "the", "for", "de", "du", "la"]

    /// Short forms of companies' names without their descriptor words, for the entries that hold
    /// them alone (a short form two companies share, or another company's name, is left out).
    /// A short form always needs evidence: it is a place ("Palo Alto"), a person ("Raymond
    /// James") or a unit ("RPM") as often as the company (see `EntityAmbiguityProfiler.profile`).
    static func shortForms(_ entries: [EntityKBEntry]) -> [Int: [EntityKBSurface]] {
        var taken: [String: Int] = [:]
        for (e, entry) in entries.enumerated() {
            for s in entry.surfaces.map(\.text) + [entry.name] {
                let key = EntityNames.lookupKey(s)
                if let old = taken[key], old != e { taken[key] = -1 } else { taken[key] = e }
            }
        }
        var found: [String: (entry: Int, text: String)?] = [:]
        for (e, entry) in entries.enumerated() where entry.type == .organization {
            for s in Set(entry.surfaces.map(\.text) + [entry.name]) {
                var parts = s.split(separator: " ").map(String.init)
                let before = parts.count
                while parts.count > 1, let last = parts.last, descriptorWords.contains(last.lowercased()) { parts.removeLast() }
                guard parts.count < before, let last = parts.last, !connectorWords.contains(last.lowercased()),
                      last.unicodeScalars.last.map(CharacterClass.isWordCharacter) ?? false else { continue }
                // Only coinages ("SoFi") and, for prominent companies, names of several words ("Live
                // Nation") are kept: one plain word left ("Orion", "California", "United") and SEC-only
                // filers' phrases ("Studio City", "Main Street") were stars, places and streets on the
                // dev pages.
                let text = parts.joined(separator: " ")
                if (parts.count == 1 || entry.rank < EntityEvidenceThresholds.prominentRank) && !Self.isCoinage(text) { continue }
                let key = EntityNames.lookupKey(text)
                guard key.count >= 3, taken[key] == nil else { continue }
                if let old = found[key], old?.entry != e { found[key] = .some(nil) } else { found[key] = (e, text) }
            }
            // The initials of a prominent company's name of three or more words when they are its own
            // ticker ("American International Group", AIG): how news writes it, as often as the name.
            // (For every SEC filer they were mostly other initialisms on the dev pages: ECG, OSS, ARR.)
            if entry.rank >= EntityEvidenceThresholds.prominentRank,
               let ticker = entry.tickers.first, ticker.count >= 3, ticker.count <= 5,
               ticker.unicodeScalars.allSatisfy({ CharacterClass.isUpper($0) }),
               Set(entry.surfaces.map(\.text) + [entry.name]).contains(where: { Self.initials($0) == ticker }) {
                let key = EntityNames.lookupKey(ticker)
                if taken[key] == nil {
                    if let old = found[key], old?.entry != e { found[key] = .some(nil) } else { found[key] = (e, ticker) }
                }
            }
        }
        var out: [Int: [EntityKBSurface]] = [:]
        for (key, value) in found.sorted(by: { $0.key < $1.key }) {
            guard let (e, text) = value else { continue }
            out[e, default: []].append(EntityKBSurface(text: text, confirmOnly: true))
        }
        return out
    }

    /// The capitals that start the words of a name of three or more words, connectors left out
    /// ("American International Group" -> "AIG"); nil for shorter names.
    static func initials(_ name: String) -> String? {
        let words = name.split(whereSeparator: { $0 == " " || $0 == "-" }).filter { !connectorWords.contains($0.lowercased()) }
        guard words.count >= 3, words.allSatisfy({ $0.first?.isUppercase == true }) else { return nil }
        return String(words.compactMap(\.first))
    }

    /// A word with a capital after its first letter and lower-case letters ("SoFi", "eBay").
    static func isCoinage(_ word: String) -> Bool {
        let scalars = Array(word.unicodeScalars)
        return scalars.dropFirst().contains(where: CharacterClass.isUpper) && scalars.contains(where: CharacterClass.isLower)
    }

    private static let legalFormHashes = EntityScanHashSet(hashes: EntityNames.spanSuffixes.map(EntityScanHash.exact))
    /// "Group", "Holdings" (folded): a legal form only after a name that is not ordinary words.
    static let groupFormHashes = EntityScanHashSet(hashes: EntityNames.groupSuffixes.map(EntityScanHash.folded))

    let entries: [EntityKBEntry]
    /// First-token hash -> candidate names starting with that token, longest first.
    let dictionary: EntityScanHashTable<[EntityDictCandidate]>
    let tickers: [String: Int]
    /// `EntityNames.lookupKey` of every name -> entry, for linking NER spans.
    let lookup: [String: EntityLookupHit]
    let ids: [String: Int]
    let profiler: EntityAmbiguityProfiler

    init(entries: [EntityKBEntry], profiler: EntityAmbiguityProfiler) {
        self.entries = entries
        self.profiler = profiler
        var dict: [UInt64: [EntityDictCandidate]] = [:]
        var seenRank: [[UInt64]: Int] = [:]   // words and gaps of a name -> rank of its owner
        var tick: [String: (Int, Int)] = [:]
        var look: [String: (entry: Int, rank: Int, ambiguity: EntityAmbiguity, forms: Set<String>)] = [:]
        var idMap: [String: Int] = [:]

        // Every name of every entry as tokens, and which entries hold each run of up to three
        // tokens inside a longer name ("News" inside "Fox News Corp"): a name that is part of
        // another organisation's name is ambiguous.
        let shortForms = Self.shortForms(entries)
        let tokenised: [[(surface: EntityKBSurface?, text: String, toks: [EntityScanToken])]] = entries.enumerated().map { (e, entry) in
            var names = entry.surfaces.map { (surface: Optional($0), text: $0.text, toks: EntityScanTokenizer.tokenize(Array($0.text.unicodeScalars))) }
            if !entry.surfaces.contains(where: { $0.text == entry.name }) {
                names.append((surface: nil, text: entry.name, toks: EntityScanTokenizer.tokenize(Array(entry.name.unicodeScalars))))
            }
            for s in shortForms[e] ?? [] {
                names.append((surface: s, text: s.text, toks: EntityScanTokenizer.tokenize(Array(s.text.unicodeScalars))))
            }
            return names
        }
        var inside: [[UInt64]: Int] = [:]   // run of exact hashes -> an entry holding it inside a longer name (-1: several)
        for (e, names) in tokenised.enumerated() {
            for name in names {
                let words = name.toks.filter { $0.kind != .punct }.map(\.hash)
                guard words.count >= 2 else { continue }
                for a in 0..<words.count {
                    for b in (a + 1)...min(words.count, a + 3) where b - a < words.count {
                        let run = Array(words[a..<b])
                        if let old = inside[run] { if old != e { inside[run] = -1 } } else { inside[run] = e }
                    }
                }
            }
        }

        for (e, entry) in entries.enumerated() {
            if idMap[entry.id] == nil { idMap[entry.id] = e }
            for t in entry.tickers where !t.isEmpty {
                if let old = tick[t], old.1 >= entry.rank { continue }
                tick[t] = (e, entry.rank)
            }
            let own = tokenised[e].map { EntityAmbiguityProfiler.contentTokens($0.toks).map(\.hash) }
            for name in tokenised[e] {
                let toks = name.toks
                let words = toks.filter { $0.kind != .punct }.map(\.hash)
                let holder = inside[words]
                let insideOther = holder != nil && holder != e
                let ambiguity = profiler.profile(toks, scalars: Array(name.text.unicodeScalars),
                                                 confirmOnly: name.surface?.confirmOnly ?? false,
                                                 ownNames: own, insideOtherName: insideOther,
                                                 prominent: entry.rank >= EntityEvidenceThresholds.prominentRank)
                // The canonical name is always looked up for NER spans, but matched in text only
                // when it is one of the surfaces.
                let key = EntityNames.lookupKey(name.text)
                if !key.isEmpty {
                    let oneWord = words.count == 1 ? [name.text] : []
                    if let old = look[key], old.entry == e {
                        look[key] = (e, old.rank, old.ambiguity.union(ambiguity), old.forms.union(oneWord))
                    } else if look[key].map({ $0.rank < entry.rank }) ?? true {
                        look[key] = (e, entry.rank, ambiguity, Set(oneWord))
                    }
                }
                guard let surface = name.surface, let first = toks.first, first.kind != .punct else { continue }
                let hashes = toks.map(\.hash)
                let gaps = toks.dropFirst().map { $0.matchGap }
                let signature = hashes + gaps.map(UInt64.init)
                // A group word makes a legal form only after a name that is not ordinary words
                // ("Carlyle Group", not "Metro Group").
                let legalForm = toks.count > 1 && toks.dropFirst().contains {
                    $0.kind == .word && Self.legalFormHashes.contains($0.hash)
                        && (!Self.groupFormHashes.contains($0.foldHash) || ambiguity.isDisjoint(with: .groupWordIsNoLegalForm))
                }
                let cand = EntityDictCandidate(hashes: hashes, gaps: gaps, entry: e, confirmOnly: surface.confirmOnly, rank: entry.rank,
                                               ambiguity: ambiguity, legalForm: legalForm)
                if let oldRank = seenRank[signature] {
                    // Same words for two entities: the better source wins, the earlier on a tie.
                    if oldRank < entry.rank {
                        var list = dict[first.hash]!
                        if let i = list.firstIndex(where: { $0.hashes == hashes && $0.gaps == gaps }) { list[i] = cand }
                        dict[first.hash] = list
                        seenRank[signature] = entry.rank
                    }
                    continue
                }
                seenRank[signature] = entry.rank
                dict[first.hash, default: []].append(cand)
            }
        }
        dictionary = EntityScanHashTable(dict.map { ($0.key, $0.value.sorted { $0.hashes.count > $1.hashes.count }) })
        tickers = tick.mapValues(\.0)
        lookup = look.mapValues { EntityLookupHit(entry: $0.entry, ambiguity: $0.ambiguity, oneWordForms: $0.forms) }
        ids = idMap
    }
}

/// Companies, brands, products and user-listed names the entities stage links mentions to.
///
/// The default base is the shipped gazetteer (`companies.tsv`, one company per SEC filer, built
/// from public-domain lists) merged with the team's alias file (`aliases.tsv`: brands,
/// subsidiaries, private and foreign companies, news outlets, products).
///
/// User lists (`adding(listsAt:)`) are CSV, JSON or TSV files:
/// - CSV with a header row; columns `name` (required), `id`, `type` (`ORG`, `PER`, `LOC`, `MISC`;
///   default `ORG`), `ticker` or `tickers` (primary first, `|` or `;` separated), `aliases` (`|` or
///   `;` separated; a leading `?` marks an alias that is also an ordinary word and needs the NER to
///   confirm it).
/// - JSON: an array of objects, or `{"entities": [...]}`, with keys `name`, `id`, `type`,
///   `ticker` (string) or `tickers` (array), `aliases` (array or `|`-separated string).
/// - TSV in the format of the shipped `aliases.tsv` (id, type, name, tickers, aliases, note).
///
/// A listed entity merges into a known one with the same id, else one of the same ticker, else one
/// with the same normalised name; its id and name then win and its aliases are added. Otherwise it
/// is new, with id `<type>:<slug of name>` unless given.
public struct EntityKnowledgeBase: Sendable {
    let index: EntityKBIndex
    /// English word statistics and places the ambiguity of names is decided from.
    let words: EntityWords
    let places: EntityPlaces
    /// Names of companies and owners of brands at a date.
    let history: EntityHistory

    init(entries: [EntityKBEntry], words: EntityWords, places: EntityPlaces, history: EntityHistory = .empty) {
        self.words = words
        self.places = places
        self.history = history
        index = EntityKBIndex(entries: entries, profiler: EntityAmbiguityProfiler(words: words, places: places.keys))
    }

    var entries: [EntityKBEntry] { index.entries }

    /// Number of entities known.
    var count: Int { index.entries.count }

    /// The shipped gazetteer and alias file (loaded once per process, then shared).
    public static func loadDefault() throws -> EntityKnowledgeBase {
        try cachedDefault.get()
    }

    private static let cachedDefault: Result<EntityKnowledgeBase, FileError> = {
        do {
            let companies = try resource("companies", "tsv")
            let aliases = try resource("aliases", "tsv")
            let base = try parseCompanies(companies.text, path: companies.path)
            let curated = try parseAliasTSV(aliases.text, path: aliases.path, rank: 2)
            let history = try EntityHistory.loadDefault()
            return .success(EntityKnowledgeBase(entries: merge(base, curated, byName: false), words: try EntityWords.loadDefault(),
                                                places: try EntityPlaces.loadDefault(), history: history))
        } catch let error as FileError {
            return .failure(error)
        } catch {
            return .failure(.io(path: "Resources/entities", reason: error.localizedDescription))
        }
    }()

    static func resource(_ name: String, _ ext: String) throws -> (text: String, path: String) {
        let url = try EntityResources.url("entities/\(name).\(ext)")
        return (try readText(url), url.path)
    }

    static func readText(_ url: URL) throws -> String {
        do { return try String(contentsOf: url, encoding: .utf8) } catch {
            throw FileError.io(path: url.path, reason: "cannot read as UTF-8 text: \(error.localizedDescription)")
        }
    }

    /// This base plus the entities of the given user lists (CSV, JSON or TSV; see the type's doc).
    public func adding(listsAt urls: [URL]) throws -> EntityKnowledgeBase {
        var entries = self.entries
        for url in urls {
            let text = try Self.readText(url)
            let listed: [EntityKBEntry]
            switch url.pathExtension.lowercased() {
            case "json": listed = try Self.parseJSONList(text, path: url.path)
            case "tsv", "tab": listed = try Self.parseAliasTSV(text, path: url.path, rank: 3)
            case "csv": listed = try Self.parseCSVList(text, path: url.path)
            default:
                throw FileError.io(path: url.path, reason: "unknown entity list format (use .csv, .json or .tsv)")
            }
            entries = Self.merge(entries, listed, byName: true)
        }
        return EntityKnowledgeBase(entries: entries, words: words, places: places, history: history)
    }

    // MARK: Parsing

    static func parseCompanies(_ text: String, path: String) throws -> [EntityKBEntry] {
        // Byte-level splitting: String.split walks grapheme clusters, which made loading slow.
        let bytes = Array(text.utf8)
        var out: [EntityKBEntry] = []
        out.reserveCapacity(8_000)
        func split(_ r: Range<Int>, _ sep: UInt8) -> [Range<Int>] {
            var parts: [Range<Int>] = []
            var start = r.lowerBound
            for i in r where bytes[i] == sep { parts.append(start..<i); start = i + 1 }
            parts.append(start..<r.upperBound)
            return parts
        }
        func str(_ r: Range<Int>) -> String { String(decoding: bytes[r], as: UTF8.self) }
        var lineStart = 0
        var lineNumber = 0
        while lineStart < bytes.count {
            var lineEnd = lineStart
            while lineEnd < bytes.count && bytes[lineEnd] != 10 { lineEnd += 1 }
            defer { lineStart = lineEnd + 1 }
            lineNumber += 1
            var end = lineEnd
            if end > lineStart && bytes[end - 1] == 13 { end -= 1 }
            guard end > lineStart, bytes[lineStart] != 35 else { continue }   // blank or "#"
            let f = split(lineStart..<end, 9)
            guard f.count >= 7 else { throw FileError.io(path: path, reason: "line \(lineNumber): expected 7 tab-separated fields") }
            // The builder's `?` marks one-word names of SEC-only filers (obscure: they need
            // evidence); on S&P 500 names it came from a hand list of words, which the data in
            // `EntityAmbiguity` replaces, so it is not kept there.
            let sp500 = str(f[5]) == "sp500"
            let surfaces = split(f[6], 124).filter { !$0.isEmpty }.map { r in
                bytes[r.lowerBound] == 63 ? EntityKBSurface(text: str((r.lowerBound + 1)..<r.upperBound), confirmOnly: !sp500)
                                          : EntityKBSurface(text: str(r), confirmOnly: false)
            }
            out.append(EntityKBEntry(id: str(f[0]), name: str(f[1]), type: .organization,
                                     tickers: split(f[2], 44).filter { !$0.isEmpty }.map(str),
                                     rank: str(f[5]) == "sp500" ? 1 : 0, surfaces: surfaces, owner: nil))
        }
        return out
    }

    static func parseAliasTSV(_ text: String, path: String, rank: Int) throws -> [EntityKBEntry] {
        var out: [EntityKBEntry] = []
        for (n, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let line = line.trimmingCharacters(in: CharacterSet(charactersIn: "\r"))
            if line.isEmpty || line.hasPrefix("#") { continue }
            let f = line.split(separator: "\t", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) }
            guard f.count >= 3, !f[2].isEmpty else {
                throw FileError.io(path: path, reason: "line \(n + 1): expected id, type, name[, tickers, aliases, note] separated by tabs")
            }
            let type = try entityType(f[1], path: path, line: n + 1)
            let tickers = f.count > 3 ? splitList(f[3], separators: ",|;").map { $0.uppercased() } : []
            let aliases = f.count > 4 ? splitList(f[4], separators: "|") : []
            let note = f.count > 5 ? f[5] : ""
            let owner = note.hasPrefix("owner:") ? String(note.dropFirst(6)) : nil
            var entry = makeEntry(id: f[0], name: f[2], type: type, tickers: tickers, aliases: aliases, rank: rank, owner: owner)
            entry.outlet = note.split(separator: " ").contains("outlet")
            out.append(entry)
        }
        return out
    }

    static func parseCSVList(_ text: String, path: String) throws -> [EntityKBEntry] {
        let rows = EntityCSV.parse(text.hasPrefix("\u{FEFF}") ? String(text.dropFirst()) : text)
        guard let header = rows.first?.map({ $0.trimmingCharacters(in: .whitespaces).lowercased() }) else { return [] }
        guard let nameCol = header.firstIndex(of: "name") else {
            throw FileError.io(path: path, reason: "CSV entity list needs a header row with a `name` column")
        }
        func col(_ names: String...) -> Int? { names.lazy.compactMap { header.firstIndex(of: $0) }.first }
        let idCol = col("id"), typeCol = col("type"), tickerCol = col("ticker", "tickers"), aliasCol = col("aliases", "alias")
        var out: [EntityKBEntry] = []
        for (n, row) in rows.dropFirst().enumerated() {
            func field(_ c: Int?) -> String { c.flatMap { $0 < row.count ? row[$0].trimmingCharacters(in: .whitespaces) : nil } ?? "" }
            let name = field(nameCol)
            if name.isEmpty { throw FileError.io(path: path, reason: "row \(n + 2): empty name") }
            let type = try entityType(field(typeCol), path: path, line: n + 2)
            out.append(makeEntry(id: field(idCol), name: name, type: type,
                                 tickers: splitList(field(tickerCol), separators: "|;,").map { $0.uppercased() },
                                 aliases: splitList(field(aliasCol), separators: "|;"), rank: 3, owner: nil))
        }
        return out
    }

    private struct JSONEntity: Decodable {
        var name: String
        var id: String?
        var type: String?
        var ticker: String?
        var tickers: [String]?
        var aliases: JSONAliases?
    }
    private enum JSONAliases: Decodable {
        case list([String]), text(String)
        init(from decoder: Decoder) throws {
            let c = try decoder.singleValueContainer()
            if let l = try? c.decode([String].self) { self = .list(l) } else { self = .text(try c.decode(String.self)) }
        }
        var values: [String] {
            switch self {
            case .list(let l): return l
            case .text(let t): return EntityKnowledgeBase.splitList(t, separators: "|;")
            }
        }
    }
    private struct JSONWrapper: Decodable { var entities: [JSONEntity] }

    static func parseJSONList(_ text: String, path: String) throws -> [EntityKBEntry] {
        let data = Data(text.utf8)
        let items: [JSONEntity]
        do {
            if let list = try? JSONDecoder().decode([JSONEntity].self, from: data) { items = list }
            else { items = try JSONDecoder().decode(JSONWrapper.self, from: data).entities }
        } catch {
            throw FileError.io(path: path, reason: "not a JSON entity list (array of {name, id, type, ticker(s), aliases}): \(error)")
        }
        return try items.enumerated().map { n, item in
            let type = try entityType(item.type ?? "", path: path, line: n + 1)
            let tickers = (item.tickers ?? []) + (item.ticker.map { [$0] } ?? [])
            return makeEntry(id: item.id ?? "", name: item.name, type: type, tickers: tickers.map { $0.uppercased() },
                             aliases: item.aliases?.values ?? [], rank: 3, owner: nil)
        }
    }

    static func entityType(_ raw: String, path: String, line: Int) throws -> EntityType {
        switch raw.uppercased() {
        case "", "ORG", "ORGANIZATION", "COMPANY": return .organization
        case "PER", "PERSON": return .person
        case "LOC", "LOCATION", "PLACE": return .location
        case "MISC", "PRODUCT": return .miscellaneous
        default: throw FileError.io(path: path, reason: "entry \(line): type must be ORG, PER, LOC or MISC, not \(raw)")
        }
    }

    static func splitList(_ s: String, separators: String) -> [String] {
        s.split(whereSeparator: { separators.contains($0) }).map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
    }

    static func idPrefix(_ type: EntityType) -> String {
        switch type {
        case .person: return "per"
        case .location: return "loc"
        case .miscellaneous: return "misc"
        default: return "org"
        }
    }

    static func makeEntry(id: String, name: String, type: EntityType, tickers: [String], aliases: [String],
                          rank: Int, owner: String?) -> EntityKBEntry {
        var surfaces = [EntityKBSurface(text: name, confirmOnly: false)]
        for a in aliases {
            let s = a.hasPrefix("?") ? EntityKBSurface(text: String(a.dropFirst()), confirmOnly: true) : EntityKBSurface(text: a, confirmOnly: false)
            if let same = surfaces.firstIndex(where: { $0.text == s.text }) {
                // "?Target" next to the name "Target": the name itself is an ordinary word.
                if s.confirmOnly { surfaces[same].confirmOnly = true }
            } else if !s.text.isEmpty { surfaces.append(s) }
        }
        let finalId = id.isEmpty ? idPrefix(type) + ":" + EntityNames.slug(type == .organization ? EntityNames.canonicalCompany(name).name : name) : id
        return EntityKBEntry(id: finalId, name: name, type: type, tickers: tickers, rank: rank, surfaces: surfaces, owner: owner)
    }

    /// Merges `added` into `base`: by id, then ticker, then (for user lists) normalised name.
    static func merge(_ base: [EntityKBEntry], _ added: [EntityKBEntry], byName: Bool) -> [EntityKBEntry] {
        var entries = base
        var byId: [String: Int] = [:], byTicker: [String: Int] = [:], byKey: [String: Int] = [:]
        func register(_ i: Int) {
            byId[entries[i].id] = i
            for t in entries[i].tickers where byTicker[t] == nil { byTicker[t] = i }
            let key = EntityNames.lookupKey(entries[i].name)
            if byKey[key] == nil { byKey[key] = i }
        }
        for i in entries.indices { register(i) }
        for item in added {
            var target = byId[item.id]
            if target == nil { target = item.tickers.lazy.compactMap { byTicker[$0] }.first }
            if target == nil && byName { target = byKey[EntityNames.lookupKey(item.name)] }
            if let t = target {
                var merged = entries[t]
                if merged.id != item.id, let clash = byId[item.id], clash != t {
                    // Another entity holds the id the list asks for: it steps aside.
                    entries[clash].id += "-" + (entries[clash].tickers.first.map(EntityNames.slug) ?? String(clash))
                    byId[entries[clash].id] = clash
                }
                merged.id = item.id
                merged.name = item.name
                merged.type = item.type
                merged.rank = max(merged.rank, item.rank)
                merged.owner = item.owner ?? merged.owner
                merged.outlet = merged.outlet || item.outlet
                var tickers = item.tickers
                for t in merged.tickers where !tickers.contains(t) { tickers.append(t) }
                merged.tickers = tickers
                // The added list's reading of a name wins: the alias file lists "Sony" as a name
                // although the gazetteer builder marked the SEC filer's one-word name `?`; whether
                // a name is also a word is decided from data (`EntityAmbiguity`), not by the mark.
                var surfaces = item.surfaces
                for s in merged.surfaces where !surfaces.contains(where: { $0.text == s.text }) { surfaces.append(s) }
                merged.surfaces = surfaces
                entries[t] = merged
                register(t)
            } else {
                if let clash = byId[item.id] {
                    entries[clash].id += "-" + (entries[clash].tickers.first.map(EntityNames.slug) ?? String(clash))
                    byId[entries[clash].id] = clash
                }
                entries.append(item)
                register(entries.count - 1)
            }
        }
        return entries
    }

    // MARK: Look-ups used by the annotator

    func entry(_ i: Int) -> EntityKBEntry { index.entries[i] }

    /// Entry of a ticker as written in text ("BRK.B" and "BRK-B" are one).
    func entryForTicker(_ ticker: String) -> Int? {
        if let e = index.tickers[ticker] { return e }
        if ticker.contains(".") { return index.tickers[ticker.replacingOccurrences(of: ".", with: "-")] }
        return nil
    }

    func entryForName(_ name: String) -> Int? {
        let key = EntityNames.lookupKey(name)
        return key.isEmpty ? nil : index.lookup[key]?.entry
    }

    /// The known name an NER span is written as: case-insensitive for names of several words and
    /// legal forms ("MICROSOFT CORPORATION"), but a one-word span must be written like a known
    /// one-word name or in capitals ("Bill" is not "BILL" Holdings' name "Bill" unless written so).
    func lookUp(_ scalars: ArraySlice<Unicode.Scalar>) -> EntityLookupHit? {
        let key = EntityNames.lookupKey(scalars)
        guard !key.isEmpty, let hit = index.lookup[key] else { return nil }
        var runs = 0, inWord = false
        for c in scalars {
            let w = CharacterClass.isWordCharacter(c)
            if w && !inWord { runs += 1 }
            inWord = w
        }
        if runs == 1 {
            var text = String.UnicodeScalarView()
            text.append(contentsOf: scalars)
            let written = String(text)
            let allCaps = !written.unicodeScalars.contains { CharacterClass.isLower($0) }
            // Written like a known one-word name, in capitals, or with other inner capitals
            // ("MasterCard" for "Mastercard"); never in lower case ("visa").
            let capitalised = written.unicodeScalars.first.map(CharacterClass.isUpper) ?? false
            let lower = written.lowercased()
            guard hit.oneWordForms.contains(written) || (allCaps && !hit.oneWordForms.isEmpty)
                    || (capitalised && !allCaps && hit.oneWordForms.contains { $0.lowercased() == lower && $0.unicodeScalars.contains(where: CharacterClass.isLower) })
            else { return nil }
        }
        // A name of several words written all in lower case is a phrase ("waste management").
        else if !scalars.contains(where: CharacterClass.isUpper) { return nil }
        return hit
    }
}
