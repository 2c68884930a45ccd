import ArgumentParser
import Foundation
import NewsIO
import NewsPipe
import PipelineKit

/// `newspipe verify [output]`: checks every store of an output folder against what was written.
public struct VerifyCommand: ParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "verify",
        abstract: "Check an output folder's stored pages, caches and dedup index against their digests and checksums.",
        discussion: """
        Reads every WARC segment record by record (WARC-Block-Digest, WARC-Payload-Digest), the WARC \
        index, every stage's result cache (SQLite page check, each value's checksum), the dedup index \
        (page check, each document's checksum, canonicals, band-run digests) and any other database \
        under work/. Prints one line per damaged file, naming it. Exit 0 when everything is sound, \
        8 when something is damaged, 3 while a run holds the folder's lock. Changes nothing.
        """)

    @OptionGroup public var global: GlobalOptions

    @Argument(help: ArgumentHelp("The output folder (default: the manifest's `output`).", valueName: "output"))
    public var output: String?

    public init() {}

    public func run() throws {
        try CommandFailure.guarding {
            let root: URL
            if let output {
                root = URL(fileURLWithPath: output).standardizedFileURL
            } else {
                root = try global.loadManifest(checkInputs: false).output
            }
            let layout = OutputLayout(root: root)
            var isFolder: ObjCBool = false
            guard FileManager.default.fileExists(atPath: layout.work.path, isDirectory: &isFolder), isFolder.boolValue else {
                throw PipelineError.usage("\(root.path) is not a newspipe output folder (it has no work/ folder)")
            }
            let lock = RunLock(url: layout.lockFile)
            try lock.acquire(command: CommandLine.arguments.joined(separator: " "))
            defer { lock.release() }
            let verification = PipelineStorage.verify(layout)
            if !global.quiet { for line in verification.checked { print("checked \(line)") } }
            for problem in verification.problems { print("DAMAGED \(problem)") }
            if verification.problems.isEmpty {
                print("verify: \(verification.checked.count) stores checked under \(layout.work.path); no damage found")
            } else {
                print("verify: \(verification.problems.count) problem(s) in \(layout.work.path)")
                throw ExitCode(ExitStatus.damagedStore.rawValue)
            }
        }
    }
}
