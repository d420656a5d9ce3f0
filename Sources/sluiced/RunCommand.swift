import ArgumentParser
import Glibc
import Logging
import PluginProcess
import ServiceLifecycle
import SluiceControl
import Supervisor

/// `sluiced [run]`: consumes a topic, runs each message through a pool of plugin processes
/// and routes the verdicts to the success, transient and permanent topics.
struct RunCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Run the pipeline (the default command).",
        discussion: """
            Settings come from, in order of precedence: these options, the environment
            (SLUICE_<TABLE>_<KEY>, and KAFKA_BROKER, INPUT_TOPIC, SUCCESS_TOPIC,
            PERMANENT_FAILURE_TOPIC, TRANSIENT_FAILURE_TOPIC, GROUP_ID), the --config file,
            the defaults. The plugin
            command follows `--`; it speaks the JSON-lines protocol of docs/PROTOCOL.md.
            SIGHUP (or sluicectl reload) reads the config file again.

            Exit status: 0 after a clean stop, 78 for a bad setting, 1 for a runtime failure.
            """)

    @Option(help: "How sluiced talks to the plugin: json (docs/PROTOCOL.md, the default), lines (a value per line, for sed, awk, jq), exec (a process per message) or kafka-native (plugins doing their own Kafka I/O). See docs/PLUGINS.md.")
    var `protocol`: String?

    @Option(help: "Plugin processes in the pool (1-1024; default 2).")
    var workers: Int?

    @Option(help: "Requests written ahead to one worker (1-100000; default 32).")
    var maxInFlight: Int?

    @Option(help: "Messages held (queued, at workers, being produced) before sluiced stops taking more (default 10000).")
    var maxBuffered: Int?

    @Option(help: "Bytes of keys and values held before sluiced stops taking more (at least 1 MiB; default 256 MiB).")
    var maxBufferedBytes: Int?

    @Option(help: "The longest frame line in bytes; larger messages are dead-lettered as too large (default 16 MiB).")
    var maxFrameBytes: Int?

    @Option(help: "The most outputs one answer may fan out to; an answer with more dead-letters its input (default 1000).")
    var maxOutputs: Int?

    @Option(
        help: ArgumentHelp(
            "The request fields a json plugin gets besides id and the value, comma-separated (topic, partition, offset, timestamp, attempt, key, headers; default all).",
            valueName: "fields"))
    var requestFields: String?

    @Option(help: "Seconds to wait for in-flight messages on shutdown or revoke (default 30).")
    var drainTimeout: Double?

    @Option(help: "Failed starts in a row before a worker is fatal and stays down (default 5).")
    var startRetries: Int?

    @Option(help: "Seconds a worker must stay up to count as started (default 1).")
    var startSeconds: Double?

    @Option(help: "Seconds a worker has to exit after its stdin closes, and again after SIGTERM (default 5).")
    var stopTimeout: Double?

    @Option(help: "The signal a worker gets when it has not exited stop-timeout seconds after its stdin closed (default TERM); SIGKILL follows.")
    var stopSignal: String?

    @Option(
        name: .customLong("plugin-env"),
        help: ArgumentHelp("A variable set for the plugin, on top of those it inherits (repeatable).", valueName: "NAME=value"))
    var pluginEnvironment: [String] = []

    @Option(help: ArgumentHelp("The plugin's working directory (default: sluiced's).", valueName: "directory"))
    var pluginDirectory: String?

    @Option(help: ArgumentHelp("The plugin's umask, in octal (default: sluiced's).", valueName: "mask"))
    var pluginUmask: String?

    @Option(help: "Seconds a worker may leave a request unanswered before it is killed (default 30).")
    var messageTimeout: Double?

    @Option(help: "Times a message may be in flight when its worker crashes or hangs before it is dead-lettered (default 2).")
    var poisonThreshold: Int?

    @Option(help: "Attempts a message gets in all before transient failures become permanent (default 5).")
    var maxAttempts: Int?

    @Option(help: "Seconds before the first retry; each further retry waits twice as long (default 1).")
    var retryDelay: Double?

    @Option(help: "The longest retry delay in seconds, also the cap on a plugin's retry_after_ms (default 300).")
    var retryMaxDelay: Double?

    @Option(help: "on: run the pipeline and the retrier; off: the pipeline only; only: the retrier only (default on).")
    var retrier: String?

    @Option(help: "The Unix socket sluicectl talks to (default: $RUNTIME_DIRECTORY/sluice.sock, else /run/sluice/sluice.sock when writable).")
    var controlSocket: String?

    @Option(help: "A group whose members may use the control socket, besides sluiced's user and root (default: sluiced's group).")
    var controlGroup: String?

    @Option(help: "host:port for Prometheus metrics, /healthz and /readyz, or off (default 127.0.0.1:9464).")
    var metricsAddress: String?

    @Option(help: "Seconds between status lines in the log (default 30).")
    var statusInterval: Double?

    @Flag(help: "Check the settings (and librdkafka's acceptance of the [kafka] properties), print them with secrets redacted, and exit.")
    var checkConfig = false

    @OptionGroup var common: CommonOptions

    @Flag(help: "Run the demo: an embedded Kafka (librdkafka's mock cluster), a measurement producer, sinks.")
    var demo = false

    @Option(help: "With --demo: measurements produced per second.")
    var demoRate: Int = 200

    @Argument(parsing: .postTerminator, help: "The plugin command and its arguments.")
    var command: [String] = []

    /// The options given, by setting key.
    var commandLineValues: [String: SettingValue.Raw] {
        var values: [String: SettingValue.Raw] = [:]
        for (key, value) in [
            ("plugin.workers", workers), ("plugin.max_in_flight", maxInFlight), ("daemon.max_buffered", maxBuffered),
            ("daemon.max_buffered_bytes", maxBufferedBytes),
            ("plugin.max_frame_bytes", maxFrameBytes), ("plugin.max_outputs", maxOutputs), ("plugin.start_retries", startRetries),
            ("plugin.poison_threshold", poisonThreshold), ("retries.max_attempts", maxAttempts),
        ] {
            values[key] = value.map { .integer($0) }
        }
        for (key, value) in [
            ("daemon.drain_timeout", drainTimeout), ("plugin.start_seconds", startSeconds), ("plugin.stop_timeout", stopTimeout),
            ("plugin.message_timeout", messageTimeout), ("retries.delay", retryDelay), ("retries.max_delay", retryMaxDelay),
            ("daemon.status_interval", statusInterval),
        ] {
            values[key] = value.map { .number($0) }
        }
        for (key, value) in [
            ("plugin.protocol", `protocol`), ("retries.mode", retrier), ("daemon.control_socket", controlSocket),
            ("daemon.control_group", controlGroup), ("plugin.stop_signal", stopSignal), ("plugin.directory", pluginDirectory),
            ("plugin.umask", pluginUmask), ("metrics.address", metricsAddress), ("plugin.request_fields", requestFields),
        ] {
            values[key] = value.map { .string($0) }
        }
        if !pluginEnvironment.isEmpty { values["plugin.environment"] = .strings(pluginEnvironment) }
        if !command.isEmpty { values["plugin.command"] = .strings(command) }
        return values
    }

    func run() async throws {
        let sources = common.sources(commandLineValues, needsPlugin: true)
        if demo {
            try await runDemo(sources)
            return
        }
        let settings = resolvedOrExit(sources)
        if checkConfig {
            do { try settings.checkKafkaProperties() } catch { exitForBadSetting(error.message) }
            print(settings.effectiveDescription)
            return
        }
        bootstrapLogging(settings)
        let logger = Logger(label: "sluiced")
        try await reportingFailures(logger: logger) {
            let registry = settings.metricsAddress.map { _ in PrometheusBootstrap.bootstrap() }
            if let error = Pipeline.adoptOrphans() { logger.warning("\(error)") }
            let pipeline = try Pipeline(settings: settings, environment: sources.environment, logger: logger)
            pipeline.enableReload(from: sources)
            var services: [any Service] = []
            if let registry, let address = settings.metricsAddress {
                do {
                    services.append(
                        try MetricsServer(
                            host: address.host, port: address.port, registry: registry, health: { pipeline.health },
                            latencies: { pipeline.latencyExposition }, logger: logger))
                } catch where settings.origins["metrics.address"] == nil {
                    logger.warning("no metrics: \(error) (set metrics.address, or off)")
                }
            }
            if let path = settings.controlSocket {
                try pipeline.openControlSocket(at: path)
            } else if let path = ControlSocketPath.forDaemon(environment: sources.environment) {
                do { try pipeline.openControlSocket(at: path) } catch { logger.warning("no control socket: \(error)") }
            } else {
                logger.warning("no control socket: give --control-socket PATH (sluicectl --socket PATH) to use sluicectl")
            }
            let group = ServiceGroup(
                configuration: .init(
                    // Stopped in reverse order: the pipeline drains while metrics still answer.
                    services: services + [PipelineService(pipeline: pipeline)], gracefulShutdownSignals: [.sigterm, .sigint],
                    logger: logger))
            try await group.run()
        }
    }

    /// `--demo`: the embedded cluster, with these options applied to the demo's settings.
    private func runDemo(_ sources: SettingsSources) async throws {
        let plugin = command.isEmpty ? ["\(ProcessEnvironment.executableDirectory)/measurement-validator"] : command
        var settings: Settings
        do {
            settings = Demo.settings(command: try PluginCommand(plugin, path: sources.environment["PATH"]))
            try sources.applyCommandLine(to: &settings)
        } catch {
            // A PluginCommand.Unresolved or a SettingsError: either describes itself as
            // the one line to print.
            exitForBadSetting("\(error)")
        }
        bootstrapLogging(settings)
        let logger = Logger(label: "sluiced")
        try await reportingFailures(logger: logger) {
            try await Demo(
                settings: settings, ratePerSecond: demoRate, controlSocket: controlSocket ?? Demo.defaultControlSocket,
                environment: sources.environment, logger: logger
            ).run()
        }
    }
}
