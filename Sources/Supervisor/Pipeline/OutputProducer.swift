/// The producer of every output (verdicts, retries, hand-backs) with what the loop keeps
/// for it: the bell librdkafka rings when delivery reports wait, the outputs waiting to be
/// produced again, and which failures get a log line.
final class OutputProducer {
    let producer: KafkaProducer
    /// Rung by librdkafka when delivery reports wait; epoll wakes the loop.
    let bell = NotificationPipe()
    /// Outputs waiting for room in the queue or for their retry time.
    var pending = PendingOutputs()
    /// Which failed enqueues and deliveries get a log line (`RepeatedFailureLog`).
    var failureLog = RepeatedFailureLog()

    init(_ producer: KafkaProducer) {
        self.producer = producer
    }
}
