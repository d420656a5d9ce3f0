import CRdKafka
import SluiceSupport
import SluiceCore

/// A group consumer over librdkafka's high-level consumer. Offsets are stored explicitly
/// (`enable.auto.offset.store=false`) and committed by librdkafka's auto-commit, on revoke
/// and on close. Used from the pipeline thread only.
package final class KafkaConsumer {
    package let client: KafkaClient
    /// The consumer queue; it also carries rebalance events (`rd_kafka_poll_set_consumer`).
    private let queue: OpaquePointer
    private(set) var isClosed = false

    package init(configuration: KafkaConfiguration, context: KafkaClientContext) throws(KafkaError) {
        client = try KafkaClient(kind: .consumer, configuration: configuration, context: context)
        rd_kafka_poll_set_consumer(client.handle)
        queue = rd_kafka_queue_get_consumer(client.handle)
    }

    deinit {
        rd_kafka_queue_destroy(queue)
        if !isClosed { _ = close() }
    }

    /// How long a commit or a close may wait for the broker by default.
    package static let brokerWait = Duration.seconds(30)

    /// Writes a byte to `fd` when messages or events arrive.
    package func enableWakeups(fd: Int32) {
        KafkaClient.enableWakeups(queue: queue, fd: fd)
    }

    package func subscribe(topics: [String]) throws(KafkaError) {
        let list = TopicPartitionList(capacity: topics.count)
        for topic in topics { list.add(topic: topic, partition: RD_KAFKA_PARTITION_UA) }
        let error = rd_kafka_subscribe(client.handle, list.pointer)
        guard error == RD_KAFKA_RESP_ERR_NO_ERROR else {
            throw KafkaError(.subscription, "cannot subscribe to \(topics.joined(separator: ","))", error: error)
        }
    }

    /// Reads the given partitions from the given offsets, outside any group.
    package func assign(_ partitions: [(topic: String, partition: Int32, offset: Int64)]) throws(KafkaError) {
        let list = TopicPartitionList(capacity: partitions.count)
        for entry in partitions { list.add(topic: entry.topic, partition: entry.partition, offset: entry.offset) }
        let error = rd_kafka_assign(client.handle, list.pointer)
        guard error == RD_KAFKA_RESP_ERR_NO_ERROR else {
            throw KafkaError(.subscription, "cannot assign partitions", error: error)
        }
    }

    /// The next message or consumer error, waiting at most `timeoutMilliseconds`; nil when
    /// the queue is empty. Rebalance callbacks run inside this call.
    package func poll(timeoutMilliseconds: Int32 = 0) -> Result<KafkaMessage, KafkaError>? {
        var timeout = timeoutMilliseconds
        while let message = rd_kafka_consumer_poll(client.handle, timeout) {
            let code = message.pointee.err
            if code == RD_KAFKA_RESP_ERR_NO_ERROR { return .success(KafkaMessage(taking: message)) }
            rd_kafka_message_destroy(message)
            // The end of a partition (`enable.partition.eof`) is not news here.
            guard code == RD_KAFKA_RESP_ERR__PARTITION_EOF else {
                // A consumer's fatal error comes as a polled error (its error callback is
                // not called for it): the client can do nothing more, so it ends the run.
                if code == RD_KAFKA_RESP_ERR__FATAL { reportFatalError(client.handle, to: client.context) }
                return .failure(KafkaError(.broker, "consumer", error: code))
            }
            timeout = 0
        }
        return nil
    }

    /// Stores the next offset to commit for each partition.
    package func storeOffsets(_ offsets: [(topic: String, partition: Int32, next: Int64)]) -> KafkaError? {
        let list = TopicPartitionList(capacity: offsets.count)
        for entry in offsets { list.add(topic: entry.topic, partition: entry.partition, offset: entry.next) }
        let error = rd_kafka_offsets_store(client.handle, list.pointer)
        // ERR__STATE: a partition is no longer assigned; its work is redone by the new owner.
        guard error == RD_KAFKA_RESP_ERR_NO_ERROR || error == RD_KAFKA_RESP_ERR__STATE else {
            return KafkaError(.offsets, "cannot store offsets", error: error)
        }
        return nil
    }

    /// The partitions of `topic` assigned to this consumer now.
    package func assignment(topic: String) -> [Int32] {
        var list: UnsafeMutablePointer<rd_kafka_topic_partition_list_t>?
        guard rd_kafka_assignment(client.handle, &list) == RD_KAFKA_RESP_ERR_NO_ERROR, let list else { return [] }
        defer { rd_kafka_topic_partition_list_destroy(list) }
        return list.entries.filter { $0.topic == topic }.map(\.partition)
    }

    /// The group's committed offsets (next to read; negative when none).
    package func committed(topic: String, partitions: [Int32]) throws(KafkaError) -> [Int32: Int64] {
        try offsets(topic: topic, partitions: partitions) { rd_kafka_committed(client.handle, $0, 10_000) }
    }

    /// The next offset this consumer will read, per partition (negative when unknown).
    package func positions(topic: String, partitions: [Int32]) throws(KafkaError) -> [Int32: Int64] {
        try offsets(topic: topic, partitions: partitions) { rd_kafka_position(client.handle, $0) }
    }

    private func offsets(
        topic: String, partitions: [Int32],
        _ query: (UnsafeMutablePointer<rd_kafka_topic_partition_list_t>) -> rd_kafka_resp_err_t
    ) throws(KafkaError) -> [Int32: Int64] {
        let list = TopicPartitionList(capacity: partitions.count)
        for partition in partitions { list.add(topic: topic, partition: partition) }
        let error = query(list.pointer)
        guard error == RD_KAFKA_RESP_ERR_NO_ERROR else { throw KafkaError(.offsets, "cannot read offsets", error: error) }
        return Dictionary(uniqueKeysWithValues: list.pointer.entries.map { ($0.partition, $0.offset) })
    }

    /// The first offset whose timestamp is at or after each entry's offset (taken as a time
    /// in ms, or `KafkaOffset.beginning`/`.end`), in one ListOffsets request.
    package func offsets(forTimes entries: [(topic: String, partition: Int32, offset: Int64)]) throws(KafkaError)
        -> [(topic: String, partition: Int32, offset: Int64)]
    {
        let list = TopicPartitionList(capacity: entries.count)
        for entry in entries { list.add(topic: entry.topic, partition: entry.partition, offset: entry.offset) }
        var error = rd_kafka_offsets_for_times(client.handle, list.pointer, 10_000)
        let answers = list.pointer.entries
        if error == RD_KAFKA_RESP_ERR_NO_ERROR, let failed = answers.first(where: { $0.error != RD_KAFKA_RESP_ERR_NO_ERROR }) {
            error = failed.error
        }
        guard error == RD_KAFKA_RESP_ERR_NO_ERROR else { throw KafkaError(.offsets, "cannot read offsets", error: error) }
        return answers.map { ($0.topic, $0.partition, $0.offset) }
    }

    /// The low and high watermarks of a partition, asked of the broker.
    package func watermarks(topic: String, partition: Int32) throws(KafkaError) -> (low: Int64, high: Int64) {
        var low: Int64 = 0
        var high: Int64 = 0
        let error = rd_kafka_query_watermark_offsets(client.handle, topic, partition, &low, &high, 10_000)
        guard error == RD_KAFKA_RESP_ERR_NO_ERROR else {
            throw KafkaError(.offsets, "cannot read the watermarks of \(topic)[\(partition)]", error: error)
        }
        return (low, high)
    }

    /// The high watermark of a partition as last seen in a fetch response (no request);
    /// nil before the first fetch.
    package func cachedHighWatermark(topic: String, partition: Int32) -> Int64? {
        var low: Int64 = 0
        var high: Int64 = 0
        let error = rd_kafka_get_watermark_offsets(client.handle, topic, partition, &low, &high)
        guard error == RD_KAFKA_RESP_ERR_NO_ERROR, high >= 0 else { return nil }
        return high
    }

    /// Commits the stored offsets now and waits for the broker's answer, at most `timeout`
    /// (a synchronous commit waits as long as the coordinator cannot be reached), calling
    /// `serve` between looks at the answer.
    package func commitStored(timeout: Duration = brokerWait, serving serve: () -> Void = {}) -> KafkaError? {
        let results = rd_kafka_queue_new(client.handle)!
        defer { rd_kafka_queue_destroy(results) }
        var error = rd_kafka_commit_queue(client.handle, nil, results, nil, nil)
        if error == RD_KAFKA_RESP_ERR_NO_ERROR {
            // The answer arrives as an event on `results`.
            guard let event = Self.waitForEvent(on: results, until: .now + timeout, serving: serve) else {
                return KafkaError(
                    .offsets, "cannot commit offsets: no answer from the broker within \(timeout.wholeSeconds) s",
                    rdKafkaError: RD_KAFKA_RESP_ERR__TIMED_OUT)
            }
            error = rd_kafka_event_error(event)
            rd_kafka_event_destroy(event)
        }
        guard error == RD_KAFKA_RESP_ERR_NO_ERROR || error == RD_KAFKA_RESP_ERR__NO_OFFSET else {
            return KafkaError(.offsets, "cannot commit offsets", error: error)
        }
        return nil
    }

    private static func waitForEvent(on queue: OpaquePointer, until deadline: ContinuousClock.Instant, serving serve: () -> Void)
        -> OpaquePointer?
    {
        while ContinuousClock.now < deadline {
            serve()
            if let event = rd_kafka_queue_poll(queue, 100) { return event }
        }
        return nil
    }

    /// Serves what waits in the consumer queue, rebalances included (the callback runs
    /// here), and drops the messages: for a stop, which takes no more. While a rebalance
    /// waits for this consumer to give up its partitions, librdkafka answers no commit, so
    /// a stop waiting for one must serve it. A dropped message's offset is never stored,
    /// so the group's next owner reads it again.
    package func serveDroppingMessages() {
        while let message = rd_kafka_consumer_poll(client.handle, 0) { rd_kafka_message_destroy(message) }
    }

    package func pause(_ partitions: [TopicPartition]) {
        changePause(partitions, pause: true)
    }

    package func resume(_ partitions: [TopicPartition]) {
        changePause(partitions, pause: false)
    }

    private func changePause(_ partitions: [TopicPartition], pause: Bool) {
        guard !partitions.isEmpty else { return }
        let list = TopicPartitionList(capacity: partitions.count)
        for entry in partitions { list.add(topic: entry.topic, partition: entry.partition) }
        if pause {
            rd_kafka_pause_partitions(client.handle, list.pointer)
        } else {
            rd_kafka_resume_partitions(client.handle, list.pointer)
        }
    }

    /// Leaves the group: revokes (the rebalance callback runs here), commits, closes,
    /// waiting at most `timeout` for the broker. A close that cannot finish abandons the
    /// client: destroying it would wait for the broker too.
    package func close(timeout: Duration = brokerWait) -> KafkaError? {
        guard !isClosed else { return nil }
        isClosed = true
        let events = rd_kafka_queue_new(client.handle)!
        defer { rd_kafka_queue_destroy(events) }
        if let failure = rd_kafka_consumer_close_queue(client.handle, events) {
            defer { rd_kafka_error_destroy(failure) }
            client.abandon()
            return KafkaError(.broker, "closing the consumer: \(String(cString: rd_kafka_error_string(failure)))")
        }
        let deadline = ContinuousClock.now + timeout
        while rd_kafka_consumer_closed(client.handle) == 0 {
            guard ContinuousClock.now < deadline else {
                client.abandon()
                return KafkaError(
                    .broker, "the consumer could not leave its group within \(timeout.wholeSeconds) s: no answer from the broker",
                    rdKafkaError: RD_KAFKA_RESP_ERR__TIMED_OUT)
            }
            // Events, not callbacks: the consumer queue is forwarded here, so messages
            // fetched and not yet taken arrive too, which a callback-only poll cannot serve
            // (librdkafka asserts). The revoke comes as an event; the rest is dropped.
            guard let event = rd_kafka_queue_poll(events, 100) else { continue }
            defer { rd_kafka_event_destroy(event) }
            if rd_kafka_event_type(event) == RD_KAFKA_EVENT_REBALANCE, let partitions = rd_kafka_event_topic_partition_list(event) {
                client.context.rebalance(client.handle, error: rd_kafka_event_error(event), partitions: partitions)
            }
        }
        return nil
    }
}
