import Foundation
import Testing
@testable import NewsEntities
@testable import NewsPipeCLI
@testable import NewsIO
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
        try PipelineHarness.copyExecutable(from: PipelineHarness.binary, to: binary)
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

    /// New shipped data (here one more alias) makes the entities stage stale: an upgrade is
    /// never hidden behind results cached under the old gazetteer.
    @Test func changedResourcesMakeTheEntitiesStageStale() throws {
        let harness = try PipelineHarness()
        defer { harness.remove() }
        let copy = FileManager.default.temporaryDirectory.appendingPathComponent("resources-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: copy) }
        try FileManager.default.copyItem(at: try EntityResources.folder(), to: copy)
        let env = ["NEWSPIPE_RESOURCES": copy.path]
        #expect(try harness.run(["run"], environment: env).status <= 1)
        func entitiesState() throws -> String? {
            let status = try harness.run(["status", "--json"], environment: env)
            let states = try JSONLines.makeDecoder().decode(PipelineStatus.self, from: Data(status.stdout.utf8))
            return states.stages.first { $0.stage == "entities" }?.state
        }
        #expect(try entitiesState() == "done")
        let aliases = copy.appendingPathComponent("entities/aliases.tsv")
        try (try String(contentsOf: aliases, encoding: .utf8) + "org:zorblax\tORG\tZorblax Widgets\t\tZorblax\t\n")
            .write(to: aliases, atomically: true, encoding: .utf8)
        #expect(try entitiesState() != "done")
        #expect(try harness.run(["run"], environment: env).status <= 1)
        #expect(try entitiesState() == "done")
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
