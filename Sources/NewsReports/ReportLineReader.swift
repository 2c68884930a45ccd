import Foundation
import NewsIO

/// Reads JSON Lines with the byte offset of every line, and reads one line again by its offset.
///
/// The report keeps only where each canonical document's record is (file, offset, length), not
/// its text: texts are read again one document at a time, for the sentences around mentions.
enum ReportLineReader {
    /// Calls `body` with each non-empty line (without its newline) and the offset of its first
    /// byte, streaming the file in blocks.
    static func forEachLine(in url: URL, _ body: (Int, ArraySlice<UInt8>) throws -> Void) throws {
        guard let handle = FileHandle(forReadingAtPath: url.path) else {
            throw FileError.io(path: url.path, reason: "cannot open for reading")
        }
        defer { try? handle.close() }
        var pending: [UInt8] = []
        var pendingOffset = 0
        while true {
            let chunk: Data?
            do { chunk = try handle.read(upToCount: 1 << 20) } catch {
                throw FileError.io(path: url.path, reason: "read failed: \(error.localizedDescription)")
            }
            guard let chunk, !chunk.isEmpty else { break }
            pending.append(contentsOf: chunk)
            var lineStart = 0
            while let newline = pending[lineStart...].firstIndex(of: 0x0A) {
                if newline > lineStart { try body(pendingOffset + lineStart, pending[lineStart..<newline]) }
                lineStart = newline + 1
            }
            pending.removeFirst(lineStart)
            pendingOffset += lineStart
        }
        if !pending.isEmpty { try body(pendingOffset, pending[...]) }
    }
}

/// Random access to the lines of a few files, each opened once (when this is made); `pread`
/// keeps no file position, so threads read lines at the same time.
final class ReportLineFiles: Sendable {
    private let descriptors: [Int32?]

    init(_ urls: [URL]) {
        descriptors = urls.map { url in
            let descriptor = open(url.path, O_RDONLY)
            return descriptor >= 0 ? descriptor : nil
        }
    }

    deinit { for descriptor in descriptors { if let descriptor { close(descriptor) } } }

    /// The bytes at `location`, or nil when the file cannot be read there (it changed since).
    func line(at location: ReportLineLocation) -> [UInt8]? {
        let index = Int(location.file)
        guard descriptors.indices.contains(index), location.length >= 0, let descriptor = descriptors[index] else { return nil }
        var bytes = [UInt8](repeating: 0, count: Int(location.length))
        var done = 0
        while done < bytes.count {
            let count = bytes.withUnsafeMutableBytes { buffer in
                pread(descriptor, buffer.baseAddress! + done, buffer.count - done, off_t(location.offset) + off_t(done))
            }
            if count <= 0 { return nil }
            done += count
        }
        return bytes
    }
}
