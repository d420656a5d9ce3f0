import Logging
import NIOCore
import NIOHTTP1
import NIOPosix
import Prometheus
import ServiceLifecycle

/// The HTTP endpoint for Prometheus and health checks: `GET /metrics` (text exposition),
/// `/healthz` (the event loop runs) and `/readyz` (in the group, workers running, not
/// stopping). One event-loop thread of its own; nothing else is served.
public final class MetricsServer: Service, Sendable {
    let channel: any Channel
    let group: MultiThreadedEventLoopGroup
    let logger: Logger

    /// Listens on `host:port` (port 0 picks one: see `port`); fails at once if it cannot.
    public init(
        host: String, port: Int, registry: PrometheusCollectorRegistry, health: @escaping @Sendable () -> PipelineHealth,
        latencies: @escaping @Sendable () -> [UInt8], logger: Logger
    ) throws(SettingsError) {
        group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        self.logger = logger
        let process = ProcessMetrics()
        do {
            channel = try ServerBootstrap(group: group)
                .serverChannelOption(.backlog, value: 64)
                .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
                .childChannelInitializer { channel in
                    channel.eventLoop.makeCompletedFuture {
                        try channel.pipeline.syncOperations.configureHTTPServerPipeline()
                        try channel.pipeline.syncOperations.addHandler(MetricsRequestHandler(registry: registry, latencies: latencies, process: process, health: health))
                    }
                }
                .bind(host: host, port: port).wait()
        } catch {
            try? group.syncShutdownGracefully()
            throw SettingsError("metrics.address: cannot listen on \(host):\(port): \(error)")
        }
    }

    /// The port listened on.
    public var port: Int { channel.localAddress?.port ?? 0 }

    public func run() async throws {
        logger.info("metrics at http://\(channel.localAddress.map { "\($0.ipAddress ?? "?"):\($0.port ?? 0)" } ?? "?")/metrics")
        await withStopHandler {
            try? await channel.closeFuture.get()
        } onStop: { [channel] in
            channel.close(promise: nil)
        }
        try await group.shutdownGracefully()
    }
}
