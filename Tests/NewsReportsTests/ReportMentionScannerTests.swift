import Foundation
import Testing
@testable import NewsReports
@testable import NewsIO
@testable import NewsRecords

/// The fast mention reader agrees with `JSONDecoder` or steps aside for it.
@Suite struct ReportMentionScannerTests {
    static func decoded(_ line: String) -> EntityMention? {
        try? JSONLines.makeDecoder().decode(EntityMention.self, from: Data(line.utf8))
    }

    static func scanned(_ line: String) -> EntityMention? {
        ReportMentionScanner.decode(Array(line.utf8)[...])
    }

    @Test func agreesWithTheDecoderOnTheFixtureMentions() throws {
        var count = 0
        try JSONLines.forEachLine(in: ReportFixture.file("mentions.jsonl")) { line in
            let text = String(decoding: line, as: UTF8.self)
            #expect(Self.scanned(text) != nil)
            #expect(Self.scanned(text) == Self.decoded(text))
            count += 1
        }
        #expect(count == 39)
    }

    @Test func agreesOnEncodedMentionsWithEscapesAndOptionalFields() throws {
        let names = ["plain", "quote \" and \\ backslash", "line\nbreak\ttab", "émoji 🚀 and 中文", "slash / and \u{0001}",
                     "\u{2028}", ""]
        let encoder = JSONLines.makeEncoder()
        for (index, name) in names.enumerated() {
            let mention = EntityMention(documentId: "doc-\(index)", entityId: "org:\(index)", canonicalName: name, surface: name,
                                        type: EntityType.allCases[index % EntityType.allCases.count], start: index * 7,
                                        end: index * 7 + 3, sentence: index, ticker: index % 2 == 0 ? "T\(index)" : nil,
                                        value: index % 3 == 0 ? "0.\(index)" : nil, confidence: 0.125 * Double(index),
                                        tone: Tone.allCases[index % 3], cue: index == 4 ? name : nil)
            let line = String(decoding: try encoder.encode(mention), as: UTF8.self)
            #expect(Self.scanned(line) == mention, "\(line)")
        }
    }

    @Test func handlesJSONTheEncoderDoesNotWriteButOthersMight() {
        let line = #" { "type" : "ORG", "start": 3, "end": 5, "sentence": 0, "confidence": 1e-1, "document_id": "d", "#
            + #""entity_id": "org:\u00e9\ud83d\ude80", "canonical_name": "A\/B", "surface": "x", "extra": true, "tone": "bearish" } "#
        #expect(Self.scanned(line) == Self.decoded(line))
        #expect(Self.scanned(line)?.entityId == "org:é🚀")
    }

    @Test func stepsAsideWhenUnsure() {
        let valid = #"{"canonical_name":"A","confidence":1,"document_id":"d","end":1,"entity_id":"e","sentence":0,"start":0,"surface":"A","tone":"neutral","type":"ORG"}"#
        #expect(Self.scanned(valid) != nil)
        let doubtful = [
            valid.replacingOccurrences(of: #""type":"ORG""#, with: #""type":"ORGANISATION""#),  // unknown type
            valid.replacingOccurrences(of: #""start":0"#, with: #""start":0.5"#),  // not an integer
            valid.replacingOccurrences(of: #""start":0,"#, with: ""),  // missing field
            valid.replacingOccurrences(of: #""surface":"A""#, with: #""surface":["A"]"#),  // nested
            valid.replacingOccurrences(of: #""surface":"A""#, with: #""surface":"\ud800""#),  // lone surrogate
            valid.replacingOccurrences(of: #""surface":"A""#, with: #""surface":"\x""#),  // bad escape
            valid.replacingOccurrences(of: #""tone":"neutral""#, with: #""tone":"happy""#),
            valid + "x",
            String(valid.dropLast()),
            "{}",
            "",
        ]
        for line in doubtful { #expect(Self.scanned(line) == nil, "\(line)") }
        // Lone surrogates and bad escapes are errors for the decoder as well.
        #expect(Self.decoded(doubtful[5]) == nil)
    }

    /// Optional members given as `null`, a boolean or the wrong type: the scanner steps aside and
    /// the decoder judges (it reads `null` as absent and rejects the rest); a member of the right
    /// type is read as the decoder reads it.
    @Test func optionalMembersOfAnotherTypeGoToTheDecoder() {
        let valid = #"{"canonical_name":"A","confidence":1,"document_id":"d","end":1,"entity_id":"e","sentence":0,"start":0,"surface":"A","tone":"neutral","type":"ORG"}"#
        for key in ["ticker", "value", "cue", "evidence", "name_at_date"] {
            for (written, decoderAccepts) in [("null", true), ("true", false), ("7", false)] {
                let line = String(valid.dropLast()) + #","\#(key)":\#(written)}"#
                #expect(Self.scanned(line) == nil, "\(line)")
                #expect((Self.decoded(line) != nil) == decoderAccepts, "\(line)")
            }
            let line = String(valid.dropLast()) + #","\#(key)":"x"}"#
            #expect(Self.scanned(line) != nil && Self.scanned(line) == Self.decoded(line), "\(line)")
        }
        for key in ["sentence_start", "sentence_end"] {
            for written in ["null", "false", #""3""#, "2.5"] {
                #expect(Self.scanned(String(valid.dropLast()) + #","\#(key)":\#(written)}"#) == nil, "\(key): \(written)")
            }
            let line = String(valid.dropLast()) + #","\#(key)":3}"#
            #expect(Self.scanned(line) != nil && Self.scanned(line) == Self.decoded(line), "\(line)")
        }
    }
}
