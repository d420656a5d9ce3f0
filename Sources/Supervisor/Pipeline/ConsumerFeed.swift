import SluiceCore

/// A consumer the loop takes messages from (the input, or the retrier's transient-failure
/// topic) with what the loop knows of it: whether a poll may find something and whether
/// messages are taken now. Which of its partitions are fetched is the flow's to decide
/// (`MessageFlow.hold`), and the pipeline pauses and resumes them as it asks.
final class ConsumerFeed {
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

    init(_ consumer: KafkaConsumer) {
        self.consumer = consumer
    }
}
