import Foundation
import PipelineKit

/// The manifest is unreadable or invalid. `path` is the JSON path of the bad field (empty for the
/// file as a whole); the message says what was found and what is expected.
public struct ManifestError: Error, LocalizedError, Equatable, Sendable, ExitStatusProviding {
    public var path: String
    public var message: String

    public init(path: String, message: String) { self.path = path; self.message = message }

    public var errorDescription: String? { path.isEmpty ? "manifest: \(message)" : "manifest: \(path): \(message)" }
    public var exitStatus: ExitStatus { .usage }
}
