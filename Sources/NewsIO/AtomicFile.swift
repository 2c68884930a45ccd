import Foundation

/// Writes a file so that readers see either the old content or the whole new content, never a part.
///
/// Bytes go to a hidden temporary file in the destination's folder (same file system, so the rename
/// is atomic), are flushed to disk, and the file is renamed over the destination. A crash leaves at
/// most a stray `.tmp-*` file, which `AtomicFile.removeStaleTemporaries(in:)` sweeps.
public final class AtomicFile {
    public let destination: URL
    public let temporary: URL
    private let handle: FileHandle
    private var buffer: [UInt8] = []
    private var finished = false
    private static let flushThreshold = 1 << 20

    public init(_ destination: URL) throws {
        self.destination = destination
        let folder = destination.deletingLastPathComponent()
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let name = ".tmp-\(ProcessInfo.processInfo.processIdentifier)-\(UInt32.random(in: 0 ... .max))-\(destination.lastPathComponent)"
        temporary = folder.appendingPathComponent(name)
        guard FileManager.default.createFile(atPath: temporary.path, contents: nil) else {
            throw FileError.io(path: temporary.path, reason: "cannot create file (is the folder writable?)")
        }
        handle = try FileHandle(forWritingTo: temporary)
        buffer.reserveCapacity(Self.flushThreshold)
    }

    public func write(_ bytes: some Sequence<UInt8>) throws {
        buffer.append(contentsOf: bytes)
        if buffer.count >= Self.flushThreshold { try flush() }
    }

    public func write(_ string: String) throws { try write(Array(string.utf8)) }

    private func flush() throws {
        guard !buffer.isEmpty else { return }
        if let budget = DiskBudget.shared, !budget.spend(buffer.count) {
            throw FileError.io(path: temporary.path, reason: "write failed: No space left on device (NEWSPIPE_DISK_BUDGET)")
        }
        do { try handle.write(contentsOf: buffer) } catch {
            throw FileError.io(path: temporary.path, reason: "write failed: \(error.localizedDescription)")
        }
        buffer.removeAll(keepingCapacity: true)
    }

    /// Flushes, syncs and renames the temporary file over the destination.
    public func commit() throws {
        guard !finished else { return }
        finished = true
        do {
            try flush()
            try handle.synchronize()
            try handle.close()
        } catch {
            try? FileManager.default.removeItem(at: temporary)
            throw FileError.io(path: destination.path, reason: "cannot finish writing: \(error.localizedDescription)")
        }
        if rename(temporary.path, destination.path) != 0 {
            let reason = String(cString: strerror(errno))
            try? FileManager.default.removeItem(at: temporary)
            throw FileError.io(path: destination.path, reason: "cannot publish: \(reason)")
        }
    }

    /// Drops the temporary file without touching the destination.
    public func abandon() {
        guard !finished else { return }
        finished = true
        try? handle.close()
        try? FileManager.default.removeItem(at: temporary)
    }

    deinit { abandon() }

    /// Writes `data` to `url` atomically in one call.
    public static func write(_ data: some Sequence<UInt8>, to url: URL) throws {
        let file = try AtomicFile(url)
        try file.write(data)
        try file.commit()
    }

    public static func write(_ string: String, to url: URL) throws {
        try write(Array(string.utf8), to: url)
    }

    /// Removes temporaries a killed process left behind in `folder` (with `matching`, only those of
    /// destinations whose name starts with it: one writer's, while others may be writing beside it).
    public static func removeStaleTemporaries(in folder: URL, matching: String? = nil) {
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: folder.path) else { return }
        for name in names where name.hasPrefix(".tmp-") && (matching.map { name.contains("-" + $0) } ?? true) {
            try? FileManager.default.removeItem(at: folder.appendingPathComponent(name))
        }
    }
}

/// A failing file layer for tests: `NEWSPIPE_DISK_BUDGET=<bytes>` makes writes through
/// `AtomicFile` fail as a full disk would once the process has written that many bytes.
final class DiskBudget: @unchecked Sendable {
    static let shared: DiskBudget? = ProcessInfo.processInfo.environment["NEWSPIPE_DISK_BUDGET"].flatMap(Int.init).map(DiskBudget.init)
    private let lock = NSLock()
    private var remaining: Int

    init(_ bytes: Int) { remaining = bytes }

    func spend(_ bytes: Int) -> Bool {
        lock.lock(); defer { lock.unlock() }
        guard remaining >= bytes else { remaining = 0; return false }
        remaining -= bytes
        return true
    }
}
