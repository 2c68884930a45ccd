import Foundation
import Testing
@testable import NewsPipeCLI

/// The Dockerfile builds an image that runs as a non-root user, finds its resources, validates and
/// runs the sample corpus to the same bytes as the development build. Needs a working docker or
/// podman that can pull the base images; skipped otherwise, saying which of these is missing.
/// The image is built from the release tarball the package test runs (NEWSPIPE_PACKAGE, or a
/// current .build/package one: `--build-arg NEWSPIPE_FROM=tarball`, a minute), else from the
/// sources in the Swift image (a release build: 15+ minutes on two cores);
/// NEWSPIPE_CONTAINER_FROM=source forces the latter.
@Suite(.serialized) struct ContainerImageTests {
    /// The Dockerfile's stages in order: name, base image (ARG defaults filled in), entrypoint.
    static func stages() throws -> [(name: String, from: String, entrypoint: [String]?)] {
        let text = try String(contentsOf: Deploy.repository.appendingPathComponent("Dockerfile"), encoding: .utf8)
        var arguments: [String: String] = [:]
        var stages: [(name: String, from: String, entrypoint: [String]?)] = []
        for line in text.split(separator: "\n").map({ $0.trimmingCharacters(in: .whitespaces) }) {
            let words = line.split(separator: " ").map(String.init)
            if words.first == "ARG", words.count == 2, let equals = words[1].firstIndex(of: "="), stages.isEmpty {
                arguments[String(words[1][..<equals])] = String(words[1][words[1].index(after: equals)...])
            } else if words.first == "FROM", words.count >= 2 {
                var image = words[1]
                for (name, value) in arguments { image = image.replacingOccurrences(of: "${\(name)}", with: value) }
                stages.append((words.count == 4 && words[2].uppercased() == "AS" ? words[3] : "", image, nil))
            } else if words.first == "ENTRYPOINT", !stages.isEmpty {
                stages[stages.count - 1].entrypoint = try JSONDecoder().decode([String].self, from: Data(line.dropFirst("ENTRYPOINT".count).utf8))
            }
        }
        return stages
    }

    /// The images the Dockerfile pulls (its stages' bases that are not earlier stages), each once;
    /// with `fromTarball`, those the image built from a release tarball needs (no Swift image).
    static func baseImages(fromTarball: Bool = false) throws -> [String] {
        let stages = try stages()
        var images: [String] = []
        for stage in stages where !stages.contains(where: { $0.name == stage.from }) && !images.contains(stage.from) {
            if fromTarball && stage.name == "build" { continue }
            images.append(stage.from)
        }
        return images
    }

    /// The first engine that answers, or the reasons none does.
    static func engine() throws -> (String?, [String]) {
        var reasons: [String] = []
        for candidate in ["docker", "podman"] {
            guard Deploy.has(candidate) else { reasons.append("\(candidate) is not installed"); continue }
            let info = try Deploy.run([candidate, "info"])
            if info.status == 0 { return (candidate, reasons) }
            reasons.append("\(candidate) is installed but `\(candidate) info` fails: \(Deploy.tail(info.stderr, 2))")
        }
        return (nil, reasons)
    }

    @Test func theDockerfileBuildsInSwiftRunsInSlimDebianAsANonRootUserWithNewspipeAsEntrypoint() throws {
        let text = try String(contentsOf: Deploy.repository.appendingPathComponent("Dockerfile"), encoding: .utf8)
        let stages = try Self.stages()
        let images = try Self.baseImages()
        // Fully qualified, so podman resolves them without a search-registry setting.
        #expect(images.count == 2 && images[0].hasPrefix("docker.io/library/swift:") && images[1].hasPrefix("docker.io/library/debian:")
                && images[1].hasSuffix("-slim"), "\(images)")
        // From a tarball, only the slim Debian is pulled; /opt/newspipe comes from one of the two.
        #expect(try Self.baseImages(fromTarball: true) == [images.last ?? ""])
        #expect(["from-source", "from-tarball", "newspipe", "base"].allSatisfy { name in stages.contains { $0.name == name } }, "\(stages.map(\.name))")
        // The default target (the last stage) runs newspipe; `batch` runs it through newspipe-task.
        #expect(stages.last?.entrypoint == ["newspipe"], "\(stages)")
        #expect(stages.first { $0.name == "batch" }?.entrypoint == ["newspipe-task"], "\(stages)")
        let user = text.split(separator: "\n").last { $0.hasPrefix("USER ") }.map(String.init) ?? ""
        #expect(!user.isEmpty && !user.contains("root") && !user.hasPrefix("USER 0"), "\(user)")
        // The toolchain in the build stage is the one the project builds with.
        let swift = try Deploy.run(["swift", "--version"])
        if let match = swift.output.firstMatch(of: /Swift version (\d+\.\d+(\.\d+)?)/) {
            #expect(images[0].hasPrefix("docker.io/library/swift:\(match.1)-"), "Dockerfile builds with \(images[0]), this checkout with Swift \(match.1)")
        }
        let ignored = try String(contentsOf: Deploy.repository.appendingPathComponent(".dockerignore"), encoding: .utf8)
        for entry in [".build", ".git", "output"] {
            #expect(ignored.split(separator: "\n").contains(Substring(entry)), ".dockerignore should leave out \(entry)")
        }
    }

    @Test func theImageBuildsAndRunsTheSampleCorpus() throws {
        let (found, reasons) = try Self.engine()
        guard let engine = found else { try Deploy.skip("no container engine: " + reasons.joined(separator: "; "), requirement: "container") }
        let forceSource = ProcessInfo.processInfo.environment["NEWSPIPE_CONTAINER_FROM"] == "source"
        let tarball = forceSource ? nil : try Deploy.releaseTarball(version: BuildInfo.version).0
        for image in try Self.baseImages(fromTarball: tarball != nil) {
            let present = try Deploy.run([engine, "image", "inspect", image])
            if present.status == 0 { continue }
            let pulled = try Deploy.run([engine, "pull", image])
            if pulled.status != 0 {
                try Deploy.skip((reasons + ["\(engine) cannot pull the base image \(image) (no registry access?): \(Deploy.tail(pulled.stderr, 2))"])
                                .joined(separator: "; "), requirement: "container")
            }
        }

        // An engine that answers `info` may still be unable to start a container (a sandbox that
        // forbids setrlimit, no cgroup access): try the runtime's base image first.
        let runtimeImage = try #require(try Self.baseImages().last)
        let probe = try Deploy.run([engine, "run", "--rm", "--entrypoint", "true", runtimeImage])
        if probe.status != 0 {
            try Deploy.skip((reasons + ["\(engine) cannot start a container here: \(Deploy.tail(probe.stderr, 2))"]).joined(separator: "; "),
                            requirement: "container")
        }

        let tag = "localhost/newspipe-test:\(UUID().uuidString.prefix(8).lowercased())"
        let commit = try Deploy.checkoutCommit() ?? "unknown"
        let built: Deploy.Outcome
        if let tarball {
            // A build context holding the tarball alone.
            let context = try Deploy.openFolder("newspipe-image")
            defer { try? FileManager.default.removeItem(at: context) }
            try FileManager.default.copyItem(atPath: tarball.path, toPath: context.appendingPathComponent("\(tarball.name).tar.gz").path)
            built = try Deploy.run([engine, "build", "-f", Deploy.repository.appendingPathComponent("Dockerfile").path,
                                    "--build-arg", "NEWSPIPE_FROM=tarball", "-t", tag, context.path])
        } else {
            built = try Deploy.run([engine, "build", "--build-arg", "NEWSPIPE_COMMIT=\(commit)", "-t", tag, "."])
        }
        defer { _ = try? Deploy.run([engine, "rmi", "-f", tag]) }
        FileHandle.standardError.write(Data("container image built by \(engine) from \(tarball?.path ?? "the sources")\n".utf8))
        try #require(built.status == 0, "\(engine) build failed:\n\(Deploy.tail(built.output, 40))")

        let version = try Deploy.run([engine, "run", "--rm", tag, "--version"])
        #expect(version.stdout.hasPrefix("\(BuildInfo.version) (commit \(tarball?.commit ?? commit))"), "\(version.output)")
        let user = try Deploy.run([engine, "run", "--rm", "--entrypoint", "id", tag, "-u"])
        #expect(user.status == 0 && user.stdout.trimmingCharacters(in: .whitespacesAndNewlines) != "0", "runs as uid \(user.output)")

        let manifest = #"{"shards": 2}"#
        let reference = try PipelineHarness(manifest: manifest)
        defer { reference.remove() }
        #expect(try reference.run(["run"]).status <= 1)
        let project = try PipelineHarness(manifest: manifest)
        defer { project.remove() }
        // The image's user (uid 10001) owns the mounted project folder, as an fsGroup or an EFS
        // access point arranges on a cluster.
        _ = try Deploy.run(["chown", "-R", "10001:10001", project.folder.path])
        let mount = ["--volume", "\(project.folder.path):/data"]
        let validate = try Deploy.run([engine, "run", "--rm"] + mount + [tag, "validate"])
        #expect(validate.status == 0, "\(validate.output)")
        let run = try Deploy.run([engine, "run", "--rm"] + mount + [tag, "run"])
        #expect(run.status <= 1, "\(Deploy.tail(run.output))")
        #expect(try Deploy.differences(reference, project) == [])
    }
}
