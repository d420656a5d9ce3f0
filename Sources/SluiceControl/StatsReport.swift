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

    public init(
        uptimeSeconds: Int, statistics: PipelineStatistics, rates: [RateReport], latencies: [LatencyReport],
        retries: RetryReport, partitions: [PartitionReport]
    ) {
        self.uptimeSeconds = uptimeSeconds
        self.statistics = statistics
        self.rates = rates
        self.latencies = latencies
        self.retries = retries
        self.partitions = partitions
    }
}

/// Throughput over one window.
public struct RateReport: Codable, Sendable, Equatable {
    public var windowSeconds: Int
    public var consumedPerSecond: Double
    public var deliveredPerSecond: Double

    public init(windowSeconds: Int, consumedPerSecond: Double, deliveredPerSecond: Double) {
        self.windowSeconds = windowSeconds
        self.consumedPerSecond = consumedPerSecond
        self.deliveredPerSecond = deliveredPerSecond
    }
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

        public init(count: Int, p50: Double, p90: Double, p99: Double, p999: Double, max: Double) {
            self.count = count
            self.p50 = p50
            self.p90 = p90
            self.p99 = p99
            self.p999 = p999
            self.max = max
        }
    }
    public var name: String
    public var lastMinute: Percentiles
    public var sinceStart: Percentiles

    public init(name: String, lastMinute: Percentiles, sinceStart: Percentiles) {
        self.name = name
        self.lastMinute = lastMinute
        self.sinceStart = sinceStart
    }
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

    public init(scheduled: Int, retried: Int, exhausted: Int, waiting: Int) {
        self.scheduled = scheduled
        self.retried = retried
        self.exhausted = exhausted
        self.waiting = waiting
    }
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

    public init(
        topic: String, partition: Int32, isRetry: Bool, position: Int64?, highWatermark: Int64?, lag: Int64?, held: Int,
        stalledSeconds: Int64?
    ) {
        self.topic = topic
        self.partition = partition
        self.isRetry = isRetry
        self.position = position
        self.highWatermark = highWatermark
        self.lag = lag
        self.held = held
        self.stalledSeconds = stalledSeconds
    }

    package static func totalLag(of partitions: [PartitionReport]) -> Int64? {
        let input = partitions.filter { !$0.isRetry }
        guard input.allSatisfy({ $0.lag != nil }) else { return nil }
        return input.reduce(0) { $0 + ($1.lag ?? 0) }
    }
}
