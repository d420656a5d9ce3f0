import Supervisor
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
                ("message.max.bytes", String(4 << 20)),
            ]),
            context: KafkaClientContext(logger: logger, onFatalError: { _ in }))
        reader = try KafkaConsumer(
            configuration: KafkaConfiguration([("bootstrap.servers", mock.bootstrapServers), ("group.id", "bench-reader"), ("enable.auto.commit", "false")]),
            context: KafkaClientContext(logger: logger, onFatalError: { _ in }))
        producer.client.context.onDelivery = { [unowned self] report in
            if report.error != nil { undelivered += 1 }
        }
    }

    func createTopics(_ names: [String], partitions: Int32) throws(KafkaError) {
        for name in names { try mock.createTopic(name, partitions: partitions) }
    }

    /// Writes the backlog's messages with ids 0..<count to its topic and waits until all
    /// are delivered: the demo's measurements from `keys` sensors, or values of exactly
    /// `valueBytes` bytes (a measurement padded to that size) with the sensors' keys in
    /// turn, spread evenly over the partitions (a few large messages placed by key could
    /// fill one partition past the mock's retention).
    func preload(_ backlog: BenchBacklog) throws(KafkaError) {
        let topic = backlog.topic, count = backlog.messages, partitions = backlog.partitions
        var generator = MeasurementGenerator(sensors: backlog.keys)
        let padding = backlog.valueBytes.map { [UInt8](repeating: UInt8(ascii: "x"), count: $0) }
        for id in 0..<count {
            let key: [UInt8], value: [UInt8]
            if let padding {
                // The keys in turn, not at random: the outputs go where the keys put them,
                // and a few large values drawn at random filled one output partition past
                // the mock's retention in about one run in five at 1 MB (six of 134).
                key = Array("sensor-\(id % backlog.keys + 1)".utf8)
                let start = Array(#"{"seq":\#(id),"pad":""#.utf8)
                value = start + padding.prefix(max(0, padding.count - start.count - 2)) + Array(#""}"#.utf8)
            } else {
                (key, value) = generator.next(sequence: id)
            }
            let headers = KafkaHeaders(capacity: 1)
            headers.add(Self.idHeader, String(id))
            let error = producer.waitingForQueueSpace {
                producer.produce(
                    topic: topic, partition: padding == nil ? nil : Int32(id % Int(partitions)), key: key, value: value,
                    headers: headers, token: 1)
            }
            if let error { throw error.withContext("cannot preload \(topic)") }
        }
        guard producer.flush(timeoutMilliseconds: 120_000), undelivered == 0 else {
            throw KafkaError(.broker, "preloading \(topic): \(undelivered) messages not delivered")
        }
        let retained = try offsetSum(topics: [topic], partitions: partitions, at: KafkaOffset.end)
            - offsetSum(topics: [topic], partitions: partitions, at: KafkaOffset.beginning)
        guard retained == count else {
            throw KafkaError(
                .broker, "the mock broker kept \(retained) of \(count) messages (at most 5 MiB a partition): use more partitions")
        }
    }

    /// The sum of the latest offsets of every partition of `topics` (one ListOffsets
    /// request): how many messages were ever written to them.
    func messageCount(topics: [String], partitions: Int32) throws(KafkaError) -> Int {
        try offsetSum(topics: topics, partitions: partitions, at: KafkaOffset.end)
    }

    /// The sum over the partitions of their first (`KafkaOffset.beginning`) or next
    /// (`KafkaOffset.end`) offsets.
    private func offsetSum(topics: [String], partitions: Int32, at position: Int64) throws(KafkaError) -> Int {
        try offsets(topics: topics, partitions: partitions, at: position).reduce(0) { $0 + max(0, Int($1.offset)) }
    }

    /// Every partition's first (`KafkaOffset.beginning`) or next (`KafkaOffset.end`)
    /// offset, in one ListOffsets request. A partition whose leader is not known yet or just
    /// moved answers with an error: asked again after a metadata refresh (this client
    /// subscribes to nothing, so nothing else refreshes it), for up to ten seconds, rather
    /// than taken as empty.
    func offsets(topics: [String], partitions: Int32, at position: Int64) throws(KafkaError) -> [(topic: String, partition: Int32, offset: Int64)] {
        let deadline = ContinuousClock.now + .seconds(10)
        let entries = topics.flatMap { topic in (0..<partitions).map { (topic: topic, partition: $0, offset: position) } }
        while true {
            do throws(KafkaError) {
                return try reader.offsets(forTimes: entries)
            } catch {
                guard ContinuousClock.now < deadline else { throw error }
            }
            usleep(100_000)
            _ = try? reader.client.topicNames(timeoutMilliseconds: 5_000)  // refreshes the leaders
        }
    }
}
