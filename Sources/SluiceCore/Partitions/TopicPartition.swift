/// A partition of a topic.
package struct TopicPartition: Hashable, Sendable {
    package let topic: String
    package let partition: Int32

    package init(topic: String, partition: Int32) {
        self.topic = topic
        self.partition = partition
    }

    /// Hashes the partition only: a client reads one or two topics, and hashing the name
    /// for every message would cost more than the rare collision.
    package func hash(into hasher: inout Hasher) {
        hasher.combine(partition)
    }
}
