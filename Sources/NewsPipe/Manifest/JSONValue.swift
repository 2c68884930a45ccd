import Foundation

/// A parsed JSON value, kept untyped so that the manifest reader can say exactly which field is
/// wrong and what it holds instead of surfacing a `DecodingError`.
public indirect enum JSONValue: Decodable, Equatable, Sendable {
    case null
    case bool(Bool)
    case number(Double)
    case string(String)
    case array([JSONValue])
    case object([String: JSONValue])

    public init(from decoder: Decoder) throws {
        let container = try decoder.singleValueContainer()
        if container.decodeNil() { self = .null }
        else if let value = try? container.decode(Bool.self) { self = .bool(value) }
        else if let value = try? container.decode(Double.self) { self = .number(value) }
        else if let value = try? container.decode(String.self) { self = .string(value) }
        else if let value = try? container.decode([JSONValue].self) { self = .array(value) }
        else { self = .object(try container.decode([String: JSONValue].self)) }
    }

    /// Parses `data`, turning a syntax error into a message with the position JSONDecoder reports.
    public static func parse(_ data: Data) throws -> JSONValue {
        do {
            return try JSONDecoder().decode(JSONValue.self, from: data)
        } catch let DecodingError.dataCorrupted(context) {
            let underlying = (context.underlyingError as NSError?)?.userInfo[NSDebugDescriptionErrorKey] as? String
            let detail = underlying ?? context.debugDescription
            throw ManifestError(path: "", message: "not valid JSON: \(detail)")
        } catch {
            throw ManifestError(path: "", message: "not valid JSON")
        }
    }

    /// A short description for error messages: `"high"`, `12`, `true`, `an array`, `an object`.
    public var shortDescription: String {
        switch self {
        case .null: return "null"
        case let .bool(value): return value ? "true" : "false"
        case let .number(value):
            return value == value.rounded() && abs(value) < 1e15 ? String(Int64(value)) : String(value)
        case let .string(value):
            let clipped = value.count > 40 ? String(value.prefix(40)) + "…" : value
            return "\"\(clipped)\""
        case .array: return "an array"
        case .object: return "an object"
        }
    }
}
