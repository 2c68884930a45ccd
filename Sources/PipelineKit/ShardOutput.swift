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

    /// Writes records a worker already encoded as JSON lines (`JSONLines.line`), so the encoding
    /// runs in parallel rather than on the thread that writes.
    public func writeEncoded(_ lines: [UInt8], records: Int) throws {
        try self.records.write(lines)
        counts.output += records
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
    /// Runs `transform` over `items` on the worker pool and hands the results to `consume` in input
    /// order (see `processInOrder`).
    public func processInBatches<Input: Sendable, Output: Sendable>(
        _ items: [Input], stage: StageID, shard: Shard,
        transform: @escaping @Sendable (Input) -> Output,
        consume: (Input, Output) throws -> Void
    ) throws {
        var iterator = items.makeIterator()
        try processInOrder(total: items.count, stage: stage, shard: shard, next: { iterator.next() },
                           transform: transform, consume: consume)
    }

    /// Runs `transform` over the items `next` hands out (read on this thread, so a shard's input is
    /// streamed, never held whole) on the worker pool, and hands the results to `consume` in input
    /// order. Workers never wait for each other: a bounded window of items is in flight, so both
    /// cores stay busy and memory stays flat. Checks for a stop request after each document (a
    /// document boundary) and reports progress against `total`.
    public func processInOrder<Input: Sendable, Output: Sendable>(
        total: Int, stage: StageID, shard: Shard, next: () throws -> Input?,
        transform: @escaping @Sendable (Input) -> Output,
        consume: (Input, Output) throws -> Void
    ) throws {
        let pool = WorkerPool(workers: workers)
        progress.begin("\(stage.rawValue) \(shard)", total: total)
        defer { progress.end() }
        try cancellation.check()
        let cancellation = self.cancellation
        let progress = self.progress
        try pool.forEachInOrder(next: next, transform: transform, consume: { input, output in
            try consume(input, output)
            CrashPoint.documentDone(stage: stage.rawValue, cancellation: cancellation)
            try cancellation.check()
            progress.advance()
        })
    }
}
