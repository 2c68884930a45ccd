import Foundation
import NewsRecords

/// The report's tables: their layouts and their rows, drawn from an aggregated corpus.
///
/// Each table is written as a CSV file, described in `datapackage.json` and loaded into the SQLite
/// database from the same rows, so the three agree cell for cell (CSV text cells aside, which are
/// neutralised against spreadsheet formulas; SQLite keeps the raw text).
enum ReportTables {
    /// How many co-mentioned entities `entities.csv` lists per entity.
    static let coMentionsListed = 5

    static let entities = ReportTable(
        name: "entities", file: "entities.csv", title: "Entities",
        description: "One row per canonical entity, most mentioned first.",
        columns: [
            ReportColumn("entity_id", .string, "Canonical entity id (org:alphabet, ticker:GOOGL)."),
            ReportColumn("name", .string, "Canonical name (the most frequent one the entities stage gave)."),
            ReportColumn("type", .string, "PER, ORG, LOC, MISC, TICKER, MONEY, PERCENT or DATE."),
            ReportColumn("ticker", .string, "Ticker symbol of the linked company, when known."),
            ReportColumn("mentions", .integer, "Mentions in all canonical documents."),
            ReportColumn("documents", .integer, "Canonical documents that mention it."),
            ReportColumn("sites", .integer, "Distinct sites that published those documents."),
            ReportColumn("sites_with_mirrors", .integer,
                         "Distinct sites that carried those documents, counting mirrors dedup removed."),
            ReportColumn("bullish", .integer, "Mentions in a bullish sentence."),
            ReportColumn("bearish", .integer, "Mentions in a bearish sentence."),
            ReportColumn("neutral", .integer, "Mentions in a neutral sentence."),
            ReportColumn("tone_balance", .number, "(bullish - bearish) / mentions, from -1 to 1."),
            ReportColumn("first_seen", .date, "Earliest publication day (UTC) of a document mentioning it."),
            ReportColumn("last_seen", .date, "Latest publication day (UTC) of a document mentioning it."),
            ReportColumn("top_co_mentions", .string,
                         "Up to 5 entity ids most often mentioned in the same documents, ';'-joined, most first."),
        ],
        primaryKey: ["entity_id"])

    static let tickers = ReportTable(
        name: "tickers", file: "tickers.csv", title: "Tickers by day",
        description: "Mentions of each ticker per publication day (UTC). A mention counts towards a ticker when it is the symbol itself or names a company linked to it.",
        columns: [
            ReportColumn("ticker", .string, "Ticker symbol, upper case, without '$'."),
            ReportColumn("day", .date, "Publication day (UTC) of the documents; empty when undated."),
            ReportColumn("mentions", .integer, "Mentions of the symbol or its company that day."),
            ReportColumn("documents", .integer, "Canonical documents with such a mention that day."),
            ReportColumn("sites", .integer, "Distinct sites that published those documents."),
            ReportColumn("bullish", .integer, "Mentions in a bullish sentence."),
            ReportColumn("bearish", .integer, "Mentions in a bearish sentence."),
            ReportColumn("neutral", .integer, "Mentions in a neutral sentence."),
            ReportColumn("tone_balance", .number,
                         "(bullish - bearish) / mentions: -1 all bearish, 0 balanced or neutral, 1 all bullish."),
        ],
        primaryKey: [])

    static let cooccurrence = cooccurrence(pairCap: ReportBuilder.defaultPairCap, minimumDocuments: 2)

    static func cooccurrence(pairCap: Int, minimumDocuments: Int) -> ReportTable { ReportTable(
        name: "cooccurrence", file: "cooccurrence.csv", title: "Co-occurrence",
        description: "Pairs of named entities mentioned in the same canonical document, listed when they share at least \(minimumDocuments) document\(minimumDocuments == 1 ? "" : "s"), most shared first. Each document contributes pairs among its \(pairCap) most mentioned named entities (ties by id), so at most \(pairCap * (pairCap - 1) / 2) pairs; a company and its own ticker are not paired.",
        columns: [
            ReportColumn("entity_a", .string, "Entity id, the byte-wise smaller of the pair."),
            ReportColumn("name_a", .string, "Canonical name of entity_a."),
            ReportColumn("entity_b", .string, "Entity id, the byte-wise larger of the pair."),
            ReportColumn("name_b", .string, "Canonical name of entity_b."),
            ReportColumn("documents", .integer, "Canonical documents mentioning both."),
            ReportColumn("sites", .integer, "Distinct sites that published those documents."),
            ReportColumn("first_seen", .date, "Earliest publication day (UTC) of such a document."),
            ReportColumn("last_seen", .date, "Latest publication day (UTC) of such a document."),
        ],
        primaryKey: ["entity_a", "entity_b"]) }

    static let documents = ReportTable(
        name: "documents", file: "documents.csv", title: "Documents",
        description: "One row per canonical document (after dedup), in publication order.",
        columns: [
            ReportColumn("document_id", .string, "Content hash of the page (SHA-256 hex)."),
            ReportColumn("url", .string, "URL of the page (or its canonical URL)."),
            ReportColumn("site", .string, "Publishing site."),
            ReportColumn("published", .string, "Publication date or time as the page gave it."),
            ReportColumn("day", .date, "Publication day in UTC (as written when no zone was given)."),
            ReportColumn("title", .string, "Headline."),
            ReportColumn("words", .integer, "Words in the article text."),
            ReportColumn("mirrors", .integer, "Copies of this story on other pages that dedup removed."),
            ReportColumn("sites", .integer, "Distinct sites that carried the story, this one included."),
            ReportColumn("carried_by", .string, "Those sites, ';'-joined, sorted."),
            ReportColumn("entities", .string, "Named entity ids (no money, percent, date), ';'-joined, most mentioned first."),
            ReportColumn("tickers", .string, "Ticker symbols, ';'-joined, most mentioned first."),
            ReportColumn("authors", .string, "Authors as the page names them, ';'-joined."),
            ReportColumn("language", .string, "Language of the article text (BCP 47 primary tag: en, de)."),
        ],
        primaryKey: ["document_id"])

    static let documentTickers = ReportTable(
        name: "document_tickers", file: "document_tickers.csv", title: "Tickers by document",
        description: "One row per canonical document and ticker it mentions (the symbol or its company), with the document's tone towards it: the entities stage's call when it gives one, else the majority of the mentions' tones.",
        columns: [
            ReportColumn("document_id", .string, "Document id (documents.csv)."),
            ReportColumn("ticker", .string, "Ticker symbol, upper case, without '$'."),
            ReportColumn("day", .date, "Publication day (UTC) of the document; empty when undated."),
            ReportColumn("site", .string, "Publishing site of the document."),
            ReportColumn("mentions", .integer, "Mentions of the symbol or its company in the document."),
            ReportColumn("bullish", .integer, "Of those, mentions in a bullish sentence."),
            ReportColumn("bearish", .integer, "Of those, mentions in a bearish sentence."),
            ReportColumn("neutral", .integer, "Of those, mentions in a neutral sentence."),
            ReportColumn("tone_balance", .number, "(bullish - bearish) / mentions, from -1 to 1."),
            ReportColumn("tone", .string, "The document's tone towards the ticker: bullish, bearish or neutral."),
            ReportColumn("tone_source", .string,
                         "company-tone (the entities stage's document-level call) or mentions (more bullish than bearish mentions, or the reverse; neutral when equal)."),
            ReportColumn("tone_confidence", .number, "How sure the entities stage was of its call (0 to 1); empty for tone_source mentions."),
        ],
        primaryKey: ["document_id", "ticker"])

    static let clusters = ReportTable(
        name: "clusters", file: "duplicates.csv", title: "Duplicate clusters",
        description: "One row per cluster of mirrored copies of one story, widest reach first.",
        columns: [
            ReportColumn("cluster_id", .string, "Cluster id from dedup."),
            ReportColumn("canonical_id", .string, "Document id of the copy kept."),
            ReportColumn("canonical_title", .string, "Headline of the copy kept."),
            ReportColumn("canonical_url", .string, "URL of the copy kept."),
            ReportColumn("mirrors", .integer, "Copies removed."),
            ReportColumn("sites", .integer, "Distinct sites among all copies."),
            ReportColumn("carried_by", .string, "Those sites, ';'-joined, sorted."),
            ReportColumn("mirror_ids", .string, "Document ids of the removed copies, ';'-joined."),
            ReportColumn("similarity_min", .number, "Lowest estimated Jaccard similarity of a mirror to the canonical."),
            ReportColumn("similarity_max", .number, "Highest estimated Jaccard similarity of a mirror to the canonical."),
            ReportColumn("containment_min", .number, "Lowest share of a mirror's shingles found in the canonical."),
        ],
        primaryKey: ["cluster_id"])

    static func all(pairCap: Int, minimumPairDocuments: Int) -> [ReportTable] {
        [entities, tickers, cooccurrence(pairCap: pairCap, minimumDocuments: minimumPairDocuments), documents, documentTickers, clusters]
    }

    // MARK: Rows

    static func day(_ value: Int?) -> ReportCell { .text(value.map(ReportDay.string)) }

    static func entityRows(_ corpus: ReportCorpus) -> ReportTableRows {
        let order = corpus.entityOrderSlots()
        return ReportTableRows(count: order.count) { position in
            let index = Int(order[position])
            let entity = corpus.entities[index]
            let co = corpus.coMentions(of: index).prefix(coMentionsListed).map { corpus.entityId($0) }
            let balance = entity.mentions == 0 ? 0 : Double(entity.bullish - entity.bearish) / Double(entity.mentions)
            return [[
                .text(corpus.entityId(index)), .text(entity.name), .text(entity.type.rawValue), .text(entity.ticker),
                .integer(entity.mentions), .integer(entity.documents), .integer(entity.sites),
                .integer(entity.sitesWithMirrors), .integer(entity.bullish), .integer(entity.bearish),
                .integer(entity.neutral), .number(balance, digits: 3), day(entity.firstDay), day(entity.lastDay),
                .text(co.joined(separator: ";")),
            ]]
        }
    }

    static func tickerRows(_ corpus: ReportCorpus) -> ReportTableRows {
        ReportTableRows(count: corpus.tickerDays.count) { position in
            let row = corpus.tickerDays[position]
            return [[
                .text(row.ticker), day(row.day), .integer(row.mentions), .integer(row.documents),
                .integer(row.sites), .integer(row.bullish), .integer(row.bearish), .integer(row.neutral),
                .number(row.toneBalance, digits: 3),
            ]]
        }
    }

    static func cooccurrenceRows(_ corpus: ReportCorpus) -> ReportTableRows {
        ReportTableRows(count: corpus.pairs.count) { position in
            let pair = corpus.pairs[position]
            let (a, b) = (corpus.entities[Int(pair.a)], corpus.entities[Int(pair.b)])
            return [[
                .text(corpus.entityId(pair.a)), .text(a.name), .text(corpus.entityId(pair.b)), .text(b.name), .integer(pair.documents),
                .integer(pair.sites), day(pair.firstDay), day(pair.lastDay),
            ]]
        }
    }

    static func documentRows(_ corpus: ReportCorpus) -> ReportTableRows {
        let order = corpus.orderedDocuments()
        return ReportTableRows(count: order.count) { position in
            let document = corpus.documents[order[position]]
            let carriers = corpus.carriers(of: document)
            let entityIds = try corpus.namedEntities(of: document).map { corpus.entityId($0) }
            let details = try corpus.details(of: document)
            return [[
                .text(document.id), .text(details.url), .text(document.site), .text(details.published),
                day(document.when?.day), .text(details.title), .integer(document.words),
                .integer(corpus.mirrorCount(of: document)), .integer(carriers.count),
                .text(carriers.joined(separator: ";")), .text(entityIds.joined(separator: ";")),
                .text(corpus.tickers(of: document).joined(separator: ";")),
                .text(details.authors.isEmpty ? nil : details.authors.joined(separator: ";")), .text(details.language),
            ]]
        }
    }

    static func documentTickerRows(_ corpus: ReportCorpus) -> ReportTableRows {
        // Each ticker's companies (organisations linked to it), by id.
        var companies: [String: [Int32]] = [:]
        for (slot, entity) in corpus.entities.enumerated() where entity.type == .organization {
            if let ticker = entity.ticker { companies[ticker, default: []].append(Int32(slot)) }
        }
        for key in companies.keys { companies[key]?.sort { corpus.entityIds.precedes(Int($0), Int($1)) } }
        let order = corpus.orderedDocuments()
        return ReportTableRows(count: order.count) { [companies] position in
            let index = order[position]
            let document = corpus.documents[index]
            let rows = document.tickerMentions.map { (slot: $0.key, symbol: corpus.tickers[Int($0.key)], counts: $0.value) }.sorted { x, y in
                x.counts.total != y.counts.total ? x.counts.total > y.counts.total : reportPrecedes(x.symbol, y.symbol)
            }
            return rows.map { row -> [ReportCell] in
                let counts = row.counts
                let balance = counts.total == 0 ? 0 : Double(counts.bullish - counts.bearish) / Double(counts.total)
                let stage = corpus.companyTone(document: Int32(index), ticker: row.slot, entities: companies[row.symbol] ?? [])
                let majority: Tone = counts.bullish > counts.bearish ? .bullish : counts.bearish > counts.bullish ? .bearish : .neutral
                return [
                    .text(document.id), .text(row.symbol), day(document.when?.day), .text(document.site),
                    .integer(Int(counts.total)), .integer(Int(counts.bullish)), .integer(Int(counts.bearish)),
                    .integer(Int(counts.neutral)), .number(balance, digits: 3), .text((stage?.tone ?? majority).rawValue),
                    .text(stage == nil ? "mentions" : "company-tone"), .number(stage?.confidence, digits: 3),
                ]
            }
        }
    }

    static func clusterRows(_ corpus: ReportCorpus) -> ReportTableRows {
        let order = corpus.storyIndexesByReach()
        return ReportTableRows(count: order.count) { position in
            let story = corpus.stories[Int(order[position])]
            let members = try corpus.members(of: story)
            let canonical = members.first { $0.id == story.canonicalId }
            let mirrors = members.filter { $0.id != story.canonicalId }.map(\.id)
            return [[
                .text(story.clusterId), .text(story.canonicalId), .text(try corpus.title(ofDocument: story.canonicalId)),
                .text(canonical?.url), .integer(story.mirrors), .integer(story.sites.count),
                .text(story.sites.joined(separator: ";")), .text(mirrors.joined(separator: ";")),
                .number(story.similarityMin, digits: 3), .number(story.similarityMax, digits: 3),
                .number(story.containmentMin, digits: 3),
            ]]
        }
    }

    /// A table's rows, key by key (entity, day, pair, document, cluster) in table order.
    static func source(of table: ReportTable, _ corpus: ReportCorpus) -> ReportTableRows {
        switch table.name {
        case entities.name: entityRows(corpus)
        case tickers.name: tickerRows(corpus)
        case cooccurrence.name: cooccurrenceRows(corpus)
        case documents.name: documentRows(corpus)
        case documentTickers.name: documentTickerRows(corpus)
        case clusters.name: clusterRows(corpus)
        default: preconditionFailure("no rows for table \(table.name)")
        }
    }
}

/// A table's rows by key: `count` keys in table order, `rows(key)` the rows of one (one row for
/// most tables, one per ticker for `document_tickers`). The closure only reads the finished
/// corpus (its spill files sealed: `ReportCorpus.sealSpills`, reads are positioned), so keys
/// may be turned into rows on several threads at once; hence `@unchecked Sendable`.
struct ReportTableRows: @unchecked Sendable {
    let count: Int
    let rows: (Int) throws -> [[ReportCell]]
}
