/// The retrier: its consumer of the transient-failure topic, in a group of its own, and
/// the failures it holds until they are due.
final class Retrier {
    let feed: ConsumerFeed
    /// Held transient failures by due time.
    var held = HeldRetries()

    init(_ consumer: KafkaConsumer) {
        feed = ConsumerFeed(consumer)
    }
}
