import Foundation

/// A counting semaphore for tasks: waiting suspends the task instead of blocking a thread.
actor FetchAsyncSemaphore {
    private var available: Int
    private var waiters: [CheckedContinuation<Void, Never>] = []
    private var head = 0

    init(permits: Int) { available = max(1, permits) }

    func acquire() async {
        if available > 0 { available -= 1; return }
        await withCheckedContinuation { waiters.append($0) }
    }

    func release() {
        if head < waiters.count {
            let next = waiters[head]
            head += 1
            if head > 1024 && head * 2 > waiters.count { waiters.removeFirst(head); head = 0 }
            next.resume()
        } else {
            available += 1
        }
    }
}

/// Politeness towards one host: at most `permits` requests at once, and request starts spaced by
/// at least `delay` (raised by the host's robots.txt Crawl-delay, capped).
actor FetchHostGate {
    private let semaphore: FetchAsyncSemaphore
    private var delay: Duration
    private var nextStart: ContinuousClock.Instant = .now

    init(permits: Int, delay: Duration) {
        semaphore = FetchAsyncSemaphore(permits: permits)
        self.delay = delay
    }

    func raiseDelay(to value: Duration) { if value > delay { delay = value } }

    /// Waits for a permit, then for the host's next start slot; the caller must `release()`.
    func acquire() async {
        await semaphore.acquire()
        let now = ContinuousClock.now
        let start = max(now, nextStart)
        nextStart = start + delay
        if start > now { try? await Task.sleep(until: start, clock: .continuous) }
    }

    func release() async { await semaphore.release() }
}

/// A value guarded by a lock, for state shared by tasks and Dispatch threads.
package final class FetchLocked<Value>: @unchecked Sendable {
    private var value: Value
    private let lock = NSLock()

    package init(_ value: Value) { self.value = value }

    package func withLock<T>(_ body: (inout Value) throws -> T) rethrows -> T {
        lock.lock(); defer { lock.unlock() }
        return try body(&value)
    }
}

/// Runs the fetcher's tasks on its own Dispatch queues instead of Swift's cooperative pool.
///
/// `HTTPFetcher.fetch` blocks its caller until the async work is done; if that work needed the
/// cooperative pool (one thread per core, two here) and the callers were blocking those very
/// threads, the fetch would never finish. Own queues make the blocking bridge safe from any thread.
final class FetchTaskExecutor: TaskExecutor, @unchecked Sendable {
    private let queues: [DispatchQueue]
    private let next = FetchLocked<Int>(0)

    init(threads: Int = 2) {
        queues = (0 ..< max(1, threads)).map { DispatchQueue(label: "newspipe.fetch.executor.\($0)") }
    }

    func enqueue(_ job: consuming ExecutorJob) {
        let unowned = UnownedJob(job)
        let index = next.withLock { value -> Int in
            value = (value + 1) % queues.count
            return value
        }
        let executor = asUnownedTaskExecutor()
        queues[index].async { unowned.runSynchronously(on: executor) }
    }
}

/// Serial Dispatch queues used round-robin for blocking store writes: each serial queue gets its
/// own thread, so `count` fsyncs can be in flight together.
final class FetchStoreWriters: Sendable {
    private let queues: [DispatchQueue]
    private let counter = FetchLocked<Int>(0)

    init(count: Int) {
        queues = (0 ..< max(1, count)).map { DispatchQueue(label: "newspipe.fetch.store.\($0)") }
    }

    func next() -> DispatchQueue {
        queues[counter.withLock { value -> Int in
            value = (value + 1) % queues.count
            return value
        }]
    }
}
