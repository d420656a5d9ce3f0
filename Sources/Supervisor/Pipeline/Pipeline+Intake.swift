import SluiceCore

/// Taking messages from the consumers into the flow.
extension Pipeline {
    /// Whether to take messages from the input now (`MessageFlow.pollsInput`).
    func shouldPollInput() -> Bool {
        guard input.isTaking else { return false }
        let polls = flow.pollsInput(hasEvents: input.hasEvents)
        carryOut()
        return polls
    }

    /// When the input must be polled again at the latest (`MessageFlow.nextForcedInputPoll`).
    var nextForcedPoll: ContinuousClock.Instant? {
        guard input.isTaking else { return nil }
        return flow.nextForcedInputPoll?.instant
    }

    /// Takes what the input consumer's queue holds, at most a batch (so pipes are served
    /// in between) and not beyond the buffer limit unless fetching is paused.
    func pollInput() {
        flow.inputPolled()
        // The input consumer is subscribed to the input topics alone (with one, its messages
        // need no look-up of their topic's name).
        let single = settings.inputTopics.single
        for _ in 0..<1000 {
            guard flow.inputTakesMore else { break }
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
        carryOut()
    }

    /// Publishes every held failure that is due back to the input topic.
    func republishDue() {
        flow.republishDue()
        carryOut()
    }
}
