// TEMPORARY: stand-ins until the helpers' code lands. Never committed.
import Foundation
public struct ReportInputs: Sendable { public var documents: [URL] = []
    public init(documents: [URL], clusters: URL?, removed: URL?, mentions: [URL], stages: [StageSummary], manifestHash: String, runStartedAt: Date, runFinishedAt: Date, previousReport: URL?) {}
}
public struct ReportBuilder: Sendable { public init(topEntities: Int) {}; public func build(_ inputs: ReportInputs, into folder: URL) throws -> [String] { try AtomicFile.write("x", to: folder.appendingPathComponent("summary.md")); return ["summary.md"] } }
