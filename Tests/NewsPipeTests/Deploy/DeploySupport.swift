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
    /// from an empty environment instead), and collects its output.
    @discardableResult
    static func run(_ arguments: [String], in folder: URL? = nil, environment: [String: String?] = [:],
                    clean: Bool = false) throws -> Outcome {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = arguments
        process.currentDirectoryURL = folder ?? repository
        var env = clean ? [:] : ProcessInfo.processInfo.environment
        for (key, value) in environment { env[key] = value }
        process.environment = env
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        process.standardInput = FileHandle.nullDevice
        try process.run()
        let errData = Collected()
        let reader = Thread { errData.set(err.fileHandleForReading.readDataToEndOfFile()) }
        reader.start()
        let outData = out.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        let stderr = errData.wait()
        return Outcome(status: process.terminationStatus, stdout: String(decoding: outData, as: UTF8.self),
                       stderr: String(decoding: stderr, as: UTF8.self))
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

    /// A folder under the temporary folder that everyone may enter (munged checks the path of
    /// its socket; Slurm jobs and container users must reach the project folder).
    static func openFolder(_ prefix: String) throws -> URL {
        let folder = URL(fileURLWithPath: "/tmp").appendingPathComponent("\(prefix)-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true,
                                                attributes: [.posixPermissions: 0o755])
        return folder
    }
}

private final class Collected: @unchecked Sendable {
    private let condition = NSCondition()
    private var data: Data?
    func set(_ value: Data) { condition.lock(); data = value; condition.signal(); condition.unlock() }
    func wait() -> Data {
        condition.lock(); defer { condition.unlock() }
        while data == nil { condition.wait() }
        return data!
    }
}
