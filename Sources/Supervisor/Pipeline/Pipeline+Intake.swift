import SluiceCore

/// Taking messages from the consumers into the flow.
extension Pipeline {
    /// How long the input consumer may go unpolled while the pool is full before fetching
    /// is paused, far below `max.poll.interval.ms`.
    static let longestUnpolled = Duration.seconds(5)

    /// Whether to take messages from the input now. While the daemon holds
    /// `maxBufferedMessages` it stops taking them and lets librdkafka's bounded prefetch
    /// wait (cheap: nothing is thrown away). Only if that leaves the consumer unpolled for
    /// `longestUnpolled` (the plugins are stuck) does it pause the partitions, so it can
    /// poll again and stay in the group however long the plugins take.
    func shouldPollInput(now: ContinuousClock.Instant) -> Bool {
        guard input.isTaking else { return false }
        if input.isClosed || !flow.isInputFull { return input.hasEvents }
        guard now - input.lastPoll >= Self.longestUnpolled else { return false }
        input.hold(.saturated)
        logger.warning("no verdict for \(Self.longestUnpolled) with the pool full: pausing fetching, staying in the group")
        return true
    }

    /// When the input must be polled again at the latest: while the daemon is full and
    /// fetching still runs, `longestUnpolled` after the last poll.
    var nextForcedPoll: ContinuousClock.Instant? {
        guard input.isTaking && !input.isClosed && flow.isInputFull else { return nil }
        return input.lastPoll + Self.longestUnpolled
    }

    /// Takes what the input consumer's queue holds, at most a batch (so pipes are served
    /// in between) and not beyond the buffer limit unless fetching is paused.
    func pollInput() {
        input.lastPoll = loop.time
        // The input consumer is subscribed to the input topics alone (with one, its messages
        // need no look-up of their topic's name).
        let single = settings.inputTopics.single
        for _ in 0..<1000 {
            guard input.isClosed || !flow.isInputFull else { break }
            switch input.consumer.poll() {
            case .success(let message):
                var keyHash: Int?
                if let key = message.key {
                    var hasher = Hasher()
                    hasher.combine(bytes: key)
                    keyHash = hasher.finalize()
                }
                let consumed = MessageFlow.Consumed(
                    partition: TopicPartition(topic: single ?? message.topic, partition: message.partition), offset: message.offset,
                    keyHash: keyHash, bytes: message.heldBytes, attempt: OutputHeaders.attempt(of: message))
                if let slot = flow.polled(consumed) {
                    messages.keep(message, at: slot)
                    figures.consumed()
                }
            case .failure(let error): logger.warning("\(error)")
            case nil:
                input.hasEvents = false
                return carryOut()
            }
        }
        carryOut()
    }

    /// Ends the input's saturation pause once half of the held messages are done.
    func resumeFetchingIfDrained() {
        input.releaseSaturation(ifHalfEmpty: flow.isInputHalfEmpty)
    }

    /// Takes transient failures from the retrier's consumer and holds each until its due
    /// time. Any number are held at once up to the buffer limits (messages and bytes,
    /// counted apart from the input's), so a long delay never holds back a shorter one
    /// behind it, nor the input; past the limits the partitions are paused.
    func pollRetries(_ feed: ConsumerFeed) {
        taking: for _ in 0..<1000 where !flow.isRetrierFull {
            switch feed.consumer.poll() {
            case .success(let message):
                let consumed = MessageFlow.Consumed(
                    partition: TopicPartition(topic: settings.transientTopic, partition: message.partition), offset: message.offset,
                    keyHash: nil, bytes: message.heldBytes, attempt: OutputHeaders.attempt(of: message))
                if let slot = flow.polledRetry(consumed, due: OutputHeaders.integer(OutputHeaders.retryDue, of: message)) {
                    messages.keep(message, at: slot)
                }
            case .failure(let error): logger.warning("retrier \(error)")
            case nil:
                feed.hasEvents = false
                break taking
            }
        }
        if !feed.holds(.saturated) && flow.isRetrierFull { feed.hold(.saturated) }
        carryOut()
    }

    /// Publishes every held failure that is due back to the input topic, and ends the
    /// retrier's saturation pause once half of what it may hold is free.
    func republishDue(releasing feed: ConsumerFeed) {
        flow.republishDue()
        carryOut()
        feed.releaseSaturation(ifHalfEmpty: flow.isRetrierHalfEmpty)
    }
}
