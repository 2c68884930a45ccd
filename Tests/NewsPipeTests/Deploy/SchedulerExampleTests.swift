import Foundation
import Testing

/// The Kubernetes and AWS Batch examples, played locally: the commands, environment variables,
/// exit-status handling and retry rules they declare, run against the sample corpus in four
/// shards in the order the scheduler would, must give what one process gives. (No cluster or AWS
/// account here: this checks the files, not the schedulers; SlurmClusterTests runs a real Slurm.)
@Suite(.serialized) struct SchedulerExampleTests {
    static let manifest = #"{"shards": 4}"#

    /// The shard count of the repository's own pipeline.json, which the examples must match.
    static func repositoryShards() throws -> Int {
        let data = try Data(contentsOf: Deploy.repository.appendingPathComponent("pipeline.json"))
        return try #require((try JSONSerialization.jsonObject(with: data) as? [String: Any])?["shards"] as? Int)
    }

    /// Runs one container command as the image would: a folder standing for the image's
    /// /opt/newspipe/bin (the built binary and deploy/newspipe-task) first on PATH, the project
    /// folder standing for the volume at /data.
    static func runContainer(_ command: [String], in project: PipelineHarness, environment: [String: String?]) throws -> Deploy.Outcome {
        let bin = project.folder.appendingPathComponent(".image-bin")
        if !FileManager.default.fileExists(atPath: bin.path) {
            try FileManager.default.createDirectory(at: bin, withIntermediateDirectories: true)
            try FileManager.default.createSymbolicLink(at: bin.appendingPathComponent("newspipe"), withDestinationURL: PipelineHarness.binary)
            try PipelineHarness.copyExecutable(from: Deploy.repository.appendingPathComponent("deploy/newspipe-task"),
                                               to: bin.appendingPathComponent("newspipe-task"))
        }
        return try Deploy.run(command, in: project.folder, environment: environment.merging(["PATH": bin.path + ":/usr/bin:/bin"]) { $1 })
    }

    // MARK: Kubernetes

    struct KubernetesJob {
        var name = ""
        var completions: Int?
        var parallelism: Int?
        var command: [String] = []
        var image = ""
    }

    static func kubernetesJobs() throws -> [KubernetesJob] {
        let text = try String(contentsOf: Deploy.repository.appendingPathComponent("deploy/kubernetes/newspipe-indexed-job.yaml"), encoding: .utf8)
        return try text.components(separatedBy: "\n---\n").map { document in
            var job = KubernetesJob()
            for line in document.split(separator: "\n").map({ $0.trimmingCharacters(in: .whitespaces) }) where !line.hasPrefix("#") {
                func value(_ key: String) -> String? { line.hasPrefix(key + ":") ? line.dropFirst(key.count + 1).trimmingCharacters(in: .whitespaces) : nil }
                if let name = value("name"), job.name.isEmpty, name.hasPrefix("newspipe-") { job.name = name }
                if let count = value("completions") { job.completions = Int(count) }
                if let count = value("parallelism") { job.parallelism = Int(count) }
                if let image = value("image") { job.image = image }
                // Commands are flow sequences of double-quoted strings: JSON arrays.
                if let command = value("command") { job.command = try JSONDecoder().decode([String].self, from: Data(command.utf8)) }
            }
            return job
        }
    }

    @Test func theKubernetesJobsRunTheSampleCorpusLikeOneProcess() throws {
        let jobs = try Self.kubernetesJobs()
        #expect(jobs.map(\.name) == ["newspipe-plan", "newspipe-shards", "newspipe-merge"])
        #expect(jobs.allSatisfy { $0.image == "${NEWSPIPE_IMAGE}" }, "every Job takes its image from NEWSPIPE_IMAGE: \(jobs.map(\.image))")
        let shards = try #require(jobs.first { $0.name == "newspipe-shards" })
        #expect(shards.completions == (try Self.repositoryShards()), "completions must equal pipeline.json's shards")
        #expect(shards.parallelism == shards.completions)

        let single = try PipelineHarness(manifest: Self.manifest)
        defer { single.remove() }
        #expect(try single.run(["run"]).status <= 1)
        let cluster = try PipelineHarness(manifest: Self.manifest)
        defer { cluster.remove() }
        // A pod succeeds with exit 0. The shard pods run one after another here (one valid
        // schedule of four parallel pods): the first three stop at "waiting" for entities.
        for job in jobs {
            for index in 0 ..< (job.completions ?? 1) {
                let environment: [String: String?] = job.completions == nil ? [:] : ["JOB_COMPLETION_INDEX": "\(index)"]
                let pod = try Self.runContainer(job.command, in: cluster, environment: environment)
                #expect(pod.status == 0, "\(job.name) pod \(index) failed (\(pod.status)):\n\(Deploy.tail(pod.stderr))")
            }
        }
        #expect(try Deploy.differences(single, cluster) == [])
    }

    // MARK: AWS Batch

    /// A stand-in for the `aws` command: records each call's arguments (one file per call, NUL
    /// separated) and answers register-job-definition and submit-job as AWS Batch would.
    static let fakeAWS = """
    #!/bin/bash
    set -euo pipefail
    n=$(ls "$FAKE_AWS_LOG" | wc -l)
    printf '%s\\0' "$@" > "$FAKE_AWS_LOG/call-$(printf %03d "$n")"
    case " $* " in
      *" register-job-definition "*) echo "arn:aws:batch:eu-west-1:123456789012:job-definition/newspipe:7" ;;
      *" submit-job "*) echo "job-$n" ;;
      *) echo "fake aws: unexpected call: $*" >&2; exit 1 ;;
    esac
    """

    struct BatchJob {
        var id: String
        var name: String
        var command: [String]
        var arraySize: Int?
        var dependsOn: [String]
    }

    /// Whether an AWS Batch `onExitCode` pattern (digits, optionally ending in `*`) matches.
    static func matches(_ pattern: String, _ status: Int32) -> Bool {
        pattern.hasSuffix("*") ? "\(status)".hasPrefix(pattern.dropLast()) : pattern == "\(status)"
    }

    @Test func theAWSBatchJobsRunTheSampleCorpusLikeOneProcessWithTheirRetryRules() throws {
        let bin = try Deploy.openFolder("fake-aws")
        defer { try? FileManager.default.removeItem(at: bin) }
        let log = bin.appendingPathComponent("calls")
        try FileManager.default.createDirectory(at: log, withIntermediateDirectories: true)
        try PipelineHarness.writeExecutable(Self.fakeAWS, to: bin.appendingPathComponent("aws"))

        let image = "123456789012.dkr.ecr.eu-west-1.amazonaws.com/newspipe:\(UUID().uuidString.prefix(6))"
        let submitted = try Deploy.run(
            [Deploy.repository.appendingPathComponent("deploy/aws-batch/submit.sh").path, "--region", "eu-west-1"],
            environment: ["PATH": bin.path + ":" + (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"),
                          "FAKE_AWS_LOG": log.path, "NEWSPIPE_IMAGE": image, "EFS_FILE_SYSTEM_ID": "fs-0abc",
                          "EFS_ACCESS_POINT_ID": "fsap-0def", "NEWSPIPE_JOB_QUEUE": "news", "NEWSPIPE_SHARDS": "\(try Self.repositoryShards())"])
        try #require(submitted.status == 0, "\(submitted.output)")
        let calls = try FileManager.default.contentsOfDirectory(atPath: log.path).sorted().map { name in
            try Data(contentsOf: log.appendingPathComponent(name)).split(separator: 0).map { String(decoding: $0, as: UTF8.self) }
        }
        func option(_ call: [String], _ name: String) -> String? {
            call.firstIndex(of: name).flatMap { $0 + 1 < call.count ? call[$0 + 1] : nil }
        }
        #expect(calls.allSatisfy { Array($0.prefix(3)) == ["--region", "eu-west-1", "batch"] }, "aws options reach every call")

        // The registered definition: the image and EFS ids filled in, no placeholder left.
        let registration = try #require(calls.first { $0.contains("register-job-definition") })
        let definitionText = try #require(option(registration, "--cli-input-json"))
        #expect(!definitionText.contains("${"), "a placeholder is left in the job definition")
        let definition = try #require(try JSONSerialization.jsonObject(with: Data(definitionText.utf8)) as? [String: Any])
        let container = try #require(definition["containerProperties"] as? [String: Any])
        #expect(container["image"] as? String == image)
        let efs = ((container["volumes"] as? [[String: Any]])?.first?["efsVolumeConfiguration"] as? [String: Any])
        #expect(efs?["fileSystemId"] as? String == "fs-0abc")
        #expect((container["mountPoints"] as? [[String: Any]])?.first?["containerPath"] as? String == "/data")
        let retry = try #require(definition["retryStrategy"] as? [String: Any])
        let attempts = try #require(retry["attempts"] as? Int)
        let rules = (retry["evaluateOnExit"] as? [[String: String]]) ?? []
        let defaultCommand = (container["command"] as? [String]) ?? []

        // The submitted jobs, in order; each depends only on jobs submitted before it.
        var jobs: [BatchJob] = []
        for (index, call) in calls.enumerated() where call.contains("submit-job") {
            #expect(option(call, "--job-definition") == "arn:aws:batch:eu-west-1:123456789012:job-definition/newspipe:7")
            #expect(option(call, "--job-queue") == "news")
            let overrides = try option(call, "--container-overrides").map {
                try JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any]
            }
            jobs.append(BatchJob(id: "job-\(index)", name: option(call, "--job-name") ?? "?",
                                 command: (overrides??["command"] as? [String]) ?? defaultCommand,
                                 arraySize: option(call, "--array-properties").flatMap { Int($0.replacingOccurrences(of: "size=", with: "")) },
                                 dependsOn: call.indices.filter { call[$0] == "--depends-on" }.map { call[$0 + 1].replacingOccurrences(of: "jobId=", with: "") }))
        }
        #expect(jobs.map(\.name) == ["newspipe-plan", "newspipe-shards", "newspipe-entities", "newspipe-merge"])
        #expect(submitted.stdout.split(separator: "\n").map { String($0.split(separator: " ").first ?? "") } == ["plan", "shards", "entities", "merge"])

        let single = try PipelineHarness(manifest: Self.manifest)
        defer { single.remove() }
        #expect(try single.run(["run"]).status <= 1)
        let batch = try PipelineHarness(manifest: Self.manifest)
        defer { batch.remove() }
        var succeeded: Set<String> = []
        var retried = 0
        // The job definition's image is the Dockerfile's `batch` target: its entrypoint runs first.
        let entrypoint = try #require(try ContainerImageTests.stages().first { $0.name == "batch" }?.entrypoint)
        for job in jobs {
            #expect(job.dependsOn.allSatisfy { dependency in jobs.contains { $0.id == dependency } })
            guard job.dependsOn.allSatisfy(succeeded.contains) else { Issue.record("\(job.name): a dependency failed"); continue }
            var allChildren = true
            for child in 0 ..< (job.arraySize ?? 1) {
                var environment: [String: String?] = [:]
                if let size = job.arraySize { environment = ["AWS_BATCH_JOB_ARRAY_INDEX": "\(child)", "AWS_BATCH_JOB_ARRAY_SIZE": "\(size)"] }
                var attempt = 0
                var status: Int32 = -1
                while attempt < attempts {
                    attempt += 1
                    status = try Self.runContainer(entrypoint + job.command, in: batch, environment: environment).status
                    if status == 0 { break }
                    let action = rules.first { $0["onExitCode"].map { Self.matches($0, status) } ?? false }?["action"] ?? "RETRY"
                    if action.uppercased() != "RETRY" { break }
                    retried += 1
                }
                if status != 0 { allChildren = false; Issue.record("\(job.name) child \(child) failed with \(status) after \(attempt) attempts") }
            }
            if allChildren { succeeded.insert(job.id) }
        }
        #expect(succeeded.count == jobs.count)
        #expect(retried == 0, "newspipe-task counts exit 1 (rejected pages) as done: no job needs a retry")
        #expect(try Deploy.differences(single, batch) == [])
        #expect(!FileManager.default.fileExists(atPath: batch.output.appendingPathComponent("plan.json").path))
    }
}
