import CRdKafka

/// Where each input id ended up after a bench run.
struct OutputTally {
    /// Outputs per topic.
    var perTopic: [String: Int] = [:]
    /// Input ids found in no output topic.
    var missing = 0
    /// Outputs beyond the first for an id.
    var duplicates = 0
    /// Outputs that could not be read back (dropped by the mock's retention) or carry no id.
    var unreadable = 0

    var isComplete: Bool { missing == 0 && unreadable == 0 }
}

extension BenchCluster {
    /// Reads every output of `topics` from the beginning and counts the ids 0..<expected.
    func tally(topics: [String], partitions: Int32, expected: Int) throws(KafkaError) -> OutputTally {
        let total = try messageCount(topics: topics, partitions: partitions)
        let consumer = try KafkaConsumer(
            configuration: KafkaConfiguration([
                ("bootstrap.servers", brokers), ("group.id", "bench-tally"), ("enable.auto.commit", "false"),
            ]),
            context: KafkaClientContext(logger: logger, onFatalError: { _ in }))
        try consumer.assign(
            topics.flatMap { topic in (0..<partitions).map { (topic, $0, Int64(RD_KAFKA_OFFSET_BEGINNING)) } })
        var seen = [UInt8](repeating: 0, count: expected)
        var tally = OutputTally()
        var read = 0
        var idle = 0
        while read < total && idle < 100 {
            guard let message = consumer.poll(timeoutMilliseconds: 100) else {
                idle += 1
                continue
            }
            defer { rd_kafka_message_destroy(message) }
            guard message.pointee.err == RD_KAFKA_RESP_ERR_NO_ERROR else { continue }
            idle = 0
            read += 1
            tally.perTopic[String(cString: rd_kafka_topic_name(message.pointee.rkt)), default: 0] += 1
            guard let id = OutputHeaders.integer(Self.idHeader, of: message), id >= 0, id < expected else {
                tally.unreadable += 1
                continue
            }
            if seen[Int(id)] > 0 { tally.duplicates += 1 }
            seen[Int(id)] = min(seen[Int(id)], 254) + 1
        }
        tally.unreadable += total - read
        tally.missing = seen.reduce(0) { $1 == 0 ? $0 + 1 : $0 }
        _ = consumer.close()
        return tally
    }
}
