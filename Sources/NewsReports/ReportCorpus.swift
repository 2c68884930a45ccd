import Foundation
import NewsIO
import NewsRecords

/// Byte-wise (UTF-8) string order: a total order, unlike `String.<`, which treats canonically
/// equivalent spellings as equal.
@inline(__always)
func reportPrecedes(_ a: String, _ b: String) -> Bool {
    a.utf8.lexicographicallyPrecedes(b.utf8)
}

/// Entity types that name something (people, organisations, places, works, symbols); money,
/// percentages and dates are values and stay out of rankings, co-occurrence and document lists.
let reportNamedTypes: Set<EntityType> = [.person, .organization, .location, .miscellaneous, .ticker]

/// The fields of an `ArticleRecord` the report reads: decoding skips the article text, which is
/// read again (by its place in the file) only for the documents whose mentions need a sentence.
struct ReportArticleHeader: Decodable, Sendable {
    var id: String
    var url: String?
    var canonical: String?
    var site: String?
    var title: String?
    var authors: [String]?
    var published: String?
    var language: String?
    var words: Int
}

/// Where a document's record line is: which input file, at which byte, how long.
struct ReportLineLocation: Sendable, Equatable {
    var file: Int32
    var offset: Int64
    var length: Int32
}

/// The entities stage's call on a document's tone towards one company.
struct ReportCompanyTone: Sendable, Equatable {
    var tone: Tone
    var confidence: Double
}

/// Mentions of one ticker in one document, by tone.
struct ReportToneCount: Sendable, Equatable {
    var bullish: Int32 = 0
    var bearish: Int32 = 0
    var neutral: Int32 = 0
    var total: Int32 { bullish + bearish + neutral }

    mutating func add(_ tone: Tone) {
        switch tone {
        case .bullish: bullish += 1
        case .bearish: bearish += 1
        case .neutral: neutral += 1
        }
    }
}

/// One document as readers see it (`ReportCorpus.documents`): metadata, not text; what it only
/// writes out (URL, headline, authors …) waits on disk (`ReportCorpus.details(of:)`). The corpus
/// keeps it as a `ReportDocumentRow`, its id in a key table.
struct ReportDocument: Sendable {
    var id: String
    var site: String?
    var when: ReportPublished?
    /// Where its `ReportDocumentDetails` are in `ReportCorpus.detailStore` (-1: none).
    var details: Int64 = -1
    var words: Int
    /// False for ids that only mentions named (not among the canonical documents).
    var known: Bool
    /// Where the record (with the article text) is, for reading the sentences of mentions.
    var location: ReportLineLocation?
    /// Where its mentions per entity (index into `ReportCorpus.entities`) are in
    /// `ReportCorpus.entityCountStore` (an empty span for none).
    var entityCounts = ReportSpillFile.Span(offset: 0, count: 0)
    /// Where its mentions per ticker are in `ReportCorpus.tickerCounts`.
    var tickerCounts: ReportTickerCountRange

    /// Mentions per ticker (index into `ReportCorpus.tickers`) in this document, by tone, in the
    /// order its mentions first named them.
    var tickerMentions: ReportSlotCounts<ReportToneCount> { tickerCounts.counts }
}

/// One document's mentions of one ticker, by tone (`ReportCorpus.tickerCounts`).
struct ReportTickerCount: Sendable {
    var ticker: Int32
    var counts: ReportToneCount
}

/// A document's entries in the corpus's ticker counts (`ReportDocument.tickerCounts`).
struct ReportTickerCountRange: Sendable {
    let store: ReportBlockArray<ReportTickerCount>
    let range: Range<Int>

    var counts: ReportSlotCounts<ReportToneCount> { ReportSlotCounts(range.map { (store[$0].ticker, store[$0].counts) }) }
}

/// One document as the corpus keeps it (`ReportCorpus.documentRows`): its id is the key of its slot
/// in `ReportCorpus.documentIds` and its site a slot in `ReportCorpus.siteNames`; the optional
/// date and line place are packed. 72 bytes where the `ReportDocument` it stood for was 128, plus
/// an id `String` (a heap block each) and a `[String: Int32]` index entry: 9 MB less for the
/// 74,000 documents of a 100,000-page night.
struct ReportDocumentRow: Sendable {
    var details: Int64 = -1
    private var instant: Int64 = 0
    private var lineOffset: Int64 = 0
    private var countsOffset: Int64 = 0
    private var tickerStart: Int32 = 0
    private var tickerCount: Int32 = 0
    private var day: Int32 = 0
    /// The site's slot in `ReportCorpus.siteNames` (-1: none).
    var site: Int32 = -1
    private var storedWords: Int32 = 0
    /// -1: no line place.
    private var lineFile: Int32 = -1
    private var lineLength: Int32 = 0
    private var countsCount: Int32 = 0
    private var flags: UInt8 = 0

    private static let knownFlag: UInt8 = 1, datedFlag: UInt8 = 2, timeFlag: UInt8 = 4, zoneFlag: UInt8 = 8

    init(known: Bool, words: Int = 0) {
        self.known = known
        self.words = words
    }

    var known: Bool {
        get { flags & Self.knownFlag != 0 }
        set { flags = newValue ? flags | Self.knownFlag : flags & ~Self.knownFlag }
    }

    var words: Int { get { Int(storedWords) } set { storedWords = Int32(clamping: newValue) } }

    var when: ReportPublished? {
        get {
            guard flags & Self.datedFlag != 0 else { return nil }
            return ReportPublished(day: Int(day), instant: instant, hasTime: flags & Self.timeFlag != 0, hasZone: flags & Self.zoneFlag != 0)
        }
        set {
            flags &= Self.knownFlag
            guard let newValue else { day = 0; instant = 0; return }
            day = ReportDay32.stored(newValue.day)
            instant = newValue.instant
            flags |= Self.datedFlag | (newValue.hasTime ? Self.timeFlag : 0) | (newValue.hasZone ? Self.zoneFlag : 0)
        }
    }

    var location: ReportLineLocation? {
        get { lineFile < 0 ? nil : ReportLineLocation(file: lineFile, offset: lineOffset, length: lineLength) }
        set {
            lineFile = newValue?.file ?? -1
            lineOffset = newValue?.offset ?? 0
            lineLength = newValue?.length ?? 0
        }
    }

    var entityCounts: ReportSpillFile.Span {
        get { ReportSpillFile.Span(offset: countsOffset, count: countsCount) }
        set { countsOffset = newValue.offset; countsCount = newValue.count }
    }

    /// Where its mentions per ticker are in `ReportCorpus.tickerCounts`.
    var tickerRange: Range<Int> {
        get { Int(tickerStart) ..< Int(tickerStart) + Int(tickerCount) }
        set {
            precondition(newValue.upperBound <= Int(Int32.max), "ReportDocumentRow: too many ticker counts")
            tickerStart = Int32(newValue.lowerBound)
            tickerCount = Int32(newValue.count)
        }
    }
}

/// The corpus's documents by slot, each read as a `ReportDocument` (`ReportCorpus.documents`).
struct ReportDocumentTable: RandomAccessCollection {
    let rows: ReportBlockArray<ReportDocumentRow>
    let ids: ReportKeyTable
    let sites: [String]
    let tickerCounts: ReportBlockArray<ReportTickerCount>

    var startIndex: Int { 0 }
    var endIndex: Int { rows.count }

    subscript(position: Int) -> ReportDocument {
        let row = rows[position]
        return ReportDocument(
            id: ids[position], site: row.site < 0 ? nil : sites[Int(row.site)], when: row.when, details: row.details,
            words: row.words, known: row.known, location: row.location, entityCounts: row.entityCounts,
            tickerCounts: ReportTickerCountRange(store: tickerCounts, range: row.tickerRange))
    }
}

/// Small counters keyed by a slot (an entity's or a ticker's index), as one flat array: a
/// document names a few dozen entities, and a dictionary per document cost several times its
/// entries (the report keeps one per document for the whole night).
struct ReportSlotCounts<Value: Sendable>: Sequence, Sendable {
    private var entries: [(key: Int32, value: Value)] = []

    init() {}
    init(_ entries: [(key: Int32, value: Value)]) { self.entries = entries }

    mutating func update(_ key: Int32, initial: Value, _ change: (inout Value) -> Void) {
        if let index = entries.firstIndex(where: { $0.key == key }) {
            change(&entries[index].value)
        } else {
            var value = initial
            change(&value)
            entries.append((key, value))
        }
    }

    var keys: [Int32] { entries.map(\.key) }
    var isEmpty: Bool { entries.isEmpty }
    mutating func removeAll() { entries.removeAll(keepingCapacity: true) }

    func makeIterator() -> IndexingIterator<[(key: Int32, value: Value)]> { entries.makeIterator() }
}

/// Votes for an entity's name, type or ticker: the first value counted in place (most entities
/// only ever get one), the others in a dictionary that is only allocated when there are any.
struct ReportVotes<Key: Hashable> {
    private var first: Key?
    private var firstCount = 0
    private var others: [Key: Int] = [:]

    mutating func add(_ key: Key) {
        if first == nil { first = key; firstCount = 1 } else if first == key { firstCount += 1 } else { others[key, default: 0] += 1 }
    }

    /// Every value with its count.
    var counts: [Key: Int] {
        var all = others
        if let first { all[first, default: 0] += firstCount }
        return all
    }
}

/// The votes on one entity's name, type and ticker while mentions are read that differ from the
/// first of each it got (`ReportEntity.voteName` …): kept in `ReportCorpus.otherVotes` for the
/// entities that have any, dropped once settled.
struct ReportEntityVotes {
    var name = ReportVotes<String>()
    var type = ReportVotes<EntityType>()
    var ticker = ReportVotes<String>()
}

/// One canonical entity's running counts, as the corpus keeps them (`ReportCorpus.entityRows`).
/// Names, types and tickers are voted on so the result does not depend on the order mentions
/// arrive in. Its id is in `ReportCorpus.entityIds`, at the entity's slot; its name is a slot in
/// `ReportCorpus.entityNames` and its ticker a slot in `ReportCorpus.tickers` (as `String`s in
/// each row they were 32 of its 88 bytes, and a heap block per name longer than 15 bytes: 14 MB
/// for the 272,000 entities of a 100,000-page night). Readers get `ReportEntity`, with the texts.
///
/// Counts are stored in 32 bits (a night has hundreds of thousands of entities, and 8-byte
/// counts were half of each row); what `finish()` counts from the entity's documents (documents,
/// sites, days) is a `ReportEntityReach` beside it, made then (in the row it was 20 of 60 bytes
/// held through the mention pass, the report's largest moment, 5 MB at 100,000 pages); its top
/// co-mentions are kept beside the entities (`ReportCorpus.coMentions(of:)`), not in an array
/// per entity.
struct ReportEntityRow {
    // Filled in by `finish()`; -1 for none.
    var nameSlot: Int32 = -1
    var tickerSlot: Int32 = -1
    var type = EntityType.miscellaneous
    private var storedMentions: Int32 = 0
    private var storedBullish: Int32 = 0
    private var storedBearish: Int32 = 0
    private var storedNeutral: Int32 = 0
    // While mentions are read, the name, type and ticker slots hold the first value of each the
    // entity's mentions gave, and these count the mentions that gave them (a separate row of
    // votes per entity was 88 bytes for each of the night's entities).
    var nameVotes: Int32 = 0
    private(set) var typeVotes: Int32 = 0
    var tickerVotes: Int32 = 0

    init() {}

    /// Counts a mention's type towards the first one; false when it is another type.
    mutating func voteType(_ value: EntityType) -> Bool {
        if typeVotes == 0 { type = value } else if type != value { return false }
        typeVotes += 1
        return true
    }

    var mentions: Int { get { Int(storedMentions) } set { storedMentions = Int32(clamping: newValue) } }
    var bullish: Int { get { Int(storedBullish) } set { storedBullish = Int32(clamping: newValue) } }
    var bearish: Int { get { Int(storedBearish) } set { storedBearish = Int32(clamping: newValue) } }
    var neutral: Int { get { Int(storedNeutral) } set { storedNeutral = Int32(clamping: newValue) } }
}

/// What `ReportCorpus.finish()` counts for an entity from its documents (`ReportCorpus.entityReach`,
/// by the entity's slot): documents, distinct sites (with and without mirrors' sites) and the
/// first and last publication day, in 32 bits each.
struct ReportEntityReach {
    private var storedDocuments: Int32 = 0
    private var storedSites: Int32 = 0
    private var storedSitesWithMirrors: Int32 = 0
    private var storedFirstDay = ReportDay32.none
    private var storedLastDay = ReportDay32.none

    init() {}

    var documents: Int { get { Int(storedDocuments) } set { storedDocuments = Int32(clamping: newValue) } }
    var sites: Int { get { Int(storedSites) } set { storedSites = Int32(clamping: newValue) } }
    var sitesWithMirrors: Int { get { Int(storedSitesWithMirrors) } set { storedSitesWithMirrors = Int32(clamping: newValue) } }
    var firstDay: Int? { get { ReportDay32.day(storedFirstDay) } set { storedFirstDay = ReportDay32.stored(newValue) } }
    var lastDay: Int? { get { ReportDay32.day(storedLastDay) } set { storedLastDay = ReportDay32.stored(newValue) } }
}

/// An entity as readers see it: its row's and its reach's counts (by member lookup:
/// `entity.mentions`, `entity.documents`) with its name and ticker as text.
@dynamicMemberLookup
struct ReportEntity {
    let row: ReportEntityRow
    let reach: ReportEntityReach
    let name: String
    let ticker: String?

    subscript<Value>(dynamicMember path: KeyPath<ReportEntityRow, Value>) -> Value { row[keyPath: path] }
    subscript<Value>(dynamicMember path: KeyPath<ReportEntityReach, Value>) -> Value { reach[keyPath: path] }
}

/// The corpus's entities by slot, each read as a `ReportEntity` (`ReportCorpus.entities`).
struct ReportEntityTable: RandomAccessCollection {
    let rows: ReportBlockArray<ReportEntityRow>
    /// Empty until `ReportCorpus.finish()` counts it (every entity then reads zero documents).
    let reach: ReportBlockArray<ReportEntityReach>
    let names: ReportKeyTable
    let tickers: [String]

    var startIndex: Int { 0 }
    var endIndex: Int { rows.count }

    subscript(position: Int) -> ReportEntity {
        let row = rows[position]
        return ReportEntity(row: row, reach: position < reach.count ? reach[position] : ReportEntityReach(),
                            name: row.nameSlot < 0 ? "" : names[Int(row.nameSlot)],
                            ticker: row.tickerSlot < 0 ? nil : tickers[Int(row.tickerSlot)])
    }
}

/// An optional publication day (days since 1970-01-01) in four bytes: days of four-digit years
/// (what `ReportPublished` reads) fit, and `Int32.min` is none.
enum ReportDay32 {
    static let none = Int32.min

    @inline(__always)
    static func day(_ stored: Int32) -> Int? { stored == none ? nil : Int(stored) }

    @inline(__always)
    static func stored(_ day: Int?) -> Int32 {
        guard let day else { return none }
        precondition(day > Int(Int32.min) && day <= Int(Int32.max), "ReportDay32: day \(day) out of range")
        return Int32(day)
    }
}

/// Per-ticker, per-day counts (`day` nil when the document has no usable date).
struct ReportTickerDay {
    var ticker: String
    var day: Int?
    var mentions = 0
    var bullish = 0
    var bearish = 0
    var neutral = 0
    var documents = 0
    /// Distinct sites of its documents.
    var sites = 0

    /// (bullish − bearish) / mentions: −1 all bearish, +1 all bullish, 0 balanced or all neutral.
    var toneBalance: Double { mentions == 0 ? 0 : Double(bullish - bearish) / Double(mentions) }
}

/// Totals per ticker across days.
struct ReportTickerTotal {
    var ticker: String
    var mentions = 0
    var documents = 0
    var bullish = 0
    var bearish = 0
    var neutral = 0
    var sites = 0
    var toneBalance: Double { mentions == 0 ? 0 : Double(bullish - bearish) / Double(mentions) }
}

/// Counts for one pair of entities mentioned in the same canonical document (in 32 bits, as
/// `ReportEntity`'s: a night has hundreds of thousands of pairs).
struct ReportPair {
    var a: Int32
    var b: Int32
    private var storedDocuments: Int32 = 0
    private var storedSites: Int32 = 0
    private var storedFirstDay = ReportDay32.none
    private var storedLastDay = ReportDay32.none

    init(a: Int32, b: Int32) { self.a = a; self.b = b }

    var documents: Int { get { Int(storedDocuments) } set { storedDocuments = Int32(clamping: newValue) } }
    /// Distinct sites of its documents.
    var sites: Int { get { Int(storedSites) } set { storedSites = Int32(clamping: newValue) } }
    var firstDay: Int? { get { ReportDay32.day(storedFirstDay) } set { storedFirstDay = ReportDay32.stored(newValue) } }
    var lastDay: Int? { get { ReportDay32.day(storedLastDay) } set { storedLastDay = ReportDay32.stored(newValue) } }
}

/// The night's listed pairs in report order (most shared documents first, then by the entities'
/// ids): the pairs stay in blocks in the order they were counted (by first entity, then second),
/// and the report order is an index over them. Sorting the pairs themselves needed a second
/// array of them for the sort and, before it, a copy to shed the slack they grew with: 12 MB
/// each at 100,000 pages, at the night's largest moment.
struct ReportPairTable: RandomAccessCollection {
    let rows: ReportBlockArray<ReportPair>
    let order: [Int32]

    init() {
        rows = ReportBlockArray()
        order = []
    }

    /// `rows` in the order of `precedes`.
    init(_ rows: ReportBlockArray<ReportPair>, by precedes: (ReportPair, ReportPair) -> Bool) {
        precondition(rows.count <= Int(Int32.max), "ReportPairTable: too many pairs")
        var order = (0 ..< rows.count).map { Int32($0) }
        order.sort { precedes(rows[Int($0)], rows[Int($1)]) }
        self.rows = rows
        self.order = order
    }

    var startIndex: Int { 0 }
    var endIndex: Int { order.count }
    subscript(position: Int) -> ReportPair { rows[Int(order[position])] }
}

/// What the report uses of the mirrors dedup removed of one canonical document (when no cluster
/// file names them): how many, and their sites (not the whole records).
struct ReportRemovedMirrors {
    var count = 0
    /// The mirrors' sites, as they came (repeats kept).
    var sites: [String] = []

    mutating func add(_ mirror: RemovedMirror) {
        count += 1
        if let site = mirror.site.flatMap(ReportCorpus.cleanSite) ?? ReportCorpus.site(ofURL: mirror.url) { sites.append(site) }
    }
}

/// A mirror cluster with what the report counts and sorts by; its members (each with a URL,
/// source and date: about 20 MB at 100,000 pages) wait on disk (`ReportCorpus.members(of:)`).
struct ReportStory {
    var clusterId: String
    var canonicalId: String
    /// Members, the canonical included.
    var memberCount: Int
    /// Where the cluster's record is in `ReportCorpus.clusterRecords`.
    var record: ReportSpillFile.Span
    /// Distinct sites among all members, sorted.
    var sites: [String]
    var similarityMin: Double?
    var similarityMax: Double?
    var containmentMin: Double?
    /// Members whose site is unknown (a page of a folder source without a URL).
    var pagesWithoutSite: Int = 0
    var mirrors: Int { max(0, memberCount - 1) }
}

/// Streaming aggregation of the stored stage outputs into the counts the report files show.
///
/// Memory holds one slim row per document, per entity, per (document, entity) pair, per ticker-day
/// and per co-occurring entity pair, never the mention records themselves.
struct ReportCorpus {
    /// The documents by slot (`documents` reads them with their ids and sites).
    var documentRows = ReportBlockArray<ReportDocumentRow>()
    /// Each document's id, at the document's slot (and the slot of an id).
    var documentIds = ReportKeyTable()
    var documents: ReportDocumentTable {
        ReportDocumentTable(rows: documentRows, ids: documentIds, sites: siteNames, tickerCounts: tickerCounts)
    }
    /// Every document's mentions per ticker by tone, a document's entries together
    /// (`ReportDocumentRow.tickerRange`): stored when its mentions end, in blocks. A small array
    /// per document, made as each document's mentions ended, stayed among the mention pass's
    /// freed blocks and kept their pages: part of 30 MB of heap pages held and not used at
    /// 100,000 pages.
    var tickerCounts = ReportBlockArray<ReportTickerCount>()
    /// The entities' counts by slot (`entities` reads them with their names and tickers).
    var entityRows = ReportBlockArray<ReportEntityRow>()
    /// The entities' names, by the slot in their rows (appended, never searched: `ReportKeyTable.append`).
    var entityNames = ReportKeyTable()
    var entities: ReportEntityTable {
        precondition(!entityDetailsDropped, "ReportCorpus: the entities' rows were let go (dropEntityDetails)")
        return ReportEntityTable(rows: entityRows, reach: entityReach, names: entityNames, tickers: tickers)
    }
    /// Whether `dropEntityDetails()` let the entities' rows, reach and names go.
    private(set) var entityDetailsDropped = false
    /// What `finish()` counts for each entity from its documents, by slot.
    var entityReach = ReportBlockArray<ReportEntityReach>()
    /// Votes on an entity's name, type or ticker other than the first of each (by entity slot),
    /// until `finish()` settles them.
    var otherVotes: [Int32: ReportEntityVotes] = [:]
    /// Each entity's id, at the entity's slot (and the slot of an id).
    var entityIds = ReportKeyTable()
    var tickers: [String] = []
    var tickerIndex: [String: Int32] = [:]
    var siteNames: [String] = []
    var siteIndex: [String: Int32] = [:]
    var stories: [ReportStory] = []
    /// Cluster (index into `stories`) each canonical document heads.
    var storyOfCanonical: [String: Int] = [:]
    /// Mirrors dedup removed, per canonical id, for when no cluster file is given.
    var removedByCanonical: [String: ReportRemovedMirrors] = [:]
    var removedCount = 0
    var removedByReason: [String: Int] = [:]
    var mentionCount = 0
    var orphanMentions = 0
    /// The document of the last mention counted: its mentions per entity are counted in
    /// `pendingCounts` and stored when another document's begin (or at `finish()`).
    private var lastMentionDocument = -1
    private var pendingCounts = ReportSlotCounts<Int32>()
    private var pendingTickers = ReportSlotCounts<ReportToneCount>()
    /// Entities and canonical documents in report order, as `finish()` left them (nil once
    /// anything is added after it).
    private var orders: (entities: [Int32], documents: [Int32])?
    var tickerDays: [ReportTickerDay] = []
    var tickerDayIndex: [Int64: Int] = [:]
    var tickerTotals: [ReportTickerTotal] = []
    var pairs = ReportPairTable()
    var duplicateDocuments = 0
    /// Input files that were named but not there (file names only).
    var missingInputs: [String] = []
    /// The entities stage's document-level tone per company: by document and ticker, and by
    /// document and entity (for records without a ticker).
    var companyTones = ReportCompanyTones()
    /// Largest number of entities one document lends to co-occurrence counting.
    let pairCap: Int
    /// Documents a pair must share to be listed in `pairs`.
    let minimumPairDocuments: Int
    /// Co-mentioned entities kept per entity.
    let coMentionsKept = 5
    /// Partners the pair counter gathers together at most (tests lower it to count in many
    /// ranges).
    var pairKeysPerRange = ReportCorpus.pairKeysSorted
    /// Each entity's top co-mentioned entities, `coMentionsKept` slots per entity (entity i's at
    /// `i * coMentionsKept`), best first, -1 after the last; filled by `finish()`.
    private var coMentionSlots: [Int32] = []

    /// Documents' details, on disk until they are written out.
    let detailStore: ReportDocumentDetailStore
    /// Documents' mentions per entity, on disk from the end of each document's mentions.
    let entityCountStore: ReportEntityCountStore
    /// Where the unlinked spill files go.
    let spillFolder: URL
    /// The clusters' records as read (`ReportStory.record`), for their members; made by
    /// `readClusters`.
    private var clusterRecords: ReportSpillFile?

    /// `spillFolder` receives the unlinked temporary files of the documents' details and the
    /// clusters' records (the system's temporary folder when nil).
    init(pairCap: Int, minimumPairDocuments: Int = 1, spillFolder: URL? = nil) {
        self.pairCap = pairCap
        self.minimumPairDocuments = minimumPairDocuments
        self.spillFolder = spillFolder ?? FileManager.default.temporaryDirectory
        detailStore = ReportDocumentDetailStore(folder: self.spillFolder)
        entityCountStore = ReportEntityCountStore(folder: self.spillFolder)
    }

    /// A cluster's members as its record lists them: the canonical first, then by id.
    func members(of story: ReportStory) throws -> [ClusterMember] {
        guard let clusterRecords else { preconditionFailure("ReportCorpus: no cluster records") }
        return try JSONLines.makeDecoder().decode(MirrorCluster.self, from: Data(clusterRecords.read(story.record))).members
    }

    /// Empties the co-occurring pairs and the top co-mentions (8 and 5 MB at 100,000 pages)
    /// once the overview and their tables are made: nothing after them reads them.
    mutating func dropPairs() {
        pairs = ReportPairTable()
        dropCoMentions()
    }

    /// Empties the top co-mentions once `entities.csv`, their only reader, is written.
    mutating func dropCoMentions() {
        coMentionSlots = []
        coMentionsDropped = true
    }

    /// Whether `dropCoMentions()` let the top co-mentions go.
    private(set) var coMentionsDropped = false

    /// Empties each document's mentions per ticker and the company tones (about 4 and 6 MB at
    /// 100,000 pages) once `document_tickers.csv` is written (the documents' tickers in `documents.csv`
    /// and the overview come before it). Reading a document's tickers after it stops the program.
    mutating func dropDocumentTickers() {
        tickerCounts = ReportBlockArray()
        companyTones = ReportCompanyTones()
    }

    /// Lets go what only the tables, the overview and the clusters' members read (the stories,
    /// and the documents' ticker counts and company tones if `dropDocumentTickers` has not) before
    /// the page is made, keeping each document's number of carrying sites and mirrors (the page's
    /// columns, `carrierCount(ofSlot:)`). Reading the stories or a document's ticker counts after
    /// it stops the program.
    mutating func dropTableInputs() {
        var carriers = [Int32](repeating: 0, count: documentRows.count)
        var mirrors = [Int32](repeating: 0, count: documentRows.count)
        for index in documentRows.indices where documentRows[index].known {
            let document = documents[index]
            carriers[index] = Int32(clamping: self.carriers(of: document).count)
            mirrors[index] = Int32(clamping: mirrorCount(of: document))
        }
        documentCarriers = (carriers, mirrors)
        stories = []
        storyOfCanonical = [:]
        removedByCanonical = [:]
        dropDocumentTickers()
    }

    /// Each document's number of carrying sites and mirrors (by slot), once `dropTableInputs`
    /// let the stories go.
    private var documentCarriers: (carriers: [Int32], mirrors: [Int32])?

    /// How many sites carried a document (`carriers(of:)`), by slot.
    func carrierCount(ofSlot slot: Int) -> Int {
        if let documentCarriers { return Int(documentCarriers.carriers[slot]) }
        return carriers(of: documents[slot]).count
    }

    /// Mirrors dedup removed for a document (`mirrorCount(of:)`), by slot.
    func mirrorCount(ofSlot slot: Int) -> Int {
        if let documentCarriers { return Int(documentCarriers.mirrors[slot]) }
        return mirrorCount(of: documents[slot])
    }

    /// Lets the entities' rows, reach, names and report order go (23 MB at 100,000 pages) once
    /// every writer that reads them is done (the tables, the overview, the snapshot, the history
    /// night and the page's entity blocks, `ReportPageData`): the context pass and the page's end
    /// read only the entities' ids. Reading `entities` or their order after it stops the program.
    mutating func dropEntityDetails() {
        entityDetailsDropped = true
        entityRows = ReportBlockArray()
        entityReach = ReportBlockArray()
        entityNames = ReportKeyTable()
        if let kept = orders { orders = ([], kept.documents) }
    }

    /// Writes out the spill files' buffers: from then on `details(of:)` and `members(of:)` may
    /// be called from several threads at once (until something is appended again).
    func sealSpills() throws {
        try detailStore.seal()
        try entityCountStore.seal()
        try clusterRecords?.seal()
    }

    /// A document's URL, publication text, headline, authors and language.
    func details(of document: ReportDocument) throws -> ReportDocumentDetails {
        document.details < 0 ? .none : try detailStore.details(at: document.details)
    }

    // MARK: Reading

    /// Reads the dedup stage's clusters: `pool`'s workers decode a chunk of lines each and sum
    /// up each cluster; here, in file order, the first record of each cluster id is kept (its
    /// line goes to a spill file, read again for the members table).
    mutating func readClusters(_ url: URL, pool: WorkerPool = WorkerPool(workers: 1)) throws {
        var seen: Set<String> = []
        // The stories' sites share one copy of each name (a string per story and site, decoded
        // apart, was about 2.5 MB at 100,000 pages, held all night).
        var siteCopies: [String: String] = [:]
        if clusterRecords == nil { clusterRecords = try ReportSpillFile(folder: spillFolder, purpose: "clusters") }
        guard let records = clusterRecords else { return }
        try Self.decodeLines(url, pool: pool, decode: { decoder, data in try Self.story(decoder.decode(MirrorCluster.self, from: data)) }) { line, _, decoded in
            var story = decoded
            guard seen.insert(story.clusterId).inserted else { return }
            story.record = try records.append(span: line)
            story.sites = story.sites.map { site in
                if let copy = siteCopies[site] { return copy }
                siteCopies[site] = site
                return site
            }
            stories.append(story)
        }
        stories.sort { reportPrecedes($0.clusterId, $1.clusterId) }
        for (index, story) in stories.enumerated() where storyOfCanonical[story.canonicalId] == nil {
            storyOfCanonical[story.canonicalId] = index
        }
    }

    /// A cluster's summary (its record's place in the spill file is set by the caller).
    private static func story(_ cluster: MirrorCluster) -> ReportStory {
        let others = cluster.members.filter { $0.id != cluster.canonicalId }
        let sites = Set(cluster.members.compactMap(Self.site(of:)))
        return ReportStory(
            clusterId: cluster.clusterId, canonicalId: cluster.canonicalId, memberCount: cluster.members.count,
            record: ReportSpillFile.Span(offset: 0, count: 0),
            sites: sites.sorted(by: reportPrecedes),
            similarityMin: others.map(\.similarity).min(), similarityMax: others.map(\.similarity).max(),
            containmentMin: others.map(\.containment).min(),
            pagesWithoutSite: cluster.members.filter { Self.site(of: $0) == nil }.count)
    }

    /// Reads `CompanyTone` records; a repeated (document, company) keeps the first. Read after
    /// the documents and mentions: a call is kept by the slots of its document, entity and
    /// ticker, and one on a document, entity or ticker the report does not know is never asked
    /// for (`documentTickerRows` asks about canonical documents and the tickers and companies
    /// their mentions named). The calls are sealed after each file (the builder reads them just
    /// before `document_tickers.csv`, their only reader, so they are not held through the
    /// night's counting and the other tables).
    mutating func readCompanyTone(_ url: URL) throws {
        try JSONLines.forEach(CompanyTone.self, in: url) { record in
            guard let document = documentIds.slot(of: record.documentId), documentRows[Int(document)].known else { return }
            let tone = ReportCompanyTone(tone: record.tone, confidence: record.confidence)
            if let entity = entityIds.slot(of: record.entityId) { companyTones.add(document: document, company: .entity(entity), tone) }
            if let ticker = record.ticker.flatMap(Self.cleanSymbol).flatMap({ tickerIndex[$0] }) {
                companyTones.add(document: document, company: .ticker(ticker), tone)
            }
        }
        companyTones.seal()
    }

    /// A document's tone towards a ticker from the entities stage, when it gave one: its call on
    /// the ticker, else on the first of `entities` (the ticker's companies, by id) it made one on.
    func companyTone(document: Int32, ticker: Int32, entities: [Int32]) -> ReportCompanyTone? {
        if let tone = companyTones.call(document: document, company: .ticker(ticker)) { return tone }
        for entity in entities { if let tone = companyTones.call(document: document, company: .entity(entity)) { return tone } }
        return nil
    }

    /// Reads `RemovedMirror` records: all are counted; a canonical's mirrors are kept (their
    /// count and sites) only when no cluster read before names it, since a cluster's record is
    /// what `carriers(of:)` and `mirrorCount(of:)` read then (kept for every canonical, they were
    /// about 4 MB at 100,000 pages, held through the night's end and never read).
    mutating func readRemoved(_ url: URL) throws {
        try JSONLines.forEach(RemovedMirror.self, in: url) { mirror in
            if storyOfCanonical[mirror.canonicalId] == nil {
                removedByCanonical[mirror.canonicalId, default: ReportRemovedMirrors()].add(mirror)
            }
            removedCount += 1
            removedByReason[mirror.reason, default: 0] += 1
        }
    }

    /// Reads the canonical documents of one file (the `file`-th of the inputs), remembering where
    /// each record is so its text can be read again later without holding every text in memory.
    /// The records' fields are decoded by `pool`'s workers, a chunk of lines each, and counted
    /// here in file order.
    mutating func readDocuments(_ url: URL, file: Int = 0, pool: WorkerPool = WorkerPool(workers: 1)) throws {
        try Self.decodeLines(url, pool: pool, decode: { decoder, data in try decoder.decode(ReportArticleHeader.self, from: data) }) { line, offset, article in
            try add(article, location: ReportLineLocation(file: Int32(file), offset: Int64(offset), length: Int32(clamping: line.count)))
        }
    }

    /// Decodes the lines of a JSON Lines file on `pool`'s workers, a chunk each, and hands each
    /// line, its byte offset and what it decoded to `body` here, in file order. A line that does
    /// not decode is a corrupt record (numbered among the non-empty lines).
    private static func decodeLines<Value: Sendable>(
        _ url: URL, pool: WorkerPool, decode: @escaping @Sendable (JSONDecoder, Data) throws -> Value,
        _ body: (_ line: [UInt8], _ offset: Int, _ value: Value) throws -> Void
    ) throws {
        let reader = try JSONLinesReader(url)
        var firstLine = 1
        try pool.forEachInOrder(window: pool.workers * 2, next: { () -> [(offset: Int, line: [UInt8])]? in
            var chunk: [(offset: Int, line: [UInt8])] = []
            while chunk.count < Self.documentChunkLines, let line = try reader.next() { chunk.append((reader.lineOffset, Array(line))) }
            return chunk.isEmpty ? nil : chunk
        }, transform: { chunk in
            let decoder = JSONLines.makeDecoder()
            return chunk.map { entry in Result { try decode(decoder, Data(entry.line)) } }
        }, consume: { chunk, decoded in
            for (index, (entry, result)) in zip(chunk, decoded).enumerated() {
                let value: Value
                do { value = try result.get() } catch {
                    throw FileError.corruptRecord(path: url.path, line: firstLine + index, reason: "\(error)")
                }
                try body(entry.line, entry.offset, value)
            }
            firstLine += chunk.count
        })
    }

    /// Lines a pool worker decodes at a time (documents, clusters).
    static let documentChunkLines = 256

    /// Keeps one canonical document's header (the first copy of an id).
    private mutating func add(_ article: ReportArticleHeader, location: ReportLineLocation) throws {
        orders = nil
        let existing = documentIds.slot(of: article.id)
        // The same canonical id in two files: keep the first copy, count the repeat.
        if let existing, documentRows[Int(existing)].known { duplicateDocuments += 1; return }
        let link = article.url ?? article.canonical
        let details = try detailStore.append(ReportDocumentDetails(
            url: link, published: article.published, title: article.title,
            authors: (article.authors ?? []).compactMap(Self.cleanSite), language: article.language.flatMap(Self.cleanSite)))
        // Documents of one site share one copy of its name (a heap block per document's
        // name was 4.4 MB at 100,000 pages).
        var document = ReportDocumentRow(known: true, words: article.words)
        document.site = (article.site.flatMap(Self.cleanSite) ?? Self.site(ofURL: link) ?? Self.site(ofURL: article.canonical))
            .map { intern($0) } ?? -1
        document.when = ReportPublished(article.published)
        document.details = details
        document.location = location
        if let existing {
            documentRows[Int(existing)] = document
            return
        }
        documentIds.insert(article.id)
        documentRows.append(document)
    }

    /// Counts one mention. Mentions of ids that are not canonical documents still count towards
    /// their entity, without a site or a day.
    mutating func add(_ mention: EntityMention) throws {
        orders = nil
        mentionCount += 1
        let document = documentIds.insert(mention.documentId)
        let documentSlot = Int(document.slot)
        if document.inserted { documentRows.append(ReportDocumentRow(known: false)) }
        if !documentRows[documentSlot].known { orphanMentions += 1 }
        // A document's mentions come together (the entities stage writes them so): when the next
        // document's begin, the last one's mentions per entity go to disk and its mentions per
        // ticker to `tickerCounts`. A document whose mentions come again later goes on from what
        // was stored.
        if documentSlot != lastMentionDocument {
            try storePendingCounts()
            lastMentionDocument = documentSlot
            let stored = documentRows[documentSlot].entityCounts
            if stored.count > 0 { pendingCounts = ReportSlotCounts(try entityCountStore.counts(at: stored)) }
            let tickers = documentRows[documentSlot].tickerRange
            if !tickers.isEmpty { pendingTickers = ReportTickerCountRange(store: tickerCounts, range: tickers).counts }
        }

        let (entitySlot, isNew) = entityIds.insert(mention.entityId)
        if isNew { entityRows.append(ReportEntityRow()) }
        let ticker = Self.ticker(of: mention)
        let tickerSlot = ticker.map { internTicker($0) }
        let e = Int(entitySlot)
        entityRows[e].mentions += 1
        if !voteName(e, mention.canonicalName) { otherVotes[entitySlot, default: ReportEntityVotes()].name.add(mention.canonicalName) }
        if !entityRows[e].voteType(mention.type) { otherVotes[entitySlot, default: ReportEntityVotes()].type.add(mention.type) }
        if let ticker, let tickerSlot, !voteTicker(e, tickerSlot) { otherVotes[entitySlot, default: ReportEntityVotes()].ticker.add(ticker) }
        switch mention.tone {
        case .bullish: entityRows[e].bullish += 1
        case .bearish: entityRows[e].bearish += 1
        case .neutral: entityRows[e].neutral += 1
        }
        pendingCounts.update(entitySlot, initial: 0) { $0 += 1 }

        guard let ticker, let tickerSlot else { return }
        pendingTickers.update(tickerSlot, initial: ReportToneCount()) { $0.add(mention.tone) }
        let day = documentRows[documentSlot].when?.day
        let key = Int64(tickerSlot) << 32 | Int64(UInt32(bitPattern: Int32(truncatingIfNeeded: day ?? Int(Int32.min))))
        let slot: Int
        if let existing = tickerDayIndex[key] { slot = existing } else {
            slot = tickerDays.count
            tickerDayIndex[key] = slot
            tickerDays.append(ReportTickerDay(ticker: ticker, day: day))
        }
        tickerDays[slot].mentions += 1
        switch mention.tone {
        case .bullish: tickerDays[slot].bullish += 1
        case .bearish: tickerDays[slot].bearish += 1
        case .neutral: tickerDays[slot].neutral += 1
        }
    }

    /// A ticker symbol's slot in `tickers`, added when new.
    private mutating func internTicker(_ symbol: String) -> Int32 { Self.intern(symbol, in: &tickers, index: &tickerIndex) }

    /// `key`'s slot in `names` (found by `index`), appended to both when new.
    private static func intern(_ key: String, in names: inout [String], index: inout [String: Int32]) -> Int32 {
        if let existing = index[key] { return existing }
        let slot = Int32(names.count)
        index[key] = slot
        names.append(key)
        return slot
    }

    /// Counts a mention's name towards entity `e`'s first one; false when it is another name.
    private mutating func voteName(_ e: Int, _ value: String) -> Bool {
        if entityRows[e].nameVotes == 0 {
            entityRows[e].nameSlot = entityNames.append(value)
        } else if !entityNames.key(Int(entityRows[e].nameSlot), is: value) {
            return false
        }
        entityRows[e].nameVotes += 1
        return true
    }

    /// Counts a mention's ticker (slot) towards entity `e`'s first one; false when it is another.
    private mutating func voteTicker(_ e: Int, _ slot: Int32) -> Bool {
        if entityRows[e].tickerVotes == 0 { entityRows[e].tickerSlot = slot } else if entityRows[e].tickerSlot != slot { return false }
        entityRows[e].tickerVotes += 1
        return true
    }

    /// Stores the mentions per entity counted for `lastMentionDocument`.
    private mutating func storePendingCounts() throws {
        guard lastMentionDocument >= 0 else { return }
        if !pendingCounts.isEmpty {
            documentRows[lastMentionDocument].entityCounts = try entityCountStore.append(pendingCounts)
            pendingCounts.removeAll()
        }
        if !pendingTickers.isEmpty {
            let start = tickerCounts.count
            for (ticker, counts) in pendingTickers { tickerCounts.append(ReportTickerCount(ticker: ticker, counts: counts)) }
            documentRows[lastMentionDocument].tickerRange = start ..< tickerCounts.count
            pendingTickers.removeAll()
        }
    }

    /// About what the counters hold in memory while mentions are read (bytes): the entities'
    /// and documents' rows and keys, the ticker counts, the other votes and the ticker-days. An
    /// estimate (per-entry costs of the dictionaries and the votes are typical sizes, not
    /// measured each time), for the mention sorter's budget (`ReportMentionSorter`); it grows
    /// with the night's distinct entities and documents.
    var heldBytes: Int {
        entityRows.count * MemoryLayout<ReportEntityRow>.stride + entityIds.heldBytes + entityNames.heldBytes
            + documentRows.count * MemoryLayout<ReportDocumentRow>.stride + documentIds.heldBytes
            + tickerCounts.count * MemoryLayout<ReportTickerCount>.stride
            + otherVotes.count * Self.votesEntryBytes + tickerDays.count * Self.tickerDayEntryBytes
            + stories.count * Self.storyEntryBytes
    }

    /// Typical bytes of one entry of `otherVotes` (the dictionary's slot and a votes row with a
    /// dictionary or two), of `tickerDays` with its index, and of a story with its sites, ids
    /// and index entry.
    static let votesEntryBytes = 160
    static let tickerDayEntryBytes = 120
    static let storyEntryBytes = 320

    /// A document's mentions per entity (slot, mentions), in the order its mentions first named
    /// them. Several threads may ask at once after `finish()`.
    func entityCounts(of document: ReportDocument) throws -> [(key: Int32, value: Int32)] {
        try entityCountStore.counts(at: document.entityCounts)
    }

    /// The same for a document's row.
    func entityCounts(of document: ReportDocumentRow) throws -> [(key: Int32, value: Int32)] {
        try entityCountStore.counts(at: document.entityCounts)
    }

    // MARK: Finishing

    /// Derives per-document, per-entity, per-ticker and per-pair figures once all input is read.
    ///
    /// Distinct sites (per entity, ticker, ticker-day and pair) and pair counts are found by
    /// sorting packed 64-bit keys rather than with a set or dictionary per item: the keys are
    /// 8 bytes each and freed at the end, where a set per entity cost an allocation each and a
    /// dictionary of every pair several times its keys (the report's memory at 100,000 pages).
    mutating func finish() throws {
        try storePendingCounts()
        lastMentionDocument = -1
        try entityCountStore.seal()
        for index in entityRows.indices { settle(index) }
        otherVotes = [:]
        entityIds.fit()
        // Entities, documents and their ticker counts are kept in blocks (no slack to shed); the
        // ticker-days and the documents' ids grew by doubling while they were read: copied to
        // their exact size now, before the larger structures of the night's end (up to half their
        // bytes were slack).
        Self.fit(&tickerDays)
        documentIds.fit()
        // The pairs are counted first, then the entities', tickers' and sites' counts (beside
        // them, on a thread of their own, the two steps' arrays were the night's largest moment,
        // 31 MB above the counters at 100,000 pages, for about a second saved; after them, the
        // entities' reach was held through the pairs' peak); they read the documents, the
        // entity ids and what is made for them here (the sites' slots, interned here first, in
        // document order).
        let documentSites = documentRows.map { $0.known ? $0.site : -1 }
        var tickerNumbers: [String: Int32] = [:]
        let tickerOf: [Int32] = entityRows.indices.map { index in
            guard entityRows[index].tickerSlot >= 0 else { return -1 }
            let symbol = tickers[Int(entityRows[index].tickerSlot)]
            if let number = tickerNumbers[symbol] { return number }
            let number = Int32(tickerNumbers.count)
            tickerNumbers[symbol] = number
            return number
        }
        tickerNumbers = [:]
        // Canonical documents grouped by site (by slot, those without a site last): the distinct
        // sites of entities, tickers, ticker-days and pairs are counted walking them in this
        // order (`ReportSiteWalk`).
        let walk = Self.bySite(documentRows.indices.filter { documentRows[$0].known }, sites: documentSites)
        let counted = try ReportPairCounter(
            documents: documentRows, documentSites: documentSites, walk: walk,
            named: entityRows.map { reportNamedTypes.contains($0.type) }, tickerOf: tickerOf,
            entityIds: entityIds, entityCounts: entityCountStore, pairCap: pairCap, minimumPairDocuments: minimumPairDocuments,
            kept: coMentionsKept, keysPerRange: pairKeysPerRange).count()
        ReportHeap.mark("finish: pairs counted")
        coMentionSlots = counted.coMentionSlots
        pairs = ReportPairTable(counted.pairs) { [entityIds] x, y in
            if x.documents != y.documents { return x.documents > y.documents }
            if x.a != y.a { return entityIds.precedes(Int(x.a), Int(y.a)) }
            return entityIds.precedes(Int(x.b), Int(y.b))
        }
        ReportHeap.mark("finish: pairs sorted")
        ReportHeap.returnFreePages()
        // Counted from scratch (a corpus finished again after more input counts it again).
        entityReach = ReportBlockArray()
        for _ in entityRows.indices { entityReach.append(ReportEntityReach()) }
        var entitySites = ReportSiteWalk(items: entityRows.count)
        var tickerSites = ReportSiteWalk(items: tickers.count)
        var tickerDaySites = ReportSiteWalk(items: tickerDays.count)
        var tickerDocuments = [Int](repeating: 0, count: tickers.count)
        var tickerSiteCounts = [Int](repeating: 0, count: tickers.count)

        // Mentions of ids that are not canonical documents (a mismatch between stages) count as
        // mentions only: they have no site or day and are not documents of the report.
        for index in walk {
            let document = documentRows[Int(index)]
            let site = documentSites[Int(index)]
            let day = document.when?.day
            for (entity, _) in try entityCounts(of: document) {
                let e = Int(entity)
                entityReach[e].documents += 1
                if entitySites.first(e, at: site) { entityReach[e].sites += 1 }
                if let day {
                    entityReach[e].firstDay = min(entityReach[e].firstDay ?? day, day)
                    entityReach[e].lastDay = max(entityReach[e].lastDay ?? day, day)
                }
            }
            for index in document.tickerRange {
                let ticker = tickerCounts[index].ticker
                let t = Int(ticker)
                tickerDocuments[t] += 1
                if tickerSites.first(t, at: site) { tickerSiteCounts[t] += 1 }
                let key = Int64(ticker) << 32 | Int64(UInt32(bitPattern: Int32(truncatingIfNeeded: day ?? Int(Int32.min))))
                if let slot = tickerDayIndex[key] {
                    tickerDays[slot].documents += 1
                    if tickerDaySites.first(slot, at: site) { tickerDays[slot].sites += 1 }
                }
            }
        }
        // The sites that carried each entity's documents (mirrors' sites too): each document
        // once per site that carried it, grouped by that site.
        var carried: [(carrier: Int32, document: Int32)] = []
        for index in documentRows.indices where documentRows[index].known {
            let document = documents[index]
            for carrier in carriers(of: document) { carried.append((intern(carrier), Int32(index))) }
        }
        carried.sort { x, y in x.carrier != y.carrier ? x.carrier < y.carrier : x.document < y.document }
        var reach = ReportSiteWalk(items: entityRows.count)
        for (carrier, index) in carried {
            for (entity, _) in try entityCounts(of: documentRows[Int(index)]) where reach.first(Int(entity), at: carrier) {
                entityReach[Int(entity)].sitesWithMirrors += 1
            }
        }
        carried = []
        (entitySites, tickerSites, tickerDaySites, reach) = (ReportSiteWalk(items: 0), ReportSiteWalk(items: 0), ReportSiteWalk(items: 0), ReportSiteWalk(items: 0))

        ReportHeap.mark("finish: own counts done")
        tickerDays.sort { x, y in
            if x.ticker != y.ticker { return reportPrecedes(x.ticker, y.ticker) }
            return (x.day ?? Int.max) < (y.day ?? Int.max)
        }
        tickerDayIndex = [:]
        var totals: [String: ReportTickerTotal] = [:]
        for day in tickerDays {
            var total = totals[day.ticker] ?? ReportTickerTotal(ticker: day.ticker)
            total.mentions += day.mentions
            total.bullish += day.bullish
            total.bearish += day.bearish
            total.neutral += day.neutral
            totals[day.ticker] = total
        }
        for (slot, ticker) in tickers.enumerated() {
            totals[ticker]?.documents = tickerDocuments[slot]
            totals[ticker]?.sites = tickerSiteCounts[slot]
        }
        tickerTotals = totals.values.sorted { x, y in
            if x.mentions != y.mentions { return x.mentions > y.mentions }
            return reportPrecedes(x.ticker, y.ticker)
        }
        // The tables, the overview, the page and the snapshot all go through the night in these
        // orders: sorted once here (five sorts of 272,000 entities and four of 71,000 documents
        // before, at 100,000 pages).
        orders = (entities: sortedEntities().map { Int32($0) }, documents: sortedDocuments().map { Int32($0) })
    }

    /// `documents` (slots) grouped by their site slot in `sites` (ascending; -1, no site, last),
    /// in slot order within a site.
    static func bySite(_ documents: [Int], sites: [Int32]) -> [Int32] {
        func key(_ document: Int) -> Int32 { sites[document] < 0 ? Int32.max : sites[document] }
        return documents.sorted { x, y in key(x) != key(y) ? key(x) < key(y) : x < y }.map { Int32($0) }
    }

    /// Pairs gathered together at most (1 MB of second entities), unless one entity alone is the
    /// first of more: each range is a pass over the documents' chosen entities (a few
    /// milliseconds), and 4 MB a range was a sixth of the night's end at 100,000 pages.
    static let pairKeysSorted = 1 << 18

    /// Copies `array` into storage of its exact size.
    static func fit<T>(_ array: inout [T]) {
        guard array.capacity > array.count else { return }
        var exact: [T] = []
        exact.reserveCapacity(array.count)
        exact.append(contentsOf: array)
        array = exact
    }

    /// Settles entity `index`'s name, type and ticker: the most frequent of its first votes and
    /// the others.
    private mutating func settle(_ index: Int) {
        let others = otherVotes[Int32(index)]
        let row = entityRows[index]
        var names = others?.name.counts ?? [:]
        if row.nameVotes > 0 { names[entityNames[Int(row.nameSlot)], default: 0] += Int(row.nameVotes) }
        var types = others?.type.counts ?? [:]
        if row.typeVotes > 0 { types[row.type, default: 0] += Int(row.typeVotes) }
        var symbols = others?.ticker.counts ?? [:]
        if row.tickerVotes > 0, row.tickerSlot >= 0 { symbols[tickers[Int(row.tickerSlot)], default: 0] += Int(row.tickerVotes) }
        // An entity whose mentions gave one name (or one ticker, or none) keeps the slot it has.
        if row.nameVotes == 0 || !names.keys.elementsEqual([entityNames[Int(row.nameSlot)]]) {
            entityRows[index].nameSlot = entityNames.append(Self.winner(names) ?? entityIds[index])
        }
        entityRows[index].type = types.max { x, y in x.value != y.value ? x.value < y.value : y.key < x.key }?.key ?? .miscellaneous
        // Every symbol voted for was interned as its mention was read.
        if symbols.count > 1 { entityRows[index].tickerSlot = Self.winner(symbols).flatMap { tickerIndex[$0] } ?? -1 }
    }

    /// The most frequent value, ties to the byte-wise smallest.
    private static func winner(_ votes: [String: Int]) -> String? {
        votes.max { x, y in x.value != y.value ? x.value < y.value : reportPrecedes(y.key, x.key) }?.key
    }

    /// A site's slot in `siteNames`, added when new.
    private mutating func intern(_ site: String) -> Int32 { Self.intern(site, in: &siteNames, index: &siteIndex) }

    // MARK: Queries

    /// An entity's most co-mentioned entities (slots), best first: most shared documents, then
    /// by id.
    func coMentions(of entity: Int) -> ArraySlice<Int32> {
        precondition(!coMentionsDropped, "ReportCorpus: the top co-mentions were let go (dropCoMentions)")
        guard !coMentionSlots.isEmpty else { return [] }
        let slots = coMentionSlots[entity * coMentionsKept ..< (entity + 1) * coMentionsKept]
        return slots.prefix { $0 >= 0 }
    }

    /// Every site that carried a document: its own and its mirrors', sorted.
    func carriers(of document: ReportDocument) -> [String] {
        precondition(documentCarriers == nil, "ReportCorpus: the stories were let go (dropTableInputs)")
        var sites: Set<String> = []
        if let site = document.site { sites.insert(site) }
        if let story = storyOfCanonical[document.id] {
            sites.formUnion(stories[story].sites)
        } else if let removed = removedByCanonical[document.id] {
            sites.formUnion(removed.sites)
        }
        return sites.sorted(by: reportPrecedes)
    }

    /// Mirrors dedup removed for a canonical document.
    func mirrorCount(of document: ReportDocument) -> Int {
        precondition(documentCarriers == nil, "ReportCorpus: the stories were let go (dropTableInputs)")
        if let story = storyOfCanonical[document.id] { return stories[story].mirrors }
        return removedByCanonical[document.id]?.count ?? 0
    }

    /// Canonical documents in report order: by publication instant (undated last), then id.
    func orderedDocuments() -> [Int] {
        if let orders { return orders.documents.map(Int.init) }
        return sortedDocuments()
    }

    private func sortedDocuments() -> [Int] {
        documentRows.indices.filter { documentRows[$0].known }.sorted { x, y in
            switch (documentRows[x].when, documentRows[y].when) {
            case let (p?, q?) where p.instant != q.instant: return p.instant < q.instant
            case (nil, _?): return false
            case (_?, nil): return true
            default: return documentIds.precedes(x, y)
            }
        }
    }

    /// Entities in report order: most mentioned first, then by id.
    func orderedEntities(namedOnly: Bool = false) -> [Int] {
        precondition(!entityDetailsDropped, "ReportCorpus: the entities' rows were let go (dropEntityDetails)")
        guard let order = orders?.entities else {
            let all = sortedEntities()
            return namedOnly ? all.filter { reportNamedTypes.contains(entityRows[$0].type) } : all
        }
        // Straight from the stored order into an array of its size (a copy of the whole order
        // and then a filtered one were 4 MB at once at 100,000 pages).
        func kept(_ slot: Int32) -> Bool { !namedOnly || reportNamedTypes.contains(entityRows[Int(slot)].type) }
        var result: [Int] = []
        result.reserveCapacity(namedOnly ? order.reduce(0) { $0 + (kept($1) ? 1 : 0) } : order.count)
        for slot in order where kept(slot) { result.append(Int(slot)) }
        return result
    }

    /// The entities in report order as slots: once `finish()` sorted them, the stored order
    /// itself (no copy; a copy as `[Int]` was 2.2 MB at 100,000 pages, made by each of the
    /// tables, the overview, the history row and the snapshot).
    func entityOrderSlots() -> [Int32] {
        precondition(!entityDetailsDropped, "ReportCorpus: the entities' rows were let go (dropEntityDetails)")
        return orders?.entities ?? sortedEntities().map { Int32($0) }
    }

    /// Whether the entity in `slot` is of a named type (`reportNamedTypes`).
    func isNamed(_ slot: some BinaryInteger) -> Bool { reportNamedTypes.contains(entityRows[Int(slot)].type) }

    /// The stories' indexes (into `stories`) by reach: most sites, then most mirrors, then
    /// cluster id (indexes, not a sorted copy of the stories: 2.3 MB at 100,000 pages).
    func storyIndexesByReach() -> [Int32] {
        stories.indices.map { Int32($0) }.sorted { a, b in
            let (x, y) = (stories[Int(a)], stories[Int(b)])
            if x.sites.count != y.sites.count { return x.sites.count > y.sites.count }
            if x.mirrors != y.mirrors { return x.mirrors > y.mirrors }
            return reportPrecedes(x.clusterId, y.clusterId)
        }
    }

    private func sortedEntities() -> [Int] {
        entityRows.indices.sorted { x, y in
            let (a, b) = (entityRows[x].mentions, entityRows[y].mentions)
            if a != b { return a > b }
            return entityIds.precedes(x, y)
        }
    }

    /// An entity's id (by slot).
    func entityId(_ slot: some BinaryInteger) -> String { entityIds[Int(slot)] }

    /// Named entities of a document, most mentioned first (ties by id).
    func namedEntities(of document: ReportDocument) throws -> [Int32] {
        try entityCounts(of: document).filter { reportNamedTypes.contains(entityRows[Int($0.key)].type) }
            .sorted { x, y in
                if x.value != y.value { return x.value > y.value }
                return entityIds.precedes(Int(x.key), Int(y.key))
            }.map(\.key)
    }

    /// Tickers of a document, most mentioned first (ties by symbol).
    func tickers(of document: ReportDocument) -> [String] {
        document.tickerMentions.sorted { x, y in
            if x.value.total != y.value.total { return x.value.total > y.value.total }
            return reportPrecedes(tickers[Int(x.key)], tickers[Int(y.key)])
        }.map { tickers[Int($0.key)] }
    }

    /// A document's slot, by its id.
    func documentSlot(of id: String) -> Int32? { documentIds.slot(of: id) }

    func title(ofDocument id: String) throws -> String? {
        try documentIds.slot(of: id).flatMap { try details(of: documents[Int($0)]).title }
    }

    /// The symbol a mention counts towards: its linked company's ticker, or for a ticker mention
    /// its own symbol. Upper-cased, without a leading `$`.
    static func ticker(of mention: EntityMention) -> String? {
        var candidate = mention.ticker
        if candidate == nil && mention.type == .ticker {
            candidate = mention.entityId.hasPrefix("ticker:") ? String(mention.entityId.dropFirst(7)) : mention.canonicalName
        }
        guard var symbol = candidate?.trimmingCharacters(in: .whitespacesAndNewlines) else { return nil }
        if symbol.hasPrefix("$") { symbol.removeFirst() }
        symbol = symbol.uppercased()
        return symbol.isEmpty ? nil : symbol
    }

    static func cleanSymbol(_ symbol: String) -> String? {
        var text = symbol.trimmingCharacters(in: .whitespacesAndNewlines)
        if text.hasPrefix("$") { text.removeFirst() }
        return text.isEmpty ? nil : text.uppercased()
    }

    static func cleanSite(_ site: String) -> String? {
        let trimmed = site.trimmingCharacters(in: .whitespacesAndNewlines)
        return trimmed.isEmpty ? nil : trimmed
    }

    /// A member's site: the one strip gave, else the host of its http(s) URL.
    static func site(of member: ClusterMember) -> String? {
        member.site.flatMap(cleanSite) ?? site(ofURL: member.url)
    }

    /// The host of an http(s) URL, lower-cased and without `www.`, as strip names sites; nil for
    /// other schemes (`file://` pages of a folder source carry no site).
    static func site(ofURL url: String?) -> String? {
        guard let url, let schemeEnd = url.range(of: "://") else { return nil }
        let scheme = url[..<schemeEnd.lowerBound].lowercased()
        guard scheme == "http" || scheme == "https" else { return nil }
        var host = url[schemeEnd.upperBound...].prefix { $0 != "/" && $0 != "?" && $0 != "#" }
        if let at = host.lastIndex(of: "@") { host = host[host.index(after: at)...] }
        if host.hasPrefix("[") {
            host = host.prefix { $0 != "]" }.dropFirst()
        } else if let colon = host.firstIndex(of: ":") {
            host = host[..<colon]
        }
        var name = host.lowercased()
        if name.hasPrefix("www.") { name.removeFirst(4) }
        return name.isEmpty ? nil : name
    }
}

/// The night's co-occurring pairs and each entity's top co-mentioned entities, counted from the
/// documents' entity counters (`ReportCorpus.finish` runs it first, before its other counts).
struct ReportPairCounter: Sendable {
    let documents: ReportBlockArray<ReportDocumentRow>
    /// Each document's site slot (-1 for none or not canonical).
    let documentSites: [Int32]
    /// The canonical documents grouped by site (`ReportCorpus.bySite`).
    let walk: [Int32]
    /// Whether each entity is of a named type (only those are paired).
    let named: [Bool]
    /// Each entity's ticker as a number (equal numbers for equal symbols, -1 for none).
    let tickerOf: [Int32]
    let entityIds: ReportKeyTable
    let entityCounts: ReportEntityCountStore
    let pairCap: Int
    let minimumPairDocuments: Int
    let kept: Int
    /// Partners gathered together at most (`ReportCorpus.pairKeysSorted`; tests lower it).
    var keysPerRange = ReportCorpus.pairKeysSorted

    /// The pairs of at least `minimumPairDocuments` documents, in key order (by first entity,
    /// then second), and each entity's best `kept` co-mentioned entities in flat slots.
    func count() throws -> (pairs: ReportBlockArray<ReportPair>, coMentionSlots: [Int32]) {
        // Each document's entities that take part in pairs (`pairChoice`), chosen once, so that
        // going over a document's pairs (once per range of pair keys below) allocates nothing:
        // a list made per document and pass was a quarter of this step. Copied to its size
        // before the buckets below, the night's end's largest moment.
        var chosen: [Int32] = []
        var chosenStart: [Int32] = [0]
        chosenStart.reserveCapacity(documents.count + 1)
        var counts = ReportEntityCountStore.Reader(entityCounts)
        for document in documents {
            if document.known { chosen += pairChoice(try counts.counts(at: document.entityCounts)) }
            chosenStart.append(Int32(chosen.count))
        }
        ReportCorpus.fit(&chosen)
        // Each document's choice was a few small arrays, freed among the counters.
        ReportHeap.mark("pairs: entities chosen")
        ReportHeap.returnFreePages()
        /// The pairs of a document's chosen entities, first entity the one earlier in its list,
        /// minus pairs of a company and its own ticker symbol (both entities name the same one).
        func chosenPairs(_ document: Int, _ body: (Int32, Int32) -> Void) {
            let start = Int(chosenStart[document]), end = Int(chosenStart[document + 1])
            for i in start ..< end {
                let a = chosen[i], tickerA = tickerOf[Int(a)]
                for j in i + 1 ..< end where tickerA < 0 || tickerOf[Int(chosen[j])] != tickerA { body(a, chosen[j]) }
            }
        }
        // Each entity's partners in every document's pairs, both ways: the pairs of one entity
        // are counted together (a bucket of its partners), which gives its top co-mentions at
        // once and, where it is the first of a pair (by id), the listed pairs.
        var pairsOf = [Int32](repeating: 0, count: named.count)
        for document in documents.indices where documents[document].known {
            chosenPairs(document) { a, b in pairsOf[Int(a)] += 1; pairsOf[Int(b)] += 1 }
        }

        // In blocks: no copy while they grow, no slack to shed.
        var pairs = ReportBlockArray<ReportPair>()
        // Every pair counts towards "top co-mentioned" (each entity keeps its best few, by a
        // total order); only frequent pairs get a row of their own. The partners are gathered a
        // range of entities at a time (every pair of the night at once was the largest array of
        // its end) and sorted within each entity, so `pairs` comes out in key order (first
        // entity, then second, by slot). Each entity's best `coMentionsKept` co-mentioned
        // entities are chosen from its whole bucket, into flat slots (an array per entity cost
        // an allocation each; keeping every entity's best few and their counts while pairs
        // were offered one at a time was two such arrays, 11 MB at 100,000 pages).
        var coMentionSlots = [Int32](repeating: -1, count: named.count * kept)
        func better(_ x: (entity: Int32, documents: Int), _ y: (entity: Int32, documents: Int)) -> Bool {
            x.documents != y.documents ? x.documents > y.documents : entityIds.precedes(Int(x.entity), Int(y.entity))
        }
        var best: [(entity: Int32, documents: Int)] = []
        best.reserveCapacity(kept + 1)
        /// Keeps `candidate` among the best `kept` of `best` (best first).
        func offer(_ candidate: (entity: Int32, documents: Int)) {
            guard best.count < kept || better(candidate, best[best.count - 1]) else { return }
            var at = best.count
            while at > 0, better(candidate, best[at - 1]) { at -= 1 }
            best.insert(candidate, at: at)
            if best.count > kept { best.removeLast() }
        }
        // A range's partners, bucketed by entity (`pairsOf` gives each bucket's size, so no key
        // is sorted across buckets); each bucket is then sorted on its own. One buffer serves
        // every range (an array made per range and freed among the growing pairs' blocks left
        // 8 MB of heap held at 100,000 pages).
        var seconds: [Int32] = []
        var bucketEnd: [Int] = []
        var low = 0
        while low < named.count {
            var high = low, count = 0
            while high < named.count, high == low || count + Int(pairsOf[high]) <= keysPerRange {
                count += Int(pairsOf[high])
                high += 1
            }
            if count > 0 {
                if seconds.count < count { seconds = Array(repeating: 0, count: max(count, keysPerRange)) }
                bucketEnd.removeAll(keepingCapacity: true)
                var total = 0
                for a in low ..< high { bucketEnd.append(total); total += Int(pairsOf[a]) }
                func put(_ entity: Int32, _ partner: Int32) {
                    guard entity >= low && entity < high else { return }
                    let bucket = Int(entity) - low
                    seconds[bucketEnd[bucket]] = partner
                    bucketEnd[bucket] += 1
                }
                for document in documents.indices where documents[document].known {
                    chosenPairs(document) { a, b in put(a, b); put(b, a) }
                }
                var start = 0
                for a in low ..< high {
                    let end = bucketEnd[a - low]
                    seconds[start ..< end].sort()
                    best.removeAll(keepingCapacity: true)
                    var run = start
                    while run < end {
                        var next = run + 1
                        while next < end, seconds[next] == seconds[run] { next += 1 }
                        let (entity, partner) = (Int32(a), seconds[run])
                        let count = next - run
                        offer((partner, count))
                        // Listed under the first of the two by id, as each document's chosen
                        // entities are ordered.
                        if count >= minimumPairDocuments, entityIds.precedes(a, Int(partner)) {
                            pairs.append(ReportPair(a: entity, b: partner))
                        }
                        run = next
                    }
                    for (index, item) in best.enumerated() { coMentionSlots[a * kept + index] = item.entity }
                    start = end
                }
            }
            low = high
        }
        seconds = []
        pairsOf = []
        // The ranges' buckets and each entity's best few were made and freed among the pairs'
        // blocks.
        ReportHeap.mark("pairs: buckets counted")
        ReportHeap.returnFreePages()
        if !pairs.isEmpty {
            // `pairs` is in key order here: the pairs of first entity `a` are
            // `pairs[firstPair[a] ..< firstPair[a + 1]]`, in order of their second entity.
            var firstPair = [Int32](repeating: 0, count: named.count + 1)
            for pair in pairs { firstPair[Int(pair.a) + 1] += 1 }
            for index in 1 ..< firstPair.count { firstPair[index] += firstPair[index - 1] }
            /// A pair's slot in `pairs`, by binary search among its first entity's pairs.
            func slot(of a: Int32, _ b: Int32) -> Int? {
                var low = Int(firstPair[Int(a)]), high = Int(firstPair[Int(a) + 1])
                let end = high
                while low < high {
                    let middle = (low + high) / 2
                    if pairs[middle].b < b { low = middle + 1 } else { high = middle }
                }
                return low < end && pairs[low].b == b ? low : nil
            }
            var pairSites = ReportSiteWalk(items: pairs.count)
            for index in walk {
                let document = Int(index)
                let site = documentSites[document]
                let day = documents[document].when?.day
                chosenPairs(document) { a, b in
                    guard let slot = slot(of: a, b) else { return }
                    pairs[slot].documents += 1
                    if pairSites.first(slot, at: site) { pairs[slot].sites += 1 }
                    if let day {
                        pairs[slot].firstDay = min(pairs[slot].firstDay ?? day, day)
                        pairs[slot].lastDay = max(pairs[slot].lastDay ?? day, day)
                    }
                }
            }
        }
        return (pairs, coMentionSlots)
    }

    /// The entities of a document that take part in pairs: its `pairCap` most mentioned named
    /// entities (ties by id), by id. Its pairs (`chosenPairs` in `count`) leave out a company and
    /// its own ticker symbol.
    ///
    /// The cap keeps a long list-like article (a market wrap naming 200 tickers) from adding
    /// ~20,000 pairs on its own; at most `pairCap·(pairCap−1)/2` pairs per document.
    private func pairChoice(_ counts: [(key: Int32, value: Int32)]) -> [Int32] {
        var chosen = counts.filter { named[Int($0.key)] }.map { (entity: $0.key, count: $0.value) }
        chosen.sort { x, y in
            if x.count != y.count { return x.count > y.count }
            return entityIds.precedes(Int(x.entity), Int(y.entity))
        }
        return chosen.prefix(pairCap).map(\.entity).sorted { entityIds.precedes(Int($0), Int($1)) }
    }
}
