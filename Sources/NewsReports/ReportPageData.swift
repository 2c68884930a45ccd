import Foundation
import NewsRecords

/// What the interactive `report.html` embeds (`newspipe-report-data/4`): documents, named
/// entities, tickers and their mentions as column arrays, and the sentences of those mentions,
/// each stored once.
///
/// Filled while the sorted mentions stream past (one document at a time, with each mention's
/// context); written once at the end. Memory holds one compact row per embedded mention and per
/// sentence, not the mention records; the sentence text waits in an unlinked temporary file
/// (`ReportSpillFile`) and every block is written in pieces through gzip and Base64, so the
/// page's bounds below bound its size, not the report stage's memory.
///
/// Bounds: at most `mentionsMax` mentions are embedded (those of the newest documents; the tables'
/// counts stay complete) and at most `sentenceBytesMax` bytes of sentences; `run.mentions_complete`
/// and `run.sentences_complete` say when a bound cut something, and the page says so.
///
/// ## The page's data
///
/// ```html
/// <script type="application/json" id="data">{ …below… }</script>
/// <script>…the program (ReportPageAssets.script)…</script>
/// <script type="application/octet-stream" id="data-entities" data-encoding="gzip+base64" data-layout="json-lines">…</script>
/// <script type="application/octet-stream" id="data-documents" data-encoding="gzip+base64">…</script>
/// <script type="application/octet-stream" id="data-mentions" data-encoding="gzip+base64" data-layout="int32le-columns">…</script>
/// <script type="application/octet-stream" id="data-sentences" data-encoding="gzip+base64">…</script>
/// ```
/// `#data` holds what the first table needs; the long tail of the entities and the document,
/// mention and sentence blocks come after the program so the first table does not wait for them
/// (the browser reads every byte before a script before it runs it: at 50,000 documents the
/// documents and mentions were 25 of the 28 MB of the first block, and with 478,000 entities the
/// entity table was 38 MB of it, README). `#data` escapes `<`, `>`, `&`, U+2028 and U+2029 in strings
/// (`\u003c` …), so no input can end a script element; the document and mention blocks are gzip
/// then Base64 (ASCII only); the sentence block too, or plain JSON (`json`).
///
/// - Tables are **columns**: an object of equal-length arrays, row *i* is element *i* of each.
///   Strings that repeat (sites, bylines, languages, story names, evidence) are given once in
///   `dict` and referred to by index; -1 is none. Days are days since 1970-01-01 (UTC); null
///   when unknown.
/// - `run`: `title`, `night` (the report folder's date), `finished_at`, `manifest`, `documents`,
///   `entities` (named entities on the page: the `entities` table here and the entity block),
///   `mentions` (of named entities, all), `mentions_embedded`, `groups` (how many the mention
///   block holds), `sites`, `first_day`, `last_day`,
///   `undated`, `plot_first_day`/`plot_last_day` (timelines leave other days out and count them),
///   `mentions_complete`, `mentions_from_day` (the oldest day embedded when not complete),
///   `sentences_complete`, `missing_inputs`.
/// - `dict`: `sites`, `languages`, `bylines` (authors joined with "; "), `types`
///   (`PER ORG LOC MISC TICKER`), `names` (story names), `evidence` (why a mention was linked);
///   `sites_rank`, `bylines_rank`: each site's and byline's sort rank.
/// - **Sort ranks** (`…_rank`, since format 4): a text column's order as integers, so the page
///   sorts by comparing them (sorting 478,000 names in the page held it for seconds): the value's
///   place among the column's distinct values in `ReportTextOrder` (case and accents ignored,
///   numbers by value), equal values equal ranks, null for no value (sorted last).
/// - The **document block** (`#data-documents`), one JSON object, the `documents` table
///   (publication order, undated last; row = document index): `id`, `title`, `title_rank`, `url`,
///   `site`, `byline`, `day`, `language`, `words`, `entities` (named entities mentioned),
///   `sentences` (how many of its sentences the sentence block holds), `carriers` (sites that
///   carried the story, mirrors included), `mirrors`.
/// - `entities` (most mentioned first): `id`, `name`, `name_rank` (among all the page's
///   entities, whichever block holds them), `type`, `ticker` (index into `tickers`),
///   `mentions`, `documents`, `sites`, `bullish`, `bearish`, `neutral`, `first_day`, `last_day`.
///   `#data` holds the first rows only (`entitiesFirst`: the most mentioned, at most
///   `entitiesFirstMax`, none mentioned once); the **entity block** (`#data-entities`) holds the
///   rest, in the same order, as JSON lines: each line an object of the same columns for up to
///   `entitiesPerLine` entities. Entity *i* of the page is row *i* of `#data`'s table followed
///   by the block's lines; indexes elsewhere (tickers, groups) count in that order.
/// - `tickers` (most mentioned first): `symbol`, `symbol_rank`, `company` (its organisation's
///   name today), `company_rank` (by the story name, else the company: what the company column
///   shows first), `entity` (index of that organisation), `story_name` (index into
///   `dict.names`: the name the embedded mentions used most for it, -1 none), the same counts
///   and days.
/// - The **mention block** (`#data-mentions`): first the G = `run.groups` **groups**, runs of
///   mentions with the same entity, ticker and story name (the name a story used for a company:
///   the entities stage's name at the date, else the surface without a possessive), sorted by
///   entity, ticker, name so an entity's groups are contiguous: four columns of G little-endian
///   signed 32-bit integers, `entity`, `ticker` (-1 none), `name` (index into `dict.names`, -1
///   none), `first` (index of the group's first mention). Then the mentions (by group, then
///   document, sentence, start): for N = `run.mentions_embedded`, five columns of N such
///   integers, `doc`, `sentence` (index among the document's stored sentences; -1 when the
///   article text was not available), `start` and `length` in **Unicode code points** of the
///   stored sentence (the page converts to UTF-16), `evidence` (index into `dict.evidence`, -1
///   none), then N bytes of `tone` (0 neutral, 1 bullish, 2 bearish): 16·G + 21·N bytes,
///   gzip-compressed, Base64-encoded.
/// - The sentence of mention *m* is `sentences[S(doc) + sentence]`, `S(d)` the sum of
///   `documents.sentences` before *d*. A stored sentence cut to a snippet begins and/or ends with
///   `…`, and offsets count in the stored text; one left out by the bound is `null`.
/// - `history` (absent before the second night): `nights`, `documents`, `mentions` per night,
///   and `tickers` (`symbol`, `name`) and `entities` (`id`, `name`, `type`) with per-night
///   `mentions`, `bullish`, `bearish` arrays, for the most mentioned over the window
///   (`ReportHistory`).
/// - Links into the page are `#key=value&…`: `tab`, `tq`/`eq`/`dq` (filters), `ts`/`es`/`ds`
///   (sort, `-` for descending), `type`, `lang`, `from`, `to`, `with` (`entity:<id>` or
///   `ticker:<symbol>`), `ticker`, `entity`, `doc` (the panel), `page`, `tone`, `range`, `mq`,
///   `bucket`.
final class ReportPageData {
    static let format = "newspipe-report-data/4"
    /// Entities `#data` holds at most; the rest follow in the entity block, read after the first
    /// table. 5,000 rows are a hundred screens of the entity table in its default order (most
    /// mentioned first), more than a reader scrolls in the second the rest takes to read, and
    /// about 0.4 MB of `#data` (80 bytes an entity); all 478,000 entities of the README's probe
    /// were 38 MB there, and the first table came after 2.2 s.
    static let entitiesFirstMax = 5_000
    /// Entities mentioned fewer times than this wait for the entity block however few there are:
    /// names mentioned once are most of the list (26,243 of the 39,851 entities of a 995-document
    /// night) and the last rows of its default order, and every report, small ones too, then reads
    /// its entities the one way.
    static let entitiesFirstMinMentions = 2
    /// Entities per line of the entity block: the page parses a line at a time (about 0.7 MB, a
    /// few milliseconds) between other work.
    static let entitiesPerLine = 8_192
    /// Mentions embedded in the page. 500,000 mentions (50,000 documents) make a page that is
    /// interactive in about a second in Chromium on this machine (README); a million is about
    /// the most a browser tab handles comfortably.
    static let mentionsMax = 1_000_000
    /// Sentence bytes embedded (before compression): about 1.3 million typical sentences.
    static let sentenceBytesMax = 192 << 20
    /// Entity types the page lists, in the order of `dict.types`.
    static let types: [EntityType] = [.person, .organization, .location, .miscellaneous, .ticker]

    struct Mention {
        var doc: Int32
        var entity: Int32
        var ticker: Int32
        var name: Int32
        var sentence: Int32
        var start: Int32
        var length: Int32
        var tone: UInt8
        var evidence: Int32
    }

    /// The page's copy of the corpus; the entities' rows and names go once the entity blocks
    /// are rendered (`ReportCorpus.dropEntityDetails`).
    private var corpus: ReportCorpus
    let documentOrder: [Int]
    /// Each document's headline rank among the page's documents (by position in
    /// `documentOrder`), when ranked before the page (`ReportTitleRanking`); nil ranks them
    /// while the document block is written.
    var titleRanks: [Int32]?
    private var documentPosition: [Int32]
    private var embedded: [Bool]
    /// The page's entities (corpus slots) in page order; emptied once their blocks are rendered
    /// (`entityCount` stays).
    private var entityOrder: [Int]
    let entityCount: Int
    /// Each entity's place (by `entityOrder` position) when the names are sorted as text.
    private var entityNameRanks: [Int32]
    /// `#data`'s entity table (its first `entitiesFirst` rows), rendered when the page is made,
    /// escaped for a script element.
    private var firstEntities: [UInt8] = []
    /// The entity block's lines (`writeEntities(to:)`), rendered when the page is made and kept
    /// on disk: the entities' rows, names and order can then go before the context pass and the
    /// page's end, which no longer need them (`ReportCorpus.dropEntityDetails`).
    private let entityBlock: ReportSpillFile
    private var entityBlockPieces: [ReportSpillFile.Span] = []
    /// Each ticker's company name (`tickerEntity`'s name), for the ticker table.
    private var tickerCompany: [String?] = []
    private var entityPosition: [Int32]
    /// Each document's named entities on the page (by index in the corpus).
    private var namedEntitiesOnPage: [Int32]
    let tickerOrder: [String]
    private var tickerPosition: [String: Int32]
    private(set) var tickerEntity: [Int32]
    private var names = ReportDictionary()
    private var evidence = ReportDictionary()
    /// The embedded mentions, on disk until the page is written.
    private let mentionStore: ReportPageMentionStore
    /// The sentences in the order they arrived, each a little-endian Int32 length (-1 for one
    /// left out by the size bound) and its UTF-8 text; one document's together.
    private let sentenceBytes: ReportSpillFile
    /// Sentence text bytes stored (what `sentenceBytesMax` bounds).
    private var sentenceTextBytes = 0
    /// Sentences per document (by page position), and where in `sentenceBytes` they are.
    private var sentenceCount: [Int32]
    private var sentenceFrom: [Int]
    private var sentenceTo: [Int]
    /// The document whose sentence was stored last.
    private var lastSentenceDocument: Int32 = -1
    /// Named mentions in all documents, embedded or not.
    let namedMentionCount: Int
    private(set) var mentionsComplete = true
    private(set) var sentencesComplete = true
    /// The oldest publication day whose documents' mentions are embedded, when not all are.
    private(set) var embeddedFromDay: Int?

    // The document being added.
    private var current: Int32 = -1
    private var currentContexts: [ReportContextKey: Int32] = [:]

    /// How many of `entityOrder` `#data` holds (the rest are in the entity block).
    let entitiesFirst: Int

    /// `folder` receives the unlinked temporary file that holds the sentences until the page is written.
    init(corpus: ReportCorpus, folder: URL, mentionsMax: Int = ReportPageData.mentionsMax,
         entitiesFirstMax: Int = ReportPageData.entitiesFirstMax) throws {
        self.corpus = corpus
        sentenceBytes = try ReportSpillFile(folder: folder, purpose: "sentences")
        entityBlock = try ReportSpillFile(folder: folder, purpose: "page-entities")
        documentOrder = corpus.orderedDocuments()
        documentPosition = Array(repeating: -1, count: corpus.documents.count)
        for (position, index) in documentOrder.enumerated() { documentPosition[index] = Int32(position) }
        sentenceCount = Array(repeating: 0, count: documentOrder.count)
        sentenceFrom = Array(repeating: 0, count: documentOrder.count)
        sentenceTo = Array(repeating: 0, count: documentOrder.count)
        let pageTypes = Set(Self.types)
        entityOrder = corpus.orderedEntities(namedOnly: true).filter { pageTypes.contains(corpus.entities[$0].type) }
        entityCount = entityOrder.count
        entityPosition = Array(repeating: -1, count: corpus.entities.count)
        for (position, index) in entityOrder.enumerated() { entityPosition[index] = Int32(position) }
        // Ranked here, before the mentions are read and while little else is held: ranking the
        // names of a 100,000-page night's entities takes 11 MB for a moment, which at the page's
        // end came on top of its columns and the snapshot.
        entityNameRanks = ReportTextOrder.ranks(entityOrder.lazy.map { Optional(corpus.entities[$0].name) })
        mentionStore = try ReportPageMentionStore(folder: folder, entities: entityOrder.count)
        let often = entityOrder.prefix { corpus.entities[$0].mentions >= Self.entitiesFirstMinMentions }.count
        entitiesFirst = min(often, max(0, entitiesFirstMax))
        tickerOrder = corpus.tickerTotals.map(\.ticker)
        tickerPosition = Dictionary(uniqueKeysWithValues: tickerOrder.enumerated().map { ($0.element, Int32($0.offset)) })
        // A ticker's company: the most mentioned organisation linked to it (entities are in
        // that order already).
        tickerEntity = Array(repeating: -1, count: tickerOrder.count)
        for (position, index) in entityOrder.enumerated() {
            let entity = corpus.entities[index]
            guard entity.type == .organization, let symbol = entity.ticker, let slot = tickerPosition[symbol],
                  tickerEntity[Int(slot)] < 0 else { continue }
            tickerEntity[Int(slot)] = Int32(position)
        }
        // Named mentions per document; the newest documents are embedded first up to the bound.
        // (The documents' named entities on the page are counted in the same read.)
        var perDocument = Array(repeating: 0, count: corpus.documents.count)
        namedEntitiesOnPage = Array(repeating: 0, count: corpus.documents.count)
        var total = 0
        var counts = ReportEntityCountStore.Reader(corpus.entityCountStore)
        for (index, document) in corpus.documents.enumerated() where document.known {
            var count = 0, named: Int32 = 0
            for (entity, mentions) in try counts.counts(at: document.entityCounts) where entityPosition[Int(entity)] >= 0 {
                count += Int(mentions)
                named += 1
            }
            perDocument[index] = count
            namedEntitiesOnPage[index] = named
            total += count
        }
        let positions = entityPosition
        namedMentionCount = corpus.entities.indices.filter { positions[$0] >= 0 }.reduce(0) { $0 + corpus.entities[$1].mentions }
        embedded = Array(repeating: false, count: corpus.documents.count)
        var budget = mentionsMax
        if total <= budget {
            for index in documentOrder { embedded[index] = true }
        } else {
            mentionsComplete = false
            // Newest first: dated documents from the latest back, undated ones last.
            let dated = documentOrder.filter { corpus.documents[$0].when != nil }
            let undated = documentOrder.filter { corpus.documents[$0].when == nil }
            for index in dated.reversed() + undated {
                guard perDocument[index] <= budget else { break }
                budget -= perDocument[index]
                embedded[index] = true
                if let day = corpus.documents[index].when?.day { embeddedFromDay = day }
            }
        }
        try renderEntities()
    }

    /// Renders `#data`'s entity rows and the entity block, and notes each ticker's company; then
    /// lets go of what only they read: the page's entity order and name ranks, and the corpus
    /// copy's entity rows and names.
    private func renderEntities() throws {
        var first = ReportJSONBytes(htmlSafe: true, capacity: 96 * entitiesFirst + 64)
        writeEntities(0 ..< entitiesFirst, into: &first)
        firstEntities = first.bytes
        var out = ReportJSONBytes(htmlSafe: false, capacity: 96 * Self.entitiesPerLine + 64)
        for start in stride(from: entitiesFirst, to: entityOrder.count, by: Self.entitiesPerLine) {
            if start > entitiesFirst { out.raw(0x0A) }
            writeEntities(start ..< min(start + Self.entitiesPerLine, entityOrder.count), into: &out)
            entityBlockPieces.append(try entityBlock.append(span: out.bytes))
            out.bytes.removeAll(keepingCapacity: true)
        }
        tickerCompany = tickerEntity.map { $0 < 0 ? nil : corpus.entities[entityOrder[Int($0)]].name }
        entityOrder = []
        entityNameRanks = []
        corpus.dropEntityDetails()
    }

    // MARK: Filling

    /// Starts the mentions of a document (by its index in the corpus); false when its mentions
    /// are not embedded (not a canonical document, or left out by the bound).
    func begin(document index: Int) -> Bool {
        currentContexts.removeAll(keepingCapacity: true)
        guard index >= 0, index < embedded.count, embedded[index] else { current = -1; return false }
        current = documentPosition[index]
        return current >= 0
    }

    /// Adds one mention of the current document with its context (nil when the text was not
    /// available); mentions of values (money, dates) are left out.
    func add(_ mention: EntityMention, context: ReportMentionContext?) throws {
        guard current >= 0, let entitySlot = corpus.entityIds.slot(of: mention.entityId) else { return }
        let entity = entityPosition[Int(entitySlot)]
        guard entity >= 0 else { return }
        let ticker = ReportCorpus.ticker(of: mention).flatMap { tickerPosition[$0] } ?? -1
        var name: Int32 = -1
        if mention.type == .organization, ticker >= 0 {
            name = names.index(of: mention.nameAtDate ?? Self.storyName(mention.surface))
        }
        var sentence: Int32 = -1
        var start: Int32 = 0
        if let context {
            let key = ReportContextKey(start: context.start, end: context.end)
            if let existing = currentContexts[key] {
                sentence = existing
            } else {
                sentence = Int32(sentenceCount[Int(current)])
                sentenceCount[Int(current)] += 1
                currentContexts[key] = sentence
                try storeSentence(context, index: sentence)
            }
            start = Int32(mention.start - context.start + (context.cutBefore ? 1 : 0))
        }
        let tone: UInt8 = mention.tone == .bullish ? 1 : mention.tone == .bearish ? 2 : 0
        try mentionStore.append(Mention(doc: current, entity: entity, ticker: ticker, name: name, sentence: sentence, start: start,
                                        length: Int32(max(0, mention.end - mention.start)), tone: tone,
                                        evidence: mention.evidence.map { evidence.index(of: $0) } ?? -1))
    }

    private func storeSentence(_ context: ReportMentionContext, index: Int32) throws {
        let document = Int(current)
        if index == 0 {
            sentenceFrom[document] = sentenceBytes.count
        } else if lastSentenceDocument != current {
            // The document's mentions came back after another's: its sentences are moved to the
            // end so that they stay together.
            let earlier = try sentenceBytes.read(offset: sentenceFrom[document], count: sentenceTo[document] - sentenceFrom[document])
            sentenceFrom[document] = sentenceBytes.count
            try sentenceBytes.append(earlier)
        }
        lastSentenceDocument = current
        let text = (context.cutBefore ? "…" : "") + context.text + (context.cutAfter ? "…" : "")
        let utf8 = text.utf8
        var length = Int32(-1)
        if sentenceTextBytes + utf8.count <= Self.sentenceBytesMax {
            length = Int32(utf8.count)
            sentenceTextBytes += utf8.count
        } else {
            sentencesComplete = false
        }
        let bits = UInt32(bitPattern: length)
        try sentenceBytes.append([UInt8(truncatingIfNeeded: bits), UInt8(truncatingIfNeeded: bits >> 8),
                                  UInt8(truncatingIfNeeded: bits >> 16), UInt8(truncatingIfNeeded: bits >> 24)])
        if length >= 0 { try sentenceBytes.append(utf8) }
        sentenceTo[document] = sentenceBytes.count
    }

    /// The name a story used for a company: the surface without a trailing possessive, white
    /// space collapsed ("Facebook's" → "Facebook").
    static func storyName(_ surface: String) -> String {
        var words = surface.split(whereSeparator: { $0.isWhitespace }).joined(separator: " ")
        for suffix in ["'s", "’s", "'S", "’S"] where words.hasSuffix(suffix) && words.count > suffix.count {
            words.removeLast(suffix.count)
            break
        }
        return words
    }

    // MARK: Writing

    /// What `run` says about the run besides the counts the page computes itself.
    struct Run {
        var title: String
        var night: String
        var finishedAt: String
        var manifest: String
        var sites: Int
        var undated: Int
        var firstDay: Int?
        var lastDay: Int?
        /// Publication days outside this range are not plotted (a date the page could not place:
        /// year 0201, 2091); the page counts them instead.
        var plotFirstDay: Int
        var plotLastDay: Int
        var missingInputs: [String]
    }

    /// The `#data` JSON: compact, escaped for an HTML script element.
    func dataJSON(run: Run, history: ReportHistoryWindow?) throws -> [UInt8] {
        try sortMentions()
        var out = ReportJSONBytes(htmlSafe: true, capacity: 64 * documentOrder.count + (1 << 16))
        out.raw("{")
        out.key("format", first: true); out.string(Self.format)
        out.key("run"); writeRun(run, into: &out)
        out.key("dict"); try writeDictionaries(into: &out)
        out.key("entities"); out.bytes.append(contentsOf: firstEntities)
        out.key("tickers"); writeTickers(into: &out)
        if let history, !history.isEmpty { out.key("history"); writeHistory(history, into: &out) }
        out.raw("}")
        return out.bytes
    }

    /// The document block whole (for tests).
    func documentsJSON() throws -> [UInt8] {
        var whole: [UInt8] = []
        try writeDocuments { whole += $0 }
        return whole
    }

    /// The entity block (before compression): the entities after the first `entitiesFirst`, as
    /// lines of `entitiesPerLine` (each a JSON object of columns, not escaped: it is compressed
    /// and Base64-encoded), handed to `emit` a line at a time. Empty when `#data` holds them all.
    func writeEntities(to emit: ([UInt8]) throws -> Void) throws {
        for piece in entityBlockPieces { try emit(try entityBlock.read(piece)) }
    }

    /// The entity block whole (for tests).
    func entitiesJSON() throws -> [UInt8] {
        var whole: [UInt8] = []
        try writeEntities { whole += $0 }
        return whole
    }

    /// Sentences per line of the sentence block: the page parses a line at a time (about 100 KB,
    /// a few milliseconds) so reading 50,000 documents' sentences never holds the page for long.
    static let sentencesPerLine = 1024

    /// Pieces handed to the page writer at about this size.
    static let pieceBytes = 1 << 20

    /// The sentences as a JSON array of strings, grouped by document in page order (the block
    /// the page decompresses), a line break after every `sentencesPerLine`; handed to `emit` in
    /// pieces, each document's text read back from the spill file in one read.
    func writeSentences(to emit: ([UInt8]) throws -> Void) throws {
        var out = ReportJSONBytes(htmlSafe: false, capacity: Self.pieceBytes + (1 << 16))
        out.raw("[")
        var position = 0
        for document in sentenceCount.indices where sentenceCount[document] > 0 {
            // A document's sentences were stored together: one read covers them.
            let stored = try sentenceBytes.read(offset: sentenceFrom[document], count: sentenceTo[document] - sentenceFrom[document])
            var at = 0
            for _ in 0 ..< sentenceCount[document] {
                if position > 0 { out.raw(0x2C) }
                // A line break after every `sentencesPerLine` sentences: still one JSON array, and
                // the page parses it line by line between other work (no string holds a raw newline).
                if position > 0, position % Self.sentencesPerLine == 0 { out.raw(0x0A) }
                position += 1
                let length = Int(Int32(bitPattern: UInt32(stored[at]) | UInt32(stored[at + 1]) << 8 | UInt32(stored[at + 2]) << 16
                                                   | UInt32(stored[at + 3]) << 24))
                at += 4
                if length < 0 { out.null(); continue }
                out.string(String(decoding: stored[at ..< at + length], as: UTF8.self))
                at += length
            }
            if out.bytes.count >= Self.pieceBytes {
                try emit(out.bytes)
                out.bytes.removeAll(keepingCapacity: true)
            }
        }
        out.raw("]")
        try emit(out.bytes)
    }

    /// The sentence block whole (for tests).
    func sentencesJSON() throws -> [UInt8] {
        var whole: [UInt8] = []
        try writeSentences { whole += $0 }
        return whole
    }

    /// The mention block (before compression): the groups' four columns of little-endian Int32
    /// (`entity`, `ticker`, `name`, `first`), then the mentions' five (`doc`, `sentence`, `start`,
    /// `length`, `evidence`) then one byte of tone per mention, in the order `first` counts in;
    /// handed to `emit` in pieces.
    func writeMentions(to emit: ([UInt8]) throws -> Void) throws {
        try sortMentions()
        var out: [UInt8] = []
        out.reserveCapacity(Self.pieceBytes + 16)
        func int32(_ value: Int32) throws {
            let bits = UInt32(bitPattern: value)
            out.append(UInt8(truncatingIfNeeded: bits))
            out.append(UInt8(truncatingIfNeeded: bits >> 8))
            out.append(UInt8(truncatingIfNeeded: bits >> 16))
            out.append(UInt8(truncatingIfNeeded: bits >> 24))
            if out.count >= Self.pieceBytes { try emit(out); out.removeAll(keepingCapacity: true) }
        }
        for group in groups { try int32(group.entity) }
        for group in groups { try int32(group.ticker) }
        for group in groups { try int32(group.name) }
        for group in groups { try int32(group.first) }
        func column(_ value: (Mention) -> Int32) throws {
            try mentionStore.forEachSorted { mention in try int32(value(mention)) }
        }
        try column(\.doc); try column(\.sentence); try column(\.start); try column(\.length); try column(\.evidence)
        try mentionStore.forEachSorted { mention in
            out.append(mention.tone == 1 ? 1 : mention.tone == 2 ? 2 : 0)
            if out.count >= Self.pieceBytes { try emit(out); out.removeAll(keepingCapacity: true) }
        }
        try emit(out)
    }

    /// The mention block whole (for tests).
    func mentionsBinary() throws -> [UInt8] {
        var whole: [UInt8] = []
        try writeMentions { whole += $0 }
        return whole
    }

    private var sorted = false

    /// The mention block's order: by group (entity, ticker, story name by its rank in
    /// `nameRank`), then document, sentence, start; the rest of the row breaks ties.
    static func precedes(_ a: Mention, _ b: Mention, nameRank rank: [Int32]) -> Bool {
        if a.entity != b.entity { return a.entity < b.entity }
        if a.ticker != b.ticker { return a.ticker < b.ticker }
        let (x, y) = (a.name < 0 ? -1 : rank[Int(a.name)], b.name < 0 ? -1 : rank[Int(b.name)])
        if x != y { return x < y }
        if a.doc != b.doc { return a.doc < b.doc }
        if a.sentence != b.sentence { return a.sentence < b.sentence }
        if a.start != b.start { return a.start < b.start }
        if a.length != b.length { return a.length < b.length }
        if a.tone != b.tone { return a.tone < b.tone }
        return a.evidence < b.evidence
    }

    /// Mentions by group (entity, ticker, story name), then document, sentence, start; finds the
    /// groups.
    private func sortMentions() throws {
        guard !sorted else { return }
        sorted = true
        // Story names sorted by text so the order does not depend on arrival.
        let rank = names.ranks()
        try mentionStore.sort { Self.precedes($0, $1, nameRank: rank) }
        var index: Int32 = 0
        try mentionStore.forEachSorted { mention in
            defer { index += 1 }
            if let last = groups.last, last.entity == mention.entity, last.ticker == mention.ticker, last.name == mention.name { return }
            groups.append(Group(entity: mention.entity, ticker: mention.ticker, name: mention.name, first: index))
        }
    }

    private func writeRun(_ run: Run, into out: inout ReportJSONBytes) {
        out.raw("{")
        out.key("title", first: true); out.string(run.title)
        out.key("night"); out.string(run.night)
        out.key("finished_at"); out.string(run.finishedAt)
        out.key("manifest"); out.string(run.manifest)
        out.key("documents"); out.integer(documentOrder.count)
        out.key("entities"); out.integer(entityCount)
        out.key("mentions"); out.integer(namedMentionCount)
        out.key("mentions_embedded"); out.integer(mentionStore.count)
        out.key("groups"); out.integer(groups.count)
        out.key("sites"); out.integer(run.sites)
        out.key("first_day"); out.optionalInteger(run.firstDay)
        out.key("last_day"); out.optionalInteger(run.lastDay)
        out.key("undated"); out.integer(run.undated)
        out.key("plot_first_day"); out.integer(run.plotFirstDay)
        out.key("plot_last_day"); out.integer(run.plotLastDay)
        out.key("mentions_complete"); out.bool(mentionsComplete)
        out.key("mentions_from_day"); out.optionalInteger(mentionsComplete ? nil : embeddedFromDay)
        out.key("sentences_complete"); out.bool(sentencesComplete)
        out.key("missing_inputs"); out.strings(run.missingInputs.map { Optional($0) })
        out.raw("}")
    }

    private var siteDictionary = ReportDictionary()
    private var languageDictionary = ReportDictionary()
    private var bylineDictionary = ReportDictionary()

    private var dictionariesBuilt = false

    /// Sites, languages and bylines in page order, so indexes follow first appearance in the
    /// document list (whichever block is written first).
    private func buildDictionaries() throws {
        guard !dictionariesBuilt else { return }
        dictionariesBuilt = true
        for index in documentOrder {
            let document = corpus.documents[index]
            let details = try corpus.details(of: document)
            if let site = document.site { _ = siteDictionary.index(of: site) }
            if let language = details.language { _ = languageDictionary.index(of: language) }
            if !details.authors.isEmpty { _ = bylineDictionary.index(of: details.authors.joined(separator: "; ")) }
        }
    }

    private func writeDictionaries(into out: inout ReportJSONBytes) throws {
        try buildDictionaries()
        out.raw("{")
        out.key("sites", first: true); out.strings(siteDictionary.values.map { Optional($0) })
        out.key("languages"); out.strings(languageDictionary.values.map { Optional($0) })
        out.key("bylines"); out.strings(bylineDictionary.values.map { Optional($0) })
        out.key("sites_rank"); out.nullableIntegers(ReportTextOrder.ranks(siteDictionary.values.map { Optional($0) }), missing: -1)
        out.key("bylines_rank"); out.nullableIntegers(ReportTextOrder.ranks(bylineDictionary.values.map { Optional($0) }), missing: -1)
        out.key("types"); out.strings(Self.types.map { Optional($0.rawValue) })
        out.key("names"); out.strings(names.values.map { Optional($0) })
        out.key("evidence"); out.strings(evidence.values.map { Optional($0) })
        out.raw("}")
    }

    private static let noDay = Int32.min

    /// The document block: the `documents` object as JSON (not escaped; it is compressed and
    /// Base64-encoded), handed to `emit` in pieces of about `pieceBytes`, text columns too; the
    /// columns are read from the corpus as they are written (a copy of every document was 14 MB
    /// at 100,000 pages), and the documents' details are read from disk one document at a time,
    /// twice (titles with the byline and language indexes, then the URLs as their column is
    /// written; a third time for the headline ranks when `titleRanks` was not given): the URL
    /// column as strings and then as JSON was the report's largest moment at 100,000 pages (18 MB
    /// of 168).
    func writeDocuments(to emit: ([UInt8]) throws -> Void) throws {
        try buildDictionaries()
        let corpus = self.corpus
        let documents = documentOrder.lazy.map { corpus.documents[$0] }
        var out = ReportJSONBytes(htmlSafe: false, capacity: Self.pieceBytes + (1 << 16))
        func flush() throws {
            guard out.bytes.count >= Self.pieceBytes else { return }
            try emit(out.bytes)
            out.bytes.removeAll(keepingCapacity: true)
        }
        /// A column of strings, a document's at a time (by its position in `documentOrder` and
        /// its index in the corpus), emitted whenever a piece is full.
        func strings(_ value: (_ position: Int, _ index: Int) throws -> String?) throws {
            out.raw("[")
            for (position, index) in documentOrder.enumerated() {
                if position > 0 { out.raw(0x2C) }
                out.optionalString(try value(position, index))
                try flush()
            }
            out.raw("]")
        }
        out.raw("{")
        out.key("id", first: true); try strings { corpus.documents[$1].id }
        // The read that writes a document's title also gives its byline and language indexes;
        // the URLs are read again as their column is written.
        var bylines: [Int32] = [], languages: [Int32] = []
        out.key("title"); try strings { _, index in
            let details = try corpus.details(of: corpus.documents[index])
            bylines.append(details.authors.isEmpty ? -1 : bylineDictionary.index(of: details.authors.joined(separator: "; ")))
            languages.append(details.language.map { languageDictionary.index(of: $0) } ?? -1)
            return details.title
        }
        let ranks = try titleRanks ?? ReportTextOrder.ranks(documentOrder.map { try corpus.details(of: corpus.documents[$0]).title })
        out.key("title_rank"); out.nullableIntegers(ranks, missing: -1); try flush()
        out.key("url"); try strings { try corpus.details(of: corpus.documents[$1]).url }
        out.key("site"); out.integers(documents.map { $0.site.map { self.siteDictionary.index(of: $0) } ?? -1 })
        out.key("byline"); out.integers(bylines)
        out.key("day"); out.nullableIntegers(documents.map { $0.when.map { Int32(clamping: $0.day) } ?? Self.noDay }, missing: Self.noDay)
        out.key("language"); out.integers(languages)
        out.key("words"); out.integers(documents.map(\.words)); try flush()
        out.key("entities"); out.integers(documentOrder.lazy.map { self.namedEntitiesOnPage[$0] })
        out.key("sentences"); out.integers(sentenceCount)
        out.key("carriers"); out.integers(documentOrder.lazy.map { corpus.carrierCount(ofSlot: $0) })
        out.key("mirrors"); out.integers(documentOrder.lazy.map { corpus.mirrorCount(ofSlot: $0) })
        out.raw("}")
        try emit(out.bytes)
    }

    private func days(_ value: Int?) -> Int32 { value.map { Int32(clamping: $0) } ?? Self.noDay }

    /// Each entity's rank by name (`ReportTextOrder`) among all of `entityOrder`, whichever block
    /// its row is in.

    /// The entity columns of the entities at `range` of `entityOrder`.
    private func writeEntities(_ range: Range<Int>, into out: inout ReportJSONBytes) {
        let entities = entityOrder[range].map { corpus.entities[$0] }
        let typeIndex = Dictionary(uniqueKeysWithValues: Self.types.enumerated().map { ($0.element, $0.offset) })
        out.raw("{")
        out.key("id", first: true); out.strings(entityOrder[range].map { Optional(corpus.entityId($0)) })
        out.key("name"); out.strings(entities.map { Optional($0.name) })
        out.key("name_rank"); out.nullableIntegers(Array(entityNameRanks[range]), missing: -1)
        out.key("type"); out.integers(entities.map { typeIndex[$0.type] ?? -1 })
        out.key("ticker"); out.integers(entities.map { $0.ticker.flatMap { tickerPosition[$0] } ?? -1 })
        out.key("mentions"); out.integers(entities.map(\.mentions))
        out.key("documents"); out.integers(entities.map(\.documents))
        out.key("sites"); out.integers(entities.map(\.sites))
        out.key("bullish"); out.integers(entities.map(\.bullish))
        out.key("bearish"); out.integers(entities.map(\.bearish))
        out.key("neutral"); out.integers(entities.map(\.neutral))
        out.key("first_day"); out.nullableIntegers(entities.map { days($0.firstDay) }, missing: Self.noDay)
        out.key("last_day"); out.nullableIntegers(entities.map { days($0.lastDay) }, missing: Self.noDay)
        out.raw("}")
    }

    private func writeTickers(into out: inout ReportJSONBytes) {
        var first: [String: Int] = [:], last: [String: Int] = [:]
        for row in corpus.tickerDays {
            guard let day = row.day else { continue }
            first[row.ticker] = min(first[row.ticker] ?? day, day)
            last[row.ticker] = max(last[row.ticker] ?? day, day)
        }
        let totals = corpus.tickerTotals
        let company = tickerCompany
        let storyName = tickerStoryNames()
        out.raw("{")
        out.key("symbol", first: true); out.strings(totals.map { Optional($0.ticker) })
        out.key("symbol_rank"); out.nullableIntegers(ReportTextOrder.ranks(totals.map { Optional($0.ticker) }), missing: -1)
        out.key("company"); out.strings(company)
        // The company column shows the story name first ("Facebook [Meta]"), else the company.
        out.key("company_rank"); out.nullableIntegers(ReportTextOrder.ranks(storyName.indices.map {
            let name = storyName[$0] >= 0 ? names.values[Int(storyName[$0])] : ""
            return name.isEmpty ? company[$0] : name
        }), missing: -1)
        out.key("entity"); out.integers(tickerEntity)
        out.key("story_name"); out.integers(storyName)
        out.key("mentions"); out.integers(totals.map(\.mentions))
        out.key("documents"); out.integers(totals.map(\.documents))
        out.key("sites"); out.integers(totals.map(\.sites))
        out.key("bullish"); out.integers(totals.map(\.bullish))
        out.key("bearish"); out.integers(totals.map(\.bearish))
        out.key("neutral"); out.integers(totals.map(\.neutral))
        out.key("first_day"); out.nullableIntegers(totals.map { days(first[$0.ticker]) }, missing: Self.noDay)
        out.key("last_day"); out.nullableIntegers(totals.map { days(last[$0.ticker]) }, missing: Self.noDay)
        out.raw("}")
    }

    struct Group {
        var entity: Int32
        var ticker: Int32
        var name: Int32
        /// Index of the group's first mention.
        var first: Int32
    }

    /// Maximal runs of mentions with equal (entity, ticker, name), in mention order (found by
    /// `sortMentions()`).
    private(set) var groups: [Group] = []

    /// Each ticker's story name (index into `dict.names`, -1 none): over its groups in order,
    /// the name whose running count of mentions first exceeds every other's (the most used; of
    /// names used equally often, the one that reached the count first).
    private func tickerStoryNames() -> [Int32] {
        let groups = self.groups
        var best = Array(repeating: Int32(-1), count: tickerOrder.count)
        var bestCount = Array(repeating: 0, count: tickerOrder.count)
        var counts: [Int: [Int32: Int]] = [:]
        for (g, group) in groups.enumerated() where group.ticker >= 0 && Int(group.ticker) < tickerOrder.count && group.name >= 0 {
            let t = Int(group.ticker)
            let end = g + 1 < groups.count ? Int(groups[g + 1].first) : mentionStore.count
            let count = counts[t, default: [:]][group.name, default: 0] + end - Int(group.first)
            counts[t, default: [:]][group.name] = count
            if count > bestCount[t] { bestCount[t] = count; best[t] = group.name }
        }
        return best
    }

    private func writeHistory(_ history: ReportHistoryWindow, into out: inout ReportJSONBytes) {
        let typeIndex = Dictionary(uniqueKeysWithValues: Self.types.enumerated().map { ($0.element.rawValue, $0.offset) })
        func series(_ list: [ReportHistoryWindow.Series], keyName: StaticString, withType: Bool, into out: inout ReportJSONBytes) {
            out.raw("{")
            out.key(keyName, first: true); out.strings(list.map { Optional($0.key) })
            out.key("name"); out.strings(list.map { Optional($0.name) })
            if withType { out.key("type"); out.integers(list.map { typeIndex[$0.type] ?? -1 }) }
            for (field, values) in [("mentions", list.map(\.mentions)), ("bullish", list.map(\.bullish)), ("bearish", list.map(\.bearish))] {
                out.raw(",\"")
                out.bytes.append(contentsOf: field.utf8)
                out.raw("\":[")
                for (index, row) in values.enumerated() {
                    if index > 0 { out.raw(0x2C) }
                    out.integers(row)
                }
                out.raw("]")
            }
            out.raw("}")
        }
        out.raw("{")
        out.key("nights", first: true); out.strings(history.nights.map { Optional($0) })
        out.key("documents"); out.integers(history.documents)
        out.key("mentions"); out.integers(history.mentions)
        out.key("tickers"); series(history.tickers, keyName: "symbol", withType: false, into: &out)
        out.key("entities"); series(history.entities, keyName: "id", withType: true, into: &out)
        out.raw("}")
    }
}

/// A context's place in its article, identifying it among a document's contexts.
struct ReportContextKey: Hashable {
    var start: Int
    var end: Int
}

/// Strings given once and referred to by index, in order of first use.
struct ReportDictionary {
    private(set) var values: [String] = []
    private var index: [String: Int32] = [:]

    mutating func index(of value: String) -> Int32 {
        if let existing = index[value] { return existing }
        let slot = Int32(values.count)
        index[value] = slot
        values.append(value)
        return slot
    }

    /// Each value's rank in byte-wise order.
    func ranks() -> [Int32] {
        var rank = Array(repeating: Int32(0), count: values.count)
        for (position, slot) in values.indices.sorted(by: { reportPrecedes(values[$0], values[$1]) }).enumerated() {
            rank[slot] = Int32(position)
        }
        return rank
    }
}
