import SluiceSupport

extension MessageFlow {
    /// Publishes every held failure that is due back to the input topic, and ends the
    /// retrier's saturation pause once half of what it may hold is free.
    func republishDue(releasing feed: ConsumerFeed) {
        for slot in heldRetries.takeDue(at: WallClock.milliseconds) {
            table[slot].stage = .republishing
            republish(slot: slot)
        }
        feed.releaseSaturation(ifHalfEmpty: table.retries, limit: bufferLimit)
    }

    /// The wall-clock wait until the next held failure is due.
    var timeUntilNextRetry: Duration? {
        heldRetries.timeUntilNext(at: WallClock.milliseconds)
    }

    /// Produces a held failure to its input topic (`InputTopics.home`) as its next
    /// attempt: the failure's own headers go, the first failure's context stays. One no
    /// input topic takes any more (the input changed to patterns that do not match it) is
    /// dead-lettered.
    func republish(slot: Int) {
        let message = table[slot].message
        let original = message.header(OutputHeaders.originalTopic)
        guard let topic = settings.inputTopics.home(of: original) else {
            let reason = "no input topic to retry it in: \(settings.inputTopics) does not take \(original ?? "its topic (no sluice.original.topic)")"
            logger.error("\(reason); dead-lettering it", metadata: inputMetadata(slot))
            table[slot].produce(VerdictOutput(verdict: .permanent, reason: reason, source: .unproducible))
            return produceVerdict(slot: slot)
        }
        let headers = message.copyOfHeaders(capacity: 1)
        for name in OutputHeaders.perFailure { headers.remove(name) }
        headers.set(OutputHeaders.attempt, String(table[slot].attempt + 1))
        let error = outputs.producer.produce(
            topic: topic, preferring: OutputHeaders.originalPartition(of: message, in: topic),
            key: message.key, value: message.value, headers: headers, token: OutputID(slot: slot).token)
        if let error { enqueueFailed(OutputID(slot: slot), error: error, topic: topic) }
    }

    /// Frees the held (not yet due) failures of partitions for which `predicate` holds:
    /// their offsets are not committed, so the next owner holds them again, with the same
    /// due times. For partitions that are lost: the next owner has them already.
    func releaseWaitingRetries(of predicate: (PartitionProgress) -> Bool) {
        for slot in heldRetries.take(where: { predicate(table[$0].progress) }) { discard(slot) }
    }

    /// Writes the held (not yet due) failures of partitions for which `predicate` holds
    /// back to the end of their transient-failure partitions, headers and due time
    /// unchanged, so that once delivered their offsets, and those of everything after them
    /// already retried, can be committed: a stop or a revoke then redoes nothing, and the
    /// next owner holds the copies until they are due.
    func handBackWaitingRetries(of predicate: (PartitionProgress) -> Bool) {
        for slot in heldRetries.take(where: { predicate(table[$0].progress) }) {
            table[slot].stage = .handingBack
            handBack(slot: slot)
        }
    }

    /// Produces a held failure again to its own transient-failure partition.
    func handBack(slot: Int) {
        let message = table[slot].message
        let error = outputs.producer.produce(
            topic: settings.transientTopic, preferring: table[slot].progress.partition, key: message.key, value: message.value,
            headers: message.copyOfHeaders(capacity: 0), token: OutputID(slot: slot).token)
        if let error { enqueueFailed(OutputID(slot: slot), error: error, topic: settings.transientTopic) }
    }
}
