import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1

/// A WARC file read over HTTP(S) as it arrives (CC-NEWS files are a gigabyte each): the body is
/// never held whole, in memory or on disk. The response delegate keeps at most `highWater` bytes
/// buffered and holds the connection back (NIO backpressure) until the reader has taken them, so
/// memory stays bounded however fast the server sends.
public final class WARCRemoteSource: WARCByteSource, @unchecked Sendable {
    public let url: String
    private let condition = NSCondition()
    private var buffer: [UInt8] = []
    private var head = 0
    private var finished = false
    private var failure: Error?
    private var waiting: EventLoopPromise<Void>?
    private var task: HTTPClient.Task<Void>?
    /// Bytes buffered before the connection is paused.
    public static let highWater = 4 << 20
    /// The largest number of bytes ever buffered at once (for the tests' memory check).
    public private(set) var peakBuffered = 0
    /// Bytes received so far.
    public private(set) var received = 0

    /// Starts the request; `read` blocks until bytes arrive. `client` is shared by every file.
    public init(url: String, client: HTTPClient, userAgent: String, readTimeoutMs: Int) throws {
        self.url = url
        var request = try HTTPClient.Request(url: url)
        request.headers.add(name: "User-Agent", value: userAgent)
        // The file is gzip already: ask for it as stored.
        request.headers.add(name: "Accept-Encoding", value: "identity")
        let delegate = Delegate(source: self)
        task = client.execute(request: request, delegate: delegate)
    }

    deinit { task?.cancel() }

    /// Stops the download (the reader gave up on the file).
    public func cancel() { task?.cancel() }

    public func read(upTo count: Int) throws -> [UInt8] {
        condition.lock()
        defer { condition.unlock() }
        while head == buffer.count && !finished && failure == nil { condition.wait() }
        if let failure { throw WARCError.unreadable("\(url): \(Self.describe(failure))") }
        if head == buffer.count { return [] }
        let end = min(buffer.count, head + count)
        let chunk = Array(buffer[head ..< end])
        head = end
        if head > 1 << 20 { buffer.removeFirst(head); head = 0 }
        if let waiting, buffer.count - head < Self.highWater / 2 {
            self.waiting = nil
            waiting.succeed(())
        }
        return chunk
    }

    static func describe(_ error: Error) -> String {
        if let status = error as? WARCRemoteStatus { return "HTTP \(status.code)" }
        return "\(error)"
    }

    fileprivate func receive(_ bytes: ByteBuffer, on loop: EventLoop) -> EventLoopFuture<Void> {
        condition.lock()
        defer { condition.unlock() }
        bytes.withUnsafeReadableBytes { buffer.append(contentsOf: $0) }
        received += bytes.readableBytes
        peakBuffered = max(peakBuffered, buffer.count - head)
        condition.broadcast()
        if buffer.count - head >= Self.highWater {
            let promise = loop.makePromise(of: Void.self)
            waiting = promise
            return promise.futureResult
        }
        return loop.makeSucceededVoidFuture()
    }

    fileprivate func end(_ error: Error?) {
        condition.lock()
        if let error { failure = failure ?? error } else { finished = true }
        waiting?.succeed(())
        waiting = nil
        condition.broadcast()
        condition.unlock()
    }

    private final class Delegate: HTTPClientResponseDelegate, @unchecked Sendable {
        typealias Response = Void
        weak var source: WARCRemoteSource?

        init(source: WARCRemoteSource) { self.source = source }

        func didReceiveHead(task: HTTPClient.Task<Void>, _ head: HTTPResponseHead) -> EventLoopFuture<Void> {
            if !(200 ..< 300).contains(head.status.code) {
                source?.end(WARCRemoteStatus(code: Int(head.status.code)))
                task.cancel()
            }
            return task.eventLoop.makeSucceededVoidFuture()
        }

        func didReceiveBodyPart(task: HTTPClient.Task<Void>, _ buffer: ByteBuffer) -> EventLoopFuture<Void> {
            guard let source else { return task.eventLoop.makeSucceededVoidFuture() }
            return source.receive(buffer, on: task.eventLoop)
        }

        func didReceiveError(task: HTTPClient.Task<Void>, _ error: Error) { source?.end(error) }

        func didFinishRequest(task: HTTPClient.Task<Void>) throws { source?.end(nil) }
    }

    /// An HTTP client for WARC downloads: redirects followed (archives sit behind CDNs), no
    /// decompression (the file is gzip on purpose), the fetch settings' timeouts.
    public static func makeClient(connectTimeoutMs: Int, readTimeoutMs: Int) -> HTTPClient {
        var configuration = HTTPClient.Configuration()
        configuration.redirectConfiguration = .follow(max: 5, allowCycles: false)
        configuration.decompression = .disabled
        configuration.timeout = .init(connect: .milliseconds(Int64(max(1, connectTimeoutMs))),
                                      read: .milliseconds(Int64(max(1, readTimeoutMs))))
        return HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
    }
}

/// A WARC download answered with a status other than 2xx.
struct WARCRemoteStatus: Error {
    var code: Int
}
