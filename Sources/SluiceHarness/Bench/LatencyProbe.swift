import Glibc
import Histogram
import SluiceSupport
import Supervisor

/// Offers messages at a fixed rate and times each from just before its produce call to its
/// arrival on the output topic (both ends in this process, on the monotonic clock).
final class LatencyProbe {
    static let sentHeader = "bench-sent"

    private let producer: KafkaProducer
    private let consumer: KafkaConsumer

    init(cluster: BenchCluster, outputTopic: String, partitions: Int32) throws(KafkaError) {
        // The mock broker scans a partition's message sets linearly on every fetch and returns
        // one set per partition: a set per message would make it the bottleneck. A 5 ms
        // linger keeps sets few; the delay is the same for every subject.
        producer = try KafkaProducer(
            configuration: KafkaConfiguration([("bootstrap.servers", cluster.brokers), ("linger.ms", "5")]),
            context: KafkaClientContext(logger: cluster.logger, onFatalError: { _ in }))
        consumer = try KafkaConsumer(
            configuration: KafkaConfiguration([
                ("bootstrap.servers", cluster.brokers), ("group.id", "bench-latency"), ("enable.auto.commit", "false"),
                ("fetch.wait.max.ms", "10"),
            ]),
            context: KafkaClientContext(logger: cluster.logger, onFatalError: { _ in }))
        try consumer.assign((0..<partitions).map { (outputTopic, $0, KafkaOffset.beginning) })
    }

    /// Offers a trickle (10 a second) until the subject answers, then `rate` messages a
    /// second for `warmup` and `duration`; returns the latencies (µs) of the messages
    /// offered during `duration` and how many of those never arrived.
    func measure(topic: String, rate: Int, warmup: Duration, duration: Duration) -> (latencies: Histogram<UInt32>, missing: Int) {
        var histogram = Histogram<UInt32>(
            lowestDiscernibleValue: 1, highestTrackableValue: 60_000_000, numberOfSignificantValueDigits: .three)
        let start = ContinuousClock.now
        var offered = 0
        var fullRate: (since: ContinuousClock.Instant, offered: Int)?  // from the first answer on
        var window: (first: Int, end: Int?)?  // the ids offered while measuring
        var arrived = 0
        var lastArrival = start
        while true {
            let now = ContinuousClock.now
            if let fullRate {
                if window == nil && now >= fullRate.since + warmup { window = (offered, nil) }
                if window?.end == nil && now >= fullRate.since + warmup + duration { window?.end = offered }
                if window?.end == nil {
                    while offered < fullRate.offered + Int((now - fullRate.since).inSeconds * Double(rate)) {
                        offer(id: offered, to: topic)
                        offered += 1
                    }
                }
            } else if now - start > .seconds(120) {
                break  // the subject never answered
            } else if offered < Int((now - start).inSeconds * 10) {
                offer(id: offered, to: topic)
                offered += 1
            }
            producer.serveDeliveryReports()
            if let window, let end = window.end, arrived >= end - window.first || now - lastArrival > .seconds(10) { break }
            guard case .success(let message) = consumer.poll(timeoutMilliseconds: 1),
                let sent = OutputHeaders.integer(Self.sentHeader, of: message),
                let id = OutputHeaders.integer(BenchCluster.idHeader, of: message)
            else { continue }
            let latency = Self.monotonicNanoseconds() - sent
            lastArrival = .now
            if fullRate == nil { fullRate = (lastArrival, offered) }
            guard let window, id >= window.first, id < window.end ?? Int.max else { continue }
            arrived += 1
            histogram.record(UInt64(max(1, latency / 1000)))
        }
        let measured = window.map { ($0.end ?? offered) - $0.first } ?? 0
        return (histogram, measured - arrived)
    }

    private func offer(id: Int, to topic: String) {
        let headers = KafkaHeaders(capacity: 2)
        headers.add(BenchCluster.idHeader, String(id))
        headers.add(Self.sentHeader, String(Self.monotonicNanoseconds()))
        let value = Array(#"{"sensor_id":"sensor-1","type":"temperature","value":21.5,"unit":"C","seq":\#(id)}"#.utf8)
        let key = Array("sensor-\(id % 12)".utf8)
        _ = producer.produce(topic: topic, key: key, value: value, headers: headers, token: 1)
    }

    static func monotonicNanoseconds() -> Int64 {
        var time = timespec()
        clock_gettime(CLOCK_MONOTONIC, &time)
        return Int64(time.tv_sec) * 1_000_000_000 + Int64(time.tv_nsec)
    }
}
