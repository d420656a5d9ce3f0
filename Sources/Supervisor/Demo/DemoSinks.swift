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
        await withStopHandler {
            await BackgroundThread.run(name: "demo-sinks") { self.consumeUntilStopped() }
        } onStop: {
            self.stop.set()
        }
    }

    private func consumeUntilStopped() {
        var lastSample: [String: ContinuousClock.Instant] = [:]
        while !stop.isSet {
            guard case .success(let message) = consumer.poll(timeoutMilliseconds: 200) else { continue }
            let topic = message.topic
            counts.withLock { $0[topic, default: 0] += 1 }
            let attempt = OutputHeaders.attempt(of: message)
            // One sample per topic, and one of messages that needed retries, every 5 s.
            let sample = attempt > 1 ? "\(topic) after \(attempt) attempts" : topic
            if lastSample[sample].map({ ContinuousClock.now - $0 >= .seconds(5) }) ?? true {
                lastSample[sample] = .now
                var fields: Logger.Metadata = ["value": "\(message.value.map { String(decoding: $0, as: UTF8.self) }.map { $0.prefix(160) } ?? "null")"]
                if attempt > 1 { fields["attempt"] = "\(attempt)" }
                if let reason = message.header(OutputHeaders.reason) { fields["reason"] = "\(reason)" }
                logger.info("sink \(topic)", metadata: fields)
            }
        }
        _ = consumer.close()
    }
}
