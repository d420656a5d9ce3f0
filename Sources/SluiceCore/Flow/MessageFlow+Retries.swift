import SluiceSupport

extension MessageFlow {
    /// Publishes every held failure that is due back to its input topic.
    package mutating func republishDue() {
        for slot in heldRetries.takeDue(at: wallMilliseconds) {
            table[slot].stage = .republishing
            emit(.produce(token(slot)))
        }
    }

    /// The wait until the next held failure is due.
    package var timeUntilNextRetry: Duration? {
        heldRetries.timeUntilNext(at: wallMilliseconds)
    }

    /// A held failure no input topic takes any more (the input changed to patterns that do
    /// not match it): dead-lettered with `reason`.
    package mutating func noRetryHome(_ token: DeliveryToken, reason: String) {
        guard holds(token), table[token.slot].stage == .republishing else { return }
        say(.noRetryHome(position(of: token.slot), reason: reason))
        table[token.slot].produce(VerdictOutput(verdict: .permanent, reason: reason, source: .unproducible))
        produceVerdict(slot: token.slot)
    }

    /// Lets go of the held (not yet due) failures of partitions for which `predicate`
    /// holds: their offsets are not committed, so the next owner holds them again, with
    /// the same due times. For partitions that are lost: the next owner has them already.
    package mutating func releaseWaitingRetries(of predicate: (PartitionProgress) -> Bool) {
        let table = self.table
        for slot in heldRetries.take(where: { predicate(table[$0].progress) }) { discard(slot) }
    }

    /// Writes the held (not yet due) failures of partitions for which `predicate` holds
    /// back to the end of their transient-failure partitions, headers and due time
    /// unchanged, so that once delivered their offsets, and those of everything after them
    /// already retried, can be committed: a stop or a revoke then redoes nothing, and the
    /// next owner holds the copies until they are due.
    package mutating func handBackWaitingRetries(of predicate: (PartitionProgress) -> Bool) {
        let table = self.table
        for slot in heldRetries.take(where: { predicate(table[$0].progress) }) {
            table[slot].stage = .handingBack
            emit(.produce(token(slot)))
        }
    }
}
