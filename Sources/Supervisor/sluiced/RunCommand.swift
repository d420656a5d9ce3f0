import ArgumentParser
import Glibc
import Logging
import ServiceLifecycle
import Supervisor

/// `sluiced [run]`: consumes a topic, runs each message through a pool of plugin processes
/// and routes the verdicts to the success, transient and permanent topics.
struct RunCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Run the pipeline (the default command).",
        discussion: """
            Settings come from the environment: KAFKA_BROKER, INPUT_TOPIC, SUCCESS_TOPIC,
            PERMANENT_FAILURE_TOPIC, TRANSIENT_FAILURE_TOPIC, GROUP_ID. The plugin command
            follows `--`; it speaks the JSON-lines protocol of docs/PROTOCOL.md.

            Exit status: 0 after a clean stop, 78 for a bad setting, 1 for a runtime failure.
            """)

    @Option(help: "Plugin processes in the pool (1-1024).")
    var workers: Int = 2

    @Option(help: "Requests written ahead to one worker (1-100000).")
    var maxInFlight: Int = 32

    @Option(help: "Messages held (queued, at workers, being produced) before sluiced stops taking more.")
    var maxBuffered: Int = 10_000

    @Option(help: "The longest frame line in bytes; larger messages are dead-lettered as too large.")
    var maxFrameBytes: Int = 16 * 1024 * 1024

    @Option(help: "Seconds to wait for in-flight messages on shutdown or revoke.")
    var drainTimeout: Int = 30

    @Option(help: "Failed starts in a row (up less than 1 s) before a worker is fatal and stays down.")
    var startRetries: Int = 5

    @Option(help: "Seconds a worker may leave a request unanswered before it is killed.")
    var messageTimeout: Int = 30

    @Option(help: "Times a message may be in flight when its worker crashes or hangs before it is dead-lettered.")
    var poisonThreshold: Int = 2

    @Option(help: "Attempts a message gets in all before transient failures become permanent.")
    var maxAttempts: Int = 5

    @Option(help: "Seconds before the first retry; each further retry waits twice as long.")
    var retryDelay: Double = 1

    @Option(help: "The longest retry delay in seconds, also the cap on a plugin's retry_after_ms.")
    var retryMaxDelay: Double = 300

    @Option(help: "on: run the pipeline and the retrier; off: the pipeline only; only: the retrier only.")
    var retrier: String = "on"

    @Option(help: "The Unix socket sluicectl talks to (default: $RUNTIME_DIRECTORY/sluice.sock, else /run/sluice/sluice.sock when writable).")
    var controlSocket: String?

    @Option(help: "Seconds between status lines in the log.")
    var statusInterval: Int = 30

    @OptionGroup var common: CommonOptions

    @Flag(help: "Run the demo: an embedded Kafka (librdkafka's mock cluster), a measurement producer, sinks.")
    var demo = false

    @Option(help: "With --demo: measurements produced per second.")
    var demoRate: Int = 200

    @Argument(parsing: .postTerminator, help: "The plugin command and its arguments.")
    var command: [String] = []

    func run() async throws {
        common.bootstrapLogging()
        let logger = Logger(label: "sluiced")
        let environment = ProcessEnvironment.variables
        try await reportingFailures(logger: logger) {
            if demo {
                let plugin = command.isEmpty ? ["\(ProcessEnvironment.executableDirectory)/measurement-validator"] : command
                try await Demo(
                    pluginCommand: try PluginCommand(plugin, path: environment["PATH"]), ratePerSecond: demoRate,
                    controlSocket: controlSocket ?? Demo.defaultControlSocket, tune: apply, environment: environment, logger: logger
                ).run()
                return
            }
            var settings = try Settings.fromEnvironment(
                environment,
                // The retrier alone runs no plugin.
                command: retrier == RetrierMode.only.rawValue && command.isEmpty
                    ? .none : try PluginCommand(command, path: environment["PATH"]))
            try apply(to: &settings)
            let pipeline = try Pipeline(settings: settings, environment: environment, logger: logger)
            if let path = controlSocket {
                try pipeline.openControlSocket(at: path)
            } else if let path = ControlSocketPath.forDaemon(environment: environment) {
                do { try pipeline.openControlSocket(at: path) } catch { logger.warning("no control socket: \(error)") }
            } else {
                logger.warning("no control socket: give --control-socket PATH (sluicectl --socket PATH) to use sluicectl")
            }
            let group = ServiceGroup(
                configuration: .init(
                    services: [PipelineService(pipeline: pipeline)], gracefulShutdownSignals: [.sigterm, .sigint],
                    logger: logger))
            try await group.run()
        }
    }

    /// Applies the command-line options on top of the environment's settings.
    func apply(to settings: inout Settings) throws(SettingsError) {
        settings.workers = workers
        settings.maxInFlight = maxInFlight
        settings.maxBufferedMessages = maxBuffered
        guard maxFrameBytes >= 1024 else { throw SettingsError("--max-frame-bytes: must be at least 1024") }
        settings.maxFrameBytes = maxFrameBytes
        guard drainTimeout >= 0 else { throw SettingsError("--drain-timeout: must not be negative") }
        guard statusInterval > 0 else { throw SettingsError("--status-interval: must be positive") }
        settings.drainTimeout = .seconds(drainTimeout)
        guard messageTimeout > 0 else { throw SettingsError("--message-timeout: must be positive") }
        guard poisonThreshold >= 1 else { throw SettingsError("--poison-threshold: must be at least 1") }
        guard maxAttempts >= 1 else { throw SettingsError("--max-attempts: must be at least 1") }
        guard retryDelay > 0, retryMaxDelay >= retryDelay else {
            throw SettingsError("--retry-delay, --retry-max-delay: need 0 < retry-delay <= retry-max-delay")
        }
        guard let mode = RetrierMode(rawValue: retrier) else {
            throw SettingsError("--retrier: \"\(retrier)\" is not one of on, off, only")
        }
        settings.retrier = mode
        settings.messageTimeout = .seconds(messageTimeout)
        settings.poisonThreshold = poisonThreshold
        guard startRetries >= 0 else { throw SettingsError("--start-retries: must not be negative") }
        settings.startRetries = startRetries
        settings.retry.maxAttempts = maxAttempts
        settings.retry.base = .milliseconds(Int64(retryDelay * 1000))
        settings.retry.maximum = .milliseconds(Int64(retryMaxDelay * 1000))
        settings.kafkaProperties = try common.parsedKafkaProperties()
        settings.statusInterval = .seconds(statusInterval)
        try settings.validate()
    }
}
