import Foundation

/// A file could not be read or written, or a record in it could not be decoded. Every message names
/// the path, so an operator knows where to look.
public enum FileError: Error, LocalizedError, Equatable, Sendable {
    case io(path: String, reason: String)
    case corruptRecord(path: String, line: Int, reason: String)
    /// A stored file or database no longer holds what was written to it (a checksum or digest
    /// mismatch, a damaged database page): nothing computed from it was published.
    case damaged(path: String, reason: String)

    public var errorDescription: String? {
        switch self {
        case let .io(path, reason):
            return "\(path): \(reason)"
        case let .corruptRecord(path, line, reason):
            return "\(path):\(line): unreadable record (\(reason)); rerun the stage that wrote it with --force"
        case let .damaged(path, reason):
            return "\(path): damaged: \(reason)"
        }
    }
}
