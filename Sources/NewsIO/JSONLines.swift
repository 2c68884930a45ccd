import Foundation

/// JSON Lines (jsonlines.org) with the project's conventions: snake_case keys, sorted keys, one
/// record per line, `\n` line ends, UTF-8. Output is byte-stable for equal values.
public enum JSONLines {
    /// The encoder every stage uses for records on disk.
    public static func makeEncoder() -> JSONEncoder {
        let encoder = JSONEncoder()
        encoder.keyEncodingStrategy = .convertToSnakeCase
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return encoder
    }

    public static func makeDecoder() -> JSONDecoder {
        let decoder = JSONDecoder()
        decoder.keyDecodingStrategy = .convertFromSnakeCase
        return decoder
    }

    /// Encodes one record as one line (with its trailing newline).
    public static func line<T: Encodable>(_ value: T, encoder: JSONEncoder = makeEncoder()) throws -> [UInt8] {
        var bytes = [UInt8](try encoder.encode(value))
        bytes.append(0x0A)
        return bytes
    }

    /// Writes all records to `url` atomically.
    public static func write<T: Encodable>(_ values: some Sequence<T>, to url: URL) throws {
        let encoder = makeEncoder()
        let file = try AtomicFile(url)
        for value in values { try file.write(try line(value, encoder: encoder)) }
        try file.commit()
    }

    /// Calls `body` with each line's bytes (without the newline), streaming: the file is read in
    /// blocks, never whole. Empty lines are skipped.
    public static func forEachLine(in url: URL, _ body: (ArraySlice<UInt8>) throws -> Void) throws {
        guard let handle = FileHandle(forReadingAtPath: url.path) else {
            throw FileError.io(path: url.path, reason: "cannot open for reading")
        }
        defer { try? handle.close() }
        var pending: [UInt8] = []
        while true {
            let chunk: Data?
            do { chunk = try handle.read(upToCount: 1 << 20) } catch {
                throw FileError.io(path: url.path, reason: "read failed: \(error.localizedDescription)")
            }
            guard let chunk, !chunk.isEmpty else { break }
            pending.append(contentsOf: chunk)
            var lineStart = 0
            while let newline = pending[lineStart...].firstIndex(of: 0x0A) {
                if newline > lineStart { try body(pending[lineStart..<newline]) }
                lineStart = newline + 1
            }
            pending.removeFirst(lineStart)
        }
        if !pending.isEmpty { try body(pending[...]) }
    }

    /// Decodes each record of `url` in order and hands it to `body`.
    public static func forEach<T: Decodable>(_ type: T.Type, in url: URL, _ body: (T) throws -> Void) throws {
        let decoder = makeDecoder()
        var lineNumber = 0
        try forEachLine(in: url) { line in
            lineNumber += 1
            let value: T
            do { value = try decoder.decode(T.self, from: Data(line)) } catch {
                throw FileError.corruptRecord(path: url.path, line: lineNumber, reason: "\(error)")
            }
            try body(value)
        }
    }

    /// Joins the lines of `parts`, in order, into `target`, published atomically. Streams: memory
    /// holds one block of one part at a time. Parts that do not exist are read as empty.
    public static func concatenate(_ parts: [URL], into target: URL) throws {
        let file = try AtomicFile(target)
        for part in parts where FileManager.default.fileExists(atPath: part.path) {
            try forEachLine(in: part) { line in
                try file.write(line)
                try file.write([0x0A])
            }
        }
        try file.commit()
    }

    /// Reads every record of `url` (for small files: clusters, indexes, fixtures).
    public static func read<T: Decodable>(_ type: T.Type, from url: URL) throws -> [T] {
        var values: [T] = []
        try forEach(type, in: url) { values.append($0) }
        return values
    }
}

/// Reads a JSON Lines file one line at a time, on demand (for pipelines that pull their input):
/// blocks of 1 MiB, never the whole file. A file that does not exist reads as empty.
public final class JSONLinesReader {
    private let handle: FileHandle?
    private let path: String
    private var buffer: [UInt8] = []
    private var position = 0
    private var finished = false
    /// Bytes dropped from the front of `buffer` so far.
    private var dropped = 0
    /// The byte offset in the file of the line `next()` returned last.
    public private(set) var lineOffset = 0

    public init(_ url: URL) throws {
        path = url.path
        if FileManager.default.fileExists(atPath: url.path) {
            guard let handle = FileHandle(forReadingAtPath: url.path) else { throw FileError.io(path: url.path, reason: "cannot open for reading") }
            self.handle = handle
        } else {
            handle = nil
            finished = true
        }
    }

    deinit { try? handle?.close() }

    /// The next non-empty line without its line break, or nil at the end.
    public func next() throws -> ArraySlice<UInt8>? {
        while true {
            if let newline = buffer[position...].firstIndex(of: 0x0A) {
                let line = buffer[position ..< newline]
                position = newline + 1
                if line.isEmpty { continue }
                lineOffset = dropped + line.startIndex
                return ArraySlice(Array(line))
            }
            if finished {
                guard position < buffer.count else { return nil }
                let line = buffer[position...]
                position = buffer.count
                lineOffset = dropped + line.startIndex
                return ArraySlice(Array(line))
            }
            if position > 0 { buffer.removeFirst(position); dropped += position; position = 0 }
            let chunk: Data?
            do { chunk = try handle?.read(upToCount: 1 << 20) } catch {
                throw FileError.io(path: path, reason: "read failed: \(error.localizedDescription)")
            }
            if let chunk, !chunk.isEmpty { buffer.append(contentsOf: chunk) } else { finished = true }
        }
    }
}
