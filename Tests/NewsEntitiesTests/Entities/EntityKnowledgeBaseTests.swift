import Foundation
import Testing
@testable import NewsEntities
@testable import NERTraining
@testable import NewsIO
@testable import NewsText
@testable import NewsRecords

@Suite("Entities: gazetteer, aliases and user lists")
struct EntityKnowledgeBaseTests {
    private func tempDir() throws -> URL {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("entities-kb-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        return dir
    }

    @Test func defaultBaseHasCompaniesWithPrimaryTickers() throws {
        let kb = try EntityKnowledgeBase.loadDefault()
        #expect(kb.count > 7_000)
        for (ticker, id, name) in [("GOOGL", "org:alphabet", "Alphabet"), ("GOOG", "org:alphabet", "Alphabet"),
                                   ("MSFT", "org:microsoft", "Microsoft"), ("AMZN", "org:amazon", "Amazon"),
                                   ("META", "org:meta", "Meta"), ("BRK-B", "org:berkshire-hathaway", "Berkshire Hathaway"),
                                   ("JPM", "org:jpmorgan-chase", "JPMorgan Chase"), ("TSM", "org:tsmc", "TSMC")] {
            let e = try #require(kb.entryForTicker(ticker), "\(ticker)")
            #expect(kb.entry(e).id == id)
            #expect(kb.entry(e).name == name)
        }
        #expect(kb.entry(kb.entryForTicker("GOOG")!).tickers.first == "GOOGL")
        // One entity per company: the alias rows merged into the SEC rows.
        #expect(kb.entries.filter { $0.tickers.contains("MSFT") }.count == 1)
        #expect(kb.entries.filter { $0.id == "org:alphabet" }.count == 1)
        #expect(Set(kb.entries.map(\.id)).count == kb.count)
    }

    @Test func aliasFileCoversBrandsPrivateAndForeignCompanies() throws {
        let kb = try EntityKnowledgeBase.loadDefault()
        let expected: [(String, String)] = [
            ("Google Cloud", "org:alphabet"), ("YouTube", "org:alphabet"), ("DeepMind", "org:alphabet"), ("Waymo", "org:alphabet"),
            ("AWS", "org:amazon"), ("LinkedIn", "org:microsoft"), ("GitHub", "org:microsoft"), ("Xbox", "misc:xbox"),
            ("Instagram", "org:meta"), ("WhatsApp", "org:meta"), ("Facebook", "org:meta"), ("OpenAI", "org:openai"),
            ("Anthropic", "org:anthropic"), ("SpaceX", "org:spacex"), ("TikTok", "org:bytedance"), ("Samsung", "org:samsung"),
            ("Taiwan Semiconductor Manufacturing", "org:tsmc"), ("Alibaba", "org:alibaba"), ("Tencent", "org:tencent"),
            ("Huawei", "org:huawei"), ("ChatGPT", "misc:chatgpt"),
        ]
        for (name, id) in expected {
            let e = try #require(kb.entryForName(name), "\(name)")
            #expect(kb.entry(e).id == id, "\(name)")
        }
        let curatedOrgs = kb.entries.filter { $0.rank == 2 && $0.type == .organization }
        #expect(curatedOrgs.count >= 150)
    }

    @Test func companyNamesAreNormalised() {
        let cases: [(String, String)] = [
            ("MICROSOFT CORP", "Microsoft"), ("Alphabet Inc.", "Alphabet"), ("BANK OF AMERICA CORP /DE/", "Bank of America"),
            ("COSTCO WHOLESALE CORP /NEW", "Costco Wholesale"), ("Alibaba Group Holding Ltd", "Alibaba"),
            ("JPMORGAN CHASE & CO", "Jpmorgan Chase"), ("Meta Platforms, Inc.", "Meta Platforms"), ("AT&T INC.", "AT&T"),
            ("Fox Corporation (Class A)", "Fox"), ("Lilly (Eli)", "Eli Lilly"), ("Walt Disney Company (The)", "Walt Disney"),
            ("HSBC HOLDINGS PLC", "HSBC"), ("Novo Nordisk A/S", "Novo Nordisk"), ("Kioxia Holdings Corporation/ADR", "Kioxia"),
            ("PROCTER & GAMBLE Co", "Procter & Gamble"), ("QUALCOMM INC/DE", "Qualcomm"),
        ]
        for (raw, want) in cases {
            #expect(EntityNames.canonicalCompany(EntityNames.titleCase(raw), reorderParenthetical: true).name == want, "\(raw)")
        }
        #expect(EntityNames.canonicalCompany("Booking Holdings Inc.").withGroup == "Booking Holdings")
        #expect(EntityNames.slug("Satya Nadella") == "satya-nadella")
        #expect(EntityNames.slug("Nestlé S.A.") == "nestle-sa")
        #expect(EntityNames.slug("McDonald's") == "mcdonalds")
    }

    @Test func builderGroupsByCIKAndPicksPrimaryTicker() {
        let sec = """
        cik,ticker,exchange,name
        0001652044,GOOGL,Nasdaq,Alphabet Inc.
        0000018230,CAT,NYSE,CATERPILLAR INC
        0000999999,ABCDU,Nasdaq,ABCD ACQUISITION CORP
        0000999999,ABCD,Nasdaq,ABCD ACQUISITION CORP
        0001652044,GOOG,Nasdaq,Alphabet Inc.
        0000888888,TGTX,Nasdaq,TARGET HOLDINGS INC
        """
        let sp = """
        Symbol,Security,GICS Sector,GICS Sub-Industry,Headquarters Location,Date added,CIK,Founded
        GOOG,Alphabet Inc. (Class C),x,y,"Mountain View, California",2014-04-03,1652044,1998
        GOOGL,Alphabet Inc. (Class A),x,y,"Mountain View, California",2006-04-03,1652044,1998
        """
        let out = EntityGazetteerBuilder.build(secCSV: sec, sp500CSV: sp)
        let rows = out.split(separator: "\n").filter { !$0.hasPrefix("#") }.map { $0.split(separator: "\t", omittingEmptySubsequences: false).map(String.init) }
        #expect(rows.count == 4)
        #expect(rows[0][0] == "org:alphabet" && rows[0][2] == "GOOG,GOOGL" && rows[0][5] == "sp500")
        #expect(rows[1][1] == "Caterpillar" && rows[1][2] == "CAT")
        #expect(rows[2][2] == "ABCD,ABCDU")
        // A one-word ordinary name needs the NER; the full name does not.
        #expect(rows[3][6] == "?Target|Target Holdings")
    }

    @Test func userCSVList() throws {
        let dir = try tempDir()
        defer { try? FileManager.default.removeItem(at: dir) }
        let url = dir.appendingPathComponent("watch.csv")
        try """
        name,type,ticker,aliases,id
        Zorblax Dynamics,ORG,,Zorblax|ZBX Labs,
        "Jane Q. Public",PER,,Jane Public,
        Microsoft,ORG,MSFT,Redmond giant,
        Quux Widgets,,QUUXW,,org:quux
        """.write(to: url, atomically: true, encoding: .utf8)
        let kb = try EntityKnowledgeBase.loadDefault().adding(listsAt: [url])
        let annotator = EntityAnnotator(knowledge: kb, lexicon: try ToneLexicon.loadDefault())
        let text = "Zorblax and ZBX Labs met Jane Public and the Redmond giant. Quux Widgets (QUUXW) joined."
        let m = entityAnnotate(text, annotator: annotator)
        #expect(m.map(\.entityId) == ["org:zorblax-dynamics", "org:zorblax-dynamics", "per:jane-q-public", "org:microsoft", "org:quux", "org:quux"])
        #expect(m.first { $0.surface == "Jane Public" }?.type == .person)
        #expect(m.last?.type == .ticker && m.last?.ticker == "QUUXW")
        // The default base is unchanged.
        #expect(try EntityKnowledgeBase.loadDefault().entryForName("Zorblax") == nil)
    }

    @Test func userJSONList() throws {
        let dir = try tempDir()
        defer { try? FileManager.default.removeItem(at: dir) }
        let a = dir.appendingPathComponent("a.json"), b = dir.appendingPathComponent("b.json")
        try #"[{"name": "Blorp Energy", "ticker": "BLRP", "aliases": ["Blorp"]}, {"name": "GPT-7", "type": "MISC"}]"#
            .write(to: a, atomically: true, encoding: .utf8)
        try #"{"entities": [{"name": "Meta", "aliases": "Zuck Co|Meta Superintelligence Labs"}]}"#
            .write(to: b, atomically: true, encoding: .utf8)
        let kb = try EntityKnowledgeBase.loadDefault().adding(listsAt: [a, b])
        let annotator = EntityAnnotator(knowledge: kb, lexicon: try ToneLexicon.loadDefault())
        let m = entityAnnotate("Blorp said GPT-7 beats rivals; Meta Superintelligence Labs (NASDAQ: BLRP) agreed.", annotator: annotator)
        #expect(m.map(\.entityId) == ["org:blorp-energy", "misc:gpt-7", "org:meta", "org:blorp-energy"])
        #expect(m.map(\.type) == [.organization, .miscellaneous, .organization, .ticker])
    }

    @Test func userTSVListInTheAliasFormat() throws {
        let dir = try tempDir()
        defer { try? FileManager.default.removeItem(at: dir) }
        let url = dir.appendingPathComponent("team.tsv")
        try "# id\ttype\tname\ttickers\taliases\tnote\nper:jane-roe\tPER\tJane Roe\t\tJ. Roe\t\norg:wire\tORG\tThe Wire Service\t\tWire|?Service\toutlet\n"
            .write(to: url, atomically: true, encoding: .utf8)
        let kb = try EntityKnowledgeBase.loadDefault().adding(listsAt: [url])
        let annotator = EntityAnnotator(knowledge: kb, lexicon: try ToneLexicon.loadDefault())
        let text = "J. Roe told Wire that Intel shares fell. Service was slow."
        let m = entityAnnotate(text, ner: [entitySpan("Wire", in: text, "ORG")], annotator: annotator)
        #expect(m.map(\.entityId) == ["per:jane-roe", "org:wire", "org:intel"])
        #expect(m.first { $0.entityId == "org:wire" }?.tone == .neutral)
        #expect(m.first { $0.entityId == "org:intel" }?.tone == .bearish)
    }

    @Test func defaultLexiconLoads() throws {
        let lexicon = try ToneLexicon.loadDefault()
        #expect(lexicon.count > 150)
    }

    @Test func badUserListsThrow() throws {
        let dir = try tempDir()
        defer { try? FileManager.default.removeItem(at: dir) }
        let kb = try EntityKnowledgeBase.loadDefault()
        let noName = dir.appendingPathComponent("x.csv")
        try "id,ticker\norg:x,X\n".write(to: noName, atomically: true, encoding: .utf8)
        #expect(throws: FileError.self) { try kb.adding(listsAt: [noName]) }
        let badType = dir.appendingPathComponent("y.json")
        try #"[{"name": "X", "type": "TICKER"}]"#.write(to: badType, atomically: true, encoding: .utf8)
        #expect(throws: FileError.self) { try kb.adding(listsAt: [badType]) }
        #expect(throws: FileError.self) { try kb.adding(listsAt: [dir.appendingPathComponent("missing.csv")]) }
        let txt = dir.appendingPathComponent("z.txt")
        try "Foo".write(to: txt, atomically: true, encoding: .utf8)
        #expect(throws: FileError.self) { try kb.adding(listsAt: [txt]) }
    }

    @Test func concurrentUseGivesTheSameResult() async throws {
        let text = try entityFixture("seed-article")
        let expected = entityAnnotate(text)
        let results = await withTaskGroup(of: [EntityMention].self) { group in
            for _ in 0..<8 { group.addTask { entityAnnotate(text) } }
            var all: [[EntityMention]] = []
            for await r in group { all.append(r) }
            return all
        }
        #expect(results.count == 8 && results.allSatisfy { $0 == expected })
    }
}
