import Logging
import Synchronization

@testable import Supervisor

/// A mock cluster with one set of topics for one test: an input topic and the three
/// outputs, with names no other test uses. The cluster runs in the test process, or in a
/// process of its own (`BrokerProcess`) for a test that kills it.
final class TestCluster: @unchecked Sendable {
    static let counter = Atomic(0)
    private let inProcess: MockCluster?
    /// The broker in a process of its own, when the test asked for one.
    let process: BrokerProcess?
    let input: String
    let success: String
    let transient: String
    let permanent: String
    let group: String
    let inputPartitions: Int32
    let logger = Logger(label: "test")

    init(inputPartitions: Int32 = 4, brokers: Int = 1, ownProcess: Bool = false) throws {
        inProcess = ownProcess ? nil : try MockCluster(brokers: brokers)
        process = ownProcess ? try BrokerProcess(brokers: brokers) : nil
        self.inputPartitions = inputPartitions
        let number = Self.counter.add(1, ordering: .relaxed).newValue
        let prefix = "t\(number)-\(UInt32.random(in: 0...UInt32.max))"
        input = "\(prefix)-in"
        success = "\(prefix)-ok"
        transient = "\(prefix)-retry"
        permanent = "\(prefix)-dead"
        group = "\(prefix)-group"
        try createTopic(input, partitions: inputPartitions)
        for topic in outputs { try createTopic(topic, partitions: Self.outputPartitions) }
    }

    /// Partitions of each output topic.
    static let outputPartitions: Int32 = 3

    /// The in-process cluster, for its faults.
    var cluster: MockCluster {
        guard let inProcess else { fatalError("the broker runs in a process of its own: steer it through `process`") }
        return inProcess
    }

    private func createTopic(_ name: String, partitions: Int32) throws {
        if let process { try process.send("topic \(name) \(partitions)") } else { try cluster.createTopic(name, partitions: partitions) }
    }

    var outputs: [String] { [success, transient, permanent] }

    var brokers: String { inProcess?.bootstrapServers ?? process!.bootstrapServers }

    /// A reader of this cluster that is not sluiced's code.
    var reader: KafkaReader { KafkaReader(brokers: brokers) }

    /// Outputs in Kafka now, from the output topics' end offsets.
    func outputsWritten() throws -> Int64 {
        try reader.ends(outputs.map { ($0, Self.outputPartitions) }).values.joined().reduce(0, +)
    }

    /// The environment sluiced reads.
    var environment: [String: String] {
        [
            "KAFKA_BROKER": brokers, "INPUT_TOPIC": input, "SUCCESS_TOPIC": success,
            "TRANSIENT_FAILURE_TOPIC": transient, "PERMANENT_FAILURE_TOPIC": permanent, "GROUP_ID": group,
        ]
    }

    /// Produces `messages` to the input topic (or `topic`) and waits until every one is
    /// acknowledged.
    func produce(_ messages: [TestMessage], to topic: String? = nil) throws {
        let context = KafkaClientContext(logger: logger, onFatalError: { _ in })
        let producer = try KafkaProducer(
            configuration: KafkaConfiguration([("bootstrap.servers", brokers), ("enable.idempotence", "true"), ("message.max.bytes", "4000000")]),
            context: context)
        var failures: [String] = []
        context.onDelivery = { report in
            if let error = report.error { failures.append(error.reason) }
        }
        for message in messages {
            let headers = KafkaHeaders(capacity: message.allHeaders.count)
            for (name, value) in message.allHeaders { headers.add(name, value) }
            let error = producer.waitingForQueueSpace {
                withOptionalBytes(message.key) { key in
                    withOptionalBytes(message.value) { value in
                        producer.produce(topic: topic ?? input, partition: message.partition, key: key, value: value, headers: headers, token: 1)
                    }
                }
            }
            if let error { throw error.withContext("test produce") }
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
        return try producer.client.topicNames()
    }

    /// Reads the output topics from the beginning until `expected` messages arrived (then a
    /// little longer, so duplicates show) or `timeout` passed.
    func collectOutputs(expected: Int, timeout: Duration = .seconds(90)) throws -> [OutputMessage] {
        try collect(topics: outputs.map { ($0, 3) }, expected: expected, timeout: timeout, untilCommitted: true)
    }

    /// Reads the output topics until every message of `sent` is there at least once (with
    /// repeats, however many), then a little longer.
    func collectOutputs(covering sent: [TestMessage], timeout: Duration = .seconds(90)) throws -> [OutputMessage] {
        try collectOutputs(coveringIDs: Set(sent.map(\.id)), timeout: timeout)
    }

    /// Reads the output topics until an output with each of `ids` is there (with repeats,
    /// however many), then a little longer. Each output is looked at once: a check of all
    /// that was read per message read took minutes over a fan-out's 12,000 outputs.
    func collectOutputs(coveringIDs ids: Set<String>, timeout: Duration = .seconds(90)) throws -> [OutputMessage] {
        var missing = ids
        var checked = 0
        return try collect(topics: outputs.map { ($0, 3) }, expected: .max, timeout: timeout, untilCommitted: true) { collected in
            for output in collected[checked...] { if let id = output.id { missing.remove(id) } }
            checked = collected.count
            return missing.isEmpty
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
        try consumer.assign(topics.flatMap { topic, count in (0..<count).map { (topic, $0, KafkaOffset.beginning) } })
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
            guard case .success(let message) = consumer.poll(timeoutMilliseconds: 100) else { continue }
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
    init(_ message: KafkaMessage) {
        var headers: [(String, [UInt8]?)] = []
        message.forEachHeader { name, value in headers.append((String(decoding: name, as: UTF8.self), value.map(Array.init))) }
        self.init(
            topic: message.topic, partition: message.partition, offset: message.offset, timestamp: message.timestamp,
            key: message.key.map(Array.init), value: message.value.map(Array.init), headers: headers)
    }
}

func withOptionalBytes<R>(_ bytes: [UInt8]?, _ body: (UnsafeRawBufferPointer?) -> R) -> R {
    guard let bytes else { return body(nil) }
    return bytes.withUnsafeBytes { body($0) }
}
