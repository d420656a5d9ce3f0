import SluiceControl
import SluiceSupport

/// What the pipeline counts and times: the counters, the plugin and processing latencies,
/// the throughput of the last minute, and the Prometheus instruments they feed.
struct PipelineFigures {
    /// Counted as things happen; the gauges among them (in flight, workers, partitions,
    /// paused) are set when the figures are published.
    var counters = PipelineStatistics()
    /// Request written to answer read.
    private var pluginLatency = LatencyRecorder()
    /// Consumed to verdict delivered.
    private var processingLatency = LatencyRecorder()
    private var throughput = ThroughputHistory()
    private let metrics = PipelineMetrics()
    private var ticks = 0
    private let startedAt = ContinuousClock.now

    /// Whole seconds since the pipeline was made.
    func uptimeSeconds(at now: ContinuousClock.Instant) -> Int {
        Int((now - startedAt).components.seconds)
    }

    mutating func recordPluginLatency(_ latency: Duration) {
        pluginLatency.record(latency)
    }

    mutating func recordProcessingLatency(_ latency: Duration) {
        processingLatency.record(latency)
        metrics.processing.recordNanoseconds(latency.inNanoseconds)
    }

    /// Once a second: a throughput sample, the instruments brought up to date, and every
    /// ten seconds a new slice of the latencies' last minute.
    mutating func tick(at now: ContinuousClock.Instant, workerStates: [String], partitions: [PartitionReport]) {
        throughput.sample(counters, at: now)
        metrics.update(counters, workerStates: workerStates, partitions: partitions)
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

    /// The plugin and processing latency percentiles.
    var latencies: [LatencyReport] {
        [pluginLatency.report(name: "plugin"), processingLatency.report(name: "processing")]
    }
}
