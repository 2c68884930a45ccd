import Foundation

/// A flag set by SIGINT or SIGTERM and checked by stages between documents.
public final class Cancellation: @unchecked Sendable {
    private let lock = NSLock()
    private var signalName: String?

    public init() {}

    public func cancel(_ signal: String) {
        lock.lock(); defer { lock.unlock() }
        if signalName == nil { signalName = signal }
    }

    public var isCancelled: Bool { lock.lock(); defer { lock.unlock() }; return signalName != nil }

    /// Throws `interrupted` if a stop was asked for: call at document boundaries.
    public func check() throws {
        lock.lock(); let name = signalName; lock.unlock()
        if let name { throw PipelineError.interrupted(signal: name) }
    }
}

/// Routes SIGINT and SIGTERM into a `Cancellation` instead of killing the process, so a run stops
/// at a document boundary, publishes nothing half-written and releases its lock.
public final class SignalTrap: @unchecked Sendable {
    private var sources: [DispatchSourceSignal] = []

    public init(_ cancellation: Cancellation) {
        for (number, name) in [(SIGINT, "SIGINT"), (SIGTERM, "SIGTERM")] {
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
            source.setEventHandler { cancellation.cancel(name) }
            source.resume()
            sources.append(source)
        }
    }

    deinit {
        for source in sources { source.cancel() }
        signal(SIGINT, SIG_DFL)
        signal(SIGTERM, SIG_DFL)
    }
}
