import Foundation
import NewsIO

/// An exclusive lock on an output folder, so two runs never write one folder at once.
///
/// Uses `flock(2)`: the kernel drops the lock when its holder dies, so a lock left by a killed run
/// is taken over without any clean-up. The file holds the holder's pid and start time for the
/// message the second run prints.
public final class RunLock {
    public let url: URL
    private var descriptor: Int32 = -1
    private var isShared = false

    public init(url: URL) { self.url = url }

    /// Takes the lock or throws `locked` naming the holder. A `shared` lock is held by the shard
    /// processes of one array job together; an exclusive one by a whole run alone.
    public func acquire(command: String, shared: Bool = false) throws {
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        let fd = open(url.path, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
        guard fd >= 0 else {
            throw FileError.io(path: url.path, reason: "cannot open lock file: \(String(cString: strerror(errno)))")
        }
        if flock(fd, (shared ? LOCK_SH : LOCK_EX) | LOCK_NB) != 0 {
            let holder = (try? String(contentsOf: url, encoding: .utf8))?.trimmingCharacters(in: .whitespacesAndNewlines)
            close(fd)
            throw PipelineError.locked(path: url.path, holder: holder.flatMap { $0.isEmpty ? nil : $0 } ?? "holder unknown")
        }
        descriptor = fd
        isShared = shared
        guard !shared else { return }
        let note = "pid \(getpid()), started \(Timestamp.string(Date())), \(command)\n"
        _ = ftruncate(fd, 0)
        _ = note.withCString { pwrite(fd, $0, strlen($0), 0) }
    }

    public func release() {
        guard descriptor >= 0 else { return }
        if !isShared { _ = ftruncate(descriptor, 0) }
        flock(descriptor, LOCK_UN)
        close(descriptor)
        descriptor = -1
    }

    deinit { release() }
}
