import SluiceSupport

extension MessageFlow {
    /// What a consumed message brings: where it is, its key's hash, how much memory it
    /// holds, and what its headers say.
    package struct Consumed {
        package let partition: TopicPartition
        package let offset: Int64
        /// Nil for no key.
        package let keyHash: Int?
        /// Bytes of key and value.
        package let bytes: Int
        /// The attempt it is (`sluice.attempt`, 1 without).
        package let attempt: Int

        package init(partition: TopicPartition, offset: Int64, keyHash: Int?, bytes: Int, attempt: Int) {
            self.partition = partition
            self.offset = offset
            self.keyHash = keyHash
            self.bytes = bytes
            self.attempt = attempt
        }
    }

    /// Whether the input holds as much as it may: it takes no more until some finish
    /// (unless fetching is paused: then polling takes only what was fetched before).
    package var isInputFull: Bool { settings.bufferLimit.isReached(by: table.input) }

    /// Whether the retrier holds as many failures as it may.
    package var isRetrierFull: Bool { settings.bufferLimit.isReached(by: table.retries) }

    /// Whether the input holds at most half of what it may: a hold for being full ends.
    package var isInputHalfEmpty: Bool { settings.bufferLimit.isHalfEmpty(table.input) }

    /// Whether the retrier holds at most half of what it may.
    package var isRetrierHalfEmpty: Bool { settings.bufferLimit.isHalfEmpty(table.retries) }

    /// A message polled from the input. Returns its slot, under which the interpreter keeps
    /// (and counts) the message, or nil when it is not taken (a late message of a revoked
    /// partition).
    package mutating func polled(_ message: Consumed) -> Int? {
        guard let progress = partitions[message.partition], !progress.isRevoked, !progress.isRetry else { return nil }
        progress.take(message.offset, at: now)
        let slot = table.insert(
            MessageRecord(
                progress: progress, offset: message.offset, keyHash: message.keyHash, attempt: message.attempt, consumedAt: now,
                bytes: message.bytes))
        scheduler.enqueue(slot, keyHash: message.keyHash)
        table[slot].holdsKey = message.keyHash != nil
        return slot
    }

    /// A transient failure polled by the retrier: held until `due` (header
    /// `sluice.retry.due`, set when it failed), so a restarted retrier keeps the delays;
    /// without one (a kafka-native plugin's transient output), the first delay. Returns
    /// its slot, or nil when it is not taken.
    package mutating func polledRetry(_ message: Consumed, due: Int64?) -> Int? {
        guard let progress = partitions[message.partition], !progress.isRevoked, progress.isRetry else { return nil }
        progress.take(message.offset, at: now)
        let slot = table.insert(
            MessageRecord(
                progress: progress, offset: message.offset, keyHash: nil, attempt: message.attempt, consumedAt: now,
                bytes: message.bytes, stage: .waitingForRetry))
        heldRetries.hold(slot, due: due ?? wallMilliseconds + settings.retry.base.inMilliseconds)
        settleSaturation()
        return slot
    }
}
