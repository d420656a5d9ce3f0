import Glibc
import Logging
import PluginProcess
import PluginProtocol
import SluiceControl
import SluiceCore

/// Everything the daemon needs to run one pipeline. `SettingsSources` fills it from the
/// command line, the environment (the original demo's variables) and the config file;
/// `Settings.definitions` lists each setting once with its key, option and variable.
public struct Settings: Sendable {
    /// `bootstrap.servers` (KAFKA_BROKER).
    public var brokers: String
    /// The topics to consume (INPUT_TOPIC): names and `^regex` patterns.
    public var inputTopics: InputTopics
    /// Where success verdicts go (SUCCESS_TOPIC).
    public var successTopic: String
    /// Where transient failures go (TRANSIENT_FAILURE_TOPIC).
    public var transientTopic: String
    /// Where permanent failures go (PERMANENT_FAILURE_TOPIC).
    public var permanentTopic: String
    /// The consumer group (GROUP_ID).
    public var groupID: String
    /// The plugin program.
    public var command: PluginCommand
    /// How requests and answers are written.
    public var protocolKind: ProtocolKind = .json
    /// Plugin processes in the pool.
    public var workers: Int = 2
    /// Requests written ahead to one worker before its answers.
    public var maxInFlight: Int = 32
    /// Messages held in the daemon (queued, in flight, being produced) before it stops
    /// taking more from the consumer. Each holds librdkafka's copy of it (and the fetch
    /// buffer it came in) until its outputs are delivered, about 2 KiB for a small
    /// message: 4,096 keep two workers busy with room to spare in about 9 MiB (10,000 took
    /// 12 MiB more at the same rate, docs/BENCHMARKS.md), and fit 128 workers x 32.
    public var maxBufferedMessages: Int = 4_096
    /// Bytes of keys and values held in the daemon before it stops taking more: the
    /// message count alone would let 4,096 one-megabyte values take 4 GB. Counted apart
    /// for the input and for the retrier's held failures, as the message count is.
    public var maxBufferedBytes: Int = 256 << 20
    /// The longest frame line, either way: a message whose request would be longer is
    /// dead-lettered as too large; a longer response line is a protocol error.
    public var maxFrameBytes: Int = 16 * 1024 * 1024
    /// The most outputs one answer may fan out to; an answer with more dead-letters its
    /// input, as `too-many-outputs`.
    public var maxOutputs: Int = 1000
    /// The request fields written besides `id` and the value (protocol json).
    public var requestFields: RequestFields = .all
    /// How long shutdown and revocation wait for in-flight messages.
    public var drainTimeout: Duration = .seconds(30)
    /// How long a worker has to exit after its stdin closes, and again after `stopSignal`.
    public var stopTimeout: Duration = .seconds(5)
    /// The signal a worker gets when it has not exited `stopTimeout` after its stdin closed
    /// (a `SignalName`); SIGKILL follows after another `stopTimeout`.
    public var stopSignal = "TERM"
    /// `stopSignal`'s number (the setting accepts only names `SignalName` knows).
    var stopSignalNumber: Int32 { SignalName.number(stopSignal) ?? SIGTERM }
    /// Variables set for the plugin on top of those it inherits (`NAME=value`, by name).
    public var pluginEnvironment: [String] = []
    /// The plugin's working directory; nil: the daemon's.
    public var pluginDirectory: String?
    /// The plugin's file mode creation mask; nil: the daemon's.
    public var pluginUmask: mode_t?
    /// Failed starts in a row (up less than `startSeconds`) before a worker becomes fatal.
    public var startRetries: Int = 5
    /// How long a child must stay up to count as started.
    public var startSeconds: Duration = .seconds(1)
    /// How often a summary line is logged.
    public var statusInterval: Duration = .seconds(30)
    /// When and how often transient failures are retried.
    public var retry = RetryPolicy()
    /// Whether this process runs the retrier, the pipeline, or both.
    public var retrier: RetrierMode = .on
    /// How long a worker may leave a request unanswered before it is killed (checked once
    /// a second).
    public var messageTimeout: Duration = .seconds(30)
    /// Strikes (worker crashed, hung or broke the protocol while the message was in flight)
    /// after which a message is dead-lettered as poison.
    public var poisonThreshold: Int = 2
    /// Extra librdkafka properties for both clients, applied after Sluice's own.
    public var kafkaProperties: [(String, String)] = []
    /// librdkafka properties for the consumers only, applied last.
    public var consumerProperties: [(String, String)] = []
    /// librdkafka properties for the producer only, applied last.
    public var producerProperties: [(String, String)] = []
    /// The control socket; nil picks `ControlSocketPath.forDaemon`.
    public var controlSocket: String?
    /// A group whose members may use the control socket besides the daemon's user and
    /// root; nil allows the daemon's own group.
    public var controlGroup: String?
    /// The level of sluiced's own log lines.
    public var logLevel: Logger.Level = .info
    /// How log lines are written.
    public var logFormat: LogFormat = .auto
    /// Where /metrics, /healthz and /readyz are served; nil: nowhere.
    public var metricsAddress: (host: String, port: Int)? = ("127.0.0.1", 9464)
    /// The daemon's PATH, where a plugin program named without a slash is looked up.
    public var programSearchPath: String?
    /// Where each setting given (not defaulted) came from, by key, for `--check-config`.
    public var origins: [String: SettingValue.Origin] = [:]

    /// Creates settings; `validate()` checks them.
    public init(
        brokers: String, inputTopic: String, successTopic: String, transientTopic: String,
        permanentTopic: String, groupID: String, command: PluginCommand
    ) {
        self.brokers = brokers
        self.inputTopics = InputTopics(inputTopic)
        self.successTopic = successTopic
        self.transientTopic = transientTopic
        self.permanentTopic = permanentTopic
        self.groupID = groupID
        self.command = command
    }
}
