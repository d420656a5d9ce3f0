import CRdKafka
import Glibc
import Logging
import ServiceLifecycle

/// The demo's measurement producer: random sensor readings keyed by sensor, mostly valid,
/// some out of range or incomplete, some not JSON at all.
final class MeasurementProducer: Service, @unchecked Sendable {
    let producer: KafkaProducer
    let topic: String
    let ratePerSecond: Int
    let stop = StopFlag()
    private var generator = SystemRandomNumberGenerator()
    private(set) var produced = 0

    init(brokers: String, topic: String, ratePerSecond: Int, logger: Logger) throws(KafkaError) {
        producer = try KafkaProducer(
            configuration: KafkaConfiguration([("bootstrap.servers", brokers), ("client.id", "demo-producer")]),
            context: KafkaClientContext(logger: logger, onFatalError: { _ in }))
        self.topic = topic
        self.ratePerSecond = max(1, ratePerSecond)
    }

    func run() async throws {
        await withGracefulShutdownHandler {
            await BackgroundThread.run(name: "demo-producer") { self.produceUntilStopped() }
        } onGracefulShutdown: {
            self.stop.set()
        }
    }

    private func produceUntilStopped() {
        let start = ContinuousClock.now
        while !stop.isSet {
            let due = Int((ContinuousClock.now - start).inSeconds * Double(ratePerSecond))
            while produced < due && !stop.isSet {
                let (key, value) = nextMeasurement()
                let error = key.withUnsafeBytes { keyBytes in
                    value.withUnsafeBytes { valueBytes in
                        producer.produce(topic: topic, key: keyBytes, value: valueBytes, headers: nil, token: 1)
                    }
                }
                if error != RD_KAFKA_RESP_ERR_NO_ERROR { break }
                produced += 1
            }
            producer.serveDeliveryReports()
            usleep(20_000)
        }
        _ = producer.flush(timeoutMilliseconds: 5000)
    }

    /// One sensor reading as (key, value).
    func nextMeasurement() -> ([UInt8], [UInt8]) {
        let sensor = Int.random(in: 1...12, using: &generator)
        let key = Array("sensor-\(sensor)".utf8)
        let timestamp = Int(ContinuousClock.now.hashValue & 0xFFFF) + produced
        let roll = Int.random(in: 0..<100, using: &generator)
        let reading = (Double(Int.random(in: -100...400, using: &generator)) / 10)
        let value: String
        switch roll {
        case 0..<5:
            value = "sensor-\(sensor) says hello (not JSON)"
        case 5..<10:
            value = #"{"sensor_id":"sensor-\#(sensor)","type":"temperature","value":\#(reading + 900),"unit":"C","seq":\#(timestamp)}"#
        case 10..<13:
            value = #"{"sensor_id":"sensor-\#(sensor)","type":"temperature","unit":"C","seq":\#(timestamp)}"#
        default:
            value = #"{"sensor_id":"sensor-\#(sensor)","type":"temperature","value":\#(reading),"unit":"C","seq":\#(timestamp)}"#
        }
        return (key, Array(value.utf8))
    }
}
