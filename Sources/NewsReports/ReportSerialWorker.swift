import Foundation

/// Runs jobs in order on a thread of its own, beside the caller: the report's SQLite writes (one
/// connection, used by this thread only once jobs start) overlap the page and file writing that
/// the calling thread does meanwhile.
///
/// At most `capacity` jobs wait, so a slow disk holds the caller back instead of filling memory.
/// The first job that throws stops the jobs after it; its error is rethrown by the next `submit`
/// and by `finish`. A job's captures belong to the worker until `finish` or `stop` returns.
final class ReportSerialWorker: @unchecked Sendable {
    private let condition = NSCondition()
    private var jobs: [(() throws -> Void)?] = []
    private var head = 0
    private var busy = false
    private var stopping = false
    private var exited = false
    private var failure: Error?
    private let capacity: Int

    init(capacity: Int = 4) {
        self.capacity = max(1, capacity)
        let thread = Thread { [self] in run() }
        thread.name = "report.serial"
        thread.start()
    }

    /// Queues `job`, waiting while `capacity` jobs wait; throws the error of a job that failed.
    func submit(_ job: @escaping () throws -> Void) throws {
        condition.lock()
        defer { condition.unlock() }
        while jobs.count - head >= capacity && failure == nil && !stopping { condition.wait() }
        if let failure { throw failure }
        precondition(!stopping, "ReportSerialWorker: submit after stop")
        if head > 64 && head * 2 > jobs.count {
            jobs.removeFirst(head)
            head = 0
        }
        jobs.append(job)
        condition.broadcast()
    }

    /// Waits until every queued job has run, then ends the thread; throws the first job error.
    func finish() throws {
        condition.lock()
        while (head < jobs.count || busy) && failure == nil { condition.wait() }
        let failure = self.failure
        condition.unlock()
        stop()
        if let failure { throw failure }
    }

    /// Drops the jobs not started, waits for the one running and ends the thread (for a build that
    /// failed elsewhere; the caller then cleans up what the jobs wrote to).
    func stop() {
        condition.lock()
        stopping = true
        jobs.removeAll()
        head = 0
        condition.broadcast()
        while !exited { condition.wait() }
        condition.unlock()
    }

    private func run() {
        condition.lock()
        while true {
            while head == jobs.count && !stopping { condition.wait() }
            if stopping { break }
            let job = jobs[head]!
            jobs[head] = nil
            head += 1
            busy = true
            condition.unlock()
            var thrown: Error?
            do { try job() } catch { thrown = error }
            condition.lock()
            busy = false
            if let thrown, failure == nil {
                failure = thrown
                jobs.removeAll()
                head = 0
            }
            condition.broadcast()
        }
        exited = true
        condition.broadcast()
        condition.unlock()
    }
}
