import Foundation
import NewsIO
import NewsRecords
import Testing
@testable import NewsReports

/// The compact stores that keep the report stage's memory flat as the night grows: they must
/// give what the plain arrays and dictionaries they replaced gave.
@Suite struct ReportCompactStoreTests {
    static func folder() -> URL {
        FileManager.default.temporaryDirectory.appendingPathComponent("compact-\(UUID().uuidString)")
    }

    /// A new folder of its own, made (the caller removes it).
    static func createdFolder() throws -> URL {
        let folder = folder()
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        return folder
    }

    /// `documents.jsonl` in `folder`, a line per document (the dedup stage's records as JSON).
    static func documentsFile(in folder: URL, _ lines: [String]) throws -> URL {
        let url = folder.appendingPathComponent("documents.jsonl")
        try Data(lines.map { $0 + "\n" }.joined().utf8).write(to: url)
        return url
    }

    /// A mention of organisation `entity` in `document`, named `name` (its id when nil).
    static func organization(_ document: String, _ entity: String, name: String? = nil, start: Int = 0) -> EntityMention {
        EntityMention(documentId: document, entityId: entity, canonicalName: name ?? entity, surface: name ?? entity,
                      type: .organization, start: start, end: start + 1, sentence: 0, confidence: 1)
    }

    static func random(_ state: inout UInt64, _ bound: Int) -> Int {
        state = state &* 6364136223846793005 &+ 1442695040888963407
        return Int(state >> 33) % max(1, bound)
    }

    static func mentions(_ count: Int, entities: Int, seed: UInt64) -> [ReportPageData.Mention] {
        var state = seed
        return (0 ..< count).map { _ in
            ReportPageData.Mention(
                doc: Int32(random(&state, 50)), entity: Int32(random(&state, entities)), ticker: Int32(random(&state, 4) - 1),
                name: Int32(random(&state, 3) - 1), sentence: Int32(random(&state, 6) - 1), start: Int32(random(&state, 300)),
                length: Int32(random(&state, 20)), tone: UInt8(random(&state, 3)),
                evidence: random(&state, 5) == 0 ? Int32.min : Int32(random(&state, 4) - 1))
        }
    }

    /// The page's order, story names ranked in reverse of their index.
    static func order(_ a: ReportPageData.Mention, _ b: ReportPageData.Mention) -> Bool {
        ReportPageData.precedes(a, b, nameRank: [1, 0])
    }

    static func fields(_ m: ReportPageData.Mention) -> [Int64] {
        [m.doc, m.entity, m.ticker, m.name, m.sentence, m.start, m.length, m.evidence].map(Int64.init) + [Int64(m.tone)]
    }

    /// Sorted a range of entities at a time, whatever the chunk size (one row, fewer rows than
    /// one entity has, all at once), the rows come back as sorting them all in memory gives.
    @Test(arguments: [1, 7, 100, 1 << 17])
    func pageMentionStoreSortsAsInMemory(chunkRows: Int) throws {
        let folder = Self.folder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let rows = Self.mentions(3_000, entities: 40, seed: UInt64(chunkRows))
        let store = try ReportPageMentionStore(folder: folder, entities: 40, chunkRows: chunkRows)
        for row in rows { try store.append(row) }
        #expect(store.count == rows.count)
        try store.sort(by: Self.order)
        var back: [[Int64]] = []
        try store.forEachSorted { back.append(Self.fields($0)) }
        #expect(back == rows.sorted(by: Self.order).map(Self.fields))
        // Read again (the page reads one column at a time); a second sort changes nothing.
        try store.sort(by: { _, _ in false })
        var again: [[Int64]] = []
        try store.forEachSorted { again.append(Self.fields($0)) }
        #expect(again == back)
        // Both spill files are unlinked: nothing is left in the folder.
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path).isEmpty)
    }

    @Test func pageMentionStoreWithoutRows() throws {
        let folder = Self.folder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let store = try ReportPageMentionStore(folder: folder, entities: 0)
        try store.sort(by: Self.order)
        var count = 0
        try store.forEachSorted { _ in count += 1 }
        #expect(count == 0 && store.count == 0)
    }

    @Test func pageMentionRowsRoundTrip() {
        let extremes = ReportPageData.Mention(doc: .max, entity: 0, ticker: -1, name: .min, sentence: -1, start: 123_456_789,
                                              length: 0, tone: 255, evidence: -2)
        for row in [extremes] + Self.mentions(200, entities: 9, seed: 5) {
            var bytes: [UInt8] = []
            ReportPageMentionStore.encode(row, into: &bytes)
            #expect(bytes.count == ReportPageMentionStore.rowBytes)
            let back = bytes.withUnsafeBytes { ReportPageMentionStore.decode($0, at: 0) }
            #expect(Self.fields(back) == Self.fields(row))
        }
    }

    /// The first call on a (document, company) wins, tickers and entities with the same slot
    /// are different companies, and what was never added is not found.
    @Test func companyTonesKeepTheFirstCall() {
        var tones = ReportCompanyTones()
        var expected: [String: ReportCompanyTone] = [:]
        var state: UInt64 = 11
        for _ in 0 ..< 2_000 {
            let document = Int32(Self.random(&state, 60))
            let slot = Int32(Self.random(&state, 30))
            let isTicker = Self.random(&state, 2) == 0
            let call = ReportCompanyTone(tone: [Tone.bullish, .bearish, .neutral][Self.random(&state, 3)],
                                         confidence: Double(Self.random(&state, 1000)) / 1000)
            tones.add(document: document, company: isTicker ? .ticker(slot) : .entity(slot), call)
            let key = "\(document) \(isTicker ? "ticker" : "entity") \(slot)"
            if expected[key] == nil { expected[key] = call }
        }
        tones.seal()
        #expect(tones.count == expected.count)
        for document in Int32(-1) ... 61 {
            for slot in Int32(0) ... 31 {
                #expect(tones.call(document: document, company: .ticker(slot)) == expected["\(document) ticker \(slot)"])
                #expect(tones.call(document: document, company: .entity(slot)) == expected["\(document) entity \(slot)"])
            }
        }
        var empty = ReportCompanyTones()
        empty.seal()
        #expect(empty.call(document: 0, company: .entity(0)) == nil)
    }

    @Test func entityAndPairCountsKeepTheirValues() {
        var entity = ReportEntityRow()
        var reach = ReportEntityReach()
        #expect(entity.mentions == 0 && reach.documents == 0 && reach.firstDay == nil && reach.lastDay == nil)
        entity.mentions += 3
        reach.sitesWithMirrors = 1_000_000
        reach.firstDay = -719_528
        reach.lastDay = 2_932_896
        #expect(entity.mentions == 3 && reach.sitesWithMirrors == 1_000_000)
        #expect(reach.firstDay == -719_528 && reach.lastDay == 2_932_896)
        reach.lastDay = nil
        #expect(reach.lastDay == nil)
        var pair = ReportPair(a: 1, b: 2)
        pair.documents += 2
        pair.firstDay = 0
        #expect(pair.documents == 2 && pair.firstDay == 0 && pair.lastDay == nil)
    }
    /// A document's packed row gives back each field as set, and setting one never changes
    /// another (the flags share a byte).
    @Test func documentRowKeepsEachFieldApart() throws {
        var row = ReportDocumentRow(known: true, words: 412)
        #expect(row.known && row.words == 412 && row.when == nil && row.location == nil && row.site == -1)
        #expect(row.entityCounts == ReportSpillFile.Span(offset: 0, count: 0) && row.details == -1)
        let dated = try #require(ReportPublished("2026-04-13T08:30:00+02:00"))
        let dayOnly = try #require(ReportPublished("1969-12-31"))
        row.when = dated
        #expect(row.when == dated && row.known)
        row.known = false
        #expect(row.when == dated && !row.known)
        row.when = dayOnly
        #expect(row.when == dayOnly && !row.when!.hasTime && !row.when!.hasZone && !row.known)
        row.known = true
        row.when = nil
        #expect(row.when == nil && row.known)
        let place = ReportLineLocation(file: 0, offset: 5_000_000_000, length: 70_000)
        row.location = place
        row.entityCounts = ReportSpillFile.Span(offset: 6_000_000_000, count: 31)
        row.words = 3_000_000_000
        #expect(row.location == place && row.entityCounts == ReportSpillFile.Span(offset: 6_000_000_000, count: 31))
        #expect(row.words == Int(Int32.max) && row.known && row.when == nil)
        row.location = nil
        #expect(row.location == nil && row.entityCounts.count == 31)
    }

    /// The corpus keeps documents as rows and ids in a key table: a document read back gives its
    /// id, site and date, mentions of an id it does not know add a document that is not known,
    /// and a repeated canonical id keeps its first copy.
    @Test func documentsReadBackThroughTheirRows() throws {
        let folder = try Self.createdFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let lines = [
            #"{"id":"d1","site":"a.example","published":"2026-04-13","words":10}"#,
            #"{"id":"d2","url":"https://www.b.example/x","words":20}"#,
            #"{"id":"d1","site":"c.example","words":30}"#,
        ]
        let url = try Self.documentsFile(in: folder, lines)
        var corpus = ReportCorpus(pairCap: 12, spillFolder: folder)
        try corpus.readDocuments(url)
        try corpus.add(Self.organization("d9", "org:x", name: "X"))
        #expect(corpus.documents.count == 3 && corpus.duplicateDocuments == 1)
        let d1 = corpus.documents[Int(try #require(corpus.documentSlot(of: "d1")))]
        #expect(d1.id == "d1" && d1.site == "a.example" && d1.words == 10 && d1.known && d1.when?.day == ReportPublished("2026-04-13")?.day)
        #expect(d1.location == ReportLineLocation(file: 0, offset: 0, length: Int32(lines[0].utf8.count)))
        let d2 = corpus.documents[Int(try #require(corpus.documentSlot(of: "d2")))]
        #expect(d2.id == "d2" && d2.site == "b.example" && d2.when == nil && d2.words == 20)
        let d9 = corpus.documents[Int(try #require(corpus.documentSlot(of: "d9")))]
        #expect(d9.id == "d9" && !d9.known && d9.site == nil && d9.location == nil)
        #expect(corpus.documentSlot(of: "d3") == nil && corpus.orphanMentions == 1)
    }

    /// A document's sentences are stored together; should its mentions come back after another
    /// document's, its earlier sentences move to join the new ones, and the block still lists
    /// them by document, in the order they were numbered.
    @Test func sentencesOfADocumentThatComesBackStayTogether() throws {
        let folder = try Self.createdFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let documents = try Self.documentsFile(in: folder, [#"{"id":"a","words":3,"published":"2026-01-01"}"#,
                                                            #"{"id":"b","words":3,"published":"2026-01-02"}"#])
        func mention(_ document: String, _ start: Int) -> EntityMention { Self.organization(document, "org:x", name: "X", start: start) }
        func context(_ text: String, _ start: Int) -> ReportMentionContext {
            ReportMentionContext(kind: .sentence, start: start, end: start + text.count, text: text, sentenceStart: start,
                                 sentenceEnd: start + text.count, cutBefore: false, cutAfter: start > 0)
        }
        var corpus = ReportCorpus(pairCap: 12)
        try corpus.readDocuments(documents)
        for item in [mention("a", 0), mention("a", 10), mention("b", 0)] { try corpus.add(item) }
        try corpus.finish()
        let page = try ReportPageData(corpus: corpus, folder: folder)
        #expect(page.begin(document: 0))
        try page.add(mention("a", 0), context: context("a one", 0))
        #expect(page.begin(document: 1))
        try page.add(mention("b", 0), context: context("b one", 0))
        #expect(page.begin(document: 0))
        try page.add(mention("a", 10), context: context("a two", 10))
        let sentences = try JSONSerialization.jsonObject(with: Data(page.sentencesJSON())) as? [String]
        #expect(sentences == ["a one", "a two…", "b one"])
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path) == ["documents.jsonl"])
    }
    /// The previous report's ids: every id is found, and an id listed as a ticker and as
    /// something else counts as not a ticker (as the sets of ids it replaced counted it); read
    /// against tonight's ids (those it shares kept as flags at tonight's slots, the others as
    /// bytes), it answers the same.
    @Test(arguments: [[], ["org:b", "org:z", "ticker:A", "per:q"]])
    func previousNightKeepsTheIds(_ tonightIds: [String]) {
        let snapshot = ReportSnapshot(
            finishedAt: "2026-12-03T02:00:00Z", documents: 7,
            entities: [.init(id: "org:a", name: "A", type: "ORG", mentions: 3, documents: 2),
                       .init(id: "ticker:A", name: "A", type: "TICKER", mentions: 2, documents: 1),
                       .init(id: "org:b", name: "B", type: "TICKER", mentions: 1, documents: 1),
                       .init(id: "org:b", name: "B", type: "ORG", mentions: 1, documents: 1),
                       .init(id: "per:c", name: "C", type: "PER", mentions: 1, documents: 1)],
            tickers: [.init(ticker: "A", mentions: 2, documents: 1, toneBalance: 0.5)])
        var tonight = ReportKeyTable()
        for id in tonightIds { tonight.insert(id) }
        let previous = ReportPreviousNight(snapshot, against: tonight)
        #expect(previous.finishedAt == "2026-12-03T02:00:00Z" && previous.documents == 7 && previous.tickers.count == 1)
        for id in ["org:a", "ticker:A", "org:b", "per:c"] { #expect(previous.contains(id)) }
        #expect(!previous.contains("org:z") && !previous.contains("") && !previous.contains("per:q"))
        #expect(Set(previous.nonTickerIds) == ["org:a", "org:b", "per:c"])
        #expect(Array(previous.nonTickerIds).count == 3)
    }
    /// Walking documents grouped by site (`ReportCorpus.bySite`), the walk counts for each item
    /// the distinct sites of the documents that name it, as a set per item does; documents
    /// without a site count towards none.
    @Test(arguments: [1, 5, 40])
    func siteWalkCountsDistinctSites(siteCount: Int) {
        var state = UInt64(siteCount) &+ 7
        let documentCount = 2_000, itemCount = 300
        let sites = (0 ..< documentCount).map { _ in Int32(Self.random(&state, siteCount + 1)) - 1 }
        let items = (0 ..< documentCount).map { _ in (0 ..< Self.random(&state, 12)).map { _ in Self.random(&state, itemCount) } }
        let known = (0 ..< documentCount).filter { $0 % 10 != 3 }
        let walk = ReportCorpus.bySite(known, sites: sites)
        #expect(walk.map(Int.init).sorted() == known)
        #expect(zip(walk, walk.dropFirst()).allSatisfy { x, y in
            let (a, b) = (sites[Int(x)] < 0 ? Int32.max : sites[Int(x)], sites[Int(y)] < 0 ? Int32.max : sites[Int(y)])
            return a < b || (a == b && x < y)
        })
        var counted = Array(repeating: 0, count: itemCount)
        var siteWalk = ReportSiteWalk(items: itemCount)
        for document in walk {
            for item in items[Int(document)] where siteWalk.first(item, at: sites[Int(document)]) { counted[item] += 1 }
        }
        var expected = Array(repeating: Set<Int32>(), count: itemCount)
        for document in known where sites[document] >= 0 {
            for item in items[document] { expected[item].insert(sites[document]) }
        }
        #expect(counted == expected.map(\.count))
        #expect(counted.contains { $0 > 1 } || siteCount == 1)
    }
    /// An entity's name, type and ticker are the most frequent its mentions gave (ties to the
    /// byte-wise smallest), whichever came first: the first values are counted in the entity's
    /// row, the others beside it.
    @Test(arguments: [false, true])
    func entityVotesSettleOnTheMostFrequent(reversed: Bool) throws {
        func mention(_ name: String, _ type: EntityType, _ ticker: String?) -> EntityMention {
            EntityMention(documentId: "d", entityId: "org:x", canonicalName: name, surface: name, type: type,
                          start: 0, end: 1, sentence: 0, ticker: ticker, confidence: 1)
        }
        var mentions = [mention("Beta", .person, "XX"), mention("Beta", .organization, nil), mention("Alpha", .organization, "YY"),
                        mention("Gamma", .person, "YY"), mention("Alpha", .organization, nil)]
        if reversed { mentions.reverse() }
        var corpus = ReportCorpus(pairCap: 12)
        for item in mentions { try corpus.add(item) }
        try corpus.finish()
        let entity = corpus.entities[0]
        #expect(entity.name == "Alpha" && entity.type == .organization && entity.ticker == "YY")
        #expect(entity.mentions == 5)
        var single = ReportCorpus(pairCap: 12)
        try single.add(mention("Solo", .location, nil))
        try single.finish()
        #expect(single.entities[0].name == "Solo" && single.entities[0].type == .location && single.entities[0].ticker == nil)
    }
    /// A document's mentions per entity go to disk when the next document's begin; a document
    /// whose mentions come again later (not as the entities stage writes them) goes on from what
    /// was stored, and counts once per entity as if its mentions had come together.
    @Test func entityCountsOfADocumentThatComesBackAddUp() throws {
        let folder = try Self.createdFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let documents = try Self.documentsFile(in: folder, [#"{"id":"a","words":3,"site":"s1","published":"2026-01-01"}"#,
                                                            #"{"id":"b","words":3,"site":"s2","published":"2026-01-03"}"#])
        func mention(_ document: String, _ entity: String) -> EntityMention { Self.organization(document, entity) }
        var corpus = ReportCorpus(pairCap: 12, spillFolder: folder)
        try corpus.readDocuments(documents)
        for (document, entity) in [("a", "org:x"), ("a", "org:y"), ("b", "org:x"), ("a", "org:x"), ("a", "org:z"), ("b", "org:z")] {
            try corpus.add(mention(document, entity))
        }
        try corpus.finish()
        func counts(_ id: String) throws -> [String: Int32] {
            let document = corpus.documents[Int(try #require(corpus.documentSlot(of: id)))]
            return Dictionary(uniqueKeysWithValues: try corpus.entityCounts(of: document).map { (corpus.entityId($0.key), $0.value) })
        }
        #expect(try counts("a") == ["org:x": 2, "org:y": 1, "org:z": 1])
        #expect(try counts("b") == ["org:x": 1, "org:z": 1])
        let rows = Dictionary(uniqueKeysWithValues: corpus.entities.indices.map {
            (corpus.entityId($0), [corpus.entities[$0].mentions, corpus.entities[$0].documents, corpus.entities[$0].sites])
        })
        #expect(rows == ["org:x": [3, 2, 2], "org:y": [1, 1, 1], "org:z": [2, 2, 2]])
        let a = corpus.documents[Int(try #require(corpus.documentSlot(of: "a")))]
        #expect(try corpus.namedEntities(of: a).map { corpus.entityId($0) } == ["org:x", "org:y", "org:z"])
        #expect(corpus.pairs.count == 3)
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path) == ["documents.jsonl"])
    }
    /// Letting the entities' rows, reach and names go (`dropEntityDetails`, before the context
    /// pass) keeps their ids, found by slot and by id as the page's mention rows need them, and
    /// the documents; the counters' estimate (`heldBytes`, the mention sorter's budget) grows as
    /// entities and documents come and falls when they go.
    @Test func droppingEntityDetailsKeepsTheIds() throws {
        let folder = try Self.createdFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let documents = try Self.documentsFile(in: folder, [#"{"id":"a","words":3,"site":"s1","published":"2026-01-01"}"#])
        var corpus = ReportCorpus(pairCap: 12, spillFolder: folder)
        try corpus.readDocuments(documents)
        let before = corpus.heldBytes
        for entity in ["org:x", "org:y", "per:z"] {
            try corpus.add(Self.organization("a", entity, name: entity.uppercased()))
        }
        let counted = corpus.heldBytes
        #expect(counted > before)
        try corpus.finish()
        #expect(corpus.entities.map(\.name) == ["ORG:X", "ORG:Y", "PER:Z"])
        corpus.dropEntityDetails()
        #expect(corpus.entityDetailsDropped)
        #expect(corpus.entityRows.isEmpty && corpus.entityReach.isEmpty && corpus.entityNames.isEmpty)
        #expect(corpus.entityIds.slot(of: "org:y") == 1 && corpus.entityId(2) == "per:z")
        #expect(corpus.documentSlot(of: "a") == 0 && corpus.documentRows[0].known)
        #expect(corpus.heldBytes < counted)
    }

    /// The listed pairs and each entity's top co-mentions, counted from buckets of partners a
    /// range of entities at a time, are what counting every document's chosen pairs directly
    /// gives, in one range or in many.
    @Test(arguments: [3, 40, 1 << 18])
    func pairsAndCoMentionsAgreeWithADirectCount(_ keysPerRange: Int) throws {
        let folder = try Self.createdFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let documents = try Self.documentsFile(in: folder, (0 ..< 80).map {
            "{\"id\":\"d\($0)\",\"words\":3,\"site\":\"s\($0 % 5)\",\"published\":\"2026-01-\(String(format: "%02d", $0 % 28 + 1))\"}"
        })
        var corpus = ReportCorpus(pairCap: 4, minimumPairDocuments: 2, spillFolder: folder)
        corpus.pairKeysPerRange = keysPerRange
        try corpus.readDocuments(documents)
        var state: UInt64 = 7
        var perDocument: [String: [String: Int]] = [:]
        for document in 0 ..< 80 {
            for _ in 0 ..< Self.random(&state, 9) {
                let entity = "org:e\(Self.random(&state, 30))"
                try corpus.add(Self.organization("d\(document)", entity))
                perDocument["d\(document)", default: [:]][entity, default: 0] += 1
            }
        }
        try corpus.finish()
        // Each document's four most mentioned entities (ties by id), every two of them a pair.
        var together: [String: [String: Int]] = [:]
        for counts in perDocument.values {
            let chosen = counts.sorted { $0.value != $1.value ? $0.value > $1.value : reportPrecedes($0.key, $1.key) }.prefix(4).map(\.key)
            for a in chosen { for b in chosen where a != b { together[a, default: [:]][b, default: 0] += 1 } }
        }
        #expect(!together.isEmpty)
        for slot in 0 ..< corpus.entityIds.count {
            let id = corpus.entityId(slot)
            let expected = (together[id] ?? [:]).sorted { $0.value != $1.value ? $0.value > $1.value : reportPrecedes($0.key, $1.key) }
                .prefix(corpus.coMentionsKept).map(\.key)
            #expect(corpus.coMentions(of: slot).map { corpus.entityId($0) } == expected, "co-mentions of \(id)")
        }
        var expectedPairs: [(a: String, b: String, documents: Int)] = []
        for (a, partners) in together { for (b, count) in partners where reportPrecedes(a, b) && count >= 2 { expectedPairs.append((a, b, count)) } }
        expectedPairs.sort { $0.documents != $1.documents ? $0.documents > $1.documents : $0.a != $1.a ? reportPrecedes($0.a, $1.a) : reportPrecedes($0.b, $1.b) }
        #expect(expectedPairs.count > 10)
        #expect(corpus.pairs.map { "\(corpus.entityId($0.a)) \(corpus.entityId($0.b)) \($0.documents)" }
            == expectedPairs.map { "\($0.a) \($0.b) \($0.documents)" })
    }

    /// Removed mirrors are all counted, but kept (their count and sites) only for a canonical no
    /// cluster names; a document's carriers and mirrors read the same from the cluster or the
    /// removed records, and, once the stories are let go (`dropTableInputs`), from the counts
    /// kept per document.
    @Test func removedMirrorsOfAClusteredCanonicalAreCountedNotKept() throws {
        let folder = try Self.createdFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        func member(_ id: String, _ site: String?) -> ClusterMember {
            ClusterMember(id: id, source: "pages/\(id).html", url: site.map { "https://\($0)/\(id)" }, site: site,
                          published: "2026-12-01", similarity: 0.9, containment: 0.95)
        }
        func removed(_ id: String, _ site: String?, of canonical: String, _ cluster: String) -> RemovedMirror {
            RemovedMirror(id: id, source: "pages/\(id).html", url: site.map { "https://\($0)/\(id)" }, site: site, canonicalId: canonical,
                          clusterId: cluster, reason: "near-duplicate", similarity: 0.9, containment: 0.95)
        }
        let clusters = folder.appendingPathComponent("clusters.jsonl")
        try JSONLines.write([MirrorCluster(clusterId: "c1", canonicalId: "d1", members: [member("d1", "a.com"), member("d2", "b.com"), member("d3", nil)])],
                            to: clusters)
        let removals = folder.appendingPathComponent("removed.jsonl")
        try JSONLines.write([removed("d2", "b.com", of: "d1", "c1"), removed("d3", nil, of: "d1", "c1"),
                             removed("d8", "r.com", of: "d7", "c9"), removed("d9", "s.com", of: "d7", "c9")], to: removals)
        let documents = try Self.documentsFile(in: folder, [("d1", "a.com"), ("d4", "a.com"), ("d7", "q.com")].map {
            "{\"id\":\"\($0.0)\",\"words\":3,\"site\":\"\($0.1)\"}"
        })
        var corpus = ReportCorpus(pairCap: 12, spillFolder: folder)
        try corpus.readClusters(clusters)
        try corpus.readRemoved(removals)
        try corpus.readDocuments(documents)
        #expect(corpus.removedCount == 4 && corpus.removedByReason == ["near-duplicate": 4])
        #expect(Array(corpus.removedByCanonical.keys) == ["d7"])
        let expected: [String: (carriers: [String], mirrors: Int)] = [
            "d1": (["a.com", "b.com"], 2), "d4": (["a.com"], 0), "d7": (["q.com", "r.com", "s.com"], 2),
        ]
        for (id, want) in expected {
            let slot = Int(try #require(corpus.documentSlot(of: id)))
            #expect(corpus.carriers(of: corpus.documents[slot]) == want.carriers, "\(id)")
            #expect(corpus.mirrorCount(of: corpus.documents[slot]) == want.mirrors, "\(id)")
        }
        try corpus.finish()
        corpus.dropTableInputs()
        #expect(corpus.stories.isEmpty && corpus.removedByCanonical.isEmpty)
        for (id, want) in expected {
            let slot = Int(try #require(corpus.documentSlot(of: id)))
            #expect(corpus.carrierCount(ofSlot: slot) == want.carriers.count && corpus.mirrorCount(ofSlot: slot) == want.mirrors, "\(id)")
        }
    }

    /// Mentions per ticker are kept per document in one store: a document whose mentions come
    /// back after another's goes on from its stored counts (by tone), and each document reads
    /// back only its own, in the order its mentions first named the tickers.
    @Test func tickerCountsOfADocumentThatComesBackAddUp() throws {
        let folder = try Self.createdFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let documents = try Self.documentsFile(in: folder, [#"{"id":"a","words":3,"published":"2026-01-01"}"#,
                                                            #"{"id":"b","words":3,"published":"2026-01-03"}"#])
        func mention(_ document: String, _ symbol: String, _ tone: Tone) -> EntityMention {
            var mention = EntityMention(documentId: document, entityId: "ticker:" + symbol, canonicalName: symbol, surface: symbol,
                                        type: .ticker, start: 0, end: 1, sentence: 0, confidence: 1)
            mention.tone = tone
            return mention
        }
        var corpus = ReportCorpus(pairCap: 12, spillFolder: folder)
        try corpus.readDocuments(documents)
        let sequence: [(String, String, Tone)] = [
            ("a", "XYZ", .bullish), ("a", "ABC", .neutral), ("b", "XYZ", .bearish), ("a", "XYZ", .bearish),
            ("a", "QQQ", .bullish), ("b", "ABC", .neutral), ("b", "ABC", .bullish),
        ]
        for (document, symbol, tone) in sequence { try corpus.add(mention(document, symbol, tone)) }
        try corpus.finish()
        func counts(_ id: String) throws -> [String] {
            let document = corpus.documents[Int(try #require(corpus.documentSlot(of: id)))]
            return document.tickerMentions.map { "\(corpus.tickers[Int($0.key)]) \($0.value.bullish)/\($0.value.bearish)/\($0.value.neutral)" }
        }
        #expect(try counts("a") == ["XYZ 1/1/0", "ABC 0/0/1", "QQQ 1/0/0"])
        #expect(try counts("b") == ["XYZ 0/1/0", "ABC 1/0/1"])
        let b = corpus.documents[Int(try #require(corpus.documentSlot(of: "b")))]
        #expect(corpus.tickers(of: b) == ["ABC", "XYZ"])
        let totals = Dictionary(uniqueKeysWithValues: corpus.tickerTotals.map { ($0.ticker, [$0.mentions, $0.documents]) })
        #expect(totals == ["XYZ": [3, 2], "ABC": [3, 2], "QQQ": [1, 1]])
    }

    /// The pairs come out most shared first, then by the entities' ids, whatever order they were
    /// counted in.
    @Test func pairTableListsPairsInReportOrder() {
        var rows = ReportBlockArray<ReportPair>()
        for (a, b, documents) in [(0, 1, 2), (0, 2, 5), (1, 2, 2), (2, 3, 7), (1, 3, 2)] {
            var pair = ReportPair(a: Int32(a), b: Int32(b))
            pair.documents = documents
            rows.append(pair)
        }
        let ids = ["e", "d", "c", "a"]
        let table = ReportPairTable(rows) { x, y in
            if x.documents != y.documents { return x.documents > y.documents }
            if x.a != y.a { return ids[Int(x.a)] < ids[Int(y.a)] }
            return ids[Int(x.b)] < ids[Int(y.b)]
        }
        #expect(table.map { "\(ids[Int($0.a)])-\(ids[Int($0.b)]) \($0.documents)" } == ["c-a 7", "e-c 5", "d-a 2", "d-c 2", "e-d 2"])
        #expect(ReportPairTable().isEmpty)
    }

    /// Counters read back through a pass's window equal those read one by one, whatever order
    /// the pass asks in and however the records straddle windows.
    @Test func entityCountReaderAgreesWithDirectReads() throws {
        let folder = Self.folder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let store = ReportEntityCountStore(folder: folder)
        var state: UInt64 = 11
        var stored: [(span: ReportSpillFile.Span, counts: [[Int32]])] = []
        for record in 0 ..< 3_000 {
            let counts = (0 ..< Self.random(&state, 200)).map { [Int32($0 * 7 + record), Int32(Self.random(&state, 1_000)) - 500] }
            stored.append((try store.append(counts.map { (key: $0[0], value: $0[1]) }), counts))
        }
        #expect(stored.contains { $0.span.count == 0 })
        try store.seal()
        var forward = ReportEntityCountStore.Reader(store)
        var backward = ReportEntityCountStore.Reader(store)
        for index in stored.indices {
            let (span, counts) = stored[index]
            #expect(try forward.counts(at: span).map { [$0.key, $0.value] } == counts)
            #expect(try store.counts(at: span).map { [$0.key, $0.value] } == counts)
            let (otherSpan, otherCounts) = stored[stored.count - 1 - index]
            #expect(try backward.counts(at: otherSpan).map { [$0.key, $0.value] } == otherCounts)
        }
    }
    /// Rows in blocks read, change and iterate as an array does, across block boundaries.
    @Test func blockArrayActsAsAnArray() {
        var rows = ReportBlockArray<Int>()
        var expected: [Int] = []
        #expect(rows.isEmpty && Array(rows) == [])
        for value in 0 ..< 10_000 {
            rows.append(value * 3)
            expected.append(value * 3)
        }
        for index in stride(from: 0, to: 10_000, by: 7) {
            rows[index] += 1
            expected[index] += 1
        }
        #expect(rows.count == expected.count && Array(rows) == expected)
        #expect(rows[4095] == expected[4095] && rows[4096] == expected[4096] && rows[9999] == expected[9999])
        #expect(rows.indices == expected.indices)
        #expect(rows.enumerated().allSatisfy { $0.element == expected[$0.offset] })
    }
}
