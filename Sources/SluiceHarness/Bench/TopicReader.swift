import Glibc
import Supervisor

/// Reads topics from the beginning in steps: each `readToEnd` hands over what was written
/// since the last one, so a tally that is taken again while outputs still come reads each
/// output once. That matters on the mock broker: it finds a fetch's offset by walking its
/// partition's message sets from the first, and answers one set per partition per fetch,
/// so reading a partition costs the square of its sets (a million outputs in sets of a
/// few messages took some 20 s to read, every time).
final class TopicReader {
    private let cluster: BenchCluster
    private let consumer: KafkaConsumer
    private let topics: [String]
    private let partitions: Int32
    /// The next offset to read, per topic and partition.
    private var positions: [String: [Int64]]
    /// The consumer's last error, for a row that cannot account for every id.
    private(set) var lastError: KafkaError?

    init(_ cluster: BenchCluster, topics: [String], partitions: Int32) throws(KafkaError) {
        self.cluster = cluster
        self.topics = topics
        self.partitions = partitions
        positions = Dictionary(uniqueKeysWithValues: topics.map { ($0, Array(repeating: 0, count: Int(partitions))) })
        consumer = try KafkaConsumer(
            configuration: KafkaConfiguration([
                ("bootstrap.servers", cluster.brokers), ("group.id", "bench-reader"), ("enable.auto.commit", "false"),
            ]),
            context: KafkaClientContext(logger: cluster.logger, onFatalError: { _ in }))
        try consumer.assign(topics.flatMap { topic in (0..<partitions).map { (topic, $0, KafkaOffset.beginning) } })
    }

    deinit {
        _ = consumer.close()
    }

    /// Hands `body` every message not read yet, partition by partition in offset order
    /// (interleaved across partitions), up to where each partition ends now: a fast
    /// partition must not end the read before a slow one was read to its end. Messages
    /// written meanwhile that arrive with them go to `body` too. Returns how many could not be read (dropped by the
    /// mock's retention: skipped over, or not reached by the ends); those are not looked
    /// for again. Ten seconds with nothing read (no message, or errors alone) end the read.
    func readToEnd(_ body: (KafkaMessage) -> Void) throws(KafkaError) -> Int {
        var ends: [String: [Int64]] = [:]
        for entry in try cluster.offsets(topics: topics, partitions: partitions, at: KafkaOffset.end) {
            ends[entry.topic, default: Array(repeating: 0, count: Int(partitions))][Int(entry.partition)] = entry.offset
        }
        func unread() -> Int {
            var count = 0
            for (topic, partitionEnds) in ends {
                for (partition, end) in partitionEnds.enumerated() { count += max(0, Int(end - positions[topic]![partition])) }
            }
            return count
        }
        var left = unread()
        var skipped = 0
        var idle = 0
        while left > 0 && idle < 100 {
            guard let polled = consumer.poll(timeoutMilliseconds: 100) else {
                idle += 1
                continue
            }
            let message: KafkaMessage
            switch polled {
            case .success(let polledMessage): message = polledMessage
            case .failure(let error):
                // An error comes back at once: paced like an empty poll, so a lasting one
                // ends the read as nothing to read would.
                lastError = error
                idle += 1
                usleep(100_000)
                continue
            }
            let partition = Int(message.partition)
            let offset: Int64 = message.offset
            guard let position: Int64 = positions[message.topic]?[partition], offset >= position else { continue }
            idle = 0
            let end = ends[message.topic]![partition]
            let isLater = offset >= end
            // Offsets below the one reached that never came: the mock dropped them (it keeps
            // about 5 MiB a partition) before they were read. Uncounted, they kept the read
            // waiting its ten seconds and then passed as read.
            let reached = offset
            if reached > position {
                skipped += Int(reached - position)
                left -= Int(max(0, min(reached, end) - position))
                positions[message.topic]![partition] = reached
            }
            if !isLater { left -= 1 }
            positions[message.topic]![partition] = offset + 1
            body(message)
        }
        let dropped = skipped + unread()
        for (topic, partitionEnds) in ends {
            for (partition, end) in partitionEnds.enumerated() { positions[topic]![partition] = max(positions[topic]![partition], end) }
        }
        return dropped
    }
}
