/// Finds the first key that appears twice in one JSON object. `JSONDecoder` keeps one of them
/// without a word, so `{"shards": 4, "shards": 400}` would run with whichever it picked; the
/// manifest reader refuses it instead, naming the path.
///
/// The scan assumes nothing about validity: on malformed JSON it stops, and the decoder reports the
/// syntax error with its position.
enum JSONDuplicateKeys {
    /// The JSON path of the object (`stages.fetch`, or "" for the top) and the duplicated key.
    static func first(in bytes: [UInt8]) -> (path: String, key: String)? {
        var scanner = Scanner(bytes: bytes)
        return try? scanner.value(path: "", depth: 0)
    }

    private struct Stop: Error {}

    private struct Scanner {
        let bytes: [UInt8]
        var i = 0
        /// Deeper documents are left to the decoder (a manifest is a few levels deep).
        let maxDepth = 256

        mutating func skipSpace() {
            while i < bytes.count, [0x20, 0x09, 0x0A, 0x0D].contains(bytes[i]) { i += 1 }
        }

        /// Scans one value; returns the first duplicate found inside it.
        mutating func value(path: String, depth: Int) throws -> (path: String, key: String)? {
            guard depth < maxDepth else { throw Stop() }
            skipSpace()
            guard i < bytes.count else { throw Stop() }
            switch bytes[i] {
            case UInt8(ascii: "{"): return try object(path: path, depth: depth)
            case UInt8(ascii: "["):
                i += 1
                var index = 0
                skipSpace()
                if i < bytes.count, bytes[i] == UInt8(ascii: "]") { i += 1; return nil }
                while true {
                    if let found = try value(path: "\(path)[\(index)]", depth: depth + 1) { return found }
                    skipSpace()
                    guard i < bytes.count else { throw Stop() }
                    if bytes[i] == UInt8(ascii: ",") { i += 1; index += 1; continue }
                    if bytes[i] == UInt8(ascii: "]") { i += 1; return nil }
                    throw Stop()
                }
            case UInt8(ascii: "\""):
                _ = try string()
                return nil
            default:
                // Numbers, true, false, null: up to the next delimiter.
                while i < bytes.count, ![UInt8(ascii: ","), UInt8(ascii: "}"), UInt8(ascii: "]"), 0x20, 0x09, 0x0A, 0x0D].contains(bytes[i]) { i += 1 }
                return nil
            }
        }

        mutating func object(path: String, depth: Int) throws -> (path: String, key: String)? {
            i += 1
            var seen = Set<String>()
            skipSpace()
            if i < bytes.count, bytes[i] == UInt8(ascii: "}") { i += 1; return nil }
            while true {
                skipSpace()
                guard i < bytes.count, bytes[i] == UInt8(ascii: "\"") else { throw Stop() }
                let key = try string()
                if !seen.insert(key).inserted { return (path, key) }
                skipSpace()
                guard i < bytes.count, bytes[i] == UInt8(ascii: ":") else { throw Stop() }
                i += 1
                if let found = try value(path: path.isEmpty ? key : "\(path).\(key)", depth: depth + 1) { return found }
                skipSpace()
                guard i < bytes.count else { throw Stop() }
                if bytes[i] == UInt8(ascii: ",") { i += 1; continue }
                if bytes[i] == UInt8(ascii: "}") { i += 1; return nil }
                throw Stop()
            }
        }

        /// A string literal, escapes decoded enough to compare keys (`\u` kept as written).
        mutating func string() throws -> String {
            i += 1
            var out: [UInt8] = []
            while i < bytes.count {
                let byte = bytes[i]
                if byte == UInt8(ascii: "\"") { i += 1; return String(decoding: out, as: UTF8.self) }
                if byte == UInt8(ascii: "\\"), i + 1 < bytes.count {
                    out.append(bytes[i + 1])
                    i += 2
                    continue
                }
                out.append(byte)
                i += 1
            }
            throw Stop()
        }
    }
}
