import Glibc
import Logging
import ServiceLifecycle
import SluiceSupport

/// The demo's measurement producer: `MeasurementGenerator`'s readings at a steady rate.
final class MeasurementProducer: Service, @unchecked Sendable {
    let producer: KafkaProducer
    let topic: String
    let ratePerSecond: Int
    let stop = StopFlag()
    private var generator = MeasurementGenerator()
    private(set) var produced = 0

    init(brokers: String, topic: String, ratePerSecond: Int, logger: Logger) throws(KafkaError) {
        producer = try KafkaProducer(
            configuration: KafkaConfiguration([("bootstrap.servers", brokers), ("client.id", "demo-producer")]),
            context: KafkaClientContext(logger: logger, onFatalError: { _ in }))
        self.topic = topic
        self.ratePerSecond = max(1, ratePerSecond)
    }

    func run() async throws {
        await withStopHandler {
            await BackgroundThread.run(name: "demo-producer") { self.produceUntilStopped() }
        } onStop: {
            self.stop.set()
        }
    }

    private func produceUntilStopped() {
        let start = ContinuousClock.now
        while !stop.isSet {
            let due = Int((ContinuousClock.now - start).inSeconds * Double(ratePerSecond))
            while produced < due && !stop.isSet {
                let (key, value) = generator.next(sequence: produced)
                if producer.produce(topic: topic, key: key, value: value, headers: nil, token: 1) != nil { break }
                produced += 1
            }
            producer.serveDeliveryReports()
            usleep(20_000)
        }
        _ = producer.flush(timeoutMilliseconds: 5000)
    }
}
