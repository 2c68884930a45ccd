import Foundation
import NewsIO

// Where each canonical document's record is (file, offset, length) is kept, not its text
// (`JSONLinesReader.lineOffset` gives the offset): texts are read again one document at a
// time, for the sentences around mentions.

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
