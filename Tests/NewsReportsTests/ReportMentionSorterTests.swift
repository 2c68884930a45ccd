import Foundation
import NewsRecords
import Testing
@testable import NewsReports

@Suite struct ReportMentionSorterTests {
    /// The records' `memcmp` order is the byte order `lexicographicallyPrecedes` gives, prefixes
    /// and bytes above 0x7F included (a signed comparison would put them first).
    @Test func recordOrderIsByteOrder() {
        var generator = SystemRandomNumberGenerator()
        var keys: [[UInt8]] = [[], [0], [0, 0], [0x7F], [0x80], [0xFF], [0x80, 0], [1, 2, 3], [1, 2], [1, 2, 3, 0]]
        for _ in 0 ..< 300 {
            let length = Int.random(in: 0 ... 6, using: &generator)
            keys.append((0 ..< length).map { _ in [0, 1, 0x7F, 0x80, 0xFF].randomElement(using: &generator)! })
        }
        for a in keys {
            for b in keys {
                let left = ReportSortRecord(bytes: a, prefix: 0), right = ReportSortRecord(bytes: b, prefix: 0)
                #expect((left < right) == a.lexicographicallyPrecedes(b), "\(a) < \(b)")
            }
        }
    }

    private func mention(_ document: String, _ start: Int, _ entity: String) -> EntityMention {
        EntityMention(documentId: document, entityId: entity, canonicalName: "X", surface: "X", type: .organization,
                      start: start, end: start + 1, sentence: 0, confidence: 1)
    }

    /// Pulled one record at a time over spilled runs, the sorter gives document, start, end,
    /// entity order, the same whether the night fits one chunk or spills many, and removes its
    /// runs when the last record is taken.
    @Test(arguments: [1, 3, 1_000])
    func pulledRecordsAreSortedAndTheRunsRemoved(_ chunkLines: Int) throws {
        let folder = try ReportFixture.temporaryFolder()
        var mentions: [EntityMention] = []
        for document in ["b", "a", "c", "a2"] {
            for start in [5, 0, 12, 3] { mentions.append(mention(document, start, start % 2 == 0 ? "org:y" : "org:x")) }
        }
        mentions.append(mention("a", 3, "org:a"))  // same offsets, other entity
        mentions.shuffle()
        let sorter = ReportMentionSorter(folder: folder, chunkLines: chunkLines)
        for mention in mentions { try sorter.add(mention, line: ArraySlice(Array("\(mention.documentId)|\(mention.start)|\(mention.entityId)".utf8))) }
        try sorter.startMerge()
        var lines: [String] = []
        var documents: [String] = []
        while let record = try sorter.next() {
            lines.append(String(decoding: record.line, as: UTF8.self))
            documents.append(String(decoding: record.document, as: UTF8.self))
        }
        #expect(try sorter.next() == nil)
        let expected = mentions.sorted {
            ($0.documentId, $0.start, $0.end, $0.entityId) < ($1.documentId, $1.start, $1.end, $1.entityId)
        }.map { "\($0.documentId)|\($0.start)|\($0.entityId)" }
        #expect(lines == expected)
        #expect(documents == expected.map { String($0.prefix { $0 != "|" }) })
        let left = try FileManager.default.contentsOfDirectory(atPath: folder.path).filter { $0.hasPrefix(".tmp-") }
        #expect(left.isEmpty, "runs removed: \(left)")
    }

    /// Under a budget the chunk is spilled when it and what the caller holds besides reach it
    /// (not before `minimumChunkBytes`): the more the caller holds, the smaller the chunks and the
    /// more the runs; the lines come out in the same order whatever the chunks were.
    @Test func budgetShrinksTheChunkAsTheCallerHoldsMore() throws {
        let folder = try ReportFixture.temporaryFolder()
        var mentions: [EntityMention] = []
        for document in 0 ..< 40 {
            for start in [9, 2, 30] { mentions.append(mention("d\((document * 7919) % 40)", start, "org:\(start % 4)")) }
        }
        let record = ReportMentionSorter.recordBytes(40)
        func sorted(besides held: Int, minimum: Int) throws -> (lines: [String], runs: Int) {
            let sorter = ReportMentionSorter(folder: folder, chunkLines: 1_000_000, budgetBytes: 30 * record, minimumChunkBytes: minimum)
            var runs = 0
            for mention in mentions {
                try sorter.add(mention, line: ArraySlice(Array("\(mention.documentId)|\(mention.start)|\(mention.entityId)".utf8)), besides: held)
                runs = sorter.runCount
            }
            try sorter.startMerge()
            var lines: [String] = []
            while let record = try sorter.next() { lines.append(String(decoding: record.line, as: UTF8.self)) }
            return (lines, runs)
        }
        let unbounded = ReportMentionSorter(folder: folder, chunkLines: 1_000_000)
        for mention in mentions { try unbounded.add(mention, line: ArraySlice(Array("\(mention.documentId)|\(mention.start)|\(mention.entityId)".utf8)), besides: .max) }
        #expect(unbounded.runCount == 0)
        try unbounded.startMerge()
        var expected: [String] = []
        while let record = try unbounded.next() { expected.append(String(decoding: record.line, as: UTF8.self)) }

        let light = try sorted(besides: 0, minimum: 0)
        let heavy = try sorted(besides: 20 * record, minimum: 0)
        let floor = try sorted(besides: 40 * record, minimum: 5 * record)
        #expect(light.lines == expected && heavy.lines == expected && floor.lines == expected)
        #expect(light.runs > 0 && heavy.runs > 2 * light.runs)
        // Over budget from the start, chunks still hold `minimumChunkBytes` (about 5 records each).
        #expect(floor.runs >= mentions.count / 8 && floor.runs <= mentions.count / 4)
        let left = try FileManager.default.contentsOfDirectory(atPath: folder.path).filter { $0.hasPrefix(".tmp-") }
        #expect(left.isEmpty, "runs removed: \(left)")
    }
}
