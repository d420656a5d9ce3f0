import Glibc
import SluiceControl
import SluiceCore
import SluiceSupport

/// What the pipeline shows of itself (`sluicectl status` and `stats`, systemd's STATUS=,
/// the partition gauges): read from the parts, changing nothing.
extension Pipeline {
    /// `sluicectl status`.
    func statusReport() -> StatusReport {
        let now = ContinuousClock.now
        return StatusReport(
            version: SluiceVersion.current, pid: getpid(), uptimeSeconds: figures.uptimeSeconds(at: now),
            group: settings.groupID, inputTopic: settings.inputTopics.description,
            partitions: flow.partitions.all.filter { !$0.isRetry }.map(\.name).sorted(),
            lag: PartitionReport.totalLag(of: partitionReports()),
            stalledPartitions: flow.partitions.all.sorted { ($0.topic, $0.partition) < ($1.topic, $1.partition) }.compactMap { progress in
                progress.stall(at: Moment(now), threshold: flow.settings.stallThreshold).map { "\(progress.name) (\($0.wholeSeconds) s)" }
            },
            paused: flow.isInputHeldBack,
            protocolKind: settings.protocolKind.rawValue, execRunning: settings.protocolKind == .exec ? plugins.pool.execRuns.count : nil,
            targetWorkers: plugins.pool.targetSize, statistics: figures.counters,
            workers: plugins.pool.workers.enumerated().map { index, worker in
                WorkerReport(
                    id: worker.id, pid: worker.process?.pid, state: worker.life.name,
                    uptimeSeconds: worker.process == nil ? nil : Int((now - worker.life.startedAt.instant).components.seconds),
                    handled: worker.handled, inFlight: flow.requests(of: index), restarts: worker.restarts,
                    lastExit: worker.lastExit)
            })
    }

    /// The figures of `sluicectl stats` and `top`.
    func statsReport() -> StatsReport {
        StatsReport(
            uptimeSeconds: figures.uptimeSeconds(at: .now), statistics: figures.counters,
            rates: figures.rates(),
            latencies: figures.latencies,
            retries: RetryReport(
                scheduled: figures.counters.transient, retried: figures.counters.retried, exhausted: figures.counters.retriesExhausted,
                waiting: flow.heldRetries.count),
            partitions: partitionReports())
    }

    /// Position, end and lag of each assigned partition, from what the consumers last saw.
    func partitionReports() -> [PartitionReport] {
        flow.partitions.all.filter { !$0.isRevoked }
            .sorted { ($0.isRetry ? 1 : 0, $0.topic, $0.partition) < ($1.isRetry ? 1 : 0, $1.topic, $1.partition) }
            .map { progress in
                let client = progress.isRetry ? retryFeed?.consumer : input.consumer
                let high = client?.cachedHighWatermark(topic: progress.topic, partition: progress.partition)
                // Nothing consumed yet: the consumer's fetch position, if it has one.
                let position = progress.position
                    ?? (try? client?.positions(topic: progress.topic, partitions: [progress.partition]))?[progress.partition]
                        .flatMap { $0 >= 0 ? $0 : nil }
                var lag: Int64?
                if let high, let position { lag = max(0, high - position) } else if high == 0 { lag = 0 }
                return PartitionReport(
                    topic: progress.topic, partition: progress.partition, isRetry: progress.isRetry, position: position,
                    highWatermark: high, lag: lag, held: progress.held,
                    stalledSeconds: progress.stall(at: Moment(loop.time), threshold: flow.settings.stallThreshold).map(\.wholeSeconds))
            }
    }

    /// systemd's STATUS= line.
    var systemdStatus: String {
        let rate = figures.rates(windows: [10]).first.map { Int($0.deliveredPerSecond.rounded()) } ?? 0
        let lag = PartitionReport.totalLag(of: partitionReports()).map(String.init) ?? "unknown"
        return "\(rate) msg/s, \(figures.counters.delivered) done, \(flow.table.count) in flight, lag \(lag), "
            + "workers \(plugins.pool.runningCount)/\(plugins.pool.targetSize) running\(flow.isInputHeldBack ? ", fetching paused" : "")"
    }
}
