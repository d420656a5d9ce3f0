import CRdKafka
import PluginProtocol

extension Pipeline {
    /// Enqueues the output of a message's verdict: the success topic gets the replacement
    /// (or the original) value, the failure topics get the original bytes with headers that
    /// say why. Key and headers always stay. A refused enqueue is retried, never dropped.
    func produceVerdict(slot: Int) {
        let record = table[slot]
        guard case .producing(let output) = record.stage else { return }
        let message = record.message
        let headers = OutputHeaders.copyOfHeaders(message, extra: output.headers.count + 7)
        for header in output.headers { OutputHeaders.add(headers, header.name, header.value) }
        let topic: String
        switch output.verdict {
        case .success:
            topic = settings.successTopic
        case .transient, .permanent:
            topic = output.verdict == .transient ? settings.transientTopic : settings.permanentTopic
            OutputHeaders.add(headers, OutputHeaders.reason, output.reason ?? "plugin gave no reason")
            OutputHeaders.add(headers, OutputHeaders.verdict, output.verdict.rawValue)
            OutputHeaders.add(headers, OutputHeaders.attempt, String(record.attempt))
            OutputHeaders.add(headers, OutputHeaders.originalTopic, record.progress.topic)
            OutputHeaders.add(headers, OutputHeaders.originalPartition, String(record.progress.partition))
            OutputHeaders.add(headers, OutputHeaders.originalOffset, String(record.offset))
            OutputHeaders.add(headers, OutputHeaders.originalTimestamp, String(rd_kafka_message_timestamp(message, nil)))
        }
        let error: rd_kafka_resp_err_t
        if let payload = output.payload {
            error = payload.withUnsafeBytes { value in
                producer.produce(topic: topic, key: record.key, value: value, headers: headers, token: UInt(slot + 1))
            }
        } else {
            error = producer.produce(topic: topic, key: record.key, value: record.value, headers: headers, token: UInt(slot + 1))
        }
        guard error == RD_KAFKA_RESP_ERR_NO_ERROR else {
            rd_kafka_headers_destroy(headers)
            if error != RD_KAFKA_RESP_ERR__QUEUE_FULL {
                logger.error("cannot enqueue to \(topic): \(String(cString: rd_kafka_err2str(error))); retrying in 1 s")
            }
            produceRetries.append((slot, .now + .seconds(1)))
            return
        }
    }

    /// A delivery report: on success the message is done and its partition's commit
    /// position may move; on failure the output is produced again.
    func handleDelivery(_ report: UnsafePointer<rd_kafka_message_t>) {
        let slot = Int(bitPattern: report.pointee._private) - 1
        guard table.contains(slot), case .producing(let output) = table[slot].stage else { return }
        let error = report.pointee.err
        guard error == RD_KAFKA_RESP_ERR_NO_ERROR else {
            logger.error(
                "delivery failed: \(String(cString: rd_kafka_err2str(error))); producing again in 1 s",
                metadata: ["topic": "\(String(cString: rd_kafka_topic_name(report.pointee.rkt)))"])
            produceRetries.append((slot, .now + .seconds(1)))
            return
        }
        switch output.verdict {
        case .success: counters.success += 1
        case .transient: counters.transient += 1
        case .permanent: counters.permanent += 1
        }
        let record = table.remove(slot)
        record.progress.held -= 1
        if record.progress.finish(record.offset) {
            partitionsToStore.append(record.progress)
        }
        rd_kafka_message_destroy(record.message)
        resumeFetchingIfDrained()
    }

    /// Hands the moved commit positions to librdkafka, which commits them.
    func storeOffsets() {
        guard !partitionsToStore.isEmpty else { return }
        var offsets: [(topic: String, partition: Int32, next: Int64)] = []
        for progress in partitionsToStore {
            if let next = progress.storable {
                offsets.append((progress.topic, progress.partition, next))
                progress.markStored()
            }
        }
        partitionsToStore.removeAll(keepingCapacity: true)
        guard !offsets.isEmpty else { return }
        if let error = consumer.storeOffsets(offsets) {
            logger.error("\(error)")
        }
    }
}
