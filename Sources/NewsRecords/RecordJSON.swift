// A hand-written JSON writer for the records the entities stage writes by the million
// (`EntityMention`, `CompanyTone`): the same bytes `JSONLines.makeEncoder()` (Foundation's
// JSONEncoder, snake_case keys, sorted keys, slashes unescaped) writes for them, without its
// boxing, dictionaries and per-key snake_case conversion (a third of the stage's CPU, issue 16).
//
// Byte-identity with JSONEncoder is the contract, checked by `RecordJSONTests` (NewsPipeTests)
// on varied records. Rules that make it so, as JSONEncoder applies them:
// - keys in snake_case, sorted by their UTF-8 bytes; an optional that is nil is left out;
// - strings: `"` and `\` escaped with a backslash, U+0008/09/0A/0C/0D as `\b \t \n \f \r`, other
//   code points below U+0020 as `\u00xx` (lower-case hex), everything else (`/`, DEL, non-ASCII)
//   written as its UTF-8 bytes;
// - integers in decimal; doubles as Swift's `description` with a trailing `.0` dropped
//   (`1`, `0.5`, `1e-05`, `1e+16`); a NaN or infinity is an error, as in JSONEncoder.
//
// A new stored property on one of these records needs a line in its `writeJSON` below, at its
// key's sorted place; the byte-identity test fails until it has one.

/// A record `RecordJSONWriter` writes with the bytes `JSONLines.makeEncoder()` gives it.
public protocol RecordJSONWritable {
    func writeJSON(to writer: inout RecordJSONWriter) throws
}

/// Appends JSON objects to a byte buffer, one field at a time. Fields must be written in the
/// order of their keys' UTF-8 bytes (what JSONEncoder's `.sortedKeys` gives).
public struct RecordJSONWriter: Sendable {
    public var bytes: [UInt8]
    private var first = true

    public init(capacity: Int = 512) {
        bytes = []
        bytes.reserveCapacity(capacity)
    }

    public mutating func beginObject() {
        bytes.append(UInt8(ascii: "{"))
        first = true
    }

    public mutating func endObject() {
        bytes.append(UInt8(ascii: "}"))
        first = false
    }

    /// `"key":` with the comma before it when the object already has a field. `key` is written as
    /// given: ASCII, already in snake_case, needing no escapes.
    public mutating func key(_ key: StaticString) {
        if !first { bytes.append(UInt8(ascii: ",")) }
        first = false
        bytes.append(UInt8(ascii: "\""))
        key.withUTF8Buffer { bytes.append(contentsOf: $0) }
        bytes.append(UInt8(ascii: "\""))
        bytes.append(UInt8(ascii: ":"))
    }

    public mutating func field(_ key: StaticString, _ value: String) {
        self.key(key)
        string(value)
    }

    /// Nothing when `value` is nil (JSONEncoder's `encodeIfPresent`).
    public mutating func field(_ key: StaticString, _ value: String?) {
        guard let value else { return }
        field(key, value)
    }

    public mutating func field(_ key: StaticString, _ value: Int) {
        self.key(key)
        integer(value)
    }

    public mutating func field(_ key: StaticString, _ value: Int?) {
        guard let value else { return }
        field(key, value)
    }

    public mutating func field(_ key: StaticString, _ value: Double) throws {
        self.key(key)
        try double(value)
    }

    public mutating func field<T: RawRepresentable>(_ key: StaticString, _ value: T) where T.RawValue == String {
        field(key, value.rawValue)
    }

    /// `[r0,r1,…]`, every record also appended to `lines` as one JSON line (the stage's output
    /// lines are the same bytes as the array's elements).
    public mutating func array<R: RecordJSONWritable>(_ records: [R], lines: inout [UInt8]) throws {
        bytes.append(UInt8(ascii: "["))
        for (position, record) in records.enumerated() {
            if position > 0 { bytes.append(UInt8(ascii: ",")) }
            let start = bytes.count
            try record.writeJSON(to: &self)
            lines.append(contentsOf: bytes[start...])
            lines.append(0x0A)
        }
        bytes.append(UInt8(ascii: "]"))
    }

    /// A JSON string with JSONEncoder's escapes.
    public mutating func string(_ value: String) {
        bytes.append(UInt8(ascii: "\""))
        var value = value
        value.withUTF8 { utf8 in
            var runStart = 0
            var index = 0
            let count = utf8.count
            while index < count {
                let byte = utf8[index]
                if byte >= 0x20 && byte != UInt8(ascii: "\"") && byte != UInt8(ascii: "\\") {
                    index += 1
                    continue
                }
                if runStart < index { bytes.append(contentsOf: UnsafeBufferPointer(rebasing: utf8[runStart ..< index])) }
                bytes.append(UInt8(ascii: "\\"))
                switch byte {
                case UInt8(ascii: "\""): bytes.append(UInt8(ascii: "\""))
                case UInt8(ascii: "\\"): bytes.append(UInt8(ascii: "\\"))
                case 0x08: bytes.append(UInt8(ascii: "b"))
                case 0x09: bytes.append(UInt8(ascii: "t"))
                case 0x0A: bytes.append(UInt8(ascii: "n"))
                case 0x0C: bytes.append(UInt8(ascii: "f"))
                case 0x0D: bytes.append(UInt8(ascii: "r"))
                default:
                    // Below U+0020: `\u00` and two lower-case hex digits.
                    bytes.append(UInt8(ascii: "u")); bytes.append(UInt8(ascii: "0")); bytes.append(UInt8(ascii: "0"))
                    bytes.append(Self.hexDigit(byte >> 4)); bytes.append(Self.hexDigit(byte & 0x0F))
                }
                index += 1
                runStart = index
            }
            if runStart < count { bytes.append(contentsOf: UnsafeBufferPointer(rebasing: utf8[runStart ..< count])) }
        }
        bytes.append(UInt8(ascii: "\""))
    }

    private static func hexDigit(_ nibble: UInt8) -> UInt8 {
        nibble < 10 ? UInt8(ascii: "0") + nibble : UInt8(ascii: "a") + nibble - 10
    }

    public mutating func integer(_ value: Int) {
        // A small string (up to 15 bytes inline): no allocation for the offsets and counts here.
        bytes.append(contentsOf: String(value).utf8)
    }

    public mutating func double(_ value: Double) throws {
        guard value.isFinite else {
            throw EncodingError.invalidValue(value, EncodingError.Context(
                codingPath: [], debugDescription: "Unable to encode Double.\(value) directly in JSON."))
        }
        if value == value.rounded(.towardZero), value.magnitude < 1e15 {
            // Whole numbers below 10^15: `description` is the integer with ".0" (the `-0.0` of
            // `description` is "-0" once ".0" is dropped).
            if value == 0 && value.sign == .minus { bytes.append(UInt8(ascii: "-")) }
            integer(Int(value))
            return
        }
        var text = value.description
        if text.hasSuffix(".0") { text.removeLast(2) }
        bytes.append(contentsOf: text.utf8)
    }
}

extension EntityMention: RecordJSONWritable {
    /// Appends this mention as the JSON object `JSONLines.makeEncoder()` writes for it.
    /// A new property needs a line here, at its snake_case key's sorted place.
    public func writeJSON(to writer: inout RecordJSONWriter) throws {
        writer.beginObject()
        writer.field("canonical_name", canonicalName)
        try writer.field("confidence", confidence)
        writer.field("cue", cue)
        writer.field("document_id", documentId)
        writer.field("end", end)
        writer.field("entity_id", entityId)
        writer.field("evidence", evidence)
        writer.field("name_at_date", nameAtDate)
        writer.field("sentence", sentence)
        writer.field("sentence_end", sentenceEnd)
        writer.field("sentence_start", sentenceStart)
        writer.field("start", start)
        writer.field("surface", surface)
        writer.field("ticker", ticker)
        writer.field("tone", tone)
        writer.field("type", type)
        writer.field("value", value)
        writer.endObject()
    }
}

extension CompanyTone: RecordJSONWritable {
    /// Appends this company tone as the JSON object `JSONLines.makeEncoder()` writes for it.
    /// A new property needs a line here, at its snake_case key's sorted place.
    public func writeJSON(to writer: inout RecordJSONWriter) throws {
        writer.beginObject()
        writer.field("bearish", bearish)
        writer.field("bullish", bullish)
        writer.field("canonical_name", canonicalName)
        try writer.field("confidence", confidence)
        writer.field("document_id", documentId)
        writer.field("entity_id", entityId)
        writer.field("neutral", neutral)
        writer.field("ticker", ticker)
        writer.field("tone", tone)
        writer.endObject()
    }
}
