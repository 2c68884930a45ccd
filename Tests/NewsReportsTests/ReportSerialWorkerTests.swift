import Foundation
import Testing
@testable import NewsReports

@Suite struct ReportSerialWorkerTests {
    /// What the jobs saw, shared with the test thread under a lock.
    final class Log: @unchecked Sendable {
        private let lock = NSLock()
        private var entries: [Int] = []
        private var threads: Set<UInt> = []
        func add(_ entry: Int) {
            lock.lock()
            entries.append(entry)
            threads.insert(UInt(pthread_self()))
            lock.unlock()
        }
        var values: [Int] { lock.lock(); defer { lock.unlock() }; return entries }
        var threadIDs: Set<UInt> { lock.lock(); defer { lock.unlock() }; return threads }
    }

    @Test func jobsRunInOrderOnTheWorkersOwnThread() throws {
        let worker = ReportSerialWorker(capacity: 3)
        let log = Log()
        for n in 0 ..< 500 { try worker.submit { log.add(n) } }
        try worker.finish()
        #expect(log.values == Array(0 ..< 500))
        #expect(log.threadIDs.count == 1, "one thread runs every job")
        #expect(!log.threadIDs.contains(UInt(pthread_self())), "not the submitting thread")
    }

    @Test func aFailedJobStopsTheJobsAfterItAndIsRethrown() throws {
        struct Broken: Error, Equatable { var at: Int }
        let worker = ReportSerialWorker(capacity: 2)
        let log = Log()
        var submitError: Error?
        for n in 0 ..< 50 {
            do {
                try worker.submit {
                    if n == 7 { throw Broken(at: n) }
                    log.add(n)
                }
            } catch {
                submitError = error
                break
            }
        }
        #expect(throws: Broken(at: 7)) { try worker.finish() }
        #expect(log.values == Array(0 ..< 7), "nothing after the failed job ran")
        if let submitError { #expect(submitError as? Broken == Broken(at: 7)) }
    }

    /// `stop` returns only when the running job has ended (the builder abandons the database the
    /// jobs write to right after), and a second `stop` (the builder's defer after `finish`) is
    /// harmless.
    @Test func stopWaitsForTheRunningJob() throws {
        let worker = ReportSerialWorker()
        let started = DispatchSemaphore(value: 0), go = DispatchSemaphore(value: 0)
        let log = Log()
        try worker.submit {
            started.signal()
            go.wait()
            log.add(1)
        }
        started.wait()
        go.signal()
        worker.stop()
        #expect(log.values == [1])
        worker.stop()
    }
}
