import SluiceCore

extension Simulation {
    /// Whether the stop was asked for: nothing more is taken or started.
    var isStopping: Bool { stopAskedAt != nil }

    /// The stop begins, as the pipeline's: the flow hands back held failures, lets go of
    /// what has not started, and gives started work the drain to finish.
    mutating func beginStop() throws(Violation) {
        stopAskedAt = now
        flow.beginStop(drainTimeout: Self.drainTimeout)
        try carryOut()
    }

    /// A stop ends: once the drain timeout has passed since the stop was asked, the flow
    /// has ended its drain, whatever the world does.
    func checkStopEnds() throws(Violation) {
        guard let asked = stopAskedAt, flow.isDraining, now >= asked + Self.drainTimeout else { return }
        throw violation("the stop still drains \(now - asked) after it was asked, past its drain timeout of \(Self.drainTimeout)")
    }

    /// Whether the stop is over. Once the flow has ended the drain, the world does what the
    /// pipeline's close does: positions stored, the partitions gone, then every worker
    /// asked to stop, escalating as its life says. Once every child has exited the flow
    /// lets go of what is left, and that must be every message that had not ended.
    mutating func advanceStop() throws(Violation) -> Bool {
        guard case .closing = flow.stopPhase else { return false }
        if pluginsStopBegan == nil {
            // Every message not ended now, of a partition still owned, is what the stop
            // leaves: those of partitions handed over before were the next owner's already.
            stopLeaves = instances.indices.filter { !instances[$0].ended && instances[$0].epoch == partitions[instances[$0].partition]!.epoch }.count
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
            rollingRestart.cancel()
            for worker in workers.indices { stop(worker, then: .stayDown) }
            pluginsStopBegan = now
        }
        guard workers.allSatisfy({ !$0.hasChild }) else { return false }
        try killExecRuns()
        let unended = instances.indices.filter { !instances[$0].ended }
        let left = flow.closed()
        try carryOut()
        guard left == stopLeaves else { throw violation("the stop says it left \(left) messages unfinished, but \(stopLeaves) had not ended") }
        guard case .stopped = flow.stopPhase else { throw violation("the flow is in stop phase \(flow.stopPhase) once closed") }
        for index in unended {
            instances[index].ended = true
            outcome.released += 1
        }
        slotOwner.removeAll()
        return true
    }

    /// The plugins' stop ends: within two stop timeouts of asking, every child still
    /// running has been sent SIGKILL.
    func checkPluginsStop() throws(Violation) {
        guard let began = pluginsStopBegan, now >= began + Self.stopTimeout * 2 else { return }
        if let worker = workers.indices.first(where: { workers[$0].hasChild && !workers[$0].signalled.contains(.kill) }) {
            throw violation("worker \(worker)'s child runs \(now - began) after the plugins were asked to stop, never sent SIGKILL")
        }
    }

    /// At quiescence every message polled has come to exactly one end, and the flow holds
    /// nothing.
    func checkQuiescence() throws(Violation) {
        guard flow.table.count == 0 else { throw violation("the flow still holds \(flow.table.count) messages after the stop") }
        if let open = instances.firstIndex(where: { !$0.ended }) { throw violation("instance \(open) never came to an end") }
    }
}
