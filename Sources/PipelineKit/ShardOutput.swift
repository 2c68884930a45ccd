import Foundation
import NewsIO

/// The files one shard of a stage writes: its records and its rejects, both published atomically
/// and only together, when the shard is complete.
public final class ShardOutput {
    private let records: AtomicFile
    private let rejects: AtomicFile
    private let encoder = JSONLines.makeEncoder()
    private let stage: StageID
    public private(set) var counts = StageCounts()

    /// The records go to `output`'s file of `shard`; the rejects to the stage's rejects file.
    public init<Record>(_ output: ShardedRecords<Record>, shard: Shard, layout: OutputLayout) throws {
        stage = output.file.stage
        records = try AtomicFile(output.url(in: layout, shard: shard))
        rejects = try AtomicFile(layout.rejectsFile(stage, shard: shard))
    }

    public func write<T: Encodable>(_ record: T) throws {
        try records.write(try JSONLines.line(record, encoder: encoder))
        counts.output += 1
    }

    public func reject(id: String?, source: String, reason: String, detail: String) throws {
        try rejects.write(try JSONLines.line(RejectRecord(stage: stage.rawValue, id: id, source: source, reason: reason, detail: detail), encoder: encoder))
        counts.reject(reason)
    }

    public func noteProcessed(_ count: Int = 1, cached: Int = 0) {
        counts.processed += count
        counts.cached += cached
    }

    /// Publishes both files; before this, nothing of the shard is visible.
    public func commit() throws {
        try records.commit()
        try rejects.commit()
    }

    public func abandon() {
        records.abandon()
        rejects.abandon()
    }
}

extension StageContext {
    /// Runs `transform` over `items` on the worker pool in batches, handing results to `consume`
    /// in input order. Checks for a stop request between batches (a document boundary) and reports
    /// progress; memory holds one batch of results at a time.
    public func processInBatches<Input: Sendable, Output: Sendable>(
        _ items: [Input], stage: StageID, shard: Shard,
        transform: @escaping @Sendable (Input) -> Output,
        consume: (Input, Output) throws -> Void
    ) throws {
        let pool = WorkerPool(workers: workers)
        let batchSize = max(16, workers * 32)
        progress.begin("\(stage.rawValue) \(shard)", total: items.count)
        defer { progress.end() }
        var start = 0
        while start < items.count {
            try cancellation.check()
            let batch = Array(items[start ..< min(start + batchSize, items.count)])
            let results = pool.map(batch, transform)
            for (input, output) in zip(batch, results) {
                try consume(input, output)
                CrashPoint.documentDone(stage: stage.rawValue, cancellation: cancellation)
                try cancellation.check()
            }
            progress.advance(by: batch.count)
            start += batch.count
        }
    }
}
