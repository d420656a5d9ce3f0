import SluiceCore

extension Simulation {
    /// The most steps a calm world may take to finish everything.
    static let calmSteps = 50_000

    /// Liveness: the world calms down (no new input, no faults, no rebalances; every
    /// partition assigned again, every worker that is down started by hand, fetching
    /// resumed), and within `calmSteps` everything is read and every message held finished:
    /// none waits for ever for its key, a worker, room in the producer, or a retry.
    mutating func calmDown() throws(Violation) {
        isCalm = true
        pluginBroken = false
        outputOutageUntil = nil
        try finishRevokes(force: true)
        for id in inputPartitions + retryPartitions { assign(id) }
        if flow.holds(.operatorRequest, isRetry: false) { flow.release(.operatorRequest, isRetry: false) }
        startWorkersDown()
        try carryOut()
        let limit = step + Self.calmSteps
        while !isQuiet {
            guard step < limit else {
                let held = flow.table.count
                let unread = (inputPartitions + retryPartitions).filter { partitions[$0]!.fetchPosition < Int64(partitions[$0]!.log.count) }
                let lives = workers.map { "\($0.life.name)\($0.hasChild ? "" : " (no child)")\($0.isHung ? " hung" : "")" }
                throw violation(
                    "liveness: after \(Self.calmSteps) calm steps the flow holds \(held) messages (\(flow.heldStages)), "
                        + "\(inFlightWrites.count) writes are in flight, unread: \(unread), workers: \(lives)")
            }
            step += 1
            try takeStep(settling: true)
            startWorkersDown()  // stopped by hand before the calm, or gone fatal
        }
        isCalm = false
    }

    /// The operator starts every worker that is down and can be started by hand.
    private mutating func startWorkersDown() {
        for worker in workers.indices where workers[worker].life.canBeStartedByHand {
            workers[worker].life.startByHand()
            start(worker)
        }
    }

    /// Whether everything written is read, every message held finished and every write
    /// delivered.
    private var isQuiet: Bool {
        flow.table.count == 0 && inFlightWrites.isEmpty
            && (inputPartitions + retryPartitions).allSatisfy { partitions[$0]!.fetchPosition >= Int64(partitions[$0]!.log.count) }
    }
}
