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

        func text(_ key: String) -> String?? {
            switch fields[key] {
            case nil: return .some(nil)
            case .string(let value)?: return .some(value)
            case .other?: return .some(nil)  // null; a boolean here makes the decoder fail below
            case .number?: return nil
            }
        }
        func required(_ key: String) -> String? {
            if case .string(let value)? = fields[key] { return value }
            return nil
        }
        func integer(_ key: String) -> Int? {
            if case .number(let digits)? = fields[key] { return Int(String(decoding: digits, as: UTF8.self)) }
            return nil
        }
        // `null` and booleans for optional strings: let the decoder judge (it accepts null only).
        for key in ["ticker", "value", "cue", "evidence", "name_at_date", "sentence_start", "sentence_end"] where fields[key].map({ if case .other = $0 { return true } else { return false } }) ?? false {
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
        /// An optional integer: absent is nil; present, it must be an integer.
        func optionalInteger(_ key: String) -> Int?? {
            guard let field = fields[key] else { return .some(nil) }
            guard case .number = field, let value = integer(key) else { return nil }
            return .some(value)
        }
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
