import Logging

/// The producer of every output (verdicts, retries, hand-backs), with the bell librdkafka
/// rings when delivery reports wait.
final class OutputProducer {
    let producer: KafkaProducer
    /// Rung by librdkafka when delivery reports wait; epoll wakes the loop.
    let bell = NotificationPipe()

    init(_ producer: KafkaProducer) {
        self.producer = producer
    }

    /// Waits for the delivery reports of what is enqueued, until `deadline`; says so when
    /// some are still outstanding then.
    func flush(until deadline: ContinuousClock.Instant, logger: Logger) {
        let milliseconds = Int32(clamping: max(.zero, deadline - .now).inMilliseconds)
        if !producer.flush(timeoutMilliseconds: milliseconds) {
            logger.warning("producer flush timed out with \(producer.outstandingCount) messages outstanding")
        }
    }
}
