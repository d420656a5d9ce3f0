import Supervisor
import CProcess
import Glibc
import Logging
import SluiceCore

/// The ceiling `make bench` measures sluiced against: the daemon's consumer and producer
/// settings and its commit rule (an offset is stored once everything before it is
/// delivered), with no plugin in between. Each input message goes to the output topic with
/// its key and headers.
public final class RawRelay: @unchecked Sendable {
    let consumer: KafkaConsumer
    let producer: KafkaProducer
    let inputTopic: String
    let outputTopic: String
    let logger: Logger
    private var partitions: [Int32: PartitionProgress] = [:]
    private var moved: [PartitionProgress] = []
    private let consumerBell = NotificationPipe()
    private let producerBell = NotificationPipe()
    private let stopBell = NotificationPipe()
    private var relayed = 0

    /// `consumerProperties` go after sluiced's own, as an operator's `[kafka.consumer]` would.
    public init(
        brokers: String, group: String, inputTopic: String, outputTopic: String, consumerProperties: [(String, String)] = [],
        logger: Logger
    ) throws(KafkaError) {
        self.inputTopic = inputTopic
        self.outputTopic = outputTopic
        self.logger = logger
        consumer = try KafkaConsumer(
            configuration: KafkaConfiguration(ClientProperties.inputConsumer(brokers: brokers, group: group) + consumerProperties),
            context: KafkaClientContext(logger: logger, onFatalError: { _ in }))
        producer = try KafkaProducer(
            configuration: KafkaConfiguration(ClientProperties.producer(brokers: brokers)),
            context: KafkaClientContext(logger: logger, onFatalError: { _ in }))
        producer.client.context.onDelivery = { [unowned self] report in self.delivered(report) }
        consumer.client.context.onRebalance = { [unowned self] event in self.rebalance(event) }
    }

    /// Relays until SIGTERM or SIGINT, then delivers what it holds, stores the offsets and
    /// leaves the group. Returns how many messages it relayed.
    public func run() throws(KafkaError) -> Int {
        let poller = Poller()
        for (bell, kind) in [(consumerBell, EventToken.Kind.consumer), (producerBell, .producer), (stopBell, .signal)] {
            poller.add(bell.readFD, events: UInt32(EPOLLIN.rawValue), token: EventToken(kind))
        }
        consumer.enableWakeups(fd: consumerBell.writeFD)
        producer.enableWakeups(fd: producerBell.writeFD)
        _ = sluice_signal_to_fd(SIGTERM, stopBell.writeFD)
        _ = sluice_signal_to_fd(SIGINT, stopBell.writeFD)
        try consumer.subscribe(topics: [inputTopic])
        var events = [epoll_event](repeating: epoll_event(), count: 8)
        var consumerHasEvents = true
        var stopping = false
        while !stopping {
            if consumerHasEvents { consumerHasEvents = takeBatch() }
            producer.serveDeliveryReports()
            storeMoved()
            for event in poller.wait(timeoutMilliseconds: consumerHasEvents ? 0 : 1000, into: &events) {
                switch EventToken(rawValue: event.data.u64)?.kind {
                case .consumer:
                    consumerBell.drain()
                    consumerHasEvents = true
                case .producer:
                    producerBell.drain()
                case .signal:
                    stopping = true
                default:
                    break
                }
            }
        }
        _ = producer.flush(timeoutMilliseconds: 30_000)
        storeMoved()
        if let error = consumer.close() { throw error }
        return relayed
    }

    /// Relays up to a batch; false when the consumer queue is empty.
    private func takeBatch() -> Bool {
        for _ in 0..<1000 {
            guard let polled = consumer.poll() else { return false }
            guard case .success(let message) = polled, let progress = partitions[message.partition] else { continue }
            progress.track(message.offset)
            relay(message, token: UInt(message.partition) << 48 | UInt(message.offset))
        }
        return true
    }

    private func relay(_ message: KafkaMessage, token: UInt) {
        let headers = message.copyOfHeaders(capacity: 0)
        let error = producer.waitingForQueueSpace {
            producer.produce(topic: outputTopic, key: message.key, value: message.value, headers: headers, token: token + 1)
        }
        if let error { logger.error("\(error)") }
    }

    private func delivered(_ report: DeliveryReport) {
        let token = report.token - 1
        if let error = report.error {
            logger.error("\(error)")
            return
        }
        relayed += 1
        guard let progress = partitions[Int32(token >> 48)] else { return }
        if progress.finish(Int64(token & 0xFFFF_FFFF_FFFF)) { moved.append(progress) }
    }

    private func storeMoved() {
        guard !moved.isEmpty else { return }
        let offsets = moved.compactMap { progress in progress.storable.map { (inputTopic, progress.partition, $0) } }
        for progress in moved { progress.markStored() }
        moved.removeAll(keepingCapacity: true)
        if let error = consumer.storeOffsets(offsets) { logger.error("\(error)") }
    }

    private func rebalance(_ event: RebalanceEvent) {
        switch event {
        case .assigned(let assigned):
            for entry in assigned { partitions[entry.partition] = PartitionProgress(topic: entry.topic, partition: entry.partition) }
        case .revoked(let revoked, _):
            // Deliver what is in flight so the revoked partitions' offsets are stored.
            _ = producer.flush(timeoutMilliseconds: 30_000)
            storeMoved()
            for entry in revoked { partitions[entry.partition] = nil }
        }
    }
}
