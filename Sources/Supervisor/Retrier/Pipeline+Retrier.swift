import CRdKafka
import PluginProtocol
import SluiceSupport

extension Pipeline {
    /// Takes transient failures from the retry consumer and holds each until its due time
    /// (header `sluice.retry.due`, set when it failed), so a restarted retrier keeps the
    /// delays. Any number are held at once up to the buffer limits (messages and bytes,
    /// counted apart from the input's), so a long delay never holds back a shorter one
    /// behind it, nor the input; past the limits the partitions are paused.
    func pollRetryConsumer() {
        guard let retrier else { return }
        for _ in 0..<1000 where !isFull(table.retries) {
            guard let message = retrier.consumer.poll() else {
                retrier.hasEvents = false
                break
            }
            acceptRetry(message)
        }
        if !retrier.holds(.saturated) && isFull(table.retries) {
            retrier.hold(.saturated)
        }
    }

    private func acceptRetry(_ message: UnsafeMutablePointer<rd_kafka_message_t>) {
        guard message.pointee.err == RD_KAFKA_RESP_ERR_NO_ERROR,
            let progress = partitions[topic: settings.transientTopic, partition: message.pointee.partition],
            !progress.isRevoked
        else {
            rd_kafka_message_destroy(message)
            return
        }
        progress.track(message.pointee.offset)
        if progress.held == 0 { progress.positionMovedAt = eventTime }
        progress.held += 1
        let slot = table.insert(
            MessageRecord(
                message: message, progress: progress, offset: message.pointee.offset, keyHash: nil,
                attempt: OutputHeaders.attempt(of: message), consumedAt: .now, stage: .waitingForRetry))
        // Without a due time (a kafka-native plugin's transient output), the first delay.
        let due = OutputHeaders.integer(OutputHeaders.retryDue, of: message) ?? WallClock.milliseconds + settings.retry.base.inMilliseconds
        heldRetries.hold(slot, due: due)
    }

    /// Publishes every held failure that is due back to the input topic.
    func republishDue() {
        for slot in heldRetries.takeDue(at: WallClock.milliseconds) {
            table[slot].stage = .republishing
            republish(slot: slot)
        }
        if let retrier, retrier.holds(.saturated) && retrier.isTaking && isHalfEmpty(table.retries) {
            retrier.release(.saturated)
        }
    }

    /// The wall-clock wait until the next retry is due.
    var timeUntilNextRetry: Duration? {
        heldRetries.timeUntilNext(at: WallClock.milliseconds)
    }

    /// Produces a held failure to the input topic as its next attempt: the failure's own
    /// headers go, the first failure's context stays.
    func republish(slot: Int) {
        let record = table[slot]
        let headers = OutputHeaders.copyOfHeaders(record.message, extra: 1)
        for name in OutputHeaders.perFailure { _ = rd_kafka_header_remove(headers, name) }
        OutputHeaders.set(headers, OutputHeaders.attempt, String(record.attempt + 1))
        let error = outputs.producer.produce(
            topic: settings.inputTopic, preferring: OutputHeaders.originalPartition(of: record.message, in: settings.inputTopic),
            key: record.key, value: record.value, headers: headers, token: UInt(slot + 1))
        guard error == RD_KAFKA_RESP_ERR_NO_ERROR else {
            rd_kafka_headers_destroy(headers)
            enqueueFailed(slot, topic: settings.inputTopic, error: error)
            return
        }
    }

    /// Frees the held (not yet due) failures of partitions for which `predicate` holds:
    /// their offsets are not committed, so the next owner holds them again, with the same
    /// due times. For partitions that are lost: the next owner has them already.
    func releaseWaitingRetries(of predicate: (PartitionProgress) -> Bool) {
        for slot in takeWaitingRetries(of: predicate) { discard(slot) }
    }

    /// Writes the held (not yet due) failures of partitions for which `predicate` holds
    /// back to the end of their transient-failure partitions, headers and due time
    /// unchanged, so that once delivered their offsets, and those of everything after them
    /// already retried, can be committed: a stop or a revoke then redoes nothing, and the
    /// next owner holds the copies until they are due.
    func handBackWaitingRetries(of predicate: (PartitionProgress) -> Bool) {
        for slot in takeWaitingRetries(of: predicate) {
            table[slot].stage = .handingBack
            handBack(slot: slot)
        }
    }

    private func takeWaitingRetries(of predicate: (PartitionProgress) -> Bool) -> [Int] {
        heldRetries.take { predicate(table[$0].progress) }
    }

    /// Produces a held failure again to its own transient-failure partition.
    func handBack(slot: Int) {
        let record = table[slot]
        let headers = OutputHeaders.copyOfHeaders(record.message, extra: 0)
        let error = outputs.producer.produce(
            topic: settings.transientTopic, preferring: record.progress.partition, key: record.key, value: record.value,
            headers: headers, token: UInt(slot + 1))
        guard error == RD_KAFKA_RESP_ERR_NO_ERROR else {
            rd_kafka_headers_destroy(headers)
            enqueueFailed(slot, topic: settings.transientTopic, error: error)
            return
        }
    }
}
