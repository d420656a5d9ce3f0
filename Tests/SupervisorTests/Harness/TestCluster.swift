import CRdKafka
import Logging
import Synchronization

@testable import Supervisor

/// A mock cluster with one set of topics for one test: an input topic and the three
/// outputs, with names no other test uses.
final class TestCluster: @unchecked Sendable {
    static let counter = Atomic(0)
    let cluster: MockCluster
    let input: String
    let success: String
    let transient: String
    let permanent: String
    let group: String
    let inputPartitions: Int32
    let logger = Logger(label: "test")

    init(inputPartitions: Int32 = 4, brokers: Int = 1) throws {
        cluster = try MockCluster(brokers: brokers)
        self.inputPartitions = inputPartitions
        let number = Self.counter.add(1, ordering: .relaxed).newValue
        let prefix = "t\(number)-\(UInt32.random(in: 0...UInt32.max))"
        input = "\(prefix)-in"
        success = "\(prefix)-ok"
        transient = "\(prefix)-retry"
        permanent = "\(prefix)-dead"
        group = "\(prefix)-group"
        try cluster.createTopic(input, partitions: inputPartitions)
        for topic in outputs { try cluster.createTopic(topic, partitions: 3) }
    }

    var outputs: [String] { [success, transient, permanent] }

    var brokers: String { cluster.bootstrapServers }

    /// The environment sluiced reads.
    var environment: [String: String] {
        [
            "KAFKA_BROKER": brokers, "INPUT_TOPIC": input, "SUCCESS_TOPIC": success,
            "TRANSIENT_FAILURE_TOPIC": transient, "PERMANENT_FAILURE_TOPIC": permanent, "GROUP_ID": group,
        ]
    }

    /// Produces `messages` to the input topic and waits until every one is acknowledged.
    func produce(_ messages: [TestMessage]) throws {
        let context = KafkaClientContext(logger: logger, onFatalError: { _ in })
        let producer = try KafkaProducer(
            configuration: KafkaConfiguration([("bootstrap.servers", brokers), ("enable.idempotence", "true"), ("message.max.bytes", "4000000")]),
            context: context)
        var failures: [String] = []
        context.onDelivery = { report in
            if report.pointee.err != RD_KAFKA_RESP_ERR_NO_ERROR {
                failures.append(String(cString: rd_kafka_err2str(report.pointee.err)))
            }
        }
        for message in messages {
            let headers = rd_kafka_headers_new(message.allHeaders.count)!
            for (name, value) in message.allHeaders {
                value.withUnsafeBytes { _ = rd_kafka_header_add(headers, name, -1, $0.baseAddress, $0.count) }
            }
            let error = producer.waitingForQueueSpace {
                withOptionalBytes(message.key) { key in
                    withOptionalBytes(message.value) { value in
                        producer.produce(topic: input, partition: message.partition, key: key, value: value, headers: headers, token: 1)
                    }
                }
            }
            if error != RD_KAFKA_RESP_ERR_NO_ERROR {
                rd_kafka_headers_destroy(headers)
                throw KafkaError(.produce, "test produce", error: error)
            }
        }
        guard producer.flush(timeoutMilliseconds: 60_000), failures.isEmpty else {
            throw KafkaError(.produce, "test produce failed: \(failures.prefix(3))")
        }
    }

    /// Every topic the cluster has (a metadata request for all topics creates none).
    func topicNames() throws -> Set<String> {
        let producer = try KafkaProducer(
            configuration: KafkaConfiguration([("bootstrap.servers", brokers)]),
            context: KafkaClientContext(logger: logger, onFatalError: { _ in }))
        var metadata: UnsafePointer<rd_kafka_metadata>?
        let error = rd_kafka_metadata(producer.client.handle, 1, nil, &metadata, 10_000)
        guard error == RD_KAFKA_RESP_ERR_NO_ERROR, let metadata else { throw KafkaError(.broker, "metadata", error: error) }
        defer { rd_kafka_metadata_destroy(metadata) }
        return Set((0..<Int(metadata.pointee.topic_cnt)).map { String(cString: metadata.pointee.topics[$0].topic) })
    }

    /// Reads the output topics from the beginning until `expected` messages arrived (then a
    /// little longer, so duplicates show) or `timeout` passed.
    func collectOutputs(expected: Int, timeout: Duration = .seconds(90)) throws -> [OutputMessage] {
        try collect(topics: outputs.map { ($0, 3) }, expected: expected, timeout: timeout, untilCommitted: true)
    }

    /// Reads the output topics until every message of `sent` is there at least once (with
    /// repeats, however many), then a little longer.
    func collectOutputs(covering sent: [TestMessage], timeout: Duration = .seconds(90)) throws -> [OutputMessage] {
        let wanted = Set(sent.map(\.id))
        return try collect(topics: outputs.map { ($0, 3) }, expected: .max, timeout: timeout, untilCommitted: true) { collected in
            wanted.isSubset(of: collected.compactMap(\.id))
        }
    }

    /// Reads the input topic from the beginning (originals and the retrier's copies).
    func collectInput(expected: Int, partitions: Int32 = 4, timeout: Duration = .seconds(90)) throws -> [OutputMessage] {
        try collect(topics: [(input, partitions)], expected: expected, timeout: timeout)
    }

    /// Reads `topics` from the beginning until `expected` messages (or `complete`), then on:
    /// with `untilCommitted`, until sluiced's group has committed the whole input topic and
    /// every output written before that is read (so a late repeat is seen, not missed), or
    /// for 5 s when that does not come; otherwise for 2 s.
    func collect(
        topics: [(String, Int32)], expected: Int, timeout: Duration, untilCommitted: Bool = false,
        complete: ([OutputMessage]) -> Bool = { _ in false }
    ) throws -> [OutputMessage] {
        let consumer = try KafkaConsumer(
            configuration: KafkaConfiguration([
                ("bootstrap.servers", brokers), ("group.id", "\(group)-collector"), ("enable.auto.commit", "false"),
            ]),
            context: KafkaClientContext(logger: logger, onFatalError: { _ in }))
        try consumer.assign(topics.flatMap { topic, count in (0..<count).map { (topic, $0, Int64(RD_KAFKA_OFFSET_BEGINNING)) } })
        var collected: [OutputMessage] = []
        let deadline = ContinuousClock.now + timeout
        var settleUntil: ContinuousClock.Instant?
        var nextCheck = ContinuousClock.now
        // The outputs' ends once the input was all committed: nothing more can come.
        var readTo: [(topic: String, partition: Int32, end: Int64)]?
        // Asks about commits and ends; made once, on the first check.
        var probe: KafkaConsumer?
        defer { _ = probe?.close() }
        while ContinuousClock.now < (settleUntil ?? deadline) {
            if let readTo, try readTo.allSatisfy({ try (consumer.positions(topic: $0.topic, partitions: [$0.partition])[$0.partition] ?? -1) >= $0.end }) {
                break
            }
            if untilCommitted, settleUntil != nil, readTo == nil, ContinuousClock.now >= nextCheck {
                nextCheck = .now + .milliseconds(250)
                if probe == nil { probe = try makeProbe() }
                readTo = try endsOnceInputIsCommitted(topics, asking: probe!)
            }
            guard let message = consumer.poll(timeoutMilliseconds: 100) else { continue }
            defer { rd_kafka_message_destroy(message) }
            guard message.pointee.err == RD_KAFKA_RESP_ERR_NO_ERROR else { continue }
            collected.append(OutputMessage(message))
            if (collected.count >= expected || complete(collected)) && settleUntil == nil {
                settleUntil = .now + .seconds(untilCommitted ? 5 : 2)
            }
        }
        _ = consumer.close()
        return collected
    }

    /// A client in sluiced's group that never joins it, to read its commits and the topics'
    /// ends: the collector's own connection is busy with its long-polling fetches.
    private func makeProbe() throws -> KafkaConsumer {
        try KafkaConsumer(
            configuration: KafkaConfiguration([("bootstrap.servers", brokers), ("group.id", group), ("enable.auto.commit", "false")]),
            context: KafkaClientContext(logger: logger, onFatalError: { _ in }))
    }

    /// Once sluiced's group has committed every message of the input topic, the ends of
    /// `topics`' partitions that hold anything: every output of a committed message lies
    /// below them. Nil while the input is not all committed.
    private func endsOnceInputIsCommitted(
        _ topics: [(String, Int32)], asking probe: KafkaConsumer
    ) throws -> [(topic: String, partition: Int32, end: Int64)]? {
        let partitions = Array(0..<inputPartitions)
        let committed = try probe.committed(topic: input, partitions: partitions)
        for partition in partitions {
            let (low, high) = try probe.watermarks(topic: input, partition: partition)
            guard high == low || (committed[partition] ?? -1) >= high else { return nil }
        }
        return try topics.flatMap { topic, count in
            try (0..<count).compactMap { partition in
                let end = try probe.watermarks(topic: topic, partition: partition).high
                return end > 0 ? (topic, partition, end) : nil
            }
        }
    }
}

extension OutputMessage {
    init(_ message: UnsafeMutablePointer<rd_kafka_message_t>) {
        func bytes(_ pointer: UnsafeMutableRawPointer?, _ count: Int) -> [UInt8]? {
            pointer.map { Array(UnsafeRawBufferPointer(start: $0, count: count)) }
        }
        var headers: [(String, [UInt8]?)] = []
        var list: OpaquePointer?
        if rd_kafka_message_headers(message, &list) == RD_KAFKA_RESP_ERR_NO_ERROR {
            var index = 0
            var name: UnsafePointer<CChar>?
            var value: UnsafeRawPointer?
            var size = 0
            while rd_kafka_header_get_all(list, index, &name, &value, &size) == RD_KAFKA_RESP_ERR_NO_ERROR {
                headers.append((String(cString: name!), value.map { Array(UnsafeRawBufferPointer(start: $0, count: size)) }))
                index += 1
            }
        }
        self.init(
            topic: String(cString: rd_kafka_topic_name(message.pointee.rkt)), partition: message.pointee.partition,
            offset: message.pointee.offset, timestamp: rd_kafka_message_timestamp(message, nil), key: bytes(message.pointee.key, message.pointee.key_len),
            value: bytes(message.pointee.payload, message.pointee.len), headers: headers)
    }
}

func withOptionalBytes<R>(_ bytes: [UInt8]?, _ body: (UnsafeRawBufferPointer?) -> R) -> R {
    guard let bytes else { return body(nil) }
    return bytes.withUnsafeBytes { body($0) }
}
