import Supervisor
import CRdKafka
import Glibc
import Logging

/// The embedded mock cluster `make bench` and `make chaos` run on, with what they do to it
/// directly: preload the input, read how far the output topics have grown, and read the
/// outputs back afterwards to count them by message id.
final class BenchCluster {
    /// The header that carries each bench message's id (decimal).
    static let idHeader = "bench-id"

    let mock: MockCluster
    let logger: Logger
    private let producer: KafkaProducer
    /// A group-less consumer for offset queries.
    private let reader: KafkaConsumer
    private var undelivered = 0

    var brokers: String { mock.bootstrapServers }

    init(brokers: Int = 1, logger: Logger) throws(KafkaError) {
        self.logger = logger
        mock = try MockCluster(brokers: brokers, logger: logger)
        producer = try KafkaProducer(
            configuration: KafkaConfiguration([
                ("bootstrap.servers", mock.bootstrapServers), ("linger.ms", "20"), ("batch.num.messages", "1000"),
                ("queue.buffering.max.messages", "1000000"), ("queue.buffering.max.kbytes", "1048576"),
            ]),
            context: KafkaClientContext(logger: logger, onFatalError: { _ in }))
        reader = try KafkaConsumer(
            configuration: KafkaConfiguration([("bootstrap.servers", mock.bootstrapServers), ("group.id", "bench-reader"), ("enable.auto.commit", "false")]),
            context: KafkaClientContext(logger: logger, onFatalError: { _ in }))
        producer.client.context.onDelivery = { [unowned self] report in
            if report.pointee.err != RD_KAFKA_RESP_ERR_NO_ERROR { undelivered += 1 }
        }
    }

    func createTopics(_ names: [String], partitions: Int32) throws(KafkaError) {
        for name in names { try mock.createTopic(name, partitions: partitions) }
    }

    /// Writes `count` demo measurements from `sensors` sensors (the keys) with ids
    /// 0..<count to `topic` and waits until all are delivered.
    func preload(topic: String, partitions: Int32, count: Int, sensors: Int) throws(KafkaError) {
        var generator = MeasurementGenerator(sensors: sensors)
        for id in 0..<count {
            let (key, value) = generator.next(sequence: id)
            let headers = rd_kafka_headers_new(1)!
            OutputHeaders.add(headers, Self.idHeader, String(id))
            let error = producer.waitingForQueueSpace {
                producer.produce(topic: topic, key: key, value: value, headers: headers, token: 1)
            }
            guard error == RD_KAFKA_RESP_ERR_NO_ERROR else {
                rd_kafka_headers_destroy(headers)
                throw KafkaError(.broker, "cannot preload \(topic)", error: error)
            }
        }
        guard producer.flush(timeoutMilliseconds: 120_000), undelivered == 0 else {
            throw KafkaError(.broker, "preloading \(topic): \(undelivered) messages not delivered")
        }
        let retained = try offsetSum(topics: [topic], partitions: partitions, at: Int64(RD_KAFKA_OFFSET_END))
            - offsetSum(topics: [topic], partitions: partitions, at: Int64(RD_KAFKA_OFFSET_BEGINNING))
        guard retained == count else {
            throw KafkaError(
                .broker, "the mock broker kept \(retained) of \(count) messages (at most 5 MiB a partition): use more partitions")
        }
    }

    /// The sum of the latest offsets of every partition of `topics` (one ListOffsets
    /// request): how many messages were ever written to them.
    func messageCount(topics: [String], partitions: Int32) throws(KafkaError) -> Int {
        try offsetSum(topics: topics, partitions: partitions, at: Int64(RD_KAFKA_OFFSET_END))
    }

    /// The sum over the partitions of their first (`RD_KAFKA_OFFSET_BEGINNING`) or next
    /// (`RD_KAFKA_OFFSET_END`) offsets.
    private func offsetSum(topics: [String], partitions: Int32, at position: Int64) throws(KafkaError) -> Int {
        try offsets(topics: topics, partitions: partitions, at: position).reduce(0) { $0 + max(0, Int($1.offset)) }
    }

    /// Every partition's first (`RD_KAFKA_OFFSET_BEGINNING`) or next (`RD_KAFKA_OFFSET_END`)
    /// offset, in one ListOffsets request. A partition whose leader is not known yet or just
    /// moved answers with an error: asked again after a metadata refresh (this client
    /// subscribes to nothing, so nothing else refreshes it), for up to ten seconds, rather
    /// than taken as empty.
    func offsets(topics: [String], partitions: Int32, at position: Int64) throws(KafkaError) -> [(topic: String, partition: Int32, offset: Int64)] {
        let deadline = ContinuousClock.now + .seconds(10)
        while true {
            let list = TopicPartitionList(capacity: topics.count * Int(partitions))
            for topic in topics {
                for partition in 0..<partitions { list.add(topic: topic, partition: partition, offset: position) }
            }
            var error = rd_kafka_offsets_for_times(reader.client.handle, list.pointer, 10_000)
            if error == RD_KAFKA_RESP_ERR_NO_ERROR {
                let entries = list.pointer.entries
                guard let failed = entries.first(where: { $0.error != RD_KAFKA_RESP_ERR_NO_ERROR }) else {
                    return entries.map { ($0.topic, $0.partition, $0.offset) }
                }
                error = failed.error
            }
            guard ContinuousClock.now < deadline else { throw KafkaError(.offsets, "cannot read offsets", error: error) }
            usleep(100_000)
            var metadata: UnsafePointer<rd_kafka_metadata>?
            if rd_kafka_metadata(reader.client.handle, 1, nil, &metadata, 5_000) == RD_KAFKA_RESP_ERR_NO_ERROR, let metadata {
                rd_kafka_metadata_destroy(metadata)
            }
        }
    }
}
