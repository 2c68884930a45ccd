import Foundation
import Testing
@testable import NewsReports

/// The previous night's snapshot read an entity at a time (`ReportJSONMemberStream`,
/// `ReportSnapshot.stream`, `ReportPreviousNight.load`).
@Suite struct ReportSnapshotStreamTests {
    static func folder() -> URL {
        FileManager.default.temporaryDirectory.appendingPathComponent("snapshot-stream-\(UUID().uuidString)")
    }

    /// A document with the streamed member among others, strings holding brackets, commas,
    /// quotes and escapes, a nested "entities" key that is not the top-level one, and a value
    /// that is the string "entities".
    static let awkward = #"""
    {"format":"f","note":"entities","nested":{"entities":[{"id":"not-this"}]},
     "entities" : [ {"id":"a\"],{\"b","type":"ORG"} ,{"id":"x","deep":{"list":[1,[2,{"k":"]"}]]}},
       "plain string", 17, [1,2] ,{"id":"\u00e9t\u00e9", "name":null}
     ], "tickers":[{"ticker":"T,]"}]}
    """#

    /// Elements and rest, as the chunks come (split anywhere), equal what a full parser reads.
    @Test(arguments: [1, 2, 3, 7, 64, 1 << 20])
    func elementsAndRestMatchAFullParser(chunk: Int) throws {
        let bytes = Array(Self.awkward.utf8)
        var scanner = ReportJSONMemberStream.Scanner(key: Array("entities".utf8))
        var elements: [Any] = []
        var start = 0
        while start < bytes.count {
            let end = min(bytes.count, start + chunk)
            try scanner.feed(Array(bytes[start ..< end])) { element in
                elements.append(try JSONSerialization.jsonObject(with: Data(element), options: [.fragmentsAllowed]))
            }
            start = end
        }
        let whole = try #require(try JSONSerialization.jsonObject(with: Data(bytes)) as? [String: Any])
        var rest = try #require(try JSONSerialization.jsonObject(with: Data(scanner.rest)) as? [String: Any])
        #expect((rest["entities"] as? [Any])?.isEmpty == true)
        rest["entities"] = elements
        #expect(NSDictionary(dictionary: rest).isEqual(to: whole))
        #expect(elements.count == 6)
    }

    /// A key written with escapes is not recognised: its array stays in the rest, whole, and the
    /// snapshot still reads every entity from it.
    @Test func escapedKeyStaysInTheRest() throws {
        let folder = Self.folder()
        defer { try? FileManager.default.removeItem(at: folder) }
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let text = #"{"format":"\#(ReportSnapshot.format)","documents":3,"entit\u0069es":[{"id":"org:a","type":"ORG"},{"id":"ticker:A","type":"TICKER"}],"tickers":[]}"#
        try Data(text.utf8).write(to: folder.appendingPathComponent(ReportSnapshot.fileName))
        let previous = try #require(ReportPreviousNight.load(from: folder))
        #expect(previous.documents == 3 && previous.contains("org:a") && previous.contains("ticker:A"))
        #expect(Array(previous.nonTickerIds) == ["org:a"])
    }

    /// Entities the flat reader cannot take (null, a nested member, a number where a string
    /// goes) go to the decoder, which reads what it accepts; one it refuses makes the file
    /// unreadable as a whole, and the CSV tables are read instead, as before.
    @Test func oddEntitiesGoToTheDecoderAndARefusedOneFallsBackToCSV() throws {
        let folder = Self.folder()
        defer { try? FileManager.default.removeItem(at: folder) }
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let snapshot = folder.appendingPathComponent(ReportSnapshot.fileName)
        let format = ReportSnapshot.format
        try Data(#"""
        {"format":"\#(format)","run_finished_at":"2026-12-04T02:00:00Z","documents":5,"entities":[
          {"id":"org:a","name":null,"type":"ORG","mentions":3,"documents":2},
          {"id":"per:b","type":"PER","extra":{"x":[1]},"mentions":2.0},
          {"name":"no id"},
          {"id":"ticker:C","type":"TICKER"}
        ],"tickers":[{"ticker":"C","mentions":1,"documents":1,"tone_balance":null}]}
        """#.utf8).write(to: snapshot)
        let loaded = try #require(ReportSnapshot.load(from: folder))
        #expect(loaded.entities.map(\.id) == ["org:a", "per:b", "ticker:C"])
        #expect(loaded.entities[0].name == "org:a" && loaded.entities[1].mentions == 2)
        #expect(loaded.finishedAt == "2026-12-04T02:00:00Z" && loaded.documents == 5 && loaded.tickers.map(\.ticker) == ["C"])
        let previous = try #require(ReportPreviousNight.load(from: folder))
        #expect(Set(previous.nonTickerIds) == ["org:a", "per:b"] && previous.contains("ticker:C") && previous.documents == 5)

        // An id that is a number: the decoder refuses it, so the file is not read; the CSV is.
        try Data(#"{"format":"\#(format)","documents":5,"entities":[{"id":"org:a"},{"id":7}],"tickers":[]}"#.utf8).write(to: snapshot)
        #expect(ReportPreviousNight.load(from: folder) == nil)
        try Data("entity_id,name,type,mentions,documents\norg:z,Z,ORG,4,2\nticker:Z,Z,TICKER,1,1\n".utf8)
            .write(to: folder.appendingPathComponent("entities.csv"))
        let fromCSV = try #require(ReportPreviousNight.load(from: folder))
        #expect(fromCSV.contains("org:z") && !fromCSV.contains("org:a") && fromCSV.documents == -1)
        // Another format's file is not read either.
        try Data(#"{"format":"other","entities":[{"id":"org:a"}]}"#.utf8).write(to: snapshot)
        #expect(ReportPreviousNight.load(from: folder)?.contains("org:a") == false)
    }
}
