import ArgumentParser
import Foundation
import Logging
import NewsIO
import NewsPipe
import PipelineKit

/// `newspipe migrate`: converts an output folder an earlier newspipe wrote.
public struct MigrateCommand: ParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "migrate",
        abstract: "Convert an output folder written by an earlier newspipe to the current storage layout.",
        discussion: """
        Moves raw pages from one file each (work/fetch/objects) into a WARC segment and its index, \
        per-document cache files into each stage's cache database, and the dedup signature file \
        into the incremental mirror index. Nothing is rebuilt or dropped; stages whose output \
        format changed run again on the next `newspipe run`, from these stores. Takes the output \
        folder's lock; safe to kill and rerun.
        """)

    @OptionGroup public var global: GlobalOptions

    public init() {}

    public func run() throws {
        let logger = global.makeLogger()
        try CommandFailure.guarding {
            let manifest = try global.loadManifest(checkInputs: false)
            let layout = OutputLayout(root: manifest.output)
            let lock = RunLock(url: layout.lockFile)
            try lock.acquire(command: CommandLine.arguments.joined(separator: " "))
            defer { lock.release() }
            let context = StatusCommand.inspectionContext(manifest, logger: logger)
            let found = PipelineStorage.legacyStorage(manifest: manifest, context: context)
            guard !found.isEmpty else {
                print("\(layout.root.path): already in the current layout; nothing to migrate")
                return
            }
            for line in try PipelineStorage.migrate(manifest: manifest, context: context) { print(line) }
            print("migrated \(layout.root.path); `newspipe run` continues from it")
        }
    }
}
