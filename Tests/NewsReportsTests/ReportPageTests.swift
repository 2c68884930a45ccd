import Foundation
import Testing
@testable import NewsReports
@testable import NewsIO
@testable import NewsRecords

/// The interactive page's embedded data: read back out of report.html the way the page reads it,
/// and checked against the fixture corpus.
@Suite struct ReportPageTests {
    struct Page {
        var html: String
        var data: [String: Any]
        var sentences: [Any]
        var encoding: String
    }

    /// The text of the `<script … id="ID" …>` element.
    static func scriptText(_ html: String, id: String) throws -> (attributes: String, text: String) {
        let open = try #require(html.range(of: "id=\"\(id)\""))
        let tagStart = try #require(html[..<open.lowerBound].range(of: "<script", options: .backwards))
        let tagEnd = try #require(html[open.upperBound...].firstIndex(of: ">"))
        let close = try #require(html[tagEnd...].range(of: "</script>"))
        return (String(html[tagStart.lowerBound ..< tagEnd]), String(html[html.index(after: tagEnd) ..< close.lowerBound]))
    }

    /// The bytes of a gzip+base64 block.
    static func inflate(_ html: String, id: String) throws -> [UInt8] {
        let block = try scriptText(html, id: id)
        #expect(block.attributes.contains("data-encoding=\"gzip+base64\""))
        let packed = try #require(Data(base64Encoded: block.text))
        return try #require(ReportGzip.decompress(Array(packed)))
    }

    /// Parts whose blocks hand over `pieces` pieces each (distinct bytes per block); the
    /// documents block throws `failure` halfway when given (chunks are then being deflated).
    static func pieces(_ pieces: Int, failure: Error? = nil) -> (parts: ReportPage.Parts, expected: [String: [UInt8]]) {
        func bytes(_ seed: UInt8, _ n: Int) -> [UInt8] { (0 ..< 700 + 37 * n).map { UInt8(truncatingIfNeeded: $0 * 31 + n * 7) ^ seed } }
        func block(_ seed: UInt8, fails: Bool) -> ReportPage.Block {
            { emit in
                for n in 0 ..< pieces {
                    if fails, n == pieces / 2, let failure { throw failure }
                    try emit(bytes(seed, n))
                }
            }
        }
        var expected: [String: [UInt8]] = [:]
        for (id, seed) in [("data-entities", UInt8(1)), ("data-documents", 2), ("data-mentions", 3), ("data-sentences", 4)] {
            expected[id] = (0 ..< pieces).flatMap { bytes(seed, $0) }
        }
        let parts = ReportPage.Parts(title: "t", header: "", staticReport: "", footer: "", data: Array("{}".utf8),
                                     entities: block(1, fails: false), documents: block(2, fails: true),
                                     mentions: block(3, fails: false), sentences: block(4, fails: false))
        return (parts, expected)
    }

    /// Each block's chunks are compressed on several threads: every block reads back as the
    /// pieces it handed over, concatenated, in order.
    @Test func compressedBlocksHoldTheirPiecesInOrder() throws {
        let folder = try ReportFixture.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let url = folder.appendingPathComponent("report.html")
        let (parts, expected) = Self.pieces(400)
        #expect(expected.values.allSatisfy { $0.count > 4 * ReportGzip.chunkBytes })
        let file = try AtomicFile(url)
        try ReportPage.write(parts, workers: 3, to: file)
        try file.commit()
        let html = try String(contentsOf: url, encoding: .utf8)
        for (id, bytes) in expected { #expect(try Self.inflate(html, id: id) == bytes, "\(id)") }
    }

    /// A block that fails midway fails the page (and leaves no page behind), whatever its
    /// compressor thread was doing.
    @Test func aFailingBlockFailsThePage() throws {
        struct Broken: Error {}
        let folder = try ReportFixture.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let url = folder.appendingPathComponent("report.html")
        let (parts, _) = Self.pieces(400, failure: Broken())
        let file = try AtomicFile(url)
        #expect(throws: Broken.self) { try ReportPage.write(parts, workers: 3, to: file) }
        file.abandon()
        #expect(!FileManager.default.fileExists(atPath: url.path))
    }

    /// The mention block's tables as the page reads them: the groups (four little-endian Int32
    /// columns) and the mentions (five, then a tone byte each), `tone` as a string of n, b, r.
    static func mentions(_ bytes: [UInt8], groups: Int, count: Int) throws -> (groups: [String: Any], mentions: [String: Any]) {
        try #require(bytes.count == 16 * groups + 21 * count, "\(bytes.count) bytes for \(groups) groups and \(count) mentions")
        func column(_ at: Int, _ n: Int) -> [Int] {
            (0 ..< n).map { i -> Int in
                let at = at + 4 * i
                return Int(Int32(bitPattern: UInt32(bytes[at]) | UInt32(bytes[at + 1]) << 8 | UInt32(bytes[at + 2]) << 16 | UInt32(bytes[at + 3]) << 24))
            }
        }
        var groupTable: [String: Any] = [:], out: [String: Any] = [:]
        for (k, name) in ["entity", "ticker", "name", "first"].enumerated() { groupTable[name] = column(4 * groups * k, groups) }
        let base = 16 * groups
        for (k, name) in ["doc", "sentence", "start", "length", "evidence"].enumerated() { out[name] = column(base + 4 * count * k, count) }
        out["tone"] = String(bytes[(base + 20 * count)...].map { $0 == 1 ? "b" : $0 == 2 ? "r" : "n" }.joined())
        return (groupTable, out)
    }

    /// Every entity: the first block's rows, then the entity block's JSON lines (each an object
    /// of the same columns).
    static func entities(_ first: [String: Any], block: [UInt8]) throws -> [String: Any] {
        var out = first.compactMapValues { $0 as? [Any] }
        for line in String(decoding: block, as: UTF8.self).split(separator: "\n") {
            let part = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: [Any]])
            #expect(Set(part.keys) == Set(out.keys))
            for (key, values) in part { out[key, default: []] += values }
        }
        return out
    }

    /// The page's data with the document and mention blocks read back into `documents` and
    /// `mentions` (the tables the page builds from them).
    static func read(_ folder: URL) throws -> Page {
        let html = try ReportFixture.text(folder, "report.html")
        var data = try #require(try JSONSerialization.jsonObject(with: Data(scriptText(html, id: "data").text.utf8)) as? [String: Any])
        #expect(data["documents"] == nil && data["mentions"] == nil && data["groups"] == nil)
        let run = try #require(data["run"] as? [String: Any])
        let first = try #require(data["entities"] as? [String: Any])
        data["entities_first"] = (first["id"] as? [Any] ?? []).count
        #expect(try scriptText(html, id: "data-entities").attributes.contains("data-layout=\"json-lines\""))
        data["entities"] = try entities(first, block: inflate(html, id: "data-entities"))
        data["documents"] = try #require(try JSONSerialization.jsonObject(with: Data(inflate(html, id: "data-documents"))) as? [String: Any])
        let count = try #require(run["mentions_embedded"] as? Int), groups = try #require(run["groups"] as? Int)
        #expect(try scriptText(html, id: "data-mentions").attributes.contains("data-layout=\"int32le-columns\""))
        (data["groups"], data["mentions"]) = try mentions(inflate(html, id: "data-mentions"), groups: groups, count: count)
        let block = try scriptText(html, id: "data-sentences")
        let encoding = block.attributes.contains("data-encoding=\"gzip+base64\"") ? "gzip+base64" : "json"
        var json = Data(block.text.utf8)
        if encoding == "gzip+base64" {
            let packed = try #require(Data(base64Encoded: json))
            json = Data(try #require(ReportGzip.decompress(Array(packed))))
        }
        let sentences = try #require(try JSONSerialization.jsonObject(with: json) as? [Any])
        return Page(html: html, data: data, sentences: sentences, encoding: encoding)
    }

    /// The column arrays of a table (the mentions' `tone` string is left out).
    static func columns(_ page: Page, _ table: String) throws -> [String: [Any]] {
        try #require(page.data[table] as? [String: Any], "\(table)").compactMapValues { $0 as? [Any] }
    }

    static func slice(_ text: String, _ from: Int, _ count: Int) -> String {
        let scalars = Array(text.unicodeScalars)
        guard from >= 0, from + count <= scalars.count else { return "<out of range>" }
        return String(String.UnicodeScalarView(scalars[from ..< from + count]))
    }

    @Test func everyNamedMentionIsEmbeddedWithItsSentence() throws {
        let (folder, _) = try ReportFixture.buildFixtureReport()
        let page = try Self.read(folder)
        #expect(page.encoding == "gzip+base64")
        #expect(page.data["format"] as? String == "newspipe-report-data/4")
        let documents = try Self.columns(page, "documents"), mentions = try Self.columns(page, "mentions")
        let entities = try Self.columns(page, "entities"), groups = try Self.columns(page, "groups")
        let ids = documents["id"] as? [String] ?? []
        let input = try JSONLines.read(EntityMention.self, from: ReportFixture.file("mentions.jsonl"))
        let named = input.filter { reportNamedTypes.contains($0.type) }
        let docs = mentions["doc"] as? [Int] ?? [], starts = mentions["start"] as? [Int] ?? []
        let lengths = mentions["length"] as? [Int] ?? [], sentenceIndex = mentions["sentence"] as? [Int] ?? []
        #expect(docs.count == named.count)
        #expect(mentions["tone"] == nil)  // tone is one string of b, r, n, not a column
        let tone = try #require(page.data["mentions"] as? [String: Any])["tone"] as? String
        #expect(tone?.count == named.count)
        // Sentences are grouped by document: the first of document d is the sum of the counts before it.
        let counts = documents["sentences"] as? [Int] ?? []
        #expect(counts.reduce(0, +) == page.sentences.count)
        var first: [Int] = [0]
        for count in counts { first.append(first.last! + count) }
        var surfaces: [String] = []
        for m in docs.indices {
            let sentence = try #require(page.sentences[first[docs[m]] + sentenceIndex[m]] as? String)
            surfaces.append(Self.slice(sentence, starts[m], lengths[m]))
        }
        #expect(surfaces.sorted() == named.map(\.surface).sorted())
        // Groups partition the mentions in order; each group's entity is the mentions' entity.
        let firsts = groups["first"] as? [Int] ?? []
        #expect(firsts.first == 0 && firsts == firsts.sorted())
        let entityIds = entities["id"] as? [String] ?? []
        let groupEntity = groups["entity"] as? [Int] ?? []
        for (g, start) in firsts.enumerated() {
            let end = g + 1 < firsts.count ? firsts[g + 1] : docs.count
            for m in start ..< end {
                let id = entityIds[groupEntity[g]]
                #expect(named.contains { $0.entityId == id && $0.surface == surfaces[m] && ids[docs[m]] == $0.documentId }, "\(id) \(surfaces[m])")
            }
        }
        // Each sentence is stored once, however many mentions it has.
        let pairs = Set(docs.indices.map { "\(docs[$0]):\(sentenceIndex[$0])" })
        #expect(pairs.count == page.sentences.count)
    }

    @Test func theStoryNameAndEvidenceReachThePage() throws {
        let (folder, _) = try ReportFixture.buildFixtureReport()
        let page = try Self.read(folder)
        let dict = try #require(page.data["dict"] as? [String: [Any]])
        // d5 says Alphabet was "Google" at the time; other Alphabet mentions use their surface.
        let names = dict["names"] as? [String] ?? []
        #expect(names.contains("Google") && names.contains("Alphabet"))
        #expect(Set(dict["evidence"] as? [String] ?? []) == ["unambiguous-name", "cashtag"])
        #expect(dict["types"] as? [String] == ["PER", "ORG", "LOC", "MISC", "TICKER"])
        #expect((dict["bylines"] as? [String] ?? []).contains("Jane Roe; John Doe"))
        let tickers = try Self.columns(page, "tickers")
        let symbols = tickers["symbol"] as? [String] ?? []
        let company = tickers["company"] as? [Any] ?? []
        let nvda = try #require(symbols.firstIndex(of: "NVDA"))
        #expect(company[nvda] as? String == "Nvidia")
        let run = try #require(page.data["run"] as? [String: Any])
        #expect(run["mentions_complete"] as? Bool == true && run["sentences_complete"] as? Bool == true)
        #expect(run["documents"] as? Int == 8)
        #expect(run["night"] as? String == "2026-04-15")
    }

    @Test func theScriptIsTheOnlyCodeAndItsHashIsInThePolicy() throws {
        let (folder, _) = try ReportFixture.buildFixtureReport()
        let page = try Self.read(folder)
        let html = page.html
        // Exactly six script elements: the data, the program, the other entities, the documents,
        // the mentions, the sentences, in that order; only the program runs.
        #expect(html.components(separatedBy: "<script").count - 1 == 6)
        #expect(html.contains("<script type=\"application/json\" id=\"data\">"))
        let order = ["id=\"data\"", "<script>", "id=\"data-entities\"", "id=\"data-documents\"", "id=\"data-mentions\"", "id=\"data-sentences\""].map { html.range(of: $0)?.lowerBound }
        #expect(order.allSatisfy { $0 != nil } && order.compactMap { $0 } == order.compactMap { $0 }.sorted())
        #expect(html.contains("<script type=\"application/octet-stream\" id=\"data-sentences\" data-encoding=\"gzip+base64\">"))
        let program = try #require(html.range(of: "<script>")).upperBound
        let end = try #require(html[program...].range(of: "</script>")).lowerBound
        #expect(String(html[program ..< end]) == ReportPageAssets.script)
        #expect(html.contains("script-src \(ReportPage.scriptHash);"))
        #expect(ReportPage.scriptHash.hasPrefix("'sha256-") && ReportPage.scriptHash.count == 53)
        #expect(!html.contains("{{"))
        // Nothing is fetched: no src attributes, no remote style.
        #expect(!html.contains("src="))
        #expect(!html.contains("@import"))
        #expect(!html.contains("url("))
    }

    @Test func aPlainJSONSentenceBlockReadsTheSame() throws {
        var builder = ReportBuilder()
        builder.sentenceEncoding = .json
        let (plain, _) = try ReportFixture.buildFixtureReport(builder: builder)
        let (packed, _) = try ReportFixture.buildFixtureReport()
        let a = try Self.read(plain), b = try Self.read(packed)
        #expect(a.encoding == "json" && b.encoding == "gzip+base64")
        #expect(a.sentences as? [String] == b.sentences as? [String])
    }

    @Test func theMentionBoundKeepsTheNewestDocumentsAndSaysSo() throws {
        var builder = ReportBuilder()
        builder.pageMentionsMax = 12
        let (folder, _) = try ReportFixture.buildFixtureReport(builder: builder)
        let page = try Self.read(folder)
        let run = try #require(page.data["run"] as? [String: Any])
        #expect(run["mentions_complete"] as? Bool == false)
        let embedded = try #require(run["mentions_embedded"] as? Int)
        #expect(embedded <= 12 && embedded > 0)
        #expect((run["mentions"] as? Int ?? 0) > embedded)
        let documents = try Self.columns(page, "documents"), mentions = try Self.columns(page, "mentions")
        let days = documents["day"] ?? []
        let from = try #require(run["mentions_from_day"] as? Int)
        for doc in mentions["doc"] as? [Int] ?? [] {
            if let day = days[doc] as? Int { #expect(day >= from) }
        }
        // The tables keep the full counts.
        let entities = try Self.columns(page, "entities")
        #expect((entities["mentions"] as? [Int] ?? []).reduce(0, +) == run["mentions"] as? Int)
    }

    @Test func theFirstBlockHoldsTheMostMentionedEntitiesAndTheBlockTheRest() throws {
        // Default bound: every entity mentioned more than once is in #data, the others follow.
        let (folder, _) = try ReportFixture.buildFixtureReport()
        let page = try Self.read(folder)
        let run = try #require(page.data["run"] as? [String: Any])
        let all = try Self.columns(page, "entities")
        let mentions = all["mentions"] as? [Int] ?? []
        let first = try #require(page.data["entities_first"] as? Int)
        #expect(mentions.count == run["entities"] as? Int)
        #expect(mentions == mentions.sorted(by: >))
        #expect(first == mentions.prefix { $0 >= ReportPageData.entitiesFirstMinMentions }.count)
        #expect(first > 0 && first < mentions.count, "the fixture has entities mentioned once and more often")
        // A lower bound cuts the first block there; the page's entities are the same.
        var builder = ReportBuilder()
        builder.pageEntitiesFirstMax = 2
        let (bounded, _) = try ReportFixture.buildFixtureReport(builder: builder)
        let cut = try Self.read(bounded)
        #expect(cut.data["entities_first"] as? Int == 2)
        let ids = try Self.columns(cut, "entities")["id"] as? [String]
        #expect(ids == all["id"] as? [String])
        let data = try #require(try JSONSerialization.jsonObject(with: Data(Self.scriptText(cut.html, id: "data").text.utf8)) as? [String: Any])
        #expect(((data["entities"] as? [String: Any])?["id"] as? [Any])?.count == 2)
        // Groups index the page's entities (either block) and the mentions in order.
        let groups = try Self.columns(cut, "groups")
        let groupEntity = groups["entity"] as? [Int] ?? []
        #expect(!groupEntity.isEmpty && groupEntity.allSatisfy { $0 >= 0 && $0 < (ids?.count ?? 0) } && groupEntity == groupEntity.sorted())
        #expect(groupEntity.contains { $0 >= 2 })
        // Each ticker's story name is a name its mentions used.
        let tickers = try Self.columns(cut, "tickers")
        let names = (cut.data["dict"] as? [String: Any])?["names"] as? [String] ?? []
        let storyName = tickers["story_name"] as? [Int] ?? []
        let symbols = tickers["symbol"] as? [String] ?? []
        #expect(storyName.count == symbols.count)
        let nvda = try #require(symbols.firstIndex(of: "NVDA"))
        #expect(storyName[nvda] >= 0 && names[storyName[nvda]] == "Nvidia")
        let groupTicker = groups["ticker"] as? [Int] ?? [], groupName = groups["name"] as? [Int] ?? []
        for (t, name) in storyName.enumerated() where name >= 0 {
            #expect(groupTicker.indices.contains { groupTicker[$0] == t && groupName[$0] == name })
        }
        // Deterministic: the same input gives the same page, byte for byte.
        let (again, _) = try ReportFixture.buildFixtureReport(builder: builder)
        #expect(try ReportFixture.text(again, "report.html") == cut.html)
    }

    @Test func textOrderIgnoresCaseAndAccentsAndReadsNumbers() {
        let values: [String?] = ["Item 10", "apple", "Émile", nil, "Apple", "item 007", "Item 2", "  ", "Zed", "\"Quoted\"",
                                 "emile", "Straße", "Strasse", "ab", "a b", "Apple 12", "Apple 2", "Apple Inc", "", "ﬁsh", "fish",
                                 "Ωmega", "Zürich", "42", "4 2", "Apple"]
        let ranks = ReportTextOrder.ranks(values)
        let ordered = values.indices.filter { ranks[$0] >= 0 }.sorted { (ranks[$0], $0) < (ranks[$1], $1) }.map { values[$0]! }
        #expect(ordered == ["\"Quoted\"", "4 2", "42", "a b", "ab", "Apple", "Apple", "apple", "Apple 2", "Apple 12", "Apple Inc",
                            "emile", "Émile", "fish", "ﬁsh", "Item 2", "item 007", "Item 10", "Strasse", "Straße", "Zed", "Zürich", "Ωmega"])
        // No value, or only white space: no rank. Equal strings: one rank, dense.
        #expect(values.indices.filter { ranks[$0] < 0 }.map { values[$0] } == [nil, "  ", ""])
        #expect(ranks[4] == ranks[25] && Set(ranks.filter { $0 >= 0 }).count == 22 && ranks.max() == 21)
        // Case and accents only break ties; numbers compare by value, 007 as 7.
        #expect(ReportTextOrder.key("Émile") == ReportTextOrder.key("emile"))
        #expect(ReportTextOrder.key("item 007") == ReportTextOrder.key("Item 7"))
        #expect(ReportTextOrder.key(" Apple  Inc ") == ReportTextOrder.key("apple inc"))
    }

    @Test func textColumnsCarryTheirSortRanks() throws {
        var builder = ReportBuilder()
        builder.pageEntitiesFirstMax = 2
        let (folder, _) = try ReportFixture.buildFixtureReport(builder: builder)
        let page = try Self.read(folder)
        /// Ranks order the values as ReportTextOrder does, over the whole column.
        func check(_ values: [Any], _ ranks: [Any], _ what: String) {
            let text = values.map { $0 as? String }
            #expect(ranks.count == text.count, "\(what)")
            #expect(ranks.map { ($0 as? Int).map(Int32.init) ?? -1 } == ReportTextOrder.ranks(text), "\(what)")
        }
        let entities = try Self.columns(page, "entities")
        check(entities["name"] ?? [], entities["name_rank"] ?? [], "entity names")
        // Both blocks carry ranks among all the entities: the first block's two are not 0 and 1.
        let nameRank = entities["name_rank"] as? [Int] ?? []
        #expect(Set(nameRank).count == Set(entities["name"] as? [String] ?? []).count)
        #expect(nameRank.prefix(2).sorted() != [0, 1])
        let documents = try Self.columns(page, "documents")
        check(documents["title"] ?? [], documents["title_rank"] ?? [], "titles")
        let dict = try #require(page.data["dict"] as? [String: [Any]])
        check(dict["sites"] ?? [], dict["sites_rank"] ?? [], "sites")
        check(dict["bylines"] ?? [], dict["bylines_rank"] ?? [], "bylines")
        let tickers = try Self.columns(page, "tickers")
        check(tickers["symbol"] ?? [], tickers["symbol_rank"] ?? [], "symbols")
        let names = dict["names"] as? [String] ?? [], company = tickers["company"] ?? []
        let shown: [Any] = (tickers["story_name"] as? [Int] ?? []).enumerated().map { t, n in n >= 0 ? names[n] : company[t] }
        check(shown, tickers["company_rank"] ?? [], "companies")
    }

    @Test func hostileTextStaysInsideTheDataBlock() throws {
        let folder = try ReportSafetyTests.buildHostile()
        let page = try Self.read(folder)
        let titles = try Self.columns(page, "documents")["title"] as? [String] ?? []
        #expect(titles.contains("<script>alert(1)</script>"))
        // The raw page has exactly its six script elements: no title opened or closed one.
        #expect(page.html.components(separatedBy: "<script").count - 1 == 6)
        #expect(page.html.components(separatedBy: "</script").count - 1 == 6)
        let data = try Self.scriptText(page.html, id: "data").text
        #expect(!data.contains("<") && !data.contains(">") && !data.contains("&"))
        // The document and mention blocks are Base64: no markup character can occur in them.
        for id in ["data-entities", "data-documents", "data-mentions"] {
            #expect(try Self.scriptText(page.html, id: id).text.allSatisfy { $0.isASCII && !"<>&\"".contains($0) })
        }
        // URLs are data; the page links only http(s) ones (checked in the browser test).
        let urls = try Self.columns(page, "documents")["url"] as? [String] ?? []
        #expect(urls.contains("javascript:alert(2)"))
    }
}
