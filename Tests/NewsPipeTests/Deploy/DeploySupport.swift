import Foundation
import Testing

/// Runs commands for the deployment tests, and skips a test with its reason when this machine
/// cannot do what it needs (no root, no package, no container engine, no registry).
enum Deploy {
    struct Outcome {
        var status: Int32
        var stdout: String
        var stderr: String
        var output: String { stdout + stderr }
    }

    /// The repository's root.
    static let repository = PipelineHarness.repository

    /// Runs `arguments` (the first is looked up on PATH unless it holds a `/`) in `folder` with
    /// `environment` added to this process's (a nil value removes a variable; `clean` starts
    /// from an empty environment instead), and collects its output; the status is the exit
    /// status, or 128 + the signal that ended it.
    ///
    /// Started with posix_spawn and waited for with waitpid, not Foundation's Process: the child
    /// gets an empty signal mask and default signal actions, as a scheduler starts a job (the
    /// test runner's threads block nearly every signal, and a shell that inherits that mask never
    /// sees SIGCHLD or SIGTERM), and its end is seen even when it leaves daemons behind.
    @discardableResult
    static func run(_ arguments: [String], in folder: URL? = nil, environment: [String: String?] = [:],
                    clean: Bool = false) throws -> Outcome {
        var env = clean ? [:] : ProcessInfo.processInfo.environment
        for (key, value) in environment { env[key] = value }

        var output: [Int32] = [0, 0], errors: [Int32] = [0, 0]
        guard pipe(&output) == 0 else { throw Unavailable(reason: "pipe: \(String(cString: strerror(errno)))") }
        guard pipe(&errors) == 0 else { close(output[0]); close(output[1]); throw Unavailable(reason: "pipe: \(String(cString: strerror(errno)))") }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_adddup2(&actions, output[1], 1)
        posix_spawn_file_actions_adddup2(&actions, errors[1], 2)
        for descriptor in output + errors { posix_spawn_file_actions_addclose(&actions, descriptor) }
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var none = sigset_t(), all = sigset_t()
        sigemptyset(&none)
        sigfillset(&all)
        posix_spawnattr_setsigmask(&attributes, &none)
        posix_spawnattr_setsigdefault(&attributes, &all)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))

        // A shell enters the folder, then env(1) finds the command on PATH and runs it.
        let argv = ["/bin/sh", "-c", #"cd "$0" && exec /usr/bin/env "$@""#, (folder ?? repository).path] + arguments
        let cArguments = argv.map { strdup($0) } + [nil]
        let cEnvironment = env.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer { (cArguments + cEnvironment).forEach { free($0) } }
        var pid: pid_t = 0
        let spawned = posix_spawn(&pid, "/bin/sh", &actions, &attributes, cArguments, cEnvironment)
        close(output[1])
        close(errors[1])
        guard spawned == 0 else {
            close(output[0])
            close(errors[0])
            throw Unavailable(reason: "cannot start \(arguments.first ?? "?"): \(String(cString: strerror(spawned)))")
        }
        // Read both pipes until the child has ended and they are drained; a daemon the command
        // left holding them open (it should not) stops the reading 2 s after the child's end.
        var collected = [Data(), Data()]
        var open = [true, true]
        var status: Int32 = 0
        var ended: Date?
        var buffer = [UInt8](repeating: 0, count: 65536)
        while open.contains(true) {
            if ended == nil {
                let result = waitpid(pid, &status, WNOHANG)
                if result == pid || (result == -1 && errno != EINTR) { ended = Date() }
            } else if Date().timeIntervalSince(ended!) > 2 {
                break
            }
            var descriptors = [output[0], errors[0]].enumerated().filter { open[$0.offset] }
                .map { pollfd(fd: $0.element, events: Int16(POLLIN), revents: 0) }
            let ready = poll(&descriptors, nfds_t(descriptors.count), 100)
            if ready <= 0 { continue }
            for descriptor in descriptors where descriptor.revents != 0 {
                let index = descriptor.fd == output[0] ? 0 : 1
                let count = read(descriptor.fd, &buffer, buffer.count)
                if count > 0 { collected[index].append(contentsOf: buffer[0 ..< count]) } else if count == 0 || errno != EINTR { open[index] = false }
            }
        }
        close(output[0])
        close(errors[0])
        if ended == nil { while waitpid(pid, &status, 0) == -1 && errno == EINTR {} }
        let code = (status & 0x7f) == 0 ? (status >> 8) & 0xff : 128 + (status & 0x7f)
        return Outcome(status: code, stdout: String(decoding: collected[0], as: UTF8.self), stderr: String(decoding: collected[1], as: UTF8.self))
    }

    /// Whether `tool` is on PATH.
    static func has(_ tool: String) -> Bool {
        (try? run(["sh", "-c", "command -v \"$0\"", tool]).status) == 0
    }

    /// Stops the test as skipped, saying why; where `NEWSPIPE_REQUIRE` names `requirement`
    /// (comma-separated: slurm, package, container), a skip is a failure instead, so a CI that
    /// must run the test cannot pass without it.
    static func skip(_ reason: String, requirement: String, sourceLocation: SourceLocation = #_sourceLocation) throws -> Never {
        let required = (ProcessInfo.processInfo.environment["NEWSPIPE_REQUIRE"] ?? "").split(separator: ",")
            .map { $0.trimmingCharacters(in: .whitespaces) }
        let message = "skipped (\(requirement)): \(reason)"
        FileHandle.standardError.write(Data("\(message)\n".utf8))
        if required.contains(requirement) || required.contains("all") {
            Issue.record("NEWSPIPE_REQUIRE=\(requirement), but \(message)", sourceLocation: sourceLocation)
            throw Unavailable(reason: reason)
        }
        try Test.cancel(Comment(rawValue: message), sourceLocation: sourceLocation)
    }

    struct Unavailable: Error, CustomStringConvertible {
        var reason: String
        var description: String { reason }
    }

    /// The last `count` lines of `text`, for messages.
    static func tail(_ text: String, _ count: Int = 12) -> String {
        text.split(separator: "\n", omittingEmptySubsequences: false).suffix(count).joined(separator: "\n")
    }

    /// The reports (CSV and JSON Lines under reports/latest) and the strip, dedup and entities
    /// outputs of `expected` that `actual` lacks or holds with other bytes; empty when they agree.
    static func differences(_ expected: PipelineHarness, _ actual: PipelineHarness) throws -> [String] {
        var problems: [String] = []
        for stage in ["strip", "dedup", "entities"] {
            let want = try expected.snapshot("work/\(stage)").filter { $0.key.hasSuffix(".jsonl") }
            let got = try actual.snapshot("work/\(stage)").filter { $0.key.hasSuffix(".jsonl") }
            if want.isEmpty { problems.append("the single run left no \(stage) output") }
            for name in Set(want.keys).union(got.keys).sorted() where want[name] != got[name] {
                problems.append("work/\(stage)\(name) \(got[name] == nil ? "is missing" : want[name] == nil ? "is extra" : "differs")")
            }
        }
        let wantReports = try expected.snapshot("reports/latest").filter { $0.key.hasSuffix(".csv") || $0.key.hasSuffix(".jsonl") }
        let gotReports = try actual.snapshot("reports/latest")
        if wantReports.isEmpty { problems.append("the single run wrote no CSV or JSON Lines report") }
        for (name, data) in wantReports.sorted(by: { $0.key < $1.key }) where gotReports[name] != data {
            problems.append("report \(name) \(gotReports[name] == nil ? "is missing" : "differs")")
        }
        return problems
    }

    /// The release tarball the tests run: the one `NEWSPIPE_PACKAGE` names (`strict`: scripts/test
    /// makes it, so a missing one or one built from another commit is a failure), else
    /// `.build/package/newspipe-<version>-linux-<arch>.tar.gz` if it was built from this checkout
    /// (a stale one is skipped, never run as if current). Nil, with the reason, when there is none.
    struct ReleaseTarball {
        var path: String
        var name: String
        var strict: Bool
        /// The commit its README.txt names, as `newspipe --version` will.
        var commit: String?
    }

    static func releaseTarball(version: String) throws -> (ReleaseTarball?, reason: String) {
        let architecture = (try? run(["uname", "-m"]).stdout.trimmingCharacters(in: .whitespacesAndNewlines)) ?? "x86_64"
        let name = "newspipe-\(version)-linux-\(architecture)"
        let given = ProcessInfo.processInfo.environment["NEWSPIPE_PACKAGE"].flatMap { $0.isEmpty ? nil : $0 }
        let path = given ?? repository.appendingPathComponent(".build/package/\(name).tar.gz").path
        guard FileManager.default.fileExists(atPath: path) else {
            if given != nil { Issue.record("NEWSPIPE_PACKAGE=\(path) does not exist") }
            return (nil, "no release tarball at \(path): run scripts/package (scripts/test makes one and sets NEWSPIPE_PACKAGE)")
        }
        let readme = try run(["tar", "--occurrence=1", "-xzOf", path, "\(name)/README.txt"])
        let commit = readme.stdout.firstMatch(of: /\(commit ([0-9A-Za-z.-]+)\)/).map { String($0.1) }
        let tarball = ReleaseTarball(path: path, name: name, strict: given != nil, commit: commit)
        if given == nil, let expected = try checkoutCommit(), commit != expected {
            return (nil, "\(path) was built from commit \(commit ?? "?"), the checkout is at \(expected): run scripts/package again")
        }
        return (tarball, "")
    }

    /// The commit `scripts/package` records for this checkout (HEAD, "-dirty" when tracked files
    /// other than the build stamp differ from it), or nil without git.
    static func checkoutCommit() throws -> String? {
        let head = try run(["git", "rev-parse", "HEAD"])
        guard head.status == 0 else { return nil }
        let clean = try run(["git", "diff", "--quiet", "HEAD", "--", ".", ":(exclude)Sources/NewsPipeCLI/BuildStamp.swift"])
        return head.stdout.trimmingCharacters(in: .whitespacesAndNewlines) + (clean.status == 0 ? "" : "-dirty")
    }

    /// A folder under the temporary folder that everyone may enter (munged checks the path of
    /// its socket; Slurm jobs and container users must reach the project folder).
    static func openFolder(_ prefix: String) throws -> URL {
        let folder = URL(fileURLWithPath: "/tmp").appendingPathComponent("\(prefix)-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true,
                                                attributes: [.posixPermissions: 0o755])
        return folder
    }
}
