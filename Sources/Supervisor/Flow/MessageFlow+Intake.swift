import SluiceSupport

extension MessageFlow {
    /// How long the input consumer may go unpolled while the pool is full before fetching
    /// is paused, far below `max.poll.interval.ms`.
    static let longestUnpolled = Duration.seconds(5)

    /// Whether to take messages from `input` now. While the daemon holds
    /// `maxBufferedMessages` it stops taking them and lets librdkafka's bounded prefetch
    /// wait (cheap: nothing is thrown away). Only if that leaves the consumer unpolled for
    /// `longestUnpolled` (the plugins are stuck) does it pause the partitions, so it can
    /// poll again and stay in the group however long the plugins take.
    func shouldPoll(_ input: ConsumerFeed, now: ContinuousClock.Instant) -> Bool {
        guard input.isTaking else { return false }
        if input.isClosed || !bufferLimit.isReached(by: table.input) { return input.hasEvents }
        guard now - input.lastPoll >= Self.longestUnpolled else { return false }
        input.hold(.saturated)
        logger.warning("no verdict for \(Self.longestUnpolled) with the pool full: pausing fetching, staying in the group")
        return true
    }

    /// When the input must be polled again at the latest: while the daemon is full and
    /// fetching still runs, `longestUnpolled` after the last poll.
    func nextForcedPoll(of input: ConsumerFeed) -> ContinuousClock.Instant? {
        guard input.isTaking && !input.isClosed && bufferLimit.isReached(by: table.input) else { return nil }
        return input.lastPoll + Self.longestUnpolled
    }

    /// Takes what the input consumer's queue holds, at most a batch (so pipes are served
    /// in between) and not beyond the buffer limit unless fetching is paused.
    func poll(_ input: ConsumerFeed) {
        input.lastPoll = .now
        for _ in 0..<1000 {
            guard input.isClosed || !bufferLimit.isReached(by: table.input) else { return }
            switch input.consumer.poll() {
            case .success(let message): accept(message, at: input.lastPoll)
            case .failure(let error): logger.warning("\(error)")
            case nil:
                input.hasEvents = false
                return
            }
        }
    }

    /// Ends the input's saturation pause once half of the held messages are done.
    func resumeFetchingIfDrained(_ input: ConsumerFeed) {
        input.releaseSaturation(ifHalfEmpty: table.input, limit: bufferLimit)
    }

    private func accept(_ message: KafkaMessage, at now: ContinuousClock.Instant) {
        // The input consumer is subscribed to the input topics alone (with one, its messages
        // need no look-up of their topic's name). A late message of a revoked partition is
        // dropped.
        let topic = settings.inputTopics.single ?? message.topic
        guard let progress = partitions[topic: topic, partition: message.partition], !progress.isRevoked else { return }
        var keyHash: Int?
        if let key = message.key {
            var hasher = Hasher()
            hasher.combine(bytes: key)
            keyHash = hasher.finalize()
        }
        let offset = message.offset
        progress.take(offset, at: now)
        let slot = table.insert(
            MessageRecord(
                message: message, progress: progress, offset: offset, keyHash: keyHash,
                attempt: OutputHeaders.attempt(of: message), consumedAt: FixedInstant(now)))
        scheduler.enqueue(slot, keyHash: keyHash)
        table[slot].holdsKey = keyHash != nil
        figures.consumed()
    }

    /// Takes transient failures from the retrier's consumer and holds each until its due
    /// time (header `sluice.retry.due`, set when it failed), so a restarted retrier keeps
    /// the delays. Any number are held at once up to the buffer limits (messages and bytes,
    /// counted apart from the input's), so a long delay never holds back a shorter one
    /// behind it, nor the input; past the limits the partitions are paused.
    func pollRetries(_ feed: ConsumerFeed) {
        taking: for _ in 0..<1000 where !bufferLimit.isReached(by: table.retries) {
            switch feed.consumer.poll() {
            case .success(let message): acceptRetry(message)
            case .failure(let error): logger.warning("retrier \(error)")
            case nil:
                feed.hasEvents = false
                break taking
            }
        }
        if !feed.holds(.saturated) && bufferLimit.isReached(by: table.retries) {
            feed.hold(.saturated)
        }
    }

    private func acceptRetry(_ message: KafkaMessage) {
        guard let progress = partitions[topic: settings.transientTopic, partition: message.partition], !progress.isRevoked else {
            return
        }
        progress.take(message.offset, at: now)
        let slot = table.insert(
            MessageRecord(
                message: message, progress: progress, offset: message.offset, keyHash: nil,
                attempt: OutputHeaders.attempt(of: message), consumedAt: FixedInstant(.now), stage: .waitingForRetry))
        // Without a due time (a kafka-native plugin's transient output), the first delay.
        let due = OutputHeaders.integer(OutputHeaders.retryDue, of: message) ?? WallClock.milliseconds + settings.retry.base.inMilliseconds
        heldRetries.hold(slot, due: due)
    }
}
