import NIOCore
import NIOHTTP1
import Prometheus

/// Answers one HTTP request per connection: the metrics, or a health check.
final class MetricsRequestHandler: ChannelInboundHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias OutboundOut = HTTPServerResponsePart

    let registry: PrometheusCollectorRegistry
    /// The latency histograms, which the pipeline keeps outside the registry (`LatencyBuckets`).
    let latencies: @Sendable () -> [UInt8]
    let process: ProcessMetrics
    let health: @Sendable () -> PipelineHealth
    private var request: HTTPRequestHead?

    init(
        registry: PrometheusCollectorRegistry, latencies: @escaping @Sendable () -> [UInt8], process: ProcessMetrics,
        health: @escaping @Sendable () -> PipelineHealth
    ) {
        self.registry = registry
        self.latencies = latencies
        self.process = process
        self.health = health
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head(let head): request = head
        case .body: break
        case .end:
            guard let request else { return }
            let (status, contentType, body) = answer(request)
            var headers = HTTPHeaders([("Content-Type", contentType), ("Content-Length", String(body.count)), ("Connection", "close")])
            if status == .methodNotAllowed { headers.add(name: "Allow", value: "GET") }
            context.write(wrapOutboundOut(.head(HTTPResponseHead(version: request.version, status: status, headers: headers))), promise: nil)
            context.write(wrapOutboundOut(.body(.byteBuffer(context.channel.allocator.buffer(bytes: body)))), promise: nil)
            let channel = context.channel
            context.writeAndFlush(wrapOutboundOut(.end(nil))).whenComplete { _ in channel.close(promise: nil) }
            self.request = nil
        }
    }

    private func answer(_ request: HTTPRequestHead) -> (HTTPResponseStatus, String, [UInt8]) {
        guard request.method == .GET || request.method == .HEAD else {
            return (.methodNotAllowed, "text/plain", Array("only GET\n".utf8))
        }
        let path = request.uri.split(separator: "?").first.map(String.init) ?? request.uri
        switch path {
        case "/metrics":
            process.collect()
            return (.ok, "text/plain; version=0.0.4; charset=utf-8", MetricFamilies.withHelp(registry.emitToBuffer() + latencies()))
        case "/healthz":
            let stalled = ContinuousClock.now - health().lastTick
            guard stalled < PipelineHealth.stallLimit else {
                return (.serviceUnavailable, "text/plain", Array("event loop stalled for \(stalled)\n".utf8))
            }
            return (.ok, "text/plain", Array("ok\n".utf8))
        case "/readyz":
            let state = health()
            guard state.ready else {
                return (.serviceUnavailable, "text/plain", Array("not ready: \(state.notReadyReason ?? "unknown")\n".utf8))
            }
            return (.ok, "text/plain", Array("ready\n".utf8))
        default:
            return (.notFound, "text/plain", Array("not found: /metrics, /healthz, /readyz\n".utf8))
        }
    }
}
