import Dispatch
import Foundation

/// Results of work spread over cores (`DispatchQueue.concurrentPerform`), kept in input order:
/// each iteration fills its own slot, under a lock so the slots array is never written twice at once.
public final class ParallelSlots<Value>: @unchecked Sendable {
    private var slots: [Value?]
    private let lock = NSLock()

    public init(count: Int) { slots = Array(repeating: nil, count: count) }

    public func set(_ index: Int, _ value: Value) { lock.lock(); slots[index] = value; lock.unlock() }

    public func values() -> [Value?] { lock.lock(); defer { lock.unlock() }; return slots }

    /// `transform` of each of `0 ..< count` on all cores, in order.
    public static func map(count: Int, _ transform: @Sendable (Int) -> Value) -> [Value] {
        let slots = ParallelSlots<Value>(count: count)
        DispatchQueue.concurrentPerform(iterations: count) { slots.set($0, transform($0)) }
        return slots.values().map { $0! }
    }
}
