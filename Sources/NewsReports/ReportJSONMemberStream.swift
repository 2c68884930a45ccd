import Foundation
import NewsIO

/// Reads a JSON document whose top level is an object and hands each element of one of its
/// array members (found by key) to a closure as the element's bytes, reading the file a chunk at
/// a time; the rest of the document comes back with that member's array empty (`[]`), small
/// enough for an ordinary decoder.
///
/// The previous night's snapshot lists every named entity of its night (272,000, 39 MB at
/// 100,000 pages): decoded whole (the file, the decoder's map of it, a struct per entity) it was
/// 199 MB of heap at the start of the next night's report, more than the report's peak anywhere
/// else.
///
/// Only the structure is followed here (strings, escapes, nesting); each element and the rest are
/// parsed by the caller's decoder, which decides what is valid. A key written with escapes is
/// not recognised: that member then stays in the rest, whole, and is decoded with it.
enum ReportJSONMemberStream {
    static let chunkBytes = 1 << 20

    /// Streams the elements of the top-level member `key`; returns the document without them.
    static func read(_ url: URL, streaming key: String, element: (ArraySlice<UInt8>) throws -> Void) throws -> [UInt8] {
        let handle = try FileHandle(forReadingFrom: url)
        defer { try? handle.close() }
        var scanner = Scanner(key: Array(key.utf8))
        while let chunk = try handle.read(upToCount: chunkBytes), !chunk.isEmpty {
            try scanner.feed(Array(chunk), element: element)
        }
        return scanner.rest
    }

    struct Scanner {
        let key: [UInt8]
        private(set) var rest: [UInt8] = []
        private var depth = 0
        private var inString = false
        private var escaped = false
        /// The bytes of the string being read at depth 1 (a key, or a value).
        private var topString: [UInt8]?
        private var lastTopString: [UInt8]?
        private var currentKey: [UInt8]?
        /// Inside the streamed array (its own level is depth 2).
        private var streaming = false
        private var element: [UInt8] = []

        init(key: [UInt8]) { self.key = key }

        mutating func feed(_ bytes: [UInt8], element emit: (ArraySlice<UInt8>) throws -> Void) throws {
            for byte in bytes {
                if inString {
                    if streaming { element.append(byte) } else { rest.append(byte) }
                    if escaped { escaped = false } else if byte == UInt8(ascii: "\\") { escaped = true } else if byte == UInt8(ascii: "\"") {
                        inString = false
                        if let string = topString { lastTopString = string; topString = nil }
                        continue
                    }
                    if topString != nil { topString!.append(byte) }
                    continue
                }
                if streaming {
                    if depth == 2 && (byte == UInt8(ascii: ",") || byte == UInt8(ascii: "]")) {
                        try flush(emit)
                        if byte == UInt8(ascii: "]") {
                            streaming = false
                            depth = 1
                            rest.append(contentsOf: "[]".utf8)
                        }
                        continue
                    }
                    element.append(byte)
                    switch byte {
                    case UInt8(ascii: "\""): inString = true
                    case UInt8(ascii: "{"), UInt8(ascii: "["): depth += 1
                    case UInt8(ascii: "}"), UInt8(ascii: "]"): depth -= 1
                    default: break
                    }
                    continue
                }
                if byte == UInt8(ascii: "["), depth == 1, currentKey == key {
                    streaming = true
                    depth = 2
                    continue
                }
                rest.append(byte)
                switch byte {
                case UInt8(ascii: "\""):
                    inString = true
                    if depth == 1 { topString = [] }
                case UInt8(ascii: ":") where depth == 1: currentKey = lastTopString
                case UInt8(ascii: ",") where depth == 1: currentKey = nil
                case UInt8(ascii: "{"), UInt8(ascii: "["): depth += 1
                case UInt8(ascii: "}"), UInt8(ascii: "]"): depth -= 1
                default: break
                }
            }
        }

        /// Hands the element read so far (without surrounding white space) to `emit`.
        private mutating func flush(_ emit: (ArraySlice<UInt8>) throws -> Void) throws {
            defer { element.removeAll(keepingCapacity: true) }
            func isSpace(_ byte: UInt8) -> Bool { byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0D }
            guard let first = element.firstIndex(where: { !isSpace($0) }), let last = element.lastIndex(where: { !isSpace($0) })
            else { return }
            try emit(element[first ... last])
        }
    }
}
