import SluiceCore

/// A consumer the loop takes messages from (the input, or the retrier's transient-failure
/// topic) with what the loop knows of it: whether a poll may find something, whether
/// messages are taken now, the partitions it owns and the fetch gate over them. Every
/// pause and resume of its partitions goes through here, so the gate and librdkafka
/// cannot disagree.
final class ConsumerFeed {
    typealias Reason = FetchGate<TopicPartition>.Reason

    let consumer: KafkaConsumer
    /// Rung by librdkafka when the consumer's queue gets events; epoll wakes the loop.
    let bell = NotificationPipe()
    /// Whether a poll may find something: set by the bell (and once a second, to stay
    /// within max.poll.interval.ms), cleared by a poll that finds nothing.
    var hasEvents = true
    /// Whether the loop takes messages from it: off for good once the stop begins or when
    /// this process takes none (the retrier alone, kafka-native plugins); off for a moment
    /// while a revoke lets started work finish.
    var isTaking = true
    /// The last time it was polled (for the input: how long the full pool has left it).
    var lastPoll = ContinuousClock.now
    private var gate = FetchGate<TopicPartition>()

    init(_ consumer: KafkaConsumer) {
        self.consumer = consumer
    }

    /// Whether any reason holds fetching back: polling takes only what was fetched before.
    var isClosed: Bool { gate.isClosed }

    /// Whether fetching is held back for a reason an operator is shown (`FetchGate.isHeldBack`).
    var isHeldBack: Bool { gate.isHeldBack }

    func holds(_ reason: Reason) -> Bool { gate.holds(reason) }

    /// Holds fetching back for `reason`: the first reason pauses the partitions.
    func hold(_ reason: Reason) {
        apply(gate.hold(reason))
    }

    /// Ends `reason`: the last one resumes the partitions.
    func release(_ reason: Reason) {
        apply(gate.release(reason))
    }

    /// Ends a hold for being full (`.saturated`) once what this side holds is half its
    /// limit.
    func releaseSaturation(ifHalfEmpty isHalfEmpty: Bool) {
        guard holds(.saturated), isHalfEmpty else { return }
        release(.saturated)
    }

    /// Partitions librdkafka has just assigned: paused at once while a reason holds.
    func assign(_ partitions: [TopicPartition]) {
        apply(gate.assign(partitions))
    }

    /// Partitions librdkafka has just taken away: a pause is cleared as they leave.
    func revoke(_ partitions: [TopicPartition]) {
        apply(gate.revoke(partitions))
    }

    private func apply(_ action: FetchGate<TopicPartition>.Action?) {
        switch action {
        case .pause(let partitions): consumer.pause(partitions)
        case .resume(let partitions): consumer.resume(partitions)
        case nil: break
        }
    }
}
