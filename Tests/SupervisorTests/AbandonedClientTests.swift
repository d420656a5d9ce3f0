import Logging
import Synchronization
import Testing

@testable import Supervisor

/// A client whose close could not finish is abandoned: its handle is never destroyed, and
/// librdkafka's threads go on calling its callbacks until the process exits.
@Suite struct AbandonedClientTests {
    /// Counts the lines librdkafka logs through a client's context.
    final class LineCounter: Sendable {
        let lines = Atomic(0)
    }

    struct CountingHandler: LogHandler {
        let counter: LineCounter
        var metadata: Logger.Metadata = [:]
        var logLevel: Logger.Level = .trace
        subscript(metadataKey key: String) -> Logger.Metadata.Value? {
            get { metadata[key] }
            set { metadata[key] = newValue }
        }
        func log(event: LogEvent) {
            counter.lines.add(1, ordering: .relaxed)
        }
    }

    /// Its context outlives the client object, and librdkafka's log callbacks still reach it
    /// after the client object is gone. The context was freed with the client object, so
    /// those callbacks read freed memory: a stop that abandoned a consumer could abort.
    @Test func abandonedClientKeepsItsContextForLibrdkafkasThreads() async throws {
        let counter = LineCounter()
        weak var weakContext: KafkaClientContext?
        do {
            let context = KafkaClientContext(
                logger: Logger(label: "abandoned") { _ in CountingHandler(counter: counter) }, onFatalError: { _ in })
            weakContext = context
            // Nothing listens on port 1: the broker thread logs each refused connection.
            let client = try KafkaClient(
                kind: .producer,
                configuration: KafkaConfiguration([
                    ("bootstrap.servers", "127.0.0.1:1"), ("debug", "broker"), ("reconnect.backoff.ms", "10"),
                    ("reconnect.backoff.max.ms", "50"),
                ]),
                context: context)
            client.abandon()
        }
        #expect(weakContext != nil, "the context was freed with the client object")
        let before = counter.lines.load(ordering: .relaxed)
        let deadline = ContinuousClock.now + .seconds(10)
        while counter.lines.load(ordering: .relaxed) < before + 5 && ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(20))
        }
        #expect(counter.lines.load(ordering: .relaxed) >= before + 5, "librdkafka went on logging through the context")
    }
}
