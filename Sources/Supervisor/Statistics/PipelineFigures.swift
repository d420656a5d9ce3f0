import PluginProtocol
import SluiceControl
import SluiceSupport
import SluiceCore

/// What the pipeline counts and times: the counters, the plugin and processing latencies,
/// the throughput of the last minute, and the Prometheus instruments they feed. One
/// instance is shared by the parts that count (the message flow and the pool), all on the
/// pipeline thread.
final class PipelineFigures {
    /// Counted as things happen; the gauges among them (in flight, workers, partitions,
    /// paused) are set when the figures are published.
    private(set) var counters = PipelineStatistics()
    /// Request written to answer read.
    private var pluginLatency = LatencyRecorder()
    /// Consumed to verdict delivered.
    private var processingLatency = LatencyRecorder()
    /// The same two latencies for Prometheus, published with the counters.
    private var pluginBuckets = LatencyBuckets(name: "sluice_plugin_seconds")
    private var processingBuckets = LatencyBuckets(name: "sluice_processing_seconds")
    private var throughput = ThroughputHistory()
    private let metrics = PipelineMetrics()
    private var ticks = 0
    private let startedAt = ContinuousClock.now

    init() {}

    /// Whole seconds since the pipeline was made.
    func uptimeSeconds(at now: ContinuousClock.Instant) -> Int {
        Int((now - startedAt).components.seconds)
    }

    /// A message was taken from the input.
    func consumed() {
        counters.consumed += 1
    }

    /// A plugin answered, `latency` after its request was written.
    func answered(after latency: Duration) {
        // Converted once for both: `Duration` to a count divides 128-bit attoseconds.
        let nanoseconds = latency.inNanoseconds
        pluginLatency.record(nanoseconds: nanoseconds)
        pluginBuckets.record(nanoseconds: nanoseconds)
    }

    /// A verdict's output was delivered, `processing` after its message was consumed.
    func delivered(_ verdict: Verdict, source: FailureSource, processing: Duration) {
        switch verdict {
        case .success: counters.success += 1
        case .drop: counters.dropped += 1
        case .transient: counters.transient += 1
        case .permanent:
            counters.permanent += 1
            counters.deadLettersBySource[source.rawValue, default: 0] += 1
            if source == .retriesExhausted { counters.retriesExhausted += 1 }
        }
        let nanoseconds = processing.inNanoseconds
        processingLatency.record(nanoseconds: nanoseconds)
        processingBuckets.record(nanoseconds: nanoseconds)
    }

    /// A held failure was delivered back to the input topic.
    func retried() {
        counters.retried += 1
    }

    /// An output could not be enqueued or delivered, and goes again.
    func produceFailed() {
        counters.produceErrors += 1
    }

    /// A plugin broke the protocol.
    func protocolError() {
        counters.protocolErrors += 1
    }

    /// A worker's child starts again, for `reason`.
    func workerRestarted(reason: String) {
        counters.workerRestarts += 1
        counters.restartsByReason[reason, default: 0] += 1
    }

    /// The gauges, set as the figures are published.
    func setGauges(inFlight: Int, runningWorkers: Int, assignedPartitions: Int, paused: Bool) {
        counters.inFlight = inFlight
        counters.runningWorkers = runningWorkers
        counters.assignedPartitions = assignedPartitions
        counters.paused = paused
    }

    /// Once a second: a throughput sample, the instruments brought up to date, and every
    /// ten seconds a new slice of the latencies' last minute.
    func tick(at now: ContinuousClock.Instant, workerStates: [String], partitions: [PartitionReport], retriesWaiting: Int) {
        throughput.sample(counters, at: now)
        metrics.update(counters, workerStates: workerStates, partitions: partitions, retriesWaiting: retriesWaiting)
        ticks += 1
        if ticks % 10 == 0 {
            pluginLatency.rotate()
            processingLatency.rotate()
        }
    }

    /// Messages per second over the windows (seconds) the history covers.
    func rates(windows: [Int] = [1, 10, 60]) -> [RateReport] {
        throughput.rates(windows: windows)
    }

    /// The plugin and processing latency histograms for Prometheus.
    var latencyBuckets: [LatencyBuckets] {
        [pluginBuckets, processingBuckets]
    }

    /// The plugin and processing latency percentiles.
    var latencies: [LatencyReport] {
        [pluginLatency.report(name: "plugin"), processingLatency.report(name: "processing")]
    }
}
