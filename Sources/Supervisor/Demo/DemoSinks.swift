import CRdKafka
import Logging
import ServiceLifecycle
import Synchronization

/// The demo's sinks: one consumer group reading the output topics, logging a sample of
/// what arrives on each (at most one line per topic every 5 seconds) and counting it all.
final class DemoSinks: Service, @unchecked Sendable {
    let consumer: KafkaConsumer
    let logger: Logger
    let stop = StopFlag()
    private let counts = Mutex<[String: Int]>([:])

    init(brokers: String, topics: [String], logger: Logger) throws(KafkaError) {
        consumer = try KafkaConsumer(
            configuration: KafkaConfiguration([
                ("bootstrap.servers", brokers), ("group.id", "sluice-demo-sinks"), ("auto.offset.reset", "earliest"),
                ("client.id", "demo-sinks"),
            ]),
            context: KafkaClientContext(logger: logger, onFatalError: { _ in }))
        try consumer.subscribe(topics: topics)
        self.logger = logger
    }

    /// Messages seen per topic.
    var countsByTopic: [String: Int] { counts.withLock { $0 } }

    func run() async throws {
        await withGracefulShutdownHandler {
            await BackgroundThread.run(name: "demo-sinks") { self.consumeUntilStopped() }
        } onGracefulShutdown: {
            self.stop.set()
        }
    }

    private func consumeUntilStopped() {
        var lastSample: [String: ContinuousClock.Instant] = [:]
        while !stop.isSet {
            guard let message = consumer.poll(timeoutMilliseconds: 200) else { continue }
            defer { rd_kafka_message_destroy(message) }
            guard message.pointee.err == RD_KAFKA_RESP_ERR_NO_ERROR else { continue }
            let topic = String(cString: rd_kafka_topic_name(message.pointee.rkt))
            counts.withLock { $0[topic, default: 0] += 1 }
            let attempt = OutputHeaders.attempt(of: message)
            // One sample per topic, and one of messages that needed retries, every 5 s.
            let sample = attempt > 1 ? "\(topic) after \(attempt) attempts" : topic
            if lastSample[sample].map({ ContinuousClock.now - $0 >= .seconds(5) }) ?? true {
                lastSample[sample] = .now
                let value = message.pointee.payload.map {
                    String(decoding: UnsafeRawBufferPointer(start: $0, count: message.pointee.len), as: UTF8.self)
                } ?? "null"
                var reason = ""
                var headers: OpaquePointer?
                var bytes: UnsafeRawPointer?
                var size = 0
                if rd_kafka_message_headers(message, &headers) == RD_KAFKA_RESP_ERR_NO_ERROR,
                    rd_kafka_header_get_last(headers, OutputHeaders.reason, &bytes, &size) == RD_KAFKA_RESP_ERR_NO_ERROR,
                    let bytes
                {
                    reason = " reason=\"\(String(decoding: UnsafeRawBufferPointer(start: bytes, count: size), as: UTF8.self))\""
                }
                logger.info("sink \(sample): \(value.prefix(160))\(reason)")
            }
        }
        _ = consumer.close()
    }
}
