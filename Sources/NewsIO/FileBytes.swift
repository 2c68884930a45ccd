import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Reads a whole file into `[UInt8]` with POSIX calls, reading at most `limit + 1` bytes so a
/// file over a limit is known without reading it all.
///
/// The fetch stage reads every local page through this rather than `FileManager.contents(atPath:)`:
/// heaptrack of the fetch stage at 100,000 pages showed 2,941 of the 100,000 `Data` buffers that
/// call returned never freed (12 MB, the largest part of what grew between 10,000 and 100,000
/// pages), and the copy into `[UInt8]` the stage needs was a second pass over every page.
public enum FileBytes {
    public enum Outcome: Equatable, Sendable {
        case bytes([UInt8])
        /// Longer than the limit: its size when the file system said it, nil when the file
        /// went past the limit while it was read.
        case tooLarge(size: Int?)
    }

    /// The file's bytes, or `.tooLarge` when it has more than `limit` of them. Throws
    /// `FileError.io` when it cannot be opened or read.
    public static func read(_ path: String, limit: Int = Int.max) throws -> Outcome {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw FileError.io(path: path, reason: "cannot open: \(String(cString: strerror(errno)))") }
        defer { close(fd) }
        var status = stat()
        let statSize = fstat(fd, &status) == 0 && (status.st_mode & S_IFMT) == S_IFREG ? Int(status.st_size) : 0
        if statSize > limit { return .tooLarge(size: statSize) }
        // The size fstat gives is a hint: a file may grow or shrink while it is read, and some
        // (in /proc) say 0. Read until end of file or one byte past the limit.
        let cap = limit == Int.max ? Int.max : limit + 1
        var bytes = [UInt8](repeating: 0, count: min(cap, max(statSize, 0) + 1))
        var count = 0
        while true {
            if count == bytes.count {
                if count >= cap { break }
                bytes.append(contentsOf: repeatElement(0, count: min(cap - count, max(count, 4096))))
            }
            let n = bytes.withUnsafeMutableBytes { buffer in
                Glibc.read(fd, buffer.baseAddress! + count, buffer.count - count)
            }
            if n < 0 {
                if errno == EINTR { continue }
                throw FileError.io(path: path, reason: "read failed: \(String(cString: strerror(errno)))")
            }
            if n == 0 { break }
            count += n
        }
        if count > limit { return .tooLarge(size: nil) }
        bytes.removeSubrange(count...)
        return .bytes(bytes)
    }
}
