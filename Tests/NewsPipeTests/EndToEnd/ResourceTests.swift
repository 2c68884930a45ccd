import Foundation
import Testing
@testable import NewsEntities
@testable import NewsPipe
@testable import PipelineKit

/// A binary copied without its resources stops at the start with a message saying what is
/// missing and how to fix it, instead of running three stages and dying in the fourth.
@Suite(.serialized) struct ResourceTests {
    /// The built binary copied alone into an empty folder.
    func lonelyBinary() throws -> (folder: URL, binary: URL) {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("lonely-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let binary = folder.appendingPathComponent("newspipe")
        try FileManager.default.copyItem(at: PipelineHarness.binary, to: binary)
        return (folder, binary)
    }

    @Test func runAndValidateRefuseToStartWithoutTheResources() throws {
        let (folder, binary) = try lonelyBinary()
        defer { try? FileManager.default.removeItem(at: folder) }
        let harness = try PipelineHarness()
        defer { harness.remove() }
        for arguments in [["validate"], ["run"]] {
            let outcome = try harness.run(arguments, binary: binary, environment: ["NEWSPIPE_RESOURCES": ""])
            #expect(outcome.status == ExitStatus.usage.rawValue, "\(arguments): \(outcome.stderr)")
            #expect(outcome.stderr.contains("entities resources") && outcome.stderr.contains(EntityResources.environmentVariable),
                    "\(outcome.stderr)")
            #expect(!outcome.killed)
        }
        // Nothing ran: no stage folder was made.
        #expect(!FileManager.default.fileExists(atPath: harness.work("fetch").path))
    }

    @Test func theEnvironmentVariablePointsAtResourcesElsewhere() throws {
        let (folder, binary) = try lonelyBinary()
        defer { try? FileManager.default.removeItem(at: folder) }
        let harness = try PipelineHarness()
        defer { harness.remove() }
        let resources = try EntityResources.folder()
        let outcome = try harness.run(["validate"], binary: binary, environment: ["NEWSPIPE_RESOURCES": resources.path])
        #expect(outcome.status == 0, "\(outcome.stderr)")
    }
}
