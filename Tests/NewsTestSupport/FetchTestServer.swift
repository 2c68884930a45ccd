import Foundation
import NIOCore
import NIOHTTP1
import NIOPosix
import NIOSSL
import NewsFetch

/// What the loopback test server does with one request.
package indirect enum FetchTestReply: Sendable {
    /// Another reply, sent after a pause (concurrency limits).
    case delayed(milliseconds: Int64, FetchTestReply)
    /// A complete response.
    case respond(status: Int, headers: [(String, String)], body: [UInt8])
    /// Never answers (timeouts).
    case hang
    /// Sends headers, then body chunks for as long as the client reads (size caps).
    case endless(headers: [(String, String)])

    package static func html(_ text: String, status: Int = 200, headers: [(String, String)] = []) -> FetchTestReply {
        .respond(status: status, headers: [("Content-Type", "text/html; charset=utf-8")] + headers, body: Array(text.utf8))
    }

    package static func xml(_ text: String, type: String = "application/xml") -> FetchTestReply {
        .respond(status: 200, headers: [("Content-Type", type)], body: Array(text.utf8))
    }

    package static func status(_ code: Int, headers: [(String, String)] = []) -> FetchTestReply {
        .respond(status: code, headers: headers, body: Array("status \(code)".utf8))
    }
}

/// A request as the test server saw it.
package struct FetchTestSeen: Sendable {
    package var path: String
    package var headers: [String: String]
}

/// An HTTP/1.1 server on a loopback address (127.0.0.1 unless told), port chosen by the OS unless
/// told, answering from a route function that also gets how many times this path was requested
/// before (for "500 then 200"). With `tls`, it speaks HTTPS and records the server names (SNI)
/// clients asked for.
package final class FetchTestServer: @unchecked Sendable {
    package let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
    private var channel: Channel!
    package let seen = FetchLocked<[FetchTestSeen]>([])
    /// The TLS server names clients sent, in order (empty for plain HTTP or clients sending none).
    package let serverNames = FetchLocked<[String]>([])
    /// TLS handshakes that failed (the client refused the certificate, say).
    package let failedHandshakes = FetchLocked<Int>(0)
    package let isTLS: Bool
    /// Requests received and not yet answered, and the most there ever were at once.
    package let active = FetchLocked<(now: Int, peak: Int)>((0, 0))
    package let route: @Sendable (FetchTestSeen, Int) -> FetchTestReply

    package var port: Int { channel.localAddress!.port! }
    package var host: String { channel.localAddress!.ipAddress! }
    package var base: String { "\(isTLS ? "https" : "http")://\(host):\(port)" }
    /// Settings that allow this server (it is on loopback) and keep tests fast.
    package var settings: FetchNetworkSettings {
        var settings = FetchNetworkSettings()
        settings.allowHosts = ["\(host):\(port)"]
        settings.perHostDelayMs = 0
        settings.perHostConcurrency = 16
        settings.connectTimeoutMs = 2_000
        settings.readTimeoutMs = 2_000
        settings.totalTimeoutMs = 10_000
        settings.backoffBaseMs = 10
        settings.backoffMaxMs = 50
        settings.respectRobots = false
        return settings
    }

    package convenience init(host: String = "127.0.0.1", port: Int = 0, tls: (chainPEM: String, keyPEM: String)? = nil,
                             route: @escaping @Sendable (String, Int) -> FetchTestReply) throws {
        try self.init(host: host, port: port, tls: tls, requestRoute: { request, before in route(request.path, before) })
    }

    /// A server whose route also sees the request headers (conditional GET).
    /// - Parameters:
    ///   - host: the loopback address to listen on.
    ///   - port: the port, or 0 for one the OS picks.
    ///   - tls: the certificate chain (leaf first) and key to serve HTTPS with.
    package init(host: String = "127.0.0.1", port: Int = 0, tls: (chainPEM: String, keyPEM: String)? = nil,
                 requestRoute route: @escaping @Sendable (FetchTestSeen, Int) -> FetchTestReply) throws {
        self.route = route
        isTLS = tls != nil
        let context: NIOSSLContext? = try tls.map { tls in
            let names = serverNames
            var configuration = TLSConfiguration.makeServerConfiguration(
                certificateChain: try NIOSSLCertificate.fromPEMBytes(Array(tls.chainPEM.utf8)).map { .certificate($0) },
                privateKey: .privateKey(try NIOSSLPrivateKey(bytes: Array(tls.keyPEM.utf8), format: .pem)))
            configuration.sslContextCallback = { values, promise in
                names.withLock { $0.append(values.serverHostname ?? "") }
                promise.succeed(.noChanges)
            }
            return try NIOSSLContext(configuration: configuration)
        }
        let server = self
        let group = group
        do {
            channel = try ServerBootstrap(group: group)
                .serverChannelOption(ChannelOptions.socketOption(.so_reuseaddr), value: 1)
                .childChannelInitializer { channel in
                    channel.eventLoop.makeCompletedFuture {
                        if let context {
                            try channel.pipeline.syncOperations.addHandler(NIOSSLServerHandler(context: context))
                        }
                        try channel.pipeline.syncOperations.configureHTTPServerPipeline()
                        try channel.pipeline.syncOperations.addHandler(FetchTestHandler(server: server))
                    }
                }
                .bind(host: host, port: port).wait()
        } catch {
            try? group.syncShutdownGracefully() // the address or port is taken
            throw error
        }
    }

    package func hits(_ path: String) -> Int { seen.withLock { $0.filter { $0.path == path }.count } }
    package func requests(_ path: String) -> [FetchTestSeen] { seen.withLock { $0.filter { $0.path == path } } }

    package func shutdown() {
        try? channel.close().wait()
        try? group.syncShutdownGracefully()
    }
}

private final class FetchTestHandler: ChannelInboundHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias OutboundOut = HTTPServerResponsePart

    let server: FetchTestServer
    var head: HTTPRequestHead?

    init(server: FetchTestServer) { self.server = server }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case let .head(requestHead):
            head = requestHead
        case .body:
            break
        case .end:
            guard let head else { return }
            var headers: [String: String] = [:]
            for (name, value) in head.headers { headers[name.lowercased()] = value }
            let path = head.uri
            let request = FetchTestSeen(path: path, headers: headers)
            server.active.withLock { $0.now += 1; $0.peak = max($0.peak, $0.now) }
            let before = server.seen.withLock { seen -> Int in
                let count = seen.filter { $0.path == path }.count
                seen.append(request)
                return count
            }
            reply(server.route(request, before), context: context)
        }
    }

    private func reply(_ reply: FetchTestReply, context: ChannelHandlerContext) {
        switch reply {
        case .hang:
            return
        case let .delayed(milliseconds, inner):
            context.eventLoop.assumeIsolated().scheduleTask(in: .milliseconds(milliseconds)) { [self] in
                self.reply(inner, context: context)
            }
        case let .respond(status, headers, body):
            server.active.withLock { $0.now -= 1 }
            var responseHeaders = HTTPHeaders(headers)
            if !responseHeaders.contains(name: "Content-Length") { responseHeaders.add(name: "Content-Length", value: "\(body.count)") }
            let head = HTTPResponseHead(version: .http1_1, status: HTTPResponseStatus(statusCode: status), headers: responseHeaders)
            context.write(wrapOutboundOut(.head(head)), promise: nil)
            if !body.isEmpty {
                context.write(wrapOutboundOut(.body(.byteBuffer(context.channel.allocator.buffer(bytes: body)))), promise: nil)
            }
            context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: nil)
        case let .endless(headers):
            let head = HTTPResponseHead(version: .http1_1, status: .ok, headers: HTTPHeaders(headers))
            context.writeAndFlush(wrapOutboundOut(.head(head)), promise: nil)
            let chunk = context.channel.allocator.buffer(bytes: [UInt8](repeating: UInt8(ascii: "a"), count: 64 * 1024))
            writeForever(chunk, context: context)
        }
    }

    /// Writes the next chunk when the last one left, so an unread body never piles up here.
    private func writeForever(_ chunk: ByteBuffer, context: ChannelHandlerContext) {
        guard context.channel.isActive else { return }
        context.writeAndFlush(wrapOutboundOut(.body(.byteBuffer(chunk)))).assumeIsolated().whenSuccess { [self] in
            self.writeForever(chunk, context: context)
        }
    }

    func errorCaught(context: ChannelHandlerContext, error: Error) {
        if error is NIOSSLError || error is BoringSSLError { server.failedHandshakes.withLock { $0 += 1 } }
        context.close(promise: nil)
    }
}
