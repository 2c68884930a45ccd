import ArgumentParser
import Foundation
import Logging
import NewsIO
import NewsPipe
import PipelineKit

/// `newspipe gc`: removes what the manifest's `retention` lets go.
public struct GCCommand: ParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "gc",
        abstract: "Remove old raw pages, cached results, dedup index entries and reports, as `retention` in the manifest says.",
        discussion: """
        Never removes what a stage still needs: tonight's pages, the payloads the last night's \
        records point at (conditional GET), segments a kept revisit record points into, the \
        report `latest` points at. Takes the output folder's lock; safe to kill and rerun. \
        `newspipe run` does the same at its end unless `retention.gcAfterRun` is false.
        """)

    @OptionGroup public var global: GlobalOptions

    public init() {}

    public func run() throws {
        let logger = global.makeLogger()
        try CommandFailure.guarding {
            let manifest = try global.loadManifest(checkInputs: false)
            let layout = OutputLayout(root: manifest.output)
            guard FileManager.default.fileExists(atPath: layout.root.path) else {
                print("\(layout.root.path): nothing to collect (no output yet)")
                return
            }
            let lock = RunLock(url: layout.lockFile)
            try lock.acquire(command: CommandLine.arguments.joined(separator: " "))
            defer { lock.release() }
            let context = StatusCommand.inspectionContext(manifest, logger: logger)
            let legacy = PipelineStorage.legacyStorage(manifest: manifest, context: context)
            if !legacy.isEmpty { throw PipelineError.legacyLayout(path: layout.root.path, found: legacy) }
            let removed = try PipelineStorage.collectGarbage(manifest: manifest, context: context)
            for line in removed { print(line) }
            print(removed.isEmpty ? "gc: nothing to remove" : "gc: \(removed.count) item(s) removed")
        }
    }
}
