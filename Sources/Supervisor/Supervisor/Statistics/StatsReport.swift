/// What `sluicectl stats` shows: throughput, verdict counts, latency percentiles, retries
/// and lag per partition.
public struct StatsReport: Codable, Sendable, Equatable {
    public var uptimeSeconds: Int
    /// The counters since the start.
    public var statistics: PipelineStatistics
    /// Messages per second over the last 1, 10 and 60 seconds.
    public var rates: [RateReport]
    /// `plugin`: request written to answer read; `processing`: consumed to verdict
    /// delivered (what a message spends in sluiced, retries not included).
    public var latencies: [LatencyReport]
    public var retries: RetryReport
    /// Assigned partitions, input first, then the retrier's.
    public var partitions: [PartitionReport]

    /// Messages not yet finished in all input partitions, when every lag is known.
    public var totalLag: Int64? { PartitionReport.totalLag(of: partitions) }
}

/// Throughput over one window.
public struct RateReport: Codable, Sendable, Equatable {
    public var windowSeconds: Int
    public var consumedPerSecond: Double
    public var deliveredPerSecond: Double
}

/// Latency percentiles of one kind, in milliseconds.
public struct LatencyReport: Codable, Sendable, Equatable {
    public struct Percentiles: Codable, Sendable, Equatable {
        public var count: Int
        public var p50: Double
        public var p90: Double
        public var p99: Double
        public var p999: Double
        public var max: Double
    }
    public var name: String
    public var lastMinute: Percentiles
    public var sinceStart: Percentiles
}

/// The retrier's figures.
public struct RetryReport: Codable, Sendable, Equatable {
    /// Transient failures sent to the transient-failure topic (each is a retry scheduled).
    public var scheduled: Int
    /// Transient failures published back to the input topic when due.
    public var retried: Int
    /// Messages dead-lettered because their attempts ran out.
    public var exhausted: Int
    /// Transient failures this process holds until they are due.
    public var waiting: Int
}

/// One assigned partition.
public struct PartitionReport: Codable, Sendable, Equatable {
    public var topic: String
    public var partition: Int32
    /// Whether the retrier reads it (the transient-failure topic).
    public var isRetry: Bool
    /// The first offset not yet finished: where a restart would begin.
    public var position: Int64?
    /// The end of the partition as last seen by the consumer.
    public var highWatermark: Int64?
    /// Messages from `position` to the end.
    public var lag: Int64?
    /// Messages of this partition in the daemon now.
    public var held: Int
    /// Seconds its commit position has stood still while it held messages, once that is
    /// past the stall threshold (twice the message timeout, at least 10 s); nil otherwise.
    public var stalledSeconds: Int64?

    static func totalLag(of partitions: [PartitionReport]) -> Int64? {
        let input = partitions.filter { !$0.isRetry }
        guard input.allSatisfy({ $0.lag != nil }) else { return nil }
        return input.reduce(0) { $0 + ($1.lag ?? 0) }
    }
}
