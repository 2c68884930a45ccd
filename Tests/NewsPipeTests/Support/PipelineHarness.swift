import Foundation
@testable import NewsPipeCLI
@testable import NewsPipe
@testable import PipelineKit
@testable import NewsIO
@testable import NewsText
@testable import NewsRecords
@testable import ArticleExtraction
@testable import MirrorDedup
@testable import NewsEntities
@testable import NewsFetch
@testable import NewsReports
@testable import NERTraining
@testable import NewsBench

/// Runs the built `newspipe` binary in a temporary project folder, as cron or an operator would.
struct PipelineHarness {
    let folder: URL

    struct Outcome {
        var status: Int32
        var stdout: String
        var stderr: String
        var killed: Bool

        /// Whether a text log line of `stage` (`… stage=strip … done`) ends with `message`.
        func logged(_ stage: String, _ message: String) -> Bool {
            stderr.split(separator: "\n").contains { line in
                line.split(separator: " ").contains("stage=\(stage)") && line.hasSuffix(" \(message)")
            }
        }
    }

    /// The repository's root (for the sample corpus).
    static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent()

    static var binary: URL {
        var candidates: [URL] = []
        if let executable = Bundle.main.executableURL { candidates.append(executable.deletingLastPathComponent()) }
        candidates.append(URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent())
        candidates.append(repository.appendingPathComponent(".build/debug"))
        for folder in candidates {
            var url = folder
            for _ in 0 ..< 4 {
                let binary = url.appendingPathComponent("newspipe")
                if FileManager.default.isExecutableFile(atPath: binary.path) { return binary }
                url = url.deletingLastPathComponent()
            }
        }
        return repository.appendingPathComponent(".build/debug/newspipe")
    }

    /// A fresh folder with `pipeline.json` and a corpus: the sample corpus, or files given here.
    init(manifest: String = #"{"shards": 2}"#, sampleCorpus: Bool = true, pages: [String: [UInt8]] = [:]) throws {
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("newspipe-e2e-\(UUID().uuidString)")
        let corpus = folder.appendingPathComponent("corpus")
        try FileManager.default.createDirectory(at: corpus, withIntermediateDirectories: true)
        if sampleCorpus {
            try FileManager.default.removeItem(at: corpus)
            try FileManager.default.copyItem(at: Self.repository.appendingPathComponent("corpus"), to: corpus)
        }
        for (name, bytes) in pages {
            let url = corpus.appendingPathComponent(name)
            try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try Data(bytes).write(to: url)
        }
        try Data(manifest.utf8).write(to: folder.appendingPathComponent("pipeline.json"))
    }

    func remove() { try? FileManager.default.removeItem(at: folder) }

    /// Copies a program that a test will then run. The copy is made by `cp` in a child process:
    /// a copy written by this process leaves a write descriptor open while other tests fork, and
    /// a child forked in that window holds it until it execs, so running the copy can fail with
    /// ETXTBSY ("Text file busy"), as it once did in CI.
    static func copyExecutable(from source: URL, to destination: URL) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/cp")
        process.arguments = ["-p", source.path, destination.path]
        try process.run()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else { throw HarnessError.copyFailed(source.path, process.terminationStatus) }
    }

    /// Writes a script that a test will run, through `copyExecutable` for the same reason.
    static func writeExecutable(_ text: String, to destination: URL) throws {
        let source = destination.appendingPathExtension("source")
        try Data(text.utf8).write(to: source)
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: source.path)
        try copyExecutable(from: source, to: destination)
        try FileManager.default.removeItem(at: source)
    }


    var output: URL { folder.appendingPathComponent("output") }
    func work(_ path: String) -> URL { output.appendingPathComponent("work").appendingPathComponent(path) }

    /// Starts the binary; returns the process so a test can signal it.
    func start(_ arguments: [String], binary: URL = PipelineHarness.binary, environment: [String: String] = [:]) throws -> (Process, Pipe, Pipe) {
        let process = Process()
        process.executableURL = binary
        process.arguments = arguments
        process.currentDirectoryURL = folder
        var env = ProcessInfo.processInfo.environment
        env.removeValue(forKey: "NEWSPIPE_CRASH_AT")
        for (key, value) in environment { env[key] = value }
        process.environment = env
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        return (process, out, err)
    }

    @discardableResult
    func run(_ arguments: [String], binary: URL = PipelineHarness.binary, environment: [String: String] = [:]) throws -> Outcome {
        let (process, out, err) = try start(arguments, binary: binary, environment: environment)
        // Read both pipes before waiting so a chatty process never blocks on a full pipe.
        let errData = ReadBox()
        let reader = Thread { errData.data = err.fileHandleForReading.readDataToEndOfFile() }
        reader.start()
        let outData = out.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        while !errData.done { usleep(1000) }
        return Outcome(status: process.terminationStatus, stdout: String(decoding: outData, as: UTF8.self),
                       stderr: String(decoding: errData.data, as: UTF8.self),
                       killed: process.terminationReason == .uncaughtSignal)
    }

    /// Bytes of every file under `relative` (a folder), keyed by path, skipping names in `skipping`.
    func snapshot(_ relative: String, skipping: Set<String> = []) throws -> [String: Data] {
        let root = output.appendingPathComponent(relative).resolvingSymlinksInPath()
        var files: [String: Data] = [:]
        guard let enumerator = FileManager.default.enumerator(at: root, includingPropertiesForKeys: nil) else { return files }
        for case let url as URL in enumerator {
            let name = url.lastPathComponent
            guard !skipping.contains(name), !name.hasPrefix("."), let data = FileManager.default.contents(atPath: url.path) else { continue }
            var isFolder: ObjCBool = false
            if FileManager.default.fileExists(atPath: url.path, isDirectory: &isFolder), isFolder.boolValue { continue }
            files[String(url.resolvingSymlinksInPath().path.dropFirst(root.path.count))] = data
        }
        return files
    }

    /// Waits (bounded) until `path` exists, failing if the process ended first.
    func waitFor(_ path: String, while process: Process) throws {
        for _ in 0 ..< 12_000 {
            if FileManager.default.fileExists(atPath: path) { return }
            guard process.isRunning else { throw HarnessError.exitedEarly(process.terminationStatus) }
            usleep(5_000)
        }
        throw HarnessError.neverReached(path)
    }

    enum HarnessError: Error { case exitedEarly(Int32), neverReached(String), copyFailed(String, Int32) }

    func shardFiles(_ stage: String, _ base: String) -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: work(stage).path)) ?? []).filter { $0.hasPrefix(base + "-") && $0.hasSuffix(".jsonl") }
    }

    /// The counts each stage's `stage.json` recorded.
    func stageCounts() throws -> [String: StageCounts] {
        var counts: [String: StageCounts] = [:]
        for stage in StageName.allCases {
            let data = try Data(contentsOf: work("\(stage.rawValue)/stage.json"))
            counts[stage.rawValue] = try JSONLines.makeDecoder().decode(StageRecord.self, from: data).counts
        }
        return counts
    }

    func lines(_ relative: String) throws -> [String] {
        try String(contentsOf: output.appendingPathComponent(relative), encoding: .utf8).split(separator: "\n").map(String.init)
    }
}

private final class ReadBox: @unchecked Sendable {
    private let lock = NSLock()
    private var stored = Data()
    private var finished = false
    var data: Data {
        get { lock.lock(); defer { lock.unlock() }; return stored }
        set { lock.lock(); stored = newValue; finished = true; lock.unlock() }
    }
    var done: Bool { lock.lock(); defer { lock.unlock() }; return finished }
}
