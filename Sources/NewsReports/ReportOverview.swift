import Foundation
import NewsRecords
import NewsIO

/// A named entity as rankings show it.
struct ReportRankedEntity: Sendable {
    var id: String
    var name: String
    var type: EntityType
    var ticker: String?
    var mentions: Int
    var documents: Int
    var sites: Int
    var bullish: Int
    var bearish: Int
}

/// A story as the "biggest stories" views show it.
struct ReportStoryLine: Sendable {
    var clusterId: String
    var canonicalId: String
    var title: String
    var url: String?
    var sites: [String]
    var pagesWithoutSite: Int
    var mirrors: Int
}

/// A document as the page's document table shows it.
struct ReportDocumentLine: Sendable {
    var id: String
    var url: String?
    var site: String?
    var published: String?
    /// The publication time in UTC for reading, when it parsed.
    var publishedDisplay: String?
    var title: String?
    var words: Int
    var sites: Int
    var tickers: [String]
}

/// Two entities often mentioned in the same documents.
struct ReportPairLine: Sendable {
    var a: String
    var b: String
    var documents: Int
    var sites: Int
}

/// Ticker movement between the previous run and this one.
struct ReportTickerMove: Sendable {
    var ticker: String
    var previousMentions: Int
    var mentions: Int
    var previousBalance: Double?
    var balance: Double?
    var delta: Int { mentions - previousMentions }
}

/// What changed since the previous run's report.
struct ReportChanges: Sendable {
    var previousFinishedAt: String?
    var previousDocuments: Int
    var newEntities: [ReportRankedEntity]
    var newEntityCount: Int
    var goneEntityCount: Int
    var rising: [ReportTickerMove]
    var falling: [ReportTickerMove]
}

/// The run at a glance: everything `summary.md` and `report.html` show, computed once.
struct ReportOverview: Sendable {
    var inputs: ReportInputs
    var documentCount: Int
    var mentionCount: Int
    var orphanMentions: Int
    /// Document records whose id an earlier record already had (kept: the first).
    var repeatedDocuments: Int
    /// Input files that were named but missing, by file name.
    var missingInputs: [String]
    var entityCount: Int
    var namedEntityCount: Int
    var clusterCount: Int
    var mirrorsRemoved: Int
    var removedByReason: [(reason: String, count: Int)]
    var siteCount: Int
    var firstDay: String?
    var lastDay: String?
    var undatedDocuments: Int
    var topEntities: [ReportRankedEntity]
    var tickerTotals: [ReportTickerTotal]
    /// Days with any ticker mention (days since 1970-01-01), ascending.
    var tickerDays: [Int]
    /// Mentions per ticker and day.
    var tickerDayMentions: [String: [Int: Int]]
    var stories: [ReportStoryLine]
    /// The most frequent co-occurring pairs.
    var pairs: [ReportPairLine]
    /// Newest canonical documents first, at most `ReportHTML.documentsShown`.
    var documents: [ReportDocumentLine]
    var changes: ReportChanges?
    var runSeconds: Double { inputs.runSeconds ?? inputs.runFinishedAt.timeIntervalSince(inputs.runStartedAt) }

    static let storiesShown = 10
    static let tickersShown = 12
    static let changesShown = 10
    static let pairsShown = 10

    init(corpus: ReportCorpus, inputs: ReportInputs, topEntities limit: Int, previous: ReportPreviousNight?) throws {
        self.inputs = inputs
        // One pass over the canonical documents (not a copy of them: 71,000 at 100,000 pages).
        var known = 0
        var sites: Set<String> = []
        var days: (first: Int, last: Int, count: Int)?
        for document in corpus.documents where document.known {
            known += 1
            if let site = document.site { sites.insert(site) }
            if let day = document.when?.day {
                days = days.map { (min($0.first, day), max($0.last, day), $0.count + 1) } ?? (day, day, 1)
            }
        }
        documentCount = known
        mentionCount = corpus.mentionCount
        orphanMentions = corpus.orphanMentions
        repeatedDocuments = corpus.duplicateDocuments
        missingInputs = corpus.missingInputs
        entityCount = corpus.entities.count
        // The stored order, read in place (copies of it as `[Int]`, all and ranked, were 4.4 MB
        // at 100,000 pages, the largest moment after the tables).
        let order = corpus.entityOrderSlots()
        namedEntityCount = order.reduce(0) { $0 + (corpus.isNamed($1) ? 1 : 0) }
        clusterCount = corpus.stories.count
        mirrorsRemoved = corpus.removedCount > 0 ? corpus.removedCount : corpus.stories.reduce(0) { $0 + $1.mirrors }
        removedByReason = corpus.removedByReason.map { (reason: $0.key, count: $0.value) }
            .sorted { $0.count != $1.count ? $0.count > $1.count : reportPrecedes($0.reason, $1.reason) }
        siteCount = sites.count
        firstDay = days.map { ReportDay.string($0.first) }
        lastDay = days.map { ReportDay.string($0.last) }
        undatedDocuments = known - (days?.count ?? 0)
        // Symbols have their own charts; rankings show the companies, people and places.
        let ranked = order.lazy.filter { corpus.isNamed($0) && corpus.entityRows[Int($0)].type != .ticker }.map { Int($0) }
        topEntities = ranked.prefix(limit).map { Self.ranked($0, corpus) }
        tickerTotals = corpus.tickerTotals
        var dayMentions: [String: [Int: Int]] = [:]
        var tickerDaySet: Set<Int> = []
        for row in corpus.tickerDays {
            guard let day = row.day else { continue }
            tickerDaySet.insert(day)
            dayMentions[row.ticker, default: [:]][day, default: 0] += row.mentions
        }
        tickerDays = tickerDaySet.sorted()
        tickerDayMentions = dayMentions
        stories = try corpus.storyIndexesByReach().prefix(Self.storiesShown).map { index in
            let story = corpus.stories[Int(index)]
            let canonical = try corpus.members(of: story).first { $0.id == story.canonicalId }
            return ReportStoryLine(
                clusterId: story.clusterId, canonicalId: story.canonicalId,
                title: try corpus.title(ofDocument: story.canonicalId) ?? canonical?.url ?? story.canonicalId,
                url: canonical?.url, sites: story.sites, pagesWithoutSite: story.pagesWithoutSite, mirrors: story.mirrors)
        }
        pairs = corpus.pairs.prefix(Self.pairsShown).map {
            ReportPairLine(a: corpus.entities[Int($0.a)].name, b: corpus.entities[Int($0.b)].name,
                           documents: $0.documents, sites: $0.sites)
        }
        let ascending = corpus.orderedDocuments()
        let newestFirst = ascending.filter { corpus.documents[$0].when != nil }.reversed()
            + ascending.filter { corpus.documents[$0].when == nil }
        documents = try newestFirst.prefix(ReportHTML.documentsShown).map { index in
            let d = corpus.documents[index]
            let details = try corpus.details(of: d)
            return ReportDocumentLine(id: d.id, url: details.url, site: d.site, published: details.published,
                                      publishedDisplay: d.when?.display, title: details.title,
                                      words: d.words, sites: corpus.carriers(of: d).count, tickers: corpus.tickers(of: d))
        }
        changes = previous.map { Self.changes(from: $0, corpus: corpus, ranked: ranked) }
    }

    private static func ranked(_ slot: Int, _ corpus: ReportCorpus) -> ReportRankedEntity {
        let entity = corpus.entities[slot]
        return ReportRankedEntity(id: corpus.entityId(slot), name: entity.name, type: entity.type, ticker: entity.ticker,
                                  mentions: entity.mentions, documents: entity.documents, sites: entity.sites,
                                  bullish: entity.bullish, bearish: entity.bearish)
    }

    /// New and vanished entities leave ticker symbols out (tickers have their own comparison).
    /// `ranked`: the named entities other than tickers, in report order (slots).
    private static func changes(from previous: ReportPreviousNight, corpus: ReportCorpus, ranked: some Sequence<Int>) -> ReportChanges {
        let totals = corpus.tickerTotals
        var fresh: [ReportRankedEntity] = []
        var freshCount = 0
        for slot in ranked where !previous.contains(corpus.entityId(slot)) {
            if fresh.count < changesShown { fresh.append(Self.ranked(slot, corpus)) }
            freshCount += 1
        }
        // Gone: a non-ticker id of the previous report that names no named entity tonight.
        var goneCount = 0
        for id in previous.nonTickerIds {
            if let slot = corpus.entityIds.slot(of: id), reportNamedTypes.contains(corpus.entities[Int(slot)].type) { continue }
            goneCount += 1
        }
        var moves: [String: ReportTickerMove] = [:]
        for old in previous.tickers {
            moves[old.ticker] = ReportTickerMove(ticker: old.ticker, previousMentions: old.mentions, mentions: 0,
                                                 previousBalance: old.toneBalance, balance: nil)
        }
        for total in totals {
            var move = moves[total.ticker] ?? ReportTickerMove(ticker: total.ticker, previousMentions: 0, mentions: 0,
                                                               previousBalance: nil, balance: nil)
            move.mentions = total.mentions
            move.balance = total.toneBalance
            moves[total.ticker] = move
        }
        let all = moves.values.sorted { x, y in
            if x.delta != y.delta { return x.delta > y.delta }
            return reportPrecedes(x.ticker, y.ticker)
        }
        return ReportChanges(
            previousFinishedAt: previous.finishedAt, previousDocuments: previous.documents,
            newEntities: fresh, newEntityCount: freshCount, goneEntityCount: goneCount,
            rising: Array(all.filter { $0.delta > 0 }.prefix(changesShown)),
            falling: Array(all.filter { $0.delta < 0 }.sorted { x, y in
                x.delta != y.delta ? x.delta < y.delta : reportPrecedes(x.ticker, y.ticker)
            }.prefix(changesShown)))
    }
}

/// The small JSON file a report leaves for the next run's "what changed" section.
struct ReportSnapshot: Sendable {
    static let fileName = "report-snapshot.json"
    static let format = "newspipe-report-snapshot/1"

    struct Entity: Sendable { var id: String; var name: String; var type: String; var mentions: Int; var documents: Int }
    struct Ticker: Sendable { var ticker: String; var mentions: Int; var documents: Int; var toneBalance: Double? }

    var finishedAt: String?
    var documents: Int
    var entities: [Entity]
    var tickers: [Ticker]

    init(finishedAt: String?, documents: Int, entities: [Entity], tickers: [Ticker]) {
        self.finishedAt = finishedAt; self.documents = documents; self.entities = entities; self.tickers = tickers
    }

    func json() -> ReportJSON {
        Self.json(finishedAt: finishedAt, documents: documents, entityCount: entities.count, entity: { [entities] in entities[$0] },
                  tickers: tickers)
    }

    /// A night's snapshot (its named entities in report order, its ticker totals), each
    /// entity's row made as it is written: the rows of every named entity at once were 272,000
    /// structs and their id strings at the end of a 100,000-page night (ids are kept as bytes,
    /// `ReportKeyTable`).
    static func json(corpus: ReportCorpus, inputs: ReportInputs) -> ReportJSON {
        // Slots as 32 bits (as `[Int]` they were 2.2 MB at 100,000 pages).
        let named = corpus.entityOrderSlots().filter { corpus.isNamed($0) }
        let (ids, entities) = (corpus.entityIds, corpus.entities)
        return json(finishedAt: ReportFormat.timestamp(inputs.runFinishedAt), documents: corpus.documents.lazy.filter(\.known).count,
                    entityCount: named.count, entity: { index in
                        let e = entities[Int(named[index])]
                        return Entity(id: ids[Int(named[index])], name: e.name, type: e.type.rawValue, mentions: e.mentions, documents: e.documents)
                    },
                    tickers: corpus.tickerTotals.map {
                        Ticker(ticker: $0.ticker, mentions: $0.mentions, documents: $0.documents, toneBalance: $0.toneBalance)
                    })
    }

    private static func json(finishedAt: String?, documents: Int, entityCount: Int, entity: @escaping @Sendable (Int) -> Entity,
                             tickers: [Ticker]) -> ReportJSON {
        .object([
            ("format", .string(Self.format)),
            ("run_finished_at", .optional(finishedAt)),
            ("documents", .integer(documents)),
            ("entities", .generated(count: entityCount) { index in
                let entity = entity(index)
                return .object([("id", .string(entity.id)), ("name", .string(entity.name)), ("type", .string(entity.type)),
                                ("mentions", .integer(entity.mentions)), ("documents", .integer(entity.documents))])
            }),
            ("tickers", .array(tickers.map {
                .object([("ticker", .string($0.ticker)), ("mentions", .integer($0.mentions)),
                         ("documents", .integer($0.documents)),
                         ("tone_balance", $0.toneBalance.map { .number($0, digits: 3) } ?? .null)])
            })),
        ])
    }

    /// Reads the snapshot in a previous report folder, or failing that its `entities.csv` and
    /// `tickers.csv`; nil when neither is readable (the section is then left out).
    static func load(from folder: URL) -> ReportSnapshot? {
        var entities: [Entity] = []
        if let rest = stream(from: folder, entity: { entities.append($0) }) {
            return ReportSnapshot(finishedAt: rest.finishedAt, documents: rest.documents, entities: entities, tickers: rest.tickers)
        }
        return loadCSV(from: folder)
    }

    /// Reads the snapshot file of a previous report folder an entity at a time (`entity` gets
    /// each, in file order) and returns the rest; nil when the file is missing, of another format
    /// or not valid JSON (what `entity` was given is then to be discarded).
    ///
    /// Each entity is decoded on its own, and the rest of the file (its tickers) as one small
    /// document (`ReportJSONMemberStream`): the whole file, its decoder's map and a struct per
    /// entity were 199 MB of heap at the start of a second 100,000-page night.
    static func stream(from folder: URL, entity: (Entity) -> Void) -> (finishedAt: String?, documents: Int, tickers: [Ticker])? {
        let decoder = JSONDecoder()
        func add(_ item: Stored.StoredEntity) {
            guard let id = item.id else { return }
            entity(Entity(id: id, name: item.name ?? id, type: item.type ?? "", mentions: item.mentions ?? 0, documents: item.documents ?? 0))
        }
        guard let restBytes = try? ReportJSONMemberStream.read(folder.appendingPathComponent(fileName), streaming: "entities", element: { bytes in
            add(try Stored.StoredEntity.flat(bytes) ?? decoder.decode(Stored.StoredEntity.self, from: Data(bytes)))
        }), let stored = try? decoder.decode(Stored.self, from: Data(restBytes)), stored.format == format else { return nil }
        // (A member written with escapes in its key is not streamed: it is in the rest, whole.)
        for item in stored.entities ?? [] { add(item) }
        let tickers = (stored.tickers ?? []).compactMap { item -> Ticker? in
            guard let ticker = item.ticker else { return nil }
            return Ticker(ticker: ticker, mentions: item.mentions ?? 0, documents: item.documents ?? 0, toneBalance: item.toneBalance)
        }
        return (stored.runFinishedAt, stored.documents ?? 0, tickers)
    }

    /// The snapshot file as written by `json()`; every field optional, as the reader is lenient.
    private struct Stored: Decodable {
        struct StoredEntity: Decodable {
            var id: String?; var name: String?; var type: String?; var mentions: Int?; var documents: Int?

            /// The entity read without a decoder when it is a flat object whose known members
            /// are what the decoder would accept (strings, whole numbers, null; others ignored);
            /// nil otherwise, for the decoder to decide.
            static func flat(_ bytes: ArraySlice<UInt8>) -> StoredEntity? {
                guard let fields = JSONFlatObject.fields(bytes) else { return nil }
                func text(_ key: String) -> String?? { JSONFlatObject.optionalString(fields[key]) }
                func whole(_ key: String) -> Int?? { JSONFlatObject.optionalInteger(fields[key]) }
                // `null` is `.other`, as are `true` and `false`: only absent members pass here.
                guard let id = text("id"), let name = text("name"), let type = text("type"),
                      let mentions = whole("mentions"), let documents = whole("documents") else { return nil }
                return StoredEntity(id: id, name: name, type: type, mentions: mentions, documents: documents)
            }
        }
        struct StoredTicker: Decodable {
            var ticker: String?
            var mentions: Int?
            var documents: Int?
            var toneBalance: Double?
            enum CodingKeys: String, CodingKey { case ticker, mentions, documents, toneBalance = "tone_balance" }
        }
        var format: String?
        var runFinishedAt: String?
        var documents: Int?
        var entities: [StoredEntity]?
        var tickers: [StoredTicker]?
        enum CodingKeys: String, CodingKey { case format, runFinishedAt = "run_finished_at", documents, entities, tickers }
    }

    /// The snapshot as the folder's `entities.csv` and `tickers.csv` give it (reports written
    /// before the snapshot file existed); nil when `entities.csv` is not readable.
    static func loadCSV(from folder: URL) -> ReportSnapshot? {
        guard let entityText = try? String(contentsOf: folder.appendingPathComponent("entities.csv"), encoding: .utf8)
        else { return nil }
        let entityRows = ReportCSVReader.records(entityText)
        guard let header = entityRows.first, let id = header.firstIndex(of: "entity_id"),
              let mentions = header.firstIndex(of: "mentions") else { return nil }
        let name = header.firstIndex(of: "name"), type = header.firstIndex(of: "type")
        let documents = header.firstIndex(of: "documents")
        let named = Set(reportNamedTypes.map(\.rawValue))
        let entities = entityRows.dropFirst().compactMap { row -> Entity? in
            guard row.count == header.count else { return nil }
            let kind = type.map { row[$0] } ?? ""
            guard named.contains(kind) else { return nil }
            return Entity(id: row[id], name: name.map { row[$0] } ?? row[id], type: kind,
                          mentions: Int(row[mentions]) ?? 0, documents: documents.flatMap { Int(row[$0]) } ?? 0)
        }
        var tickers: [String: Ticker] = [:]
        var tones: [String: (bullish: Int, bearish: Int)] = [:]
        if let tickerText = try? String(contentsOf: folder.appendingPathComponent("tickers.csv"), encoding: .utf8) {
            let rows = ReportCSVReader.records(tickerText)
            if let header = rows.first, let symbol = header.firstIndex(of: "ticker"),
               let count = header.firstIndex(of: "mentions") {
                let docs = header.firstIndex(of: "documents")
                let bull = header.firstIndex(of: "bullish"), bear = header.firstIndex(of: "bearish")
                for row in rows.dropFirst() where row.count == header.count {
                    var total = tickers[row[symbol]] ?? Ticker(ticker: row[symbol], mentions: 0, documents: 0, toneBalance: nil)
                    total.mentions += Int(row[count]) ?? 0
                    total.documents += docs.flatMap { Int(row[$0]) } ?? 0
                    tickers[row[symbol]] = total
                    tones[row[symbol], default: (0, 0)].bullish += bull.flatMap { Int(row[$0]) } ?? 0
                    tones[row[symbol], default: (0, 0)].bearish += bear.flatMap { Int(row[$0]) } ?? 0
                }
            }
        }
        for (symbol, tone) in tones {
            guard let mentions = tickers[symbol]?.mentions, mentions > 0 else { continue }
            tickers[symbol]?.toneBalance = Double(tone.bullish - tone.bearish) / Double(mentions)
        }
        return ReportSnapshot(finishedAt: nil, documents: -1, entities: entities,
                              tickers: tickers.values.sorted { reportPrecedes($0.ticker, $1.ticker) })
    }
}

/// Reads RFC 4180 CSV (quoted fields, doubled quotes, CRLF or LF) into records of fields.
enum ReportCSVReader {
    static func records(_ text: String) -> [[String]] {
        var records: [[String]] = []
        var record: [String] = []
        var field = ""
        var inQuotes = false
        var scalars = text.unicodeScalars.makeIterator()
        var pending: Unicode.Scalar? = nil
        var sawAny = false
        while let scalar = pending ?? scalars.next() {
            pending = nil
            sawAny = true
            if inQuotes {
                if scalar == "\"" {
                    if let next = scalars.next() {
                        if next == "\"" { field.unicodeScalars.append("\"") } else { inQuotes = false; pending = next }
                    } else { inQuotes = false }
                } else { field.unicodeScalars.append(scalar) }
                continue
            }
            switch scalar {
            case "\"": inQuotes = true
            case ",": record.append(field); field = ""
            case "\r":
                if let next = scalars.next(), next != "\n" { pending = next }
                record.append(field); field = ""; records.append(record); record = []; sawAny = false
            case "\n":
                record.append(field); field = ""; records.append(record); record = []; sawAny = false
            default: field.unicodeScalars.append(scalar)
            }
        }
        if sawAny || !field.isEmpty || !record.isEmpty { record.append(field); records.append(record) }
        return records
    }
}
