/// The Kafka properties sluiced gives its clients before the operator's (`kafka.*`,
/// `-X`), which override them.
package enum ClientProperties {
    static func client(brokers: String) -> [(String, String)] {
        [("bootstrap.servers", brokers), ("client.id", "sluiced")]
    }

    /// The input consumer's properties before the operator's (the raw relay of `make bench`
    /// uses them too). The prefetch is bounded in bytes (16 MiB queued, 4 MiB a fetch) so
    /// memory stays flat however long the backlog. librdkafka keeps ~0.4 KiB per queued
    /// message besides the message, so where it can re-check a full queue quickly
    /// (`fetch.queue.backoff.ms`, 2.1 and later) the queue is also bounded to 10,000
    /// messages; older versions re-check only about once a second and need the default
    /// 100,000 to keep up (see docs/BENCHMARKS.md).
    package static func inputConsumer(brokers: String, group: String) -> [(String, String)] {
        let prefetch = [("queued.max.messages.kbytes", "16384"), ("fetch.max.bytes", "4194304")]
        let shortQueue = KafkaConfiguration.supports("fetch.queue.backoff.ms")
            ? [("queued.min.messages", "10000"), ("fetch.queue.backoff.ms", "10")] : []
        return client(brokers: brokers) + groupConsumer(group: group) + prefetch + shortQueue
    }

    /// The output producer's properties before the operator's: idempotent, so retries keep
    /// order and add no duplicates; and no delivery timeout (`message.timeout.ms=0`), so
    /// librdkafka retries an output until the broker takes it, in order, instead of
    /// failing it after a newer output with the same key was written. Nothing is committed
    /// before its output is delivered, so waiting is safe; a stop bounds it. Keys are
    /// partitioned as Java producers do (murmur2), so one key shares a partition with
    /// what Java clients write.
    package static func producer(brokers: String) -> [(String, String)] {
        client(brokers: brokers)
            + [("enable.idempotence", "true"), ("acks", "all"), ("linger.ms", "5"), ("message.timeout.ms", "0"), keyPartitioner,
                ("message.max.bytes", String(largestOutputBytes))]
    }

    /// The producer's limit on one output. librdkafka's default (1,000,000) is below what
    /// brokers accept (1,048,588 by default, more where a topic allows it), so an input
    /// could not be written anywhere, its dead letter included. The broker judges instead;
    /// batches of small outputs stay within `batch.size` (1,000,000).
    static let largestOutputBytes = 64 << 20

    /// librdkafka's partitioner that puts a key where Java producers do (murmur2).
    static let keyPartitioner = ("partitioner", "murmur2_random")

    /// At least once: offsets are stored only for finished work, then auto-committed.
    static func groupConsumer(group: String) -> [(String, String)] {
        [
            ("group.id", group),
            ("enable.auto.offset.store", "false"),
            ("enable.auto.commit", "true"),
            ("auto.commit.interval.ms", "1000"),
            ("auto.offset.reset", "earliest"),
            ("partition.assignment.strategy", "cooperative-sticky"),
        ]
    }
}
