import Foundation
import NIOCore
import NIOHTTP1
import NIOPosix

/// A loopback HTTP server for the fetch benchmark: every path answers with a distinct HTML page of
/// a fixed size (the path is written into its first bytes, so every page is stored separately).
package final class BenchFetchServer {
    let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
    private var channel: Channel?

    package var port: Int { channel?.localAddress?.port ?? 0 }

    package init(pageSize: Int) throws {
        var bytes = [UInt8](repeating: UInt8(ascii: " "), count: max(64, pageSize))
        let filler = Array("<p>The central bank held rates steady on Thursday, citing cooling inflation. </p>\n".utf8)
        for index in bytes.indices { bytes[index] = filler[index % filler.count] }
        let template = ByteBufferAllocator().buffer(bytes: bytes)
        channel = try ServerBootstrap(group: group)
            .serverChannelOption(ChannelOptions.backlog, value: 512)
            .serverChannelOption(ChannelOptions.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.configureHTTPServerPipeline()
                    try channel.pipeline.syncOperations.addHandler(BenchFetchHandler(template: template))
                }
            }
            .bind(host: "127.0.0.1", port: 0).wait()
    }

    package func shutdown() {
        try? channel?.close().wait()
        try? group.syncShutdownGracefully()
    }
}

private final class BenchFetchHandler: ChannelInboundHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias OutboundOut = HTTPServerResponsePart
    let template: ByteBuffer
    var uri = ""

    init(template: ByteBuffer) { self.template = template }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case let .head(head): uri = head.uri
        case .body: break
        case .end:
            var body = template
            body.setString("<html><!-- \(uri) -->", at: body.readerIndex)
            var headers = HTTPHeaders()
            headers.add(name: "Content-Type", value: "text/html; charset=utf-8")
            headers.add(name: "Content-Length", value: "\(body.readableBytes)")
            context.write(wrapOutboundOut(.head(HTTPResponseHead(version: .http1_1, status: .ok, headers: headers))), promise: nil)
            context.write(wrapOutboundOut(.body(.byteBuffer(body))), promise: nil)
            context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: nil)
        }
    }
}
