import Foundation
import NewsIO

/// Bytes the report needs again later but need not hold in memory meanwhile (the page's
/// sentences): appended to a temporary file in the report folder and read back by offset.
///
/// The file is unlinked as soon as it is open, so it takes no name in the folder and the kernel
/// frees it when the process ends, however it ends (a crash leaves nothing to sweep).
final class ReportSpillFile {
    private let descriptor: Int32
    private let path: String
    private var buffer: [UInt8] = []
    /// Bytes appended so far (the offset the next append starts at).
    private(set) var count = 0
    private static let bufferBytes = 1 << 20

    init(folder: URL, purpose: String) throws {
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        path = folder.appendingPathComponent(
            ".tmp-\(ProcessInfo.processInfo.processIdentifier)-\(UInt32.random(in: 0 ... .max))-\(purpose)").path
        descriptor = open(path, O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else {
            throw FileError.io(path: path, reason: "cannot create a temporary file: \(String(cString: strerror(errno)))")
        }
        unlink(path)
        buffer.reserveCapacity(Self.bufferBytes)
    }

    deinit { close(descriptor) }

    func append(_ bytes: some Collection<UInt8>) throws {
        buffer.append(contentsOf: bytes)
        count += bytes.count
        if buffer.count >= Self.bufferBytes { try flush() }
    }

    /// Where appended bytes are (`append(span:)`).
    struct Span: Sendable, Equatable {
        var offset: Int64
        var count: Int32
    }

    /// Appends `bytes` (at most 2 GB); returns where they are.
    func append(span bytes: some Collection<UInt8>) throws -> Span {
        precondition(bytes.count <= Int(Int32.max), "ReportSpillFile: span too long")
        let span = Span(offset: Int64(count), count: Int32(bytes.count))
        try append(bytes)
        return span
    }

    /// The bytes of a span `append(span:)` returned.
    func read(_ span: Span) throws -> [UInt8] { try read(offset: Int(span.offset), count: Int(span.count)) }

    /// `count` bytes from `offset` (both within what was appended).
    func read(offset: Int, count wanted: Int) throws -> [UInt8] {
        precondition(offset >= 0 && wanted >= 0 && offset + wanted <= count, "ReportSpillFile: read beyond the end")
        guard wanted > 0 else { return [] }
        try flush()
        var result = [UInt8](repeating: 0, count: wanted)
        var done = 0
        try result.withUnsafeMutableBytes { target in
            while done < wanted {
                let got = pread(descriptor, target.baseAddress! + done, wanted - done, off_t(offset + done))
                if got < 0, errno == EINTR { continue }
                guard got > 0 else {
                    throw FileError.io(path: path, reason: "temporary file read failed: \(got < 0 ? String(cString: strerror(errno)) : "ended early")")
                }
                done += got
            }
        }
        return result
    }

    /// Writes out what is buffered: after it, and until the next append, reads only read the
    /// file (positioned reads), so several threads may read at once.
    func seal() throws { try flush() }

    private func flush() throws {
        guard !buffer.isEmpty else { return }
        let start = count - buffer.count
        var done = 0
        try buffer.withUnsafeBytes { source in
            while done < source.count {
                let wrote = pwrite(descriptor, source.baseAddress! + done, source.count - done, off_t(start + done))
                if wrote < 0, errno == EINTR { continue }
                guard wrote > 0 else {
                    throw FileError.io(path: path, reason: "temporary file write failed: \(String(cString: strerror(errno)))")
                }
                done += wrote
            }
        }
        buffer.removeAll(keepingCapacity: true)
    }
}
