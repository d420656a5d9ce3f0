import SluiceCore

extension Simulation {
    /// The stop begins, as the pipeline's: nothing more is taken, held failures are written
    /// back, what has not started is let go, and started work has the drain to finish.
    mutating func beginStop() throws(Violation) {
        stopDeadline = now + Self.drainTimeout
        flow.handBackWaitingRetries { _ in true }
        flow.releaseUnstarted { _ in true }
        try carryOut()
    }

    /// Whether the stop is over: once everything held is finished or the drain has run
    /// out, positions are stored, the partitions go, the workers exit and what is left is
    /// let go. A stop ends within its drain, whatever the world does.
    mutating func advanceStop() throws(Violation) -> Bool {
        guard let deadline = stopDeadline else { return false }
        guard flow.table.count == 0 || now >= deadline else { return false }
        try storePositions()
        try finishRevokes(force: true)
        for id in inputPartitions + retryPartitions where partitions[id]!.epoch != nil {
            let progress = flow.beginRevoke(
                [TopicPartition(topic: Self.topics[id.topic], partition: id.partition)], isRetry: id.topic == 1, lost: false)
            try carryOut()
            try storePositions()
            _ = flow.finishRevoke(progress)
            try carryOut()
            partitions[id]!.epoch = nil
        }
        for worker in workers.indices where workers[worker].state != .down { try exit(worker, failed: false) }
        try carryOut()
        let unended = instances.indices.filter { !instances[$0].ended }
        let left = flow.releaseUnfinished()
        try carryOut()
        guard left == unended.count else {
            throw violation("the stop let go of \(left) messages, but \(unended.count) had not ended")
        }
        for index in unended {
            instances[index].ended = true
            outcome.released += 1
        }
        slotOwner.removeAll()
        return true
    }

    /// At quiescence every message polled has come to exactly one end, and the flow holds
    /// nothing.
    func checkQuiescence() throws(Violation) {
        guard flow.table.count == 0 else { throw violation("the flow still holds \(flow.table.count) messages after the stop") }
        if let open = instances.firstIndex(where: { !$0.ended }) { throw violation("instance \(open) never came to an end") }
    }
}
