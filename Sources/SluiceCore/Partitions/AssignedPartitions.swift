/// The partitions this process owns now, the input's and the retrier's, each with its
/// commit position (`PartitionProgress`), and the ones whose position moved since the
/// last time positions were handed to librdkafka.
package struct AssignedPartitions {
    private var byKey: [TopicPartition: PartitionProgress] = [:]
    private var moved: [PartitionProgress] = []

    package subscript(_ partition: TopicPartition) -> PartitionProgress? {
        byKey[partition]
    }

    /// Every owned partition, in no order.
    package var all: some Collection<PartitionProgress> { byKey.values }

    package var count: Int { byKey.count }

    /// A partition librdkafka has just assigned: tracked from nothing.
    package mutating func add(topic: String, partition: Int32, isRetry: Bool) {
        byKey[TopicPartition(topic: topic, partition: partition)] = PartitionProgress(topic: topic, partition: partition, isRetry: isRetry)
    }

    /// A partition that is gone (its moved position, if any, is still handed over).
    package mutating func remove(_ progress: PartitionProgress) {
        byKey[TopicPartition(topic: progress.topic, partition: progress.partition)] = nil
    }

    /// Finishes `offset` of `progress`; returns true when its commit position moved.
    package mutating func finish(_ offset: Int64, of progress: PartitionProgress) -> Bool {
        guard progress.finish(offset) else { return false }
        moved.append(progress)
        return true
    }

    /// Puts the positions that moved since the last call into `moved` (emptied first, its
    /// storage kept, so a steady stream allocates nothing here), for the input consumer and
    /// for the retrier's, each marked as handed over.
    package mutating func takeMovedPositions(into moved: inout MovedPositions) {
        moved.input.removeAll(keepingCapacity: true)
        moved.retry.removeAll(keepingCapacity: true)
        for progress in self.moved {
            // A partition let go belongs to its next owner: a message of it that finishes
            // late (a worker answered after the revoke's drain) moves nothing of its.
            guard let next = progress.storable, !progress.isReleased else { continue }
            if progress.isRetry {
                moved.retry.append((progress.topic, progress.partition, next))
            } else {
                moved.input.append((progress.topic, progress.partition, next))
            }
            progress.markStored()
        }
        self.moved.removeAll(keepingCapacity: true)
    }

    package typealias Position = (topic: String, partition: Int32, next: Int64)

    /// Commit positions to hand to librdkafka: the input consumer's and the retrier's.
    package struct MovedPositions {
        package var input: [Position] = []
        package var retry: [Position] = []

        package init() {}
    }
}
