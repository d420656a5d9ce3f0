import DequeModule

/// Offsets of one assigned partition that are consumed but not yet finished, in order.
/// The commit position is the first unfinished offset: everything before it has its
/// verdict delivered, which is what at-least-once needs even when a parallel pool
/// finishes messages out of order.
package final class PartitionProgress {
    package let topic: String
    package let partition: Int32
    private var pending: Deque<(offset: Int64, done: Bool)> = []
    /// The next offset to store, once it moved past what was last stored.
    package private(set) var storable: Int64?
    /// Messages of this partition the daemon holds now.
    package var held = 0
    /// The highest offset ever given to a worker. On shutdown or revoke, queued messages
    /// below it are finished too, so the commit position reaches all work done and a
    /// restart redoes nothing.
    package var highestDispatched: Int64 = -1
    /// Set on revoke: its messages are no longer accepted or dispatched; finished work is
    /// still stored until librdkafka lets go of the partition.
    package var isRevoked = false
    /// Set once the partition's work is the next owner's: it was lost, or its revoke's drain
    /// ran out. What is still queued of it is dropped, never dispatched.
    package var isReleased = false

    /// When the commit position last moved, or the partition last went from holding
    /// nothing to holding a message: how long its commit has stood still.
    private var positionMovedAt = Moment.origin
    /// Set once a stand-still has been reported; cleared when the position moves again.
    private var stallReported = false

    /// Whether this is a partition of the transient-failure topic, read by the retrier.
    package let isRetry: Bool

    package init(topic: String, partition: Int32, isRetry: Bool = false) {
        self.topic = topic
        self.partition = partition
        self.isRetry = isRetry
    }

    /// `topic[partition]`, as a log line names it.
    package var name: String { "\(topic)[\(partition)]" }

    /// Records a consumed offset (offsets arrive in increasing order).
    package func track(_ offset: Int64) {
        pending.append((offset, false))
        nextToConsume = offset + 1
    }

    /// A message of the partition is taken in: tracked and held. A partition that held
    /// nothing starts its stand-still clock now: a position that waited for nothing did
    /// not stand still.
    package func take(_ offset: Int64, at now: Moment) {
        track(offset)
        if held == 0 { positionMovedAt = now }
        held += 1
    }

    /// How long the commit position has stood still while the partition held messages,
    /// once that is `threshold` or more; nil otherwise.
    package func stall(at now: Moment, threshold: Duration) -> Duration? {
        guard held > 0, !isRevoked else { return nil }
        let stalled = now - positionMovedAt
        return stalled >= threshold ? stalled : nil
    }

    /// The stand-still to report now: once per stand-still, when it reaches `threshold`.
    package func stallToReport(at now: Moment, threshold: Duration) -> Duration? {
        guard !stallReported, let stalled = stall(at: now, threshold: threshold) else { return nil }
        stallReported = true
        return stalled
    }

    /// The commit position moved at `now`. Returns how long it had stood still when that
    /// stand-still was reported (its end is news), nil otherwise.
    package func positionMoved(at now: Moment) -> Duration? {
        defer {
            positionMovedAt = now
            stallReported = false
        }
        return stallReported ? now - positionMovedAt : nil
    }

    /// The offset after the last one consumed.
    package private(set) var nextToConsume: Int64?

    /// The first offset not yet finished (where a restart would begin), once known.
    package var position: Int64? { pending.first?.offset ?? nextToConsume }

    /// Marks `offset` finished; returns true when the commit position moved.
    package func finish(_ offset: Int64) -> Bool {
        guard let index = indexOf(offset) else { return false }
        pending[index].done = true
        guard index == 0 else { return false }
        var next = offset + 1
        while let first = pending.first, first.done {
            next = first.offset + 1
            pending.removeFirst()
        }
        storable = next
        return true
    }

    /// Called after `storable` was handed to librdkafka.
    package func markStored() {
        storable = nil
    }

    private func indexOf(_ offset: Int64) -> Int? {
        var low = 0
        var high = pending.count - 1
        while low <= high {
            let middle = (low + high) / 2
            let value = pending[middle].offset
            if value == offset { return middle }
            if value < offset { low = middle + 1 } else { high = middle - 1 }
        }
        return nil
    }
}
