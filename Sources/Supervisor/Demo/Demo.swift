import Logging
import PluginProcess
import ServiceLifecycle

/// `sluiced --demo`: the original docker-compose demo on one host with no Kafka installed.
/// An embedded broker (librdkafka's mock cluster), a measurement producer, the pipeline
/// with the validator pool, and sinks that log what reaches the output topics; a summary
/// line every 5 seconds; Ctrl-C stops it all cleanly.
public struct Demo {
    static let topics = (
        input: "measurements", success: "measurements-success", transient: "measurements-transient",
        permanent: "measurements-permanent"
    )

    let settings: Settings
    let ratePerSecond: Int
    let controlSocket: String
    let environment: [String: String]
    let logger: Logger

    /// Where the demo's sluicectl socket goes unless `--control-socket` says otherwise.
    public static let defaultControlSocket = "/tmp/sluice-demo.sock"

    /// The demo's topics and group, for the caller to adjust with command-line options; the
    /// brokers are replaced by the embedded cluster's.
    public static func settings(command: PluginCommand) -> Settings {
        Settings(
            brokers: "127.0.0.1:9092", inputTopic: topics.input, successTopic: topics.success, transientTopic: topics.transient,
            permanentTopic: topics.permanent, groupID: "sluice-demo", command: command)
    }

    /// Describes a demo run with `settings` from `settings(command:)`.
    public init(settings: Settings, ratePerSecond: Int, controlSocket: String, environment: [String: String], logger: Logger) {
        self.settings = settings
        self.ratePerSecond = ratePerSecond
        self.controlSocket = controlSocket
        self.environment = environment
        self.logger = logger
    }

    /// Runs until SIGINT or SIGTERM.
    public func run() async throws {
        let cluster = try MockCluster(brokers: 1, logger: logger)
        try cluster.createTopic(Self.topics.input, partitions: 6)
        for topic in [Self.topics.success, Self.topics.transient, Self.topics.permanent] {
            try cluster.createTopic(topic, partitions: 3)
        }
        var settings = self.settings
        settings.brokers = cluster.bootstrapServers
        settings.statusInterval = .seconds(3600)  // the demo prints its own summary
        logger.info("demo: embedded Kafka at \(cluster.bootstrapServers); plugin: \(settings.command)")
        let pipeline = try Pipeline(settings: settings, environment: environment, logger: logger)
        do {
            try pipeline.openControlSocket(at: controlSocket)
            logger.info("demo: try `sluicectl --socket \(controlSocket) top` (or status, stats, scale 4) in another terminal")
        } catch {
            logger.warning("demo: no control socket: \(error)")
        }
        let producer = try MeasurementProducer(
            brokers: cluster.bootstrapServers, topic: Self.topics.input, ratePerSecond: ratePerSecond, logger: logger)
        let sinks = try DemoSinks(
            brokers: cluster.bootstrapServers, topics: [Self.topics.success, Self.topics.transient, Self.topics.permanent],
            logger: logger)
        let summary = DemoSummary(pipeline: pipeline, producer: producer, sinks: sinks, logger: logger)
        let group = ServiceGroup(
            configuration: .init(
                services: [sinks, PipelineService(pipeline: pipeline), producer, summary],
                gracefulShutdownSignals: [.sigterm, .sigint], logger: logger))
        try await group.run()
        withExtendedLifetime(cluster) {}
    }
}
