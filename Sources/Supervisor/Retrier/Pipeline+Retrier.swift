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
        taking: for _ in 0..<1000 where !bufferLimit.isReached(by: table.retries) {
            switch retrier.feed.consumer.poll() {
            case .success(let message): accept(message, into: retrier)
            case .failure(let error): logger.warning("retrier \(error)")
            case nil:
                retrier.feed.hasEvents = false
                break taking
            }
        }
        if !retrier.feed.holds(.saturated) && bufferLimit.isReached(by: table.retries) {
            retrier.feed.hold(.saturated)
        }
    }

    private func accept(_ message: KafkaMessage, into retrier: Retrier) {
        guard let progress = partitions[topic: settings.transientTopic, partition: message.partition], !progress.isRevoked else {
            return
        }
        progress.take(message.offset, at: loop.time)
        let slot = table.insert(
            MessageRecord(
                message: message, progress: progress, offset: message.offset, keyHash: nil,
                attempt: OutputHeaders.attempt(of: message), consumedAt: .now, stage: .waitingForRetry))
        // Without a due time (a kafka-native plugin's transient output), the first delay.
        let due = OutputHeaders.integer(OutputHeaders.retryDue, of: message) ?? WallClock.milliseconds + settings.retry.base.inMilliseconds
        retrier.held.hold(slot, due: due)
    }

    /// Publishes every held failure that is due back to the input topic.
    func republishDue() {
        guard let retrier else { return }
        for slot in retrier.held.takeDue(at: WallClock.milliseconds) {
            table[slot].stage = .republishing
            republish(slot: slot)
        }
        retrier.feed.releaseSaturation(ifHalfEmpty: table.retries, limit: bufferLimit)
    }

    /// The wall-clock wait until the next retry is due.
    var timeUntilNextRetry: Duration? {
        retrier?.held.timeUntilNext(at: WallClock.milliseconds)
    }

    /// Produces a held failure to the input topic as its next attempt: the failure's own
    /// headers go, the first failure's context stays.
    func republish(slot: Int) {
        let record = table[slot]
        let headers = record.message.copyOfHeaders(capacity: 1)
        for name in OutputHeaders.perFailure { headers.remove(name) }
        headers.set(OutputHeaders.attempt, String(record.attempt + 1))
        let error = outputs.producer.produce(
            topic: settings.inputTopic, preferring: OutputHeaders.originalPartition(of: record.message, in: settings.inputTopic),
            key: record.key, value: record.value, headers: headers, token: UInt(slot + 1))
        if let error { enqueueFailed(slot, error: error, topic: settings.inputTopic) }
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
        retrier?.held.take { predicate(table[$0].progress) } ?? []
    }

    /// Produces a held failure again to its own transient-failure partition.
    func handBack(slot: Int) {
        let record = table[slot]
        let headers = record.message.copyOfHeaders(capacity: 0)
        let error = outputs.producer.produce(
            topic: settings.transientTopic, preferring: record.progress.partition, key: record.key, value: record.value,
            headers: headers, token: UInt(slot + 1))
        if let error { enqueueFailed(slot, error: error, topic: settings.transientTopic) }
    }
}
