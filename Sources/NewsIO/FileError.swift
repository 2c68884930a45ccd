import Foundation

/// A file could not be read or written, or a record in it could not be decoded. Every message names
/// the path, so an operator knows where to look.
public enum FileError: Error, LocalizedError, Equatable, Sendable {
    case io(path: String, reason: String)
    case corruptRecord(path: String, line: Int, reason: String)

    public var errorDescription: String? {
        switch self {
        case let .io(path, reason):
            return "\(path): \(reason)"
        case let .corruptRecord(path, line, reason):
            return "\(path):\(line): unreadable record (\(reason)); rerun the stage that wrote it with --force"
        }
    }
}
