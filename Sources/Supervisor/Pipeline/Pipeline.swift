import Logging
import PluginProtocol
import SluiceControl
import Synchronization

/// One running pipeline: the consumer, the plugin pool and the producer, driven by a single
/// thread that sleeps in epoll. All mutable state below is confined to that thread; other
/// threads talk to it only through `requestStop()` and `statistics`.
public final class Pipeline: @unchecked Sendable {
    /// Changed only by `reload`, on the pipeline thread.
    var settings: Settings
    var logger: Logger
    /// Where the settings came from, to read them again on `reload`.
    var reloadSources: SettingsSources?
    /// READY=1, WATCHDOG=1 and STATUS= to systemd.
    let systemd: SystemdReporter
    /// The epoll wait every event comes from.
    let loop = EventLoop()
    /// The input topic's consumer.
    let input: ConsumerFeed
    /// Every output goes through it.
    let outputs: OutputProducer
    /// The retrier's consumer of the transient-failure topic and the failures it holds; nil
    /// when the retrier is off.
    let retrier: Retrier?
    /// The plugin workers (or exec runs).
    let pool: WorkerPool
    /// The control socket and its `sluicectl` clients.
    let control: ControlServer
    /// Every message held, by slot, until its outcome is delivered.
    var table = MessageTable()
    /// The order queued messages go to the workers in, one at a time per key.
    var scheduler = KeyScheduler()
    /// The partitions assigned, with their offsets in flight and commit positions.
    var partitions = AssignedPartitions()
    var figures = PipelineFigures()
    /// How long the consumer may go unpolled while the pool is full before fetching is
    /// paused, far below `max.poll.interval.ms`.
    static let longestUnpolled = Duration.seconds(5)

    let shared = SharedState()

    /// What other threads read or set, behind a lock.
    final class SharedState: Sendable {
        struct Values {
            var stopRequested = false
            var fatalError: String?
            var statistics = PipelineStatistics()
            var health = PipelineHealth()
            var finishedReplay: Result<ReplayProgress, KafkaError>?
        }
        let values = Mutex(Values())

        func withLock<R>(_ body: (inout Values) -> R) -> R {
            values.withLock { body(&$0) }
        }
    }

    /// Creates the Kafka clients (nothing connects until `run`). Fails on an invalid
    /// librdkafka property with librdkafka's own message.
    public init(settings: Settings, environment: [String: String], logger: Logger) throws(KafkaError) {
        self.settings = settings
        var logger = logger
        logger.logLevel = settings.logLevel
        self.logger = logger
        control = ControlServer(groupName: settings.controlGroup)
        systemd = SystemdReporter(SystemdNotifier(environment: environment))
        let stateBox = shared
        let wakeup = loop.wakeup
        let onFatal: @Sendable (String) -> Void = { reason in
            stateBox.withLock { $0.fatalError = $0.fatalError ?? reason }
            wakeup.ring()
        }
        let common = Self.clientProperties(brokers: settings.brokers)
        input = ConsumerFeed(
            try KafkaConsumer(
                configuration: KafkaConfiguration(
                    Self.inputConsumerProperties(brokers: settings.brokers, group: settings.groupID)
                        + settings.kafkaProperties + settings.consumerProperties),
                context: KafkaClientContext(logger: logger, onFatalError: onFatal)))
        pool = WorkerPool(
            size: settings.workers, keepsWorkers: settings.protocolKind != .exec, maximumFrameBytes: settings.maxFrameBytes,
            childEnvironment: Self.pluginEnvironment(environment, settings: settings))
        if settings.retrier == .off {
            retrier = nil
        } else {
            retrier = Retrier(
                try KafkaConsumer(
                    configuration: KafkaConfiguration(
                        common + Self.groupConsumerProperties(group: "\(settings.groupID)-retrier") + settings.kafkaProperties
                            + settings.consumerProperties),
                    context: KafkaClientContext(logger: logger, onFatalError: onFatal)))
        }
        outputs = OutputProducer(
            try KafkaProducer(
                configuration: KafkaConfiguration(
                    Self.producerProperties(brokers: settings.brokers) + settings.kafkaProperties + settings.producerProperties),
                context: KafkaClientContext(logger: logger, onFatalError: onFatal)))
        input.consumer.client.context.onRebalance = { [unowned self] event in
            self.handleRebalance(event, isRetry: false)
        }
        retrier?.feed.consumer.client.context.onRebalance = { [unowned self] event in
            self.handleRebalance(event, isRetry: true)
        }
        outputs.producer.client.context.onDelivery = { [unowned self] report in
            self.handleDelivery(report)
        }
    }

    /// What the plugins inherit: sluiced's environment with the original demo's variables
    /// set to the values in effect, wherever they were set (command line, environment or
    /// config file), and the protocol; not sluiced's secrets or systemd's variables.
    private static func pluginEnvironment(_ environment: [String: String], settings: Settings) -> [String] {
        var environment = environment.merging(settings.demoVariables) { $1 }
        environment["SLUICE_PROTOCOL"] = settings.protocolKind.rawValue
        environment["SLUICE_PROTOCOL_VERSION"] = "1"
        let withheld = Set(["SLUICE_WORKER_ID"] + SystemdNotifier.variables + settings.secretVariables)
        return environment.filter { !withheld.contains($0.key) }.map { "\($0.key)=\($0.value)" }
    }

    static func clientProperties(brokers: String) -> [(String, String)] {
        [("bootstrap.servers", brokers), ("client.id", "sluiced")]
    }

    /// The input consumer's properties before the operator's (the raw relay of `make bench`
    /// uses them too). The prefetch is bounded in bytes (16 MiB queued, 4 MiB a fetch) so
    /// memory stays flat however long the backlog. librdkafka keeps ~0.4 KiB per queued
    /// message besides the message, so where it can re-check a full queue quickly
    /// (`fetch.queue.backoff.ms`, 2.1 and later) the queue is also bounded to 20,000
    /// messages; older versions re-check only about once a second and need the default
    /// 100,000 to keep up (see docs/BENCHMARKS.md).
    package static func inputConsumerProperties(brokers: String, group: String) -> [(String, String)] {
        let prefetch = [("queued.max.messages.kbytes", "16384"), ("fetch.max.bytes", "4194304")]
        let shortQueue = KafkaConfiguration.supports("fetch.queue.backoff.ms")
            ? [("queued.min.messages", "20000"), ("fetch.queue.backoff.ms", "10")] : []
        return clientProperties(brokers: brokers) + groupConsumerProperties(group: group) + prefetch + shortQueue
    }

    /// The output producer's properties before the operator's: idempotent, so retries keep
    /// order and add no duplicates; and no delivery timeout (`message.timeout.ms=0`), so
    /// librdkafka retries an output until the broker takes it, in order, instead of
    /// failing it after a newer output with the same key was written. Nothing is committed
    /// before its output is delivered, so waiting is safe; a stop bounds it. Keys are
    /// partitioned as Java producers do (murmur2), so one key shares a partition with
    /// what Java clients write.
    package static func producerProperties(brokers: String) -> [(String, String)] {
        clientProperties(brokers: brokers)
            + [("enable.idempotence", "true"), ("acks", "all"), ("linger.ms", "5"), ("message.timeout.ms", "0"), keyPartitioner,
                ("message.max.bytes", String(largestOutputBytes))]
    }

    /// The producer's limit on one output. librdkafka's default (1,000,000) is below what
    /// brokers accept (1,048,588 by default, more where a topic allows it), so an input
    /// could not be written anywhere, its dead letter included. The broker judges instead;
    /// batches of small outputs stay within `batch.size` (1,000,000).
    static let largestOutputBytes = 64 << 20

    /// librdkafka's partitioner that puts a key where Java producers do (murmur2).
    static let keyPartitioner = ("partitioner", "murmur2_random")

    /// At least once: offsets are stored only for finished work, then auto-committed.
    static func groupConsumerProperties(group: String) -> [(String, String)] {
        [
            ("group.id", group),
            ("enable.auto.offset.store", "false"),
            ("enable.auto.commit", "true"),
            ("auto.commit.interval.ms", "1000"),
            ("auto.offset.reset", "earliest"),
            ("partition.assignment.strategy", "cooperative-sticky"),
        ]
    }

    /// Counters as of the last second.
    public var statistics: PipelineStatistics {
        shared.withLock { $0.statistics }
    }

    /// Whether the event loop runs and the pipeline is ready, for /healthz and /readyz.
    public var health: PipelineHealth {
        shared.withLock { $0.health }
    }

    /// Asks the pipeline to stop gracefully; safe from any thread.
    public func requestStop() {
        shared.withLock { $0.stopRequested = true }
        loop.wakeup.ring()
    }

    var stopRequested: Bool { shared.withLock { $0.stopRequested } }
    var fatalError: String? { shared.withLock { $0.fatalError } }

    func publishStatistics() {
        figures.setGauges(
            inFlight: table.count, runningWorkers: pool.runningCount, assignedPartitions: partitions.count,
            paused: input.isHeldBack)
        let snapshot = figures.counters
        let health = PipelineHealth(
            lastTick: .now, ready: systemd.readiness.isReady, notReadyReason: systemd.readiness.notReadyReason)
        shared.withLock {
            $0.statistics = snapshot
            $0.health = health
        }
    }
}
