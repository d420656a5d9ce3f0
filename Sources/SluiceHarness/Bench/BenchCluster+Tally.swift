import Supervisor

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
        var seen = [UInt8](repeating: 0, count: expected)
        var tally = OutputTally()
        tally.unreadable = try readAll(topics: topics, partitions: partitions) { message in
            tally.perTopic[message.topic, default: 0] += 1
            guard let id = OutputHeaders.integer(Self.idHeader, of: message), id >= 0, id < expected else {
                tally.unreadable += 1
                return
            }
            if seen[Int(id)] > 0 { tally.duplicates += 1 }
            seen[Int(id)] = min(seen[Int(id)], 254) + 1
        }
        tally.missing = seen.reduce(0) { $1 == 0 ? $0 + 1 : $0 }
        return tally
    }

    /// Hands every message that `topics` hold now to `body`, partition by partition in
    /// offset order (interleaved across partitions); returns how many could not be read
    /// (dropped by the mock's retention). Messages written meanwhile are left out: a fast
    /// partition must not end the read before a slow one was read to its end.
    func readAll(
        topics: [String], partitions: Int32, _ body: (KafkaMessage) -> Void
    ) throws(KafkaError) -> Int {
        var ends: [String: [Int64]] = [:]
        for entry in try offsets(topics: topics, partitions: partitions, at: KafkaOffset.end) {
            ends[entry.topic, default: Array(repeating: 0, count: Int(partitions))][Int(entry.partition)] = entry.offset
        }
        let consumer = try KafkaConsumer(
            configuration: KafkaConfiguration([
                ("bootstrap.servers", brokers), ("group.id", "bench-reader"), ("enable.auto.commit", "false"),
            ]),
            context: KafkaClientContext(logger: logger, onFatalError: { _ in }))
        try consumer.assign(
            topics.flatMap { topic in (0..<partitions).map { (topic, $0, KafkaOffset.beginning) } })
        var unread = ends.values.reduce(0) { $0 + $1.reduce(0) { $0 + max(0, Int($1)) } }
        var idle = 0
        while unread > 0 && idle < 100 {
            guard let polled = consumer.poll(timeoutMilliseconds: 100) else {
                idle += 1
                continue
            }
            guard case .success(let message) = polled, message.offset < ends[message.topic]?[Int(message.partition)] ?? 0 else {
                continue
            }
            idle = 0
            unread -= 1
            body(message)
        }
        _ = consumer.close()
        return unread
    }
}
