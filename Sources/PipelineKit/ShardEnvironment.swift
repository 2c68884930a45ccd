import Foundation

/// Which shard this process is, read from the array-job scheduler's environment.
public enum ShardEnvironment {
    /// Slurm (`SLURM_ARRAY_TASK_ID` from `SLURM_ARRAY_TASK_MIN`, `SLURM_ARRAY_TASK_COUNT` tasks),
    /// Kubernetes Indexed Jobs (`JOB_COMPLETION_INDEX`; the count from `--shard-count` or the
    /// manifest), AWS Batch (`AWS_BATCH_JOB_ARRAY_INDEX`, `AWS_BATCH_JOB_ARRAY_SIZE`).
    public static func shard(from environment: [String: String], count explicitCount: Int?, manifestShards: Int) throws -> Shard {
        func number(_ key: String) throws -> Int? {
            guard let text = environment[key] else { return nil }
            guard let value = Int(text.trimmingCharacters(in: .whitespaces)) else {
                throw PipelineError.usage("--shard-from-env: \(key) should be a whole number, found \"\(text)\"")
            }
            return value
        }
        let index: Int, count: Int, scheduler: String
        if let task = try number("SLURM_ARRAY_TASK_ID") {
            scheduler = "Slurm"
            let minimum = try number("SLURM_ARRAY_TASK_MIN") ?? 0
            guard let tasks = try number("SLURM_ARRAY_TASK_COUNT") ?? explicitCount else {
                throw PipelineError.usage("--shard-from-env: SLURM_ARRAY_TASK_ID is set but SLURM_ARRAY_TASK_COUNT is not; submit with --array=0-N or pass --shard-count")
            }
            index = task - minimum
            count = tasks
        } else if let completion = try number("JOB_COMPLETION_INDEX") {
            scheduler = "Kubernetes"
            index = completion
            count = explicitCount ?? manifestShards
        } else if let arrayIndex = try number("AWS_BATCH_JOB_ARRAY_INDEX") {
            scheduler = "AWS Batch"
            guard let size = try number("AWS_BATCH_JOB_ARRAY_SIZE") ?? explicitCount else {
                throw PipelineError.usage("--shard-from-env: AWS_BATCH_JOB_ARRAY_INDEX is set but AWS_BATCH_JOB_ARRAY_SIZE is not; pass --shard-count")
            }
            index = arrayIndex
            count = size
        } else {
            throw PipelineError.usage("--shard-from-env: none of SLURM_ARRAY_TASK_ID, JOB_COMPLETION_INDEX or AWS_BATCH_JOB_ARRAY_INDEX is set; is this an array job? Use --shard i/n otherwise")
        }
        guard count > 0, index >= 0, index < count else {
            throw PipelineError.usage("--shard-from-env: \(scheduler) gives task \(index) of \(count), outside 0..<\(count)")
        }
        return Shard(index: index, count: count)
    }
}
