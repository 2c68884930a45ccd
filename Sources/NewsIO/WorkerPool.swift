import Foundation

/// A bounded pool of Dispatch workers: `map` runs a function over items on at most `workers`
/// threads and returns the results in input order, so output files stay deterministic.
public struct WorkerPool: Sendable {
    public let workers: Int
    private let queue = DispatchQueue(label: "newspipe.workers", attributes: .concurrent)

    public init(workers: Int) { self.workers = max(1, workers) }

    public func map<Input: Sendable, Output: Sendable>(_ items: [Input], _ transform: @escaping @Sendable (Input) -> Output) -> [Output] {
        if items.isEmpty { return [] }
        if workers == 1 || items.count == 1 { return items.map(transform) }
        let results = ParallelSlots<Output>(count: items.count)
        let group = DispatchGroup()
        let slots = DispatchSemaphore(value: workers)
        for (position, item) in items.enumerated() {
            slots.wait()
            queue.async(group: group) {
                results.set(position, transform(item))
                slots.signal()
            }
        }
        group.wait()
        return results.values().map { $0! }
    }
}

extension WorkerPool {
    /// Runs `transform` over the items `next` hands out, on `workers` threads, and hands each
    /// result to `consume` on the calling thread in input order, as soon as it and every earlier
    /// one are ready. The workers never wait for a batch to finish: at most `window` items are in
    /// flight, so memory stays bounded while both cores stay busy, and the caller's serial work
    /// (writing output) overlaps the workers'. With one worker, everything runs on the calling thread.
    ///
    /// `next` and `consume` run on the calling thread. When `consume` throws, nothing more is
    /// handed out, the items in flight finish, and the error is rethrown.
    public func forEachInOrder<Input: Sendable, Output: Sendable>(
        window: Int? = nil, next: () throws -> Input?,
        transform: @escaping @Sendable (Input) -> Output,
        consume: (Input, Output) throws -> Void
    ) throws {
        if workers == 1 {
            while let item = try next() { try consume(item, transform(item)) }
            return
        }
        let window = max(window ?? workers * 16, workers * 2)
        let line = OrderedWorkLine<Input, Output>()
        let group = DispatchGroup()
        for _ in 0 ..< workers {
            queue.async(group: group) { line.work(transform) }
        }
        defer {
            line.close()
            group.wait()
        }
        var inputs: [Int: Input] = [:]
        var submitted = 0
        var consumed = 0
        var exhausted = false
        while true {
            while !exhausted && submitted - consumed < window {
                guard let item = try next() else { exhausted = true; break }
                inputs[submitted] = item
                line.submit(submitted, item)
                submitted += 1
            }
            if exhausted && consumed == submitted { break }
            let output = line.take(consumed)
            let input = inputs.removeValue(forKey: consumed)!
            consumed += 1
            try consume(input, output)
        }
    }
}

/// The tasks and results of `forEachInOrder`: workers take tasks in order and leave results by
/// position; the caller takes results in order.
private final class OrderedWorkLine<Input, Output>: @unchecked Sendable {
    private let condition = NSCondition()
    /// Tasks in order; a taken task's slot is emptied at once, so its input is freed when the
    /// caller has consumed it, not when the array is next compacted.
    private var tasks: [(Int, Input)?] = []
    private var head = 0
    private var results: [Int: Output] = [:]
    private var closed = false

    func submit(_ position: Int, _ item: Input) {
        condition.lock()
        if head > 1024 && head * 2 > tasks.count { tasks.removeFirst(head); head = 0 }
        tasks.append((position, item))
        condition.signal()
        condition.unlock()
    }

    func take(_ position: Int) -> Output {
        condition.lock()
        defer { condition.unlock() }
        while results[position] == nil { condition.wait() }
        return results.removeValue(forKey: position)!
    }

    func close() {
        condition.lock()
        closed = true
        tasks.removeAll()
        head = 0
        condition.broadcast()
        condition.unlock()
    }

    func work(_ transform: (Input) -> Output) {
        while true {
            condition.lock()
            while head == tasks.count && !closed { condition.wait() }
            if head == tasks.count { condition.unlock(); return }
            let (position, item) = tasks[head]!
            tasks[head] = nil
            head += 1
            condition.unlock()
            let output = transform(item)
            condition.lock()
            results[position] = output
            condition.broadcast()
            condition.unlock()
        }
    }
}
