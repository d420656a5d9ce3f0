import DequeModule

/// Every decision about the messages the daemon holds, from the poll that took one to the
/// delivery of its outputs: which worker gets it (one at a time per key, suspects alone),
/// what its verdict writes, what is produced again after a failure, which offsets may be
/// committed, what a revoke, a worker's exit or a stop does to it. Pure: events come in
/// as calls carrying the time; what the world must do leaves as `FlowAction`s in a
/// buffer the interpreter (`Pipeline`) drains after each event. No clock, no I/O, no
/// logger: a seeded simulation drives this same value through any schedule.
package struct MessageFlow {
    /// Changed by a reload: a raised limit can end a hold for being full.
    package var settings: FlowSettings {
        didSet { settleSaturation() }
    }
    /// Every message held, by slot, until it is finished or let go.
    package let table = MessageTable()
    /// The order queued messages go to the workers in, one at a time per key.
    package var scheduler = KeyScheduler()
    /// Messages that were in flight when their worker failed, waiting to run alone on a
    /// worker that has proved it can run.
    package var suspects: Deque<Int> = []
    /// The transient failures the retrier took, until they are due.
    package var heldRetries = HeldRetries()
    /// The partitions assigned, with their offsets in flight and commit positions.
    package var partitions = AssignedPartitions()
    /// Outputs waiting to be produced again.
    package var pending = PendingOutputs()
    /// Which failed writes get a log line.
    package var failureLog = RepeatedFailureLog()
    /// The pool's workers by index (worker id - 1).
    package internal(set) var workers: [WorkerSeat] = []
    var lastRequestID: UInt64 = 0
    /// The time of the events being handled, set by `advance`.
    package private(set) var now = Moment.origin
    /// Milliseconds since the epoch at `now`: retry due times travel between processes.
    package private(set) var wallMilliseconds: Int64 = 0
    /// The retries' jitter.
    var random: SplitMix64
    /// Actions not yet taken by the interpreter, from `actionCursor` on.
    private var actions: [FlowAction] = []
    private var actionCursor = 0
    /// The lines `FlowAction.log` says, in order, apart from the actions: they hold
    /// strings, the actions hold none.
    private var logLines: Deque<FlowLog> = []
    /// The output taken from those waiting for room whose enqueue is outstanding: the
    /// next goes once it is settled, so they keep their order.
    var resumedFromRoom: DeliveryToken?
    /// Whether the input's partitions are fetched, and every reason they are not.
    var inputGate = FetchGate<TopicPartition>()
    /// The same for the retrier's.
    var retryGate = FetchGate<TopicPartition>()
    /// The changes `FlowAction.fetch` asks for, in order, apart from the actions: they
    /// hold partition names.
    var fetchChanges: Deque<FetchChange> = []
    /// When the input was last polled, to pause it once the flow has been full too long.
    var lastInputPoll = Moment.origin
    /// Where the ordered stop is.
    package internal(set) var stopPhase = StopPhase.running
    /// Messages the stop leaves unfinished, by partition (`topic[partition]`): those of
    /// partitions a revoke took after the drain, then those still held at the close.
    var leftByStop: [String: Int] = [:]

    package init(settings: FlowSettings, seed: UInt64) {
        self.settings = settings
        random = SplitMix64(seed: seed)
        actions.reserveCapacity(256)
    }

    // MARK: The world's side

    /// The next action to carry out, in order; nil once all are taken.
    package mutating func nextAction() -> FlowAction? {
        guard actionCursor < actions.count else {
            if actionCursor > 0 {
                actions.removeAll(keepingCapacity: true)
                actionCursor = 0
            }
            return nil
        }
        defer { actionCursor += 1 }
        return actions[actionCursor]
    }

    mutating func emit(_ action: FlowAction) {
        actions.append(action)
    }

    /// Asks the interpreter to log `line`.
    mutating func say(_ line: FlowLog) {
        logLines.append(line)
        emit(.log)
    }

    /// The line a `FlowAction.log` says.
    package mutating func nextLogLine() -> FlowLog {
        logLines.removeFirst()
    }

    /// How many actions wait for the interpreter: whether a call asked for one.
    var pendingActionCount: Int { actions.count - actionCursor }

    /// The time moves on (once per loop turn): events from now on happened at `now`.
    package mutating func advance(to now: Moment, wallMilliseconds: Int64) {
        self.now = now
        self.wallMilliseconds = wallMilliseconds
        settleStop()
    }

    /// The token of output `index` of the message in `slot`, for its generation now.
    package func token(_ slot: Int, index: Int = 0) -> DeliveryToken {
        DeliveryToken(slot: slot, index: index, generation: table.generation(of: slot))
    }

    /// Whether `token` names a message the flow holds now (not a slot's earlier one).
    package func holds(_ token: DeliveryToken) -> Bool {
        table.contains(token.slot) && token.isOf(generation: table.generation(of: token.slot))
    }

    /// Where the message in `slot` came from, for a log line.
    package func position(of slot: Int) -> InputPosition {
        InputPosition(topic: table[slot].progress.topic, partition: table[slot].progress.partition, offset: table[slot].offset)
    }

    // MARK: Keys and endings

    /// Lets the next message with the slot's key go to a worker, once the slot's outputs
    /// are enqueued: librdkafka's idempotent producer then writes the two in order.
    /// Released earlier, a newer output could overtake one whose enqueue was deferred.
    mutating func releaseKey(of slot: Int) {
        guard table[slot].holdsKey else { return }
        table[slot].holdsKey = false
        scheduler.release(keyHash: table[slot].keyHash)
    }

    /// Frees a message without a verdict; its offset is never stored.
    mutating func discard(_ slot: Int) {
        _ = remove(slot)
    }

    /// Takes the message in `slot` out of the flow and its partition's count, and tells
    /// the interpreter to free it.
    private mutating func remove(_ slot: Int) -> MessageRecord {
        let record = table.remove(slot)
        record.progress.held -= 1
        emit(.forget(slot: slot))
        settleSaturation()
        settleStop()
        return record
    }

    /// The message in `slot` is done (its outputs delivered, or none to write): counted,
    /// removed, and its partition's commit position may move.
    mutating func finish(_ slot: Int) {
        switch table[slot].stage {
        case .producing:
            // Field by field: the output read whole is copied, every string and array in it.
            let verdict = table[slot].producingOutput.verdict
            emit(.count(.delivered(verdict, table[slot].producingOutput.source, processing: now - table[slot].consumedAt)))
        case .republishing:
            emit(.count(.retried))
        case .handingBack:
            break
        case .queued, .dispatched, .waitingForRetry:
            return
        }
        let record = remove(slot)
        if partitions.finish(record.offset, of: record.progress) { positionMoved(record.progress) }
    }

    /// The commit positions that moved since the last call, for the input consumer and the
    /// retrier's (`AssignedPartitions.takeMovedPositions`). This is the one place finished
    /// messages become offsets to commit: stored after delivery today, it is where offsets
    /// would go into an open transaction instead.
    package mutating func takeMovedPositions(into moved: inout AssignedPartitions.MovedPositions) {
        partitions.takeMovedPositions(into: &moved)
    }
}
