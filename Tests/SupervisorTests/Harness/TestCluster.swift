import SluiceHarness
import Foundation
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
    var reader: KafkaReader {
        KafkaReader(brokers: brokers, script: "\(SluicedProcess.repositoryRoot)/Tests/SupervisorTests/Readers/kafka_reader.py")
    }

    /// Every output in Kafka now: each output partition read to its end offset as it
    /// stands. After a member has exited or been killed, what it wrote.
    func outputsNow() throws -> [OutputMessage] {
        try reader.read(outputs.map { ($0, Self.outputPartitions) })
    }

    /// Waits until Kafka holds at least `count` outputs (or `timeout` passes): how many
    /// it holds then.
    func waitForOutputs(atLeast count: Int64, timeout: Duration = .seconds(120)) async throws -> Int64 {
        let deadline = ContinuousClock.now + timeout
        var written: Int64 = 0
        while ContinuousClock.now < deadline {
            written = try outputsWritten()
            if written >= count { break }
            try await Task.sleep(for: .milliseconds(200))
        }
        return written
    }

    /// Outputs in Kafka now, from the output topics' end offsets.
    func outputsWritten() throws -> Int64 {
        try reader.ends(outputs.map { ($0, Self.outputPartitions) }).values.joined().reduce(0) { $0 + max(0, $1) }
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

    /// The output topics once they hold `expected` messages and sluiced's group has
    /// committed the whole input, each partition read to its end (`collect`).
    func collectOutputs(expected: Int, timeout: Duration = .seconds(90)) throws -> [OutputMessage] {
        try collect(topics: outputs.map { ($0, Self.outputPartitions) }, expected: expected, timeout: timeout, untilCommitted: true)
    }

    /// The output topics once every message of `sent` is there at least once (with
    /// repeats, however many) and the group has committed the whole input.
    func collectOutputs(covering sent: [TestMessage], timeout: Duration = .seconds(90)) throws -> [OutputMessage] {
        try collectOutputs(coveringIDs: Set(sent.map(\.id)), timeout: timeout)
    }

    /// The output topics once an output with each of `ids` is there (with repeats, however
    /// many) and the group has committed the whole input.
    func collectOutputs(coveringIDs ids: Set<String>, timeout: Duration = .seconds(90)) throws -> [OutputMessage] {
        try collect(topics: outputs.map { ($0, Self.outputPartitions) }, expected: ids.count, timeout: timeout, untilCommitted: true) { collected in
            ids.isSubset(of: collected.lazy.compactMap(\.id))
        }
    }

    /// Reads the input topic from the beginning (originals and the retrier's copies).
    func collectInput(expected: Int, partitions: Int32 = 4, timeout: Duration = .seconds(90)) throws -> [OutputMessage] {
        try collect(topics: [(input, partitions)], expected: expected, timeout: timeout)
    }

    /// Reads `topics` with the independent reader (`KafkaReader`) until they hold
    /// `expected` messages (and, given `complete`, what they hold satisfies it: read again
    /// only when their ends have grown), or `timeout` passes: then what is there,
    /// for the caller's checks to say what is missing. With `untilCommitted`, it then
    /// waits until sluiced's group has committed the whole input topic and reads every
    /// partition to its end offset as it stands then: every output of a committed message
    /// lies below it, so a late repeat is counted, not missed. A group that never commits
    /// the whole input within `timeout` fails the collection.
    func collect(
        topics: [(String, Int32)], expected: Int, timeout: Duration, untilCommitted: Bool = false,
        complete: (([OutputMessage]) -> Bool)? = nil
    ) throws -> [OutputMessage] {
        let deadline = ContinuousClock.now + timeout
        let remaining = { max(Duration.seconds(10), deadline - .now) }
        // The ends' total when they were last read whole: the ends tell when enough may be
        // there without reading it all again.
        var readAt: Int64 = -1
        while true {
            let total = try reader.ends(topics).values.joined().reduce(0) { $0 + max(0, $1) }
            var ready = total >= Int64(min(expected, Int(Int64.max)))
            if ready, let complete {
                ready = try total > readAt && complete(reader.read(topics, timeout: remaining()))
                readAt = total
            }
            if ready || ContinuousClock.now >= deadline { break }
            Thread.sleep(forTimeInterval: 0.25)
        }
        if untilCommitted {
            while try !isInputCommitted() {
                guard ContinuousClock.now < deadline else {
                    throw KafkaReader.ReaderError(description: "sluiced's group never committed the whole input within \(timeout)")
                }
                Thread.sleep(forTimeInterval: 0.25)
            }
        }
        return try reader.read(topics, timeout: remaining())
    }

    /// Where each id was written in the input topic (its first copy), and its key, read
    /// back by the independent reader.
    func inputPositions() throws -> [String: InputPosition] {
        var positions: [String: InputPosition] = [:]
        for record in try reader.read([(input, inputPartitions)]) {
            guard let id = record.id, positions[id] == nil else { continue }
            positions[id] = InputPosition(partition: record.partition, offset: record.offset, key: record.key)
        }
        return positions
    }

    struct InputPosition {
        let partition: Int32
        let offset: Int64
        let key: [UInt8]?
    }

    /// Whether sluiced's group has committed every input partition to its end offset.
    func isInputCommitted() throws -> Bool {
        let committed = try reader.committed(group: group, topic: input, partitions: inputPartitions)
        let ends = try reader.ends([(input, inputPartitions)])[input] ?? []
        // An end not known (its leader did not answer) is not committed.
        return committed.count == ends.count && zip(committed, ends).allSatisfy { $1 >= 0 && ($0 >= $1 || $1 == 0) }
    }
}

func withOptionalBytes<R>(_ bytes: [UInt8]?, _ body: (UnsafeRawBufferPointer?) -> R) -> R {
    guard let bytes else { return body(nil) }
    return bytes.withUnsafeBytes { body($0) }
}

extension OutputMessage {
    /// Whether its `sluice.original.*` headers name `input`, the place its message was
    /// written in `cluster`'s input topic.
    func hasOrigin(_ input: TestCluster.InputPosition?, in cluster: TestCluster) -> Bool {
        guard let input else { return false }
        return header("sluice.original.topic") == cluster.input && header("sluice.original.partition") == "\(input.partition)"
            && header("sluice.original.offset") == "\(input.offset)"
    }
}
