import DequeModule
import Logging

/// Every message the daemon holds, from the poll that took it to the delivery of its
/// output: the table of records, the order they go to the plugins in (one at a time per
/// key), the suspects waiting to run alone, the failures the retrier holds until they are
/// due, the partitions with their commit positions, and the producer of every output.
/// The pipeline hands it what the consumers, the plugins and the producer report; it
/// decides each message's next step and produces its outputs. It starts no process and
/// owns no consumer: those are the plugin supervisor's and the pipeline's.
final class MessageFlow {
    /// Changed by a reload, with the pipeline's.
    var settings: Settings
    var logger: Logger
    /// Every message held, by slot, until its outcome is delivered.
    let table = MessageTable()
    /// The order queued messages go to the workers in, one at a time per key.
    var scheduler = KeyScheduler()
    /// Messages that were in flight when their worker failed, waiting to run alone on a
    /// worker that has proved it can run.
    var suspects: Deque<Int> = []
    /// The transient failures the retrier took, until they are due.
    var heldRetries = HeldRetries()
    /// The partitions assigned, with their offsets in flight and commit positions.
    var partitions = AssignedPartitions()
    /// Every output goes through it.
    let outputs: OutputProducer
    let figures: PipelineFigures
    /// Read for the time of the last wait: the time stamp of the events being handled.
    private let loop: EventLoop

    init(settings: Settings, logger: Logger, outputs: OutputProducer, figures: PipelineFigures, loop: EventLoop) {
        self.settings = settings
        self.logger = logger
        self.outputs = outputs
        self.figures = figures
        self.loop = loop
    }

    /// The time stamp of the events being handled.
    var now: ContinuousClock.Instant { loop.time }

    /// How much the input, and apart from it the retrier, may hold (live: a reload may
    /// change it).
    var bufferLimit: BufferLimit {
        BufferLimit(messages: settings.maxBufferedMessages, bytes: settings.maxBufferedBytes)
    }

    /// Frees a message without a verdict; its offset is never stored.
    func discard(_ slot: Int) {
        let record = table.remove(slot)
        record.progress.held -= 1
    }

    /// Lets the next message with the slot's key go to a worker, once the slot's output is
    /// enqueued: librdkafka's idempotent producer then writes the two in order. Released
    /// earlier, a newer output could overtake one whose enqueue was deferred.
    func releaseKey(of slot: Int) {
        guard table[slot].holdsKey else { return }
        table[slot].holdsKey = false
        scheduler.release(keyHash: table[slot].keyHash)
    }

    /// When the message in `slot` went to its plugin, if it is there now.
    func dispatchedAt(_ slot: Int) -> ContinuousClock.Instant? {
        guard case .dispatched(let at) = table[slot].stage else { return nil }
        return at.instant
    }

    /// The commit positions that moved since the last call, for the input consumer and the
    /// retrier's.
    func takeMovedPositions() -> (input: [AssignedPartitions.Position], retry: [AssignedPartitions.Position]) {
        partitions.takeMovedPositions()
    }

    /// At the end of the stop: frees every message still held, saying how many per
    /// partition: their offsets are not committed, so they are redone after a restart.
    /// librdkafka's destroy waits for every message the application holds, so none may
    /// outlive the stop. Returns how many were left.
    func releaseUnfinished() -> Int {
        let left = table.removeAll()
        guard !left.isEmpty else { return 0 }
        var perPartition: [String: Int] = [:]
        for record in left {
            perPartition["\(record.progress.topic)[\(record.progress.partition)]", default: 0] += 1
        }
        let counts = perPartition.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: " ")
        logger.warning("left \(left.count) messages unfinished, not committed, to be redone after a restart: \(counts)")
        return left.count
    }
}
