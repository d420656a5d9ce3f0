/// A partition of a topic, as the pipeline names it.
struct TopicPartition: Hashable {
    let topic: String
    let partition: Int32

    /// Hashes the partition only: there are one or two topics, and hashing the name for
    /// every message would cost more than the rare collision.
    func hash(into hasher: inout Hasher) {
        hasher.combine(partition)
    }
}
