import Foundation
import Logging
import SluiceSupport
import Supervisor
import Synchronization

/// Writes a chaos scenario's messages to the input topic at a steady rate, on a thread of
/// its own so that they keep flowing while faults are injected, and remembers where the
/// broker acknowledged each one. Message `id` carries its id in the `bench-id` header, the
/// verdict the plugin must give in `route` (`expectedTopic(of:)`), and a key shared by every
/// `keys`-th message, so per-key order can be checked.
final class ChaosFeeder: @unchecked Sendable {
    /// Where the broker put an acknowledged input.
    struct Position {
        var partition: Int32
        var offset: Int64
    }

    private struct State {
        var sent = 0
        var positions: [Position?]
        var failure: String?
        var finished = false
    }

    let count: Int
    private let state: Mutex<State>
    private let cancelled = StopFlag()

    init(count: Int) {
        self.count = count
        state = Mutex(State(positions: Array(repeating: nil, count: count)))
    }

    /// Which output topic (0 success, 1 transient, 2 permanent) message `id` belongs in.
    static func expectedTopic(of id: Int) -> Int {
        switch id % 10 {
        case 3: 1
        case 7: 2
        default: 0
        }
    }

    private static let routes = ["success", "transient", "permanent"]

    /// Messages handed to the producer so far.
    var sent: Int { state.withLock { $0.sent } }
    var isFinished: Bool { state.withLock { $0.finished } }
    /// Acknowledged positions by id (nil: not acknowledged), once finished.
    var positions: [Position?] { state.withLock { $0.positions } }
    /// Why the feeder gave up, if it did.
    var failure: String? { state.withLock { $0.failure } }

    /// Stops writing (when a scenario is abandoned); what was written stays.
    func cancel() {
        cancelled.set()
    }

    /// Starts writing `count` messages at `rate` a second to `topic`.
    func start(brokers: String, topic: String, rate: Int, keys: Int, logger: Logger) {
        let thread = Thread { [self] in
            do {
                try feed(brokers: brokers, topic: topic, rate: rate, keys: keys, logger: logger)
            } catch {
                state.withLock { $0.failure = "\(error)" }
            }
            state.withLock { $0.finished = true }
        }
        thread.name = "chaos-feeder"
        thread.start()
    }

    private func feed(brokers: String, topic: String, rate: Int, keys: Int, logger: Logger) throws(KafkaError) {
        let context = KafkaClientContext(logger: logger, onFatalError: { _ in })
        let producer = try KafkaProducer(
            configuration: KafkaConfiguration([
                // One request in flight: the mock checks no sequence numbers (see
                // ChaosRun.startMembers).
                ("bootstrap.servers", brokers), ("enable.idempotence", "true"), ("linger.ms", "5"),
                ("max.in.flight.requests.per.connection", "1"),
                ("message.timeout.ms", "60000"),
            ]),
            context: context)
        context.onDelivery = { report in
            // Without an offset the broker only said "duplicate of a write you retried":
            // the mock says so even for a retried write it never stored, so such an input
            // counts as not acknowledged.
            guard report.error == nil, let offset = report.offset else { return }
            let id = Int(report.token) - 1
            let position = Position(partition: report.partition, offset: offset)
            self.state.withLock { $0.positions[id] = position }
        }
        let started = ContinuousClock.now
        for id in 0..<count where !cancelled.isSet {
            // Paced by each message's due time: the offered rate holds whatever the faults do.
            let due = started + .seconds(Double(id) / Double(rate))
            if due > .now {
                producer.serveDeliveryReports()
                Thread.sleep(until: due)
            }
            let headers = KafkaHeaders(capacity: 2)
            headers.add(BenchCluster.idHeader, String(id))
            headers.add("route", Self.routes[Self.expectedTopic(of: id)])
            let key = Array("key-\(id % keys)".utf8)
            let value = Array(#"{"seq":\#(id),"note":"chaos"}"#.utf8)
            // Refused at once (an injected error the client remembers): never acknowledged,
            // so not judged.
            _ = producer.waitingForQueueSpace {
                producer.produce(topic: topic, key: key, value: value, headers: headers, token: UInt(id + 1))
            }
            state.withLock { $0.sent = id + 1 }
        }
        _ = producer.flush(timeoutMilliseconds: cancelled.isSet ? 0 : 70_000)
    }
}

extension Thread {
    fileprivate static func sleep(until instant: ContinuousClock.Instant) {
        let remaining = instant - .now
        if remaining > .zero { Thread.sleep(forTimeInterval: remaining.inSeconds) }
    }
}
