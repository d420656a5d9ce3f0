import CoreMetrics
import PluginProtocol
import SluiceControl
import SluiceCore

/// The pipeline's figures as swift-metrics instruments (Prometheus names), updated from
/// its counters once a second. Without a metrics backend bootstrapped they cost nothing.
/// The latency histograms are not among them (`LatencyBuckets`).
final class PipelineMetrics {
    private let consumed = Counter(label: "sluice_messages_consumed_total")
    private let verdicts = [
        Verdict.success: Counter(label: "sluice_verdicts_total", dimensions: [("verdict", "success")]),
        .transient: Counter(label: "sluice_verdicts_total", dimensions: [("verdict", "transient")]),
        .permanent: Counter(label: "sluice_verdicts_total", dimensions: [("verdict", "permanent")]),
        .drop: Counter(label: "sluice_verdicts_total", dimensions: [("verdict", "drop")]),
    ]
    private let produceErrors = Counter(label: "sluice_produce_errors_total")
    private let protocolErrors = Counter(label: "sluice_protocol_errors_total")
    private let retriesScheduled = Counter(label: "sluice_retries_scheduled_total")
    private let retriesPublished = Counter(label: "sluice_retries_published_total")
    private let retriesExhausted = Counter(label: "sluice_retries_exhausted_total")
    private var restarts: [String: Counter] = [:]
    private var deadLetters: [String: Counter] = [:]
    private let retriesWaiting = Gauge(label: "sluice_retries_waiting")
    private let inFlight = Gauge(label: "sluice_in_flight_messages")
    private let fetchPaused = Gauge(label: "sluice_fetch_paused")
    private var workers: [String: Gauge] = [:]
    private var lag = PartitionGauges(label: "sluice_consumer_lag_messages")
    private var stalled = PartitionGauges(label: "sluice_partition_stalled_seconds")
    private var published = PipelineStatistics()

    /// Every state a worker can report, so each series exists from the start.
    static let workerStates = ["starting", "running", "backoff", "restarting", "retiring", "stopping", "stopped", "fatal"]

    init() {
        for state in Self.workerStates {
            workers[state] = Gauge(label: "sluice_workers", dimensions: [("state", state)])
        }
        for source in Self.deadLetterSources {
            deadLetters[source] = Counter(label: "sluice_dead_letters_total", dimensions: [("source", source)])
        }
    }

    /// Every `sluice.source` a dead letter can carry, so each series exists from the start.
    static let deadLetterSources = FailureSource.allCases.map(\.rawValue)

    /// Brings the instruments up to date with the counters and the current state.
    func update(_ counters: PipelineStatistics, workerStates: [String], partitions: [PartitionReport], retriesWaiting waiting: Int) {
        consumed.increment(by: Int64(counters.consumed - published.consumed))
        verdicts[.success]?.increment(by: Int64(counters.success - published.success))
        verdicts[.transient]?.increment(by: Int64(counters.transient - published.transient))
        verdicts[.permanent]?.increment(by: Int64(counters.permanent - published.permanent))
        verdicts[.drop]?.increment(by: Int64(counters.dropped - published.dropped))
        produceErrors.increment(by: Int64(counters.produceErrors - published.produceErrors))
        protocolErrors.increment(by: Int64(counters.protocolErrors - published.protocolErrors))
        retriesScheduled.increment(by: Int64(counters.transient - published.transient))
        retriesPublished.increment(by: Int64(counters.retried - published.retried))
        retriesExhausted.increment(by: Int64(counters.retriesExhausted - published.retriesExhausted))
        for (reason, count) in counters.restartsByReason where count != published.restartsByReason[reason] {
            let counter = restarts[reason] ?? Counter(label: "sluice_worker_restarts_total", dimensions: [("reason", reason)])
            restarts[reason] = counter
            counter.increment(by: Int64(count - (published.restartsByReason[reason] ?? 0)))
        }
        for (source, count) in counters.deadLettersBySource where count != published.deadLettersBySource[source] {
            deadLetters[source]?.increment(by: Int64(count - (published.deadLettersBySource[source] ?? 0)))
        }
        published = counters
        retriesWaiting.record(waiting)
        inFlight.record(counters.inFlight)
        fetchPaused.record(counters.paused ? 1 : 0)
        for state in Self.workerStates {
            workers[state]?.record(workerStates.filter { $0 == state }.count)
        }
        lag.update(partitions) { $0.lag }
        stalled.update(partitions) { $0.stalledSeconds ?? 0 }
    }
}

/// One gauge per assigned partition for one figure; a partition that went away loses its
/// series.
private struct PartitionGauges {
    let label: String
    private var gauges: [String: Gauge] = [:]

    init(label: String) {
        self.label = label
    }

    mutating func update(_ partitions: [PartitionReport], _ value: (PartitionReport) -> Int64?) {
        var current: [String: Gauge] = [:]
        for partition in partitions {
            let key = "\(partition.topic)\u{0}\(partition.partition)"
            let gauge = gauges[key] ?? Gauge(
                label: label, dimensions: [("topic", partition.topic), ("partition", String(partition.partition))])
            if let figure = value(partition) { gauge.record(figure) }
            current[key] = gauge
        }
        for (key, gauge) in gauges where current[key] == nil { gauge.destroy() }
        gauges = current
    }
}
