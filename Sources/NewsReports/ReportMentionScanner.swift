import Foundation
import NewsIO
import NewsRecords

/// Reads one `EntityMention` JSON line without `JSONDecoder`, which costs most of the report's
/// time on large runs.
///
/// Handles the flat objects `JSONLines` writes (`JSONFlatObject`: string, number, boolean and null
/// values, any key order, unknown keys skipped). Anything else (nesting, a missing or mistyped field, invalid
/// UTF-8 or escapes) returns nil and the caller falls back to `JSONDecoder`, which then decides
/// and words the error: the scanner never accepts a line the decoder would reject for a field it
/// reads.
enum ReportMentionScanner {
    static func decode(_ line: ArraySlice<UInt8>) -> EntityMention? {
        guard let fields = JSONFlatObject.fields(line) else { return nil }

        // Optional members: absent or the type the decoder wants; `null`, booleans and other
        // types go to the decoder, which judges (it accepts null only).
        func text(_ key: String) -> String?? { JSONFlatObject.optionalString(fields[key]) }
        func optionalInteger(_ key: String) -> Int?? { JSONFlatObject.optionalInteger(fields[key]) }
        func required(_ key: String) -> String? {
            if case .string(let value)? = fields[key] { return value }
            return nil
        }
        func integer(_ key: String) -> Int? {
            if case .number(let digits)? = fields[key] { return Int(String(decoding: digits, as: UTF8.self)) }
            return nil
        }
        guard let documentId = required("document_id"), let entityId = required("entity_id"),
              let canonicalName = required("canonical_name"), let surface = required("surface"),
              let type = required("type").flatMap(EntityType.init(rawValue:)),
              let start = integer("start"), let stop = integer("end"), let sentence = integer("sentence"),
              case .number(let confidenceDigits)? = fields["confidence"],
              let confidence = Double(String(decoding: confidenceDigits, as: UTF8.self)),
              let ticker = text("ticker"), let normalised = text("value"), let cue = text("cue"),
              let evidence = text("evidence"), let nameAtDate = text("name_at_date") else { return nil }
        guard let sentenceStart = optionalInteger("sentence_start"), let sentenceEnd = optionalInteger("sentence_end") else {
            return nil
        }
        var tone = Tone.neutral
        if let field = fields["tone"] {
            guard case .string(let raw) = field, let parsed = Tone(rawValue: raw) else { return nil }
            tone = parsed
        }
        return EntityMention(documentId: documentId, entityId: entityId, canonicalName: canonicalName, surface: surface,
                             type: type, start: start, end: stop, sentence: sentence, ticker: ticker, value: normalised,
                             confidence: confidence, tone: tone, cue: cue, evidence: evidence, nameAtDate: nameAtDate,
                             sentenceStart: sentenceStart, sentenceEnd: sentenceEnd)
    }
}
