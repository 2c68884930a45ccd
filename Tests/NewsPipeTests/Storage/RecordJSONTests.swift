import Foundation
import Testing
@testable import NewsPipe
@testable import PipelineKit
import NewsEntities
import NewsIO
import NewsRecords
import NewsTestSupport

/// `RecordJSONWriter` must write exactly the bytes `JSONLines.makeEncoder()` (JSONEncoder) writes
/// for the entities stage's records, so that outputs and cached values stay byte-identical; and
/// the cache must still decode what the stage now stores.
@Suite("Record JSON: the hand-written encoder writes JSONEncoder's bytes")
struct RecordJSONTests {
    /// The same records on every run, so a failure can be reproduced.
    typealias Generator = SplitMix64

    /// Pieces strings are made of: ASCII, what JSON escapes (quote, backslash, every control
    /// character), what it must not escape (slash, DEL, U+2028), and multi-byte UTF-8.
    static let pieces: [String] = ["a", "Z", " ", "Acme Corp.", "\"", "\\", "/", "\u{7F}", "é", "ß", "😀", "👩‍👩‍👧",
                                   "\u{2028}", "\u{2029}", "\u{FEFF}", "€", "日本", "\u{301}", "O'Brien", "$AAPL", "<b>&amp;"]
        + (0 ..< 0x20).map { String(Unicode.Scalar(UInt8($0))) }

    static func string(_ random: inout Generator) -> String {
        (0 ..< Int.random(in: 0 ... 14, using: &random)).map { _ in pieces.randomElement(using: &random)! }.joined()
    }

    static func optionalString(_ random: inout Generator) -> String? {
        Bool.random(using: &random) ? nil : string(&random)
    }

    static func double(_ random: inout Generator) -> Double {
        switch Int.random(in: 0 ..< 9, using: &random) {
        case 0: return Double(Int.random(in: -1_000_000 ... 1_000_000, using: &random))
        case 1: return Double.random(in: 0 ... 1, using: &random)
        case 2: return Double.random(in: -1e20 ... 1e20, using: &random)
        case 3: return Double(sign: Bool.random(using: &random) ? .plus : .minus, exponent: Int.random(in: -1074 ... 1023, using: &random),
                              significand: Double.random(in: 1 ..< 2, using: &random))
        case 4: return [0.0, -0.0, 1, 0.5, 1e15, 1e15 - 1, -1e15 + 1, 1e16, 9_007_199_254_740_992, 0.1, 1e-4, 1e-5, 5e-324,
                        .leastNormalMagnitude, .greatestFiniteMagnitude, 0.9026666666666666].randomElement(using: &random)!
        case 5: return Double(Int.random(in: -1_000_000_000_000_000_000 ... 1_000_000_000_000_000_000, using: &random))
        case 6: return Double(Int.random(in: 0 ... 10, using: &random)) / 10
        case 7: return Double(Float.random(in: 0 ... 1, using: &random))
        default: return Double(Int.random(in: 0 ... 1000, using: &random)) / 1000
        }
    }

    static func integer(_ random: inout Generator) -> Int {
        switch Int.random(in: 0 ..< 4, using: &random) {
        case 0: return Int.random(in: 0 ... 100_000, using: &random)
        case 1: return [0, -1, Int.min, Int.max, 9, 10, 99, 100].randomElement(using: &random)!
        case 2: return Int.random(in: Int.min ... Int.max, using: &random)
        default: return Int.random(in: -1000 ... 1000, using: &random)
        }
    }

    static func mention(_ random: inout Generator) -> EntityMention {
        EntityMention(documentId: string(&random), entityId: string(&random), canonicalName: string(&random),
                      surface: string(&random), type: EntityType.allCases.randomElement(using: &random)!,
                      start: integer(&random), end: integer(&random), sentence: integer(&random),
                      ticker: optionalString(&random), value: optionalString(&random), confidence: double(&random),
                      tone: Tone.allCases.randomElement(using: &random)!, cue: optionalString(&random),
                      evidence: optionalString(&random), nameAtDate: optionalString(&random),
                      sentenceStart: Bool.random(using: &random) ? nil : integer(&random),
                      sentenceEnd: Bool.random(using: &random) ? nil : integer(&random))
    }

    static func companyTone(_ random: inout Generator) -> CompanyTone {
        CompanyTone(documentId: string(&random), entityId: string(&random), canonicalName: string(&random),
                    ticker: optionalString(&random), tone: Tone.allCases.randomElement(using: &random)!,
                    confidence: double(&random), bullish: integer(&random), bearish: integer(&random), neutral: integer(&random))
    }

    /// Every optional set and every optional nil: the key list is complete and in JSONEncoder's order.
    static let fullMention = EntityMention(documentId: "d", entityId: "org:acme", canonicalName: "Acme", surface: "ACME",
                                           type: .organization, start: 1, end: 5, sentence: 0, ticker: "ACME", value: "v",
                                           confidence: 0.75, tone: .bullish, cue: "rose", evidence: "legal-suffix",
                                           nameAtDate: "Acme Old", sentenceStart: 0, sentenceEnd: 40)
    static let bareMention = EntityMention(documentId: "d", entityId: "per:x", canonicalName: "X", surface: "X",
                                           type: .person, start: 0, end: 1, sentence: 3, confidence: 1)

    /// The first three records whose writer bytes differ from JSONEncoder's, both shown.
    static func mismatches<R: RecordJSONWritable & Encodable>(_ records: [R]) throws -> [String] {
        let encoder = JSONLines.makeEncoder()
        var mismatches: [String] = []
        for record in records {
            var writer = RecordJSONWriter()
            try record.writeJSON(to: &writer)
            let expected = [UInt8](try encoder.encode(record))
            if writer.bytes != expected, mismatches.count < 3 {
                mismatches.append("JSONEncoder: \(String(decoding: expected, as: UTF8.self))\nwriter:      \(String(decoding: writer.bytes, as: UTF8.self))")
            }
        }
        return mismatches
    }

    @Test func mentionsAreWrittenAsJSONEncoderWritesThem() throws {
        var random = Generator(state: 16)
        let mentions = [Self.fullMention, Self.bareMention] + (0 ..< 20_000).map { _ in Self.mention(&random) }
        let mismatches = try Self.mismatches(mentions)
        #expect(mismatches.isEmpty, "\(mismatches.joined(separator: "\n"))")
    }

    @Test func companyTonesAreWrittenAsJSONEncoderWritesThem() throws {
        var random = Generator(state: 61)
        let full = CompanyTone(documentId: "d", entityId: "org:acme", canonicalName: "Acme", ticker: "ACME", tone: .bearish,
                               confidence: 0.5, bullish: 1, bearish: 2, neutral: 3)
        let bare = CompanyTone(documentId: "d", entityId: "org:acme", canonicalName: "Acme", tone: .neutral,
                               confidence: 1, bullish: 0, bearish: 0, neutral: 1)
        let mismatches = try Self.mismatches([full, bare] + (0 ..< 20_000).map { _ in Self.companyTone(&random) })
        #expect(mismatches.isEmpty, "\(mismatches.joined(separator: "\n"))")
    }

    @Test(arguments: [Double.nan, .infinity, -.infinity])
    func nonFiniteDoublesFailAsWithJSONEncoder(_ value: Double) {
        let tone = CompanyTone(documentId: "d", entityId: "e", canonicalName: "c", tone: .neutral, confidence: value,
                               bullish: 0, bearish: 0, neutral: 0)
        #expect(throws: EncodingError.self) { _ = try JSONLines.makeEncoder().encode(tone) }
        var writer = RecordJSONWriter()
        #expect(throws: EncodingError.self) { try tone.writeJSON(to: &writer) }
        var mention = Self.bareMention
        mention.confidence = value
        #expect(throws: EncodingError.self) { try mention.writeJSON(to: &writer) }
    }

    /// The stage's one encoding gives the lines JSONLines wrote and the cache value JSONEncoder
    /// wrote for the whole analysis, and the cache decodes that value back to the analysis.
    @Test(arguments: [0, 1, 2, 7])
    func theStageEncodesOnceForLinesAndCache(_ size: Int) throws {
        var random = Generator(state: UInt64(100 + size))
        let analysis = EntityAnalysis(mentions: (0 ..< size * 3).map { _ in Self.mention(&random) },
                                      companyTones: (0 ..< size).map { _ in Self.companyTone(&random) })
        let encoded = try EntitiesStage.encode(analysis)
        let encoder = JSONLines.makeEncoder()
        var mentionLines: [UInt8] = [], toneLines: [UInt8] = []
        for mention in analysis.mentions { mentionLines += try JSONLines.line(mention, encoder: encoder) }
        for tone in analysis.companyTones { toneLines += try JSONLines.line(tone, encoder: encoder) }
        let whole = [UInt8](try encoder.encode(analysis))
        #expect(encoded.mentions == mentionLines)
        #expect(encoded.tones == toneLines)
        #expect(encoded.cacheValue == whole)
        let withoutValue = try EntitiesStage.encode(analysis, cacheValue: false)
        #expect(withoutValue.cacheValue.isEmpty && withoutValue.mentions == mentionLines && withoutValue.tones == toneLines)

        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("record-json-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let layout = OutputLayout(root: folder)
        let cache = ResultCache(stage: StageName.entities.id, version: 1, settings: "s", layout: layout, shard: Shard(index: 0, count: 1))
        let key = cache.key("doc", "\(size)")
        cache.put(json: encoded.cacheValue, key)
        #expect(cache.get(EntityAnalysis.self, key) == analysis, "pending")
        cache.commit()
        #expect(cache.get(EntityAnalysis.self, key) == analysis, "committed")
        cache.close()
        try ResultCache.fold(in: layout.cacheFolder(StageName.entities.id), day: "2026-12-03")
        let next = ResultCache(stage: StageName.entities.id, version: 1, settings: "s", layout: layout, shard: Shard(index: 0, count: 1))
        #expect(next.get(EntityAnalysis.self, key) == analysis, "folded into the main database")
        next.close()
    }
}
