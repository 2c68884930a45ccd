import Foundation
import NewsIO

/// Raw page bytes stored by their SHA-256: `objects/<first two hex digits>/<hash>`. Writing a page
/// that is already there costs nothing, so nightly reruns store only what is new.
public struct ContentStore: Sendable {
    public let root: URL

    public init(root: URL) { self.root = root }

    public func url(for hash: String) -> URL {
        root.appendingPathComponent(String(hash.prefix(2))).appendingPathComponent(hash)
    }

    /// Stores `bytes` and returns their hash.
    @discardableResult
    public func put(_ bytes: [UInt8]) throws -> String {
        let hash = ContentHash.hex(bytes)
        let target = url(for: hash)
        if !FileManager.default.fileExists(atPath: target.path) {
            try AtomicFile.write(bytes, to: target)
        }
        return hash
    }

    public func get(_ hash: String) throws -> [UInt8] {
        let target = url(for: hash)
        guard let data = FileManager.default.contents(atPath: target.path) else {
            throw FileError.io(path: target.path, reason: "stored page is missing; rerun fetch with --force")
        }
        return [UInt8](data)
    }
}
