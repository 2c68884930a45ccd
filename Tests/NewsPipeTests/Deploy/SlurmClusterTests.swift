import Foundation
import Testing

/// deploy/slurm/submit.sh under a real Slurm: munged, slurmctld and slurmd for one node with two
/// CPUs (deploy/slurm/local-cluster, which installs slurm-wlm and munge when they are missing and
/// it may), the sample corpus in four shards through the whole dependency chain, and every report
/// and stage output byte-identical to one process's. Skipped, with the reason, where the cluster
/// cannot be installed or started (not root, no apt, a daemon that does not come up).
@Suite(.serialized) struct SlurmClusterTests {
    /// How long the whole chain may take before the test gives up (the sample corpus takes
    /// seconds; this bounds a hung scheduler, it is not a measurement).
    static let chainDeadline: TimeInterval = 20 * 60

    @Test func submitShRunsTheSampleCorpusInFourShardsLikeOneProcess() throws {
        let root = try Deploy.openFolder("newspipe-slurm")
        defer { try? FileManager.default.removeItem(at: root) }
        let cluster = root.appendingPathComponent("cluster")
        let script = Deploy.repository.appendingPathComponent("deploy/slurm/local-cluster").path
        let started = try Deploy.run([script, "start", cluster.path])
        if started.status == 3 { try Deploy.skip(Deploy.tail(started.stderr, 20), requirement: "slurm") }
        defer { _ = try? Deploy.run([script, "stop", cluster.path]) }
        try #require(started.status == 0, "local-cluster start failed:\n\(started.output)")
        let slurm: [String: String?] = ["SLURM_CONF": cluster.appendingPathComponent("slurm.conf").path]

        let manifest = #"{"shards": 4}"#
        let single = try PipelineHarness(manifest: manifest)
        defer { single.remove() }
        #expect(try single.run(["run"]).status <= 1)

        let array = try PipelineHarness(manifest: manifest)
        defer { array.remove() }
        // One CPU per task, so the node runs two shards at a time.
        let submitted = try Deploy.run(
            [Deploy.repository.appendingPathComponent("deploy/slurm/submit.sh").path, "--cpus-per-task=1", "--mem=1G", "--time=30:00"],
            environment: slurm.merging(["NEWSPIPE_HOME": array.folder.path, "NEWSPIPE_BIN": PipelineHarness.binary.path]) { $1 })
        try #require(submitted.status == 0, "submit.sh failed:\n\(submitted.output)")
        var jobs: [String: String] = [:]
        for line in submitted.stdout.split(separator: "\n") {
            let fields = line.split(separator: " ")
            if fields.count == 2 { jobs[String(fields[0])] = String(fields[1]) }
        }
        try #require(Set(jobs.keys) == ["plan", "shards", "entities", "merge"], "submit.sh printed:\n\(submitted.stdout)")

        // Wait until the queue holds none of the run's jobs (bounded).
        let deadline = Date().addingTimeInterval(Self.chainDeadline)
        var queued = ""
        repeat {
            let queue = try Deploy.run(["squeue", "-h", "-o", "%A %j %T %r"], environment: slurm)
            try #require(queue.status == 0, "squeue failed: \(queue.stderr)")
            queued = queue.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
            if queued.isEmpty { break }
            Thread.sleep(forTimeInterval: 1)
        } while Date() < deadline
        try #require(queued.isEmpty, "still queued after \(Int(Self.chainDeadline)) s:\n\(queued)")

        // Every job and every array task completed with exit 0 (plan 1, shards 4, entities 4, merge 1).
        var states: [String: [String]] = [:]
        for (phase, id) in jobs {
            let shown = try Deploy.run(["scontrol", "-o", "show", "job", id], environment: slurm)
            states[phase] = shown.stdout.split(separator: "\n").map { line in
                let fields = Dictionary(line.split(separator: " ").compactMap { field -> (String, String)? in
                    guard let equals = field.firstIndex(of: "=") else { return nil }
                    return (String(field[..<equals]), String(field[field.index(after: equals)...]))
                }, uniquingKeysWith: { first, _ in first })
                return "\(fields["JobState"] ?? "?") \(fields["ExitCode"] ?? "?")"
            }
        }
        let logs = array.folder.appendingPathComponent("logs")
        let logText = ((try? FileManager.default.contentsOfDirectory(atPath: logs.path)) ?? []).sorted().map { name in
            "--- \(name)\n" + Deploy.tail((try? String(contentsOf: logs.appendingPathComponent(name), encoding: .utf8)) ?? "", 6)
        }.joined(separator: "\n")
        for (phase, count) in ["plan": 1, "shards": 4, "entities": 4, "merge": 1] {
            #expect(states[phase] == Array(repeating: "COMPLETED 0:0", count: count), "\(phase): \(states[phase] ?? [])\n\(logText)")
        }
        // Each array task ran newspipe to its end and wrote its own log; the shards did the
        // work: the merge found every stage but the report done.
        for phase in ["shards", "entities"] {
            for task in 0 ..< 4 {
                let log = logs.appendingPathComponent("newspipe-\(phase)-\(jobs[phase]!)_\(task).log")
                let text = (try? String(contentsOf: log, encoding: .utf8)) ?? ""
                #expect(text.contains(#""message":"run finished""#), "\(log.lastPathComponent):\n\(Deploy.tail(text))")
            }
        }
        let merge = (try? String(contentsOf: logs.appendingPathComponent("newspipe-merge-\(jobs["merge"]!).log"), encoding: .utf8)) ?? ""
        #expect(merge.contains(#""stages":"fetch skipped, strip skipped, dedup skipped, entities skipped, report done""#), "\(Deploy.tail(merge))")

        #expect(try Deploy.differences(single, array) == [], "\(logText)")
        #expect(!FileManager.default.fileExists(atPath: array.output.appendingPathComponent("plan.json").path), "the merge retires the plan")
    }
}
