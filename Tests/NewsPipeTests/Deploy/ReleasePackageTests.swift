import Foundation
import Testing
@testable import NewsPipeCLI

/// The release tarball `scripts/package` writes runs from any folder on a machine without Swift:
/// unpacked into an empty folder, with no Swift toolchain on PATH or LD_LIBRARY_PATH, it needs no
/// Swift library (ldd), finds its resources, reports its version and commit, and turns the
/// sample corpus into the same bytes as the development build.
///
/// The tarball is the one named by `NEWSPIPE_PACKAGE` (scripts/test makes it and sets this; then a
/// missing or stale tarball fails), else `.build/package/newspipe-<version>-linux-<arch>.tar.gz` if
/// it was built from the current commit; otherwise the test is skipped and says how to make it.
@Suite(.serialized) struct ReleasePackageTests {
    @Test func theTarballRunsTheSampleCorpusFromAnEmptyFolderWithoutSwift() throws {
        let (found, reason) = try Deploy.releaseTarball(version: BuildInfo.version)
        guard let release = found else {
            if ProcessInfo.processInfo.environment["NEWSPIPE_PACKAGE"].map({ !$0.isEmpty }) ?? false { return }
            try Deploy.skip(reason, requirement: "package")
        }
        let tarball = release.path, name = release.name, strict = release.strict

        let folder = try Deploy.openFolder("newspipe-release")
        defer { try? FileManager.default.removeItem(at: folder) }
        let unpacked = try Deploy.run(["tar", "-xzf", tarball, "-C", folder.path])
        try #require(unpacked.status == 0, "\(unpacked.stderr)")
        let top = folder.appendingPathComponent(name)
        let binary = top.appendingPathComponent("bin/newspipe")
        try #require(FileManager.default.isExecutableFile(atPath: binary.path), "no bin/newspipe in \(tarball)")
        for file in ["README.txt", "share/newspipe/Resources/ner/model.bin", "share/newspipe/Resources/entities/companies.tsv",
                     "share/doc/newspipe/README.md", "share/doc/newspipe/third-party/swift/LICENSE.txt",
                     "share/doc/newspipe/third-party/swift-nio/LICENSE.txt"] {
            #expect(FileManager.default.fileExists(atPath: top.appendingPathComponent(file).path), "the tarball lacks \(file)")
        }

        // No Swift anywhere the process could look: PATH holds the system folders only, no
        // LD_LIBRARY_PATH, no resources variable, HOME elsewhere.
        let system = "/usr/sbin:/usr/bin:/sbin:/bin"
        let bare: [String: String?] = ["PATH": system, "HOME": folder.path, "LANG": "C.UTF-8"]
        let swiftOnPath = try Deploy.run(["sh", "-c", "command -v swift swiftc || true"], environment: bare, clean: true)
        #expect(swiftOnPath.stdout.isEmpty, "a Swift toolchain is on \(system): \(swiftOnPath.stdout)")

        let ldd = try Deploy.run(["ldd", binary.path], environment: bare, clean: true)
        #expect(ldd.status == 0, "\(ldd.output)")
        let libraries = ldd.stdout.split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }
        #expect(!libraries.contains { $0.contains("not found") }, "missing libraries:\n\(ldd.stdout)")
        let swiftLibraries = libraries.filter { line in
            ["libswift", "libFoundation", "libdispatch", "libBlocksRuntime", "lib_Foundation", "/opt/swift"].contains { line.contains($0) }
        }
        #expect(swiftLibraries.isEmpty, "the binary needs Swift libraries:\n\(swiftLibraries.joined(separator: "\n"))")
        FileHandle.standardError.write(Data("ldd \(name)/bin/newspipe:\n\(ldd.stdout)".utf8))

        let version = try Deploy.run([binary.path, "--version"], environment: bare, clean: true)
        #expect(version.status == 0)
        #expect(version.stdout.hasPrefix(BuildInfo.version + " (commit "), "\(version.stdout)")
        if let commit = try Deploy.checkoutCommit() {
            let hint = strict ? "" : ": run scripts/package again"
            #expect(version.stdout.contains("(commit \(commit))"), "\(tarball) says \(version.stdout) but the checkout is at \(commit)\(hint)")
        }
        #expect(release.commit.map { version.stdout.contains("(commit \($0))") } ?? false, "README.txt and --version disagree: \(version.stdout)")

        // The sample corpus, run by the unpacked binary from a project folder elsewhere, gives
        // the same bytes as the development build.
        let manifest = #"{"shards": 2}"#
        let reference = try PipelineHarness(manifest: manifest)
        defer { reference.remove() }
        #expect(try reference.run(["run"]).status <= 1)
        let project = try PipelineHarness(manifest: manifest)
        defer { project.remove() }
        let validate = try Deploy.run([binary.path, "validate"], in: project.folder, environment: bare, clean: true)
        #expect(validate.status == 0, "\(validate.output)")
        let run = try Deploy.run([binary.path, "run"], in: project.folder, environment: bare, clean: true)
        #expect(run.status <= 1, "\(Deploy.tail(run.stderr))")
        #expect(try Deploy.differences(reference, project) == [])

        // Moved elsewhere, the tree still works: nothing points back to where it was unpacked.
        let moved = folder.appendingPathComponent("elsewhere/\(name)")
        try FileManager.default.createDirectory(at: moved.deletingLastPathComponent(), withIntermediateDirectories: true)
        try FileManager.default.moveItem(at: top, to: moved)
        let again = try Deploy.run([moved.appendingPathComponent("bin/newspipe").path, "validate"], in: project.folder,
                                   environment: bare, clean: true)
        #expect(again.status == 0, "\(again.output)")
    }
}
