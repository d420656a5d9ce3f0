import SluiceSupport

extension MessageFlow {
    /// Partitions librdkafka assigned to the input consumer, or to the retrier's.
    package mutating func assigned(_ assigned: [TopicPartition], isRetry: Bool) {
        for entry in assigned {
            partitions.add(topic: entry.topic, partition: entry.partition, isRetry: isRetry)
        }
        changeGate(isRetry: isRetry) { $0.assign(assigned) }
    }

    /// The first half of a revoke: the partitions take nothing more, and what of them has
    /// not started goes (held failures of a lost partition are let go, of a revoked one
    /// written back). Returns their progress, to wait on while started work finishes.
    package mutating func beginRevoke(_ leaving: [TopicPartition], isRetry: Bool, lost: Bool) -> [PartitionProgress] {
        let revoked = leaving.compactMap { partitions[$0] }
        for progress in revoked { progress.isRevoked = true }
        if isRetry {
            if lost {
                releaseWaitingRetries { $0.isRevoked }
            } else {
                #if PLANTED_DEFECTS
                if Self.planted == .forgetHeldRetryOnRevoke {
                    let table = self.table
                    _ = heldRetries.take { table[$0].progress.isRevoked }
                    return revoked
                }
                #endif
                handBackWaitingRetries { $0.isRevoked }
            }
        } else {
            releaseUnstarted { $0.isRevoked }
        }
        return revoked
    }

    /// The second half: what is still queued of the partitions would now be done beside
    /// the next owner, so it goes, and the partitions are forgotten. Returns how many of
    /// their messages were left unfinished (the next owner redoes them).
    package mutating func finishRevoke(_ revoked: [PartitionProgress]) -> Int {
        // Counted before the queued ones are let go: the next owner redoes those too.
        let unfinished = revoked.reduce(0) { $0 + $1.held }
        // After the stop's drain these are the stop's shortfall; before it, handed over as
        // during the run.
        if case .closing = stopPhase {
            for progress in revoked where progress.held > 0 { leftByStop[progress.name, default: 0] += progress.held }
        }
        for progress in revoked { progress.isReleased = true }
        releaseQueued { $0.progress.isReleased }
        for progress in revoked { partitions.remove(progress) }
        // A pause librdkafka would keep across revoke and re-assign is cleared as the
        // partitions leave (`FetchGate.revoke`).
        let leaving = revoked.map { TopicPartition(topic: $0.topic, partition: $0.partition) }
        changeGate(isRetry: revoked.first?.isRetry == true) { $0.revoke(leaving) }
        return unfinished
    }

    /// Lets go of the queued messages of the partitions for which `predicate` holds that
    /// lie beyond everything dispatched: no work after them is done, so the commit position
    /// is not held back and the next owner (or run) starts exactly there. Queued messages
    /// below a dispatched one stay and are finished. Returns how many were let go.
    @discardableResult
    package mutating func releaseUnstarted(of predicate: (PartitionProgress) -> Bool) -> Int {
        releaseQueued { predicate($0.progress) && $0.offset > $0.progress.highestDispatched }
    }

    /// Lets go of every queued message (waiting for a worker, for its key, or to run alone
    /// as a suspect) for which `predicate` holds, letting its key go. Returns how many.
    @discardableResult
    mutating func releaseQueued(where predicate: (MessageRecord) -> Bool) -> Int {
        let table = self.table
        let released = scheduler.drop(where: { predicate(table[$0]) }, keyHash: { table[$0].keyHash })
        let suspectsReleased = suspects.filter { predicate(table[$0]) }
        suspects.removeAll { predicate(table[$0]) }
        for slot in suspectsReleased { releaseKey(of: slot) }
        for slot in released + suspectsReleased { discard(slot) }
        return released.count + suspectsReleased.count
    }

    /// Reports, once per stand-still, each partition whose commit position has not moved
    /// for `stallThreshold` while it holds messages: nothing after its first unfinished
    /// message is committed, and a restart would redo all of it. Checked once a second.
    package mutating func reportStalledPartitions() {
        for progress in partitions.all {
            guard let stalled = progress.stallToReport(at: now, threshold: settings.stallThreshold) else { continue }
            say(
                .partitionStalled(
                    topic: progress.topic, partition: progress.partition, seconds: stalled.wholeSeconds, held: progress.held,
                    position: progress.position))
        }
    }

    /// The partition's commit position moved: a stand-still that was reported is over.
    mutating func positionMoved(_ progress: PartitionProgress) {
        guard let stood = progress.positionMoved(at: now) else { return }
        say(.partitionMovesAgain(topic: progress.topic, partition: progress.partition, seconds: stood.wholeSeconds))
    }
}
