/// Whether a consumer's partitions are fetched, and every reason they are not. The parts
/// that own a reason hold and release it, and librdkafka's rebalances tell it which
/// partitions are assigned; the gate answers with what to do to those partitions, and the
/// caller does it. It is the one place that decides a pause, so a reason cannot be
/// forgotten, and a partition cannot stay paused across a rebalance: librdkafka keeps an
/// application pause across revoke and re-assign ("partitions will remain paused after a
/// rebalance and re-assignment"), so the gate clears it as a partition leaves and sets it
/// again on assignment only while a reason holds.
package struct FetchGate<Partition: Equatable> {
    package enum Reason {
        /// The input: the pool gave no verdict for a long time with the buffer full
        /// (`longestUnpolled`). The retrier: it holds as many failures as it may.
        case saturated
        /// `sluicectl pause`, until `sluicectl resume`.
        case operatorRequest
        /// Every worker is fatal or stopped.
        case noWorkerCanRun
        /// The ordered stop has begun; never released.
        case stopping
    }

    /// What the caller does to the consumer.
    package enum Action {
        case pause([Partition])
        case resume([Partition])
    }

    private var reasons: Set<Reason> = []
    /// The partitions assigned now, in the order they came.
    package private(set) var assigned: [Partition] = []
    /// Whether librdkafka has the assigned partitions paused now.
    package private(set) var partitionsPaused = false

    package init() {}

    /// Whether any reason holds: then the partitions are paused, and polling takes only
    /// what librdkafka fetched before, whatever the buffer holds.
    package var isClosed: Bool { !reasons.isEmpty }

    /// Whether fetching is held back for a reason an operator is shown (status, metrics,
    /// systemd): every reason but the stop, which is shown as stopping.
    package var isHeldBack: Bool { !reasons.subtracting([.stopping]).isEmpty }

    package func holds(_ reason: Reason) -> Bool { reasons.contains(reason) }

    /// Starts holding fetching back for `reason`: pauses the assigned partitions if it is
    /// the first reason.
    package mutating func hold(_ reason: Reason) -> Action? {
        reasons.insert(reason)
        return settle()
    }

    /// Ends `reason`: resumes the assigned partitions if it was the last.
    package mutating func release(_ reason: Reason) -> Action? {
        reasons.remove(reason)
        return settle()
    }

    /// Newly assigned partitions: paused at once while a reason holds, else librdkafka
    /// fetches them.
    package mutating func assign(_ partitions: [Partition]) -> Action? {
        assigned += partitions
        return partitionsPaused && !partitions.isEmpty ? .pause(partitions) : nil
    }

    /// Partitions taken away: a pause is cleared as they leave (no longer assigned,
    /// nothing is fetched), so none comes back paused for a reason long gone. Partitions
    /// that are not paused are left alone: librdkafka before 2.4 mishandles resuming one
    /// that is not paused (the resume bumps the partition's fetch version and is then
    /// discarded, and fetching can restart from a stale position: librdkafka #4637,
    /// #4686), which after a loss and re-assignment can skip what was never finished.
    package mutating func revoke(_ partitions: [Partition]) -> Action? {
        assigned.removeAll { partitions.contains($0) }
        return partitionsPaused && !partitions.isEmpty ? .resume(partitions) : nil
    }

    private mutating func settle() -> Action? {
        guard isClosed != partitionsPaused else { return nil }
        partitionsPaused = isClosed
        return partitionsPaused ? .pause(assigned) : .resume(assigned)
    }
}

extension FetchGate.Action: Equatable {}
