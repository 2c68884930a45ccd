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
        let results = ResultSlots<Output>(count: items.count)
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
        return results.values()
    }
}

/// Results written by workers at distinct positions; the group's wait orders the reads after them.
private final class ResultSlots<Value>: @unchecked Sendable {
    private var slots: [Value?]
    private let lock = NSLock()

    init(count: Int) { slots = Array(repeating: nil, count: count) }

    func set(_ position: Int, _ value: Value) {
        lock.lock(); slots[position] = value; lock.unlock()
    }

    func values() -> [Value] {
        lock.lock(); defer { lock.unlock() }
        return slots.map { $0! }
    }
}
