import SluiceControl
import SluiceSupport

extension Pipeline {
    /// The figures of `sluicectl stats` and `top`.
    func statsReport() -> StatsReport {
        publishStatistics()
        return StatsReport(
            uptimeSeconds: figures.uptimeSeconds(at: .now), statistics: figures.counters,
            rates: figures.rates(),
            latencies: figures.latencies,
            retries: RetryReport(
                scheduled: figures.counters.transient, retried: figures.counters.retried, exhausted: figures.counters.retriesExhausted,
                waiting: retrier?.held.count ?? 0),
            partitions: partitionReports())
    }

    /// Position, end and lag of each assigned partition, from what the consumers last saw.
    func partitionReports() -> [PartitionReport] {
        partitions.all.filter { !$0.isRevoked }
            .sorted { ($0.isRetry ? 1 : 0, $0.topic, $0.partition) < ($1.isRetry ? 1 : 0, $1.topic, $1.partition) }
            .map { progress in
                let client = progress.isRetry ? retrier?.feed.consumer : input.consumer
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
                    stalledSeconds: progress.stall(at: loop.time, threshold: stallThreshold).map(\.wholeSeconds))
            }
    }
}
