import Logging
import SluiceControl

/// `sluiced replay`: publishes dead letters that match a filter back to the input topic,
/// with their attempt count reset, for the operator to run after a plugin fix. It reads
/// the permanent topic up to where it ended when the replay started (so what fails again
/// is not replayed in a loop), commits its position only after what it published is
/// delivered (at least once), and resumes where it stopped when run again with the same
/// filter. A dry run only counts.
public final class Replayer: @unchecked Sendable {
    let settings: Settings
    let filter: ReplayFilter
    let dryRun: Bool
    let logger: Logger
    let consumer: KafkaConsumer
    let producer: KafkaProducer
    private var failures: [String] = []

    public init(settings: Settings, filter: ReplayFilter, dryRun: Bool, logger: Logger) throws(KafkaError) {
        self.settings = settings
        self.filter = filter
        self.dryRun = dryRun
        self.logger = logger
        let common = [("bootstrap.servers", settings.brokers), ("client.id", "sluiced-replay")]
        consumer = try KafkaConsumer(
            configuration: KafkaConfiguration(
                common + [
                    ("group.id", "\(settings.groupID)-replay-\(filter.stableName)"),
                    ("enable.auto.offset.store", "false"), ("enable.auto.commit", "false"),
                    ("auto.offset.reset", "earliest"),
                ] + settings.kafkaProperties + settings.consumerProperties),
            context: KafkaClientContext(logger: logger, onFatalError: { _ in }))
        producer = try KafkaProducer(
            configuration: KafkaConfiguration(
                common + [("enable.idempotence", "true"), ClientProperties.keyPartitioner] + settings.kafkaProperties + settings.producerProperties),
            context: KafkaClientContext(logger: logger, onFatalError: { _ in }))
        producer.client.context.onDelivery = { [unowned self] report in
            if let error = report.error { failures.append(error.reason) }
        }
    }

    /// Runs to the end of the permanent topic as it was at the start; `report` gets the
    /// counts about once a second. Blocks: call it off the cooperative pool.
    public func run(report: (ReplayProgress) -> Void) throws(KafkaError) -> ReplayProgress {
        try consumer.subscribe(topics: [settings.permanentTopic])
        let ends = try waitForAssignment()
        var positions: [Int32: Int64] = [:]  // next offset per partition
        var progress = ReplayProgress()
        var lastReport = ContinuousClock.now
        var done = ends.allSatisfy { $0.value.committed >= $0.value.end }
        while !done {
            var batch = 0
            while batch < 1000, case .success(let message) = consumer.poll(timeoutMilliseconds: 200) {
                batch += 1
                let partition = message.partition
                guard message.offset < ends[partition]?.end ?? 0 else { continue }
                positions[partition] = message.offset + 1
                progress.scanned += 1
                guard filter.matches(
                    failureTime: OutputHeaders.integer(OutputHeaders.failureTime, of: message),
                    reason: message.header(OutputHeaders.reason),
                    source: message.header(OutputHeaders.source))
                else { continue }
                progress.matched += 1
                if !dryRun {
                    try publish(message)
                    progress.published += 1
                }
            }
            if batch == 0 {
                // Idle: partitions whose position passed the end (gaps, compaction) are done.
                for (partition, next) in try consumer.positions(topic: settings.permanentTopic, partitions: Array(ends.keys))
                where next >= (ends[partition]?.end ?? 0) {
                    positions[partition] = max(positions[partition] ?? next, next)
                }
            }
            try commit(positions)
            done = ends.allSatisfy { partition, range in (positions[partition] ?? range.committed) >= range.end }
            if ContinuousClock.now - lastReport >= .seconds(1) || done {
                report(progress)
                lastReport = .now
            }
        }
        _ = consumer.close()
        return progress
    }

    /// Runs on a thread of its own and waits for it.
    public func runOffThread(report: @escaping @Sendable (ReplayProgress) -> Void) async throws -> ReplayProgress {
        let outcome = await BackgroundThread.run(name: "sluice-replay") { () -> Result<ReplayProgress, KafkaError> in
            do throws(KafkaError) {
                return .success(try self.run(report: report))
            } catch {
                return .failure(error)
            }
        }
        return try outcome.get()
    }

    /// Subscribes and returns, per assigned partition, where the group stands and where the
    /// topic ends now.
    private func waitForAssignment() throws(KafkaError) -> [Int32: (committed: Int64, end: Int64)] {
        let deadline = ContinuousClock.now + .seconds(60)
        while ContinuousClock.now < deadline {
            // A message before the assignment settled is fetched again below.
            _ = consumer.poll(timeoutMilliseconds: 100)
            let assigned = consumer.assignment(topic: settings.permanentTopic)
            guard !assigned.isEmpty else { continue }
            var ranges: [Int32: (committed: Int64, end: Int64)] = [:]
            for (partition, committed) in try consumer.committed(topic: settings.permanentTopic, partitions: assigned) {
                let (low, high) = try consumer.watermarks(topic: settings.permanentTopic, partition: partition)
                ranges[partition] = (max(committed, low), high)
            }
            return ranges
        }
        throw KafkaError(.subscription, "replay: no partition of \(settings.permanentTopic) was assigned within 60 s")
    }

    private func publish(_ message: KafkaMessage) throws(KafkaError) {
        let headers = message.copyOfHeaders(capacity: 1)
        for name in OutputHeaders.perFailure + [OutputHeaders.attempt] { headers.remove(name) }
        headers.add(OutputHeaders.replayedTime, String(WallClock.milliseconds))
        let original = message.header(OutputHeaders.originalTopic)
        guard let topic = settings.inputTopics.home(of: original) else {
            throw KafkaError(
                .produce,
                "replay: \(settings.permanentTopic)[\(message.partition)]@\(message.offset) came from \(original ?? "no topic it names"), which the input \(settings.inputTopics) does not take")
        }
        let partition = OutputHeaders.originalPartition(of: message, in: topic)
        let error = producer.waitingForQueueSpace {
            producer.produce(topic: topic, preferring: partition, key: message.key, value: message.value, headers: headers, token: 1)
        }
        if let error { throw error.withContext("replay: cannot publish to \(topic)") }
    }

    /// Waits for every publish so far, then commits the positions read (at least once). A
    /// dry run commits nothing, so the real replay with the same filter starts where it did.
    private func commit(_ positions: [Int32: Int64]) throws(KafkaError) {
        guard !positions.isEmpty, !dryRun else { return }
        guard producer.flush(timeoutMilliseconds: 60_000), failures.isEmpty else {
            throw KafkaError(.produce, "replay: publishing failed (\(failures.first ?? "timed out")); run it again to resume")
        }
        let offsets = positions.map { (topic: settings.permanentTopic, partition: $0.key, next: $0.value) }
        if let error = consumer.storeOffsets(offsets) { throw error }
        if let error = consumer.commitStored() { throw error }
    }
}
