import Foundation

/// Reads one JSON object of the manifest field by field, with defaults, and remembers which keys it
/// read so that `finish()` can reject unknown keys (usually typos) by name.
struct ManifestObjectReader {
    let path: String
    private let fields: [String: JSONValue]
    private var known: Set<String> = []

    init(_ value: JSONValue?, path: String) throws {
        self.path = path
        switch value {
        case nil, .null?: fields = [:]
        case let .object(fields)?: self.fields = fields
        case let other?: throw Self.mismatch(path, expected: "an object", found: other)
        }
    }

    private func childPath(_ key: String) -> String { path.isEmpty ? key : "\(path).\(key)" }

    static func mismatch(_ path: String, expected: String, found: JSONValue) -> ManifestError {
        ManifestError(path: path, message: "expected \(expected), found \(found.shortDescription)")
    }

    private mutating func value(_ key: String) -> JSONValue? {
        known.insert(key)
        if case .null? = fields[key] { return nil }
        return fields[key]
    }

    mutating func int(_ key: String, default fallback: Int, range: ClosedRange<Int>) throws -> Int {
        guard let value = value(key) else { return fallback }
        let expected = "a whole number from \(range.lowerBound) to \(range.upperBound)"
        guard case let .number(number) = value, number == number.rounded(),
              number >= Double(range.lowerBound), number <= Double(range.upperBound) else {
            throw Self.mismatch(childPath(key), expected: expected, found: value)
        }
        return Int(number)
    }

    mutating func optionalInt(_ key: String, range: ClosedRange<Int>) throws -> Int? {
        guard value(key) != nil else { return nil }
        return try int(key, default: 0, range: range)
    }

    mutating func double(_ key: String, default fallback: Double, range: ClosedRange<Double>) throws -> Double {
        guard let value = value(key) else { return fallback }
        guard case let .number(number) = value, range.contains(number) else {
            let expected = "a number from \(Self.format(range.lowerBound)) to \(Self.format(range.upperBound))"
            throw Self.mismatch(childPath(key), expected: expected, found: value)
        }
        return number
    }

    private static func format(_ value: Double) -> String {
        value == value.rounded() && abs(value) < 1e15 ? String(Int64(value)) : String(value)
    }

    mutating func bool(_ key: String, default fallback: Bool) throws -> Bool {
        guard let value = value(key) else { return fallback }
        guard case let .bool(flag) = value else {
            throw Self.mismatch(childPath(key), expected: "true or false", found: value)
        }
        return flag
    }

    mutating func string(_ key: String, default fallback: String) throws -> String {
        try optionalString(key) ?? fallback
    }

    mutating func optionalString(_ key: String) throws -> String? {
        guard let value = value(key) else { return nil }
        guard case let .string(text) = value else {
            throw Self.mismatch(childPath(key), expected: "a string", found: value)
        }
        return text
    }

    mutating func choice(_ key: String, default fallback: String, among choices: [String]) throws -> String {
        let text = try string(key, default: fallback)
        guard choices.contains(text) else {
            throw ManifestError(
                path: childPath(key),
                message: "expected one of \(choices.map { "\"\($0)\"" }.joined(separator: ", ")), found \"\(text)\"")
        }
        return text
    }

    /// A value of a string enum: an unknown value is an error naming the field and the allowed values.
    mutating func choice<Choice: RawRepresentable & CaseIterable>(_ key: String, default fallback: Choice) throws -> Choice
        where Choice.RawValue == String {
        let text = try choice(key, default: fallback.rawValue, among: Choice.allCases.map(\.rawValue))
        return Choice(rawValue: text)!
    }

    /// An array of string-enum values, each checked as `choice` checks one.
    mutating func choiceArray<Choice: RawRepresentable & CaseIterable>(_ key: String, default fallback: [Choice]) throws -> [Choice]
        where Choice.RawValue == String {
        let texts = try stringArray(key, default: fallback.map(\.rawValue))
        return try texts.enumerated().map { index, text in
            guard let choice = Choice(rawValue: text) else {
                throw ManifestError(path: "\(childPath(key))[\(index)]",
                                    message: "expected one of \(Choice.allCases.map { "\"\($0.rawValue)\"" }.joined(separator: ", ")), found \"\(text)\"")
            }
            return choice
        }
    }

    mutating func stringArray(_ key: String, default fallback: [String]) throws -> [String] {
        guard let value = value(key) else { return fallback }
        guard case let .array(items) = value else {
            throw Self.mismatch(childPath(key), expected: "an array of strings", found: value)
        }
        return try items.enumerated().map { index, item in
            guard case let .string(text) = item else {
                throw Self.mismatch("\(childPath(key))[\(index)]", expected: "a string", found: item)
            }
            return text
        }
    }

    mutating func object(_ key: String) throws -> ManifestObjectReader {
        try ManifestObjectReader(value(key), path: childPath(key))
    }

    /// The elements of an array of objects, each with its own reader.
    mutating func objectArray(_ key: String) throws -> [ManifestObjectReader]? {
        guard let value = value(key) else { return nil }
        guard case let .array(items) = value else {
            throw Self.mismatch(childPath(key), expected: "an array of objects", found: value)
        }
        return try items.enumerated().map { index, item in
            try ManifestObjectReader(item, path: "\(childPath(key))[\(index)]")
        }
    }

    /// Rejects any key that was never asked for.
    func finish() throws {
        let unknown = fields.keys.filter { !known.contains($0) }.sorted()
        guard let first = unknown.first else { return }
        let allowed = known.sorted().map { "\"\($0)\"" }.joined(separator: ", ")
        throw ManifestError(
            path: childPath(first),
            message: "unknown key (allowed here: \(allowed))")
    }
}
