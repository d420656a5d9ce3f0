import DequeModule

/// Outputs librdkafka did not take, waiting to be produced again: those refused with its
/// queue full, in the order they were refused (tried again as soon as delivery reports
/// make room, before anything newer), and those to try again at a time (another refusal,
/// a failed delivery). A timed retry may carry its message's key and place (`Turn`): then
/// it waits behind every retry of the key from earlier in the input, and while one is
/// pending a newer output of the key waits behind it too (`isRetrying`), so a key's
/// outputs reach Kafka in input order whatever failed. Pure: output ids, turns and
/// instants.
package struct PendingOutputs {
    /// A keyed output's place in its key's order: its message's input offset, then its
    /// index among the message's outputs.
    package struct Turn: Comparable {
        package let keyHash: Int
        package let offset: Int64
        package let index: Int

        package static func < (lhs: Turn, rhs: Turn) -> Bool {
            (lhs.offset, lhs.index) < (rhs.offset, rhs.index)
        }
    }

    private var waitingForRoom: Deque<DeliveryToken> = []
    private var retries: [(output: DeliveryToken, turn: Turn?, due: Moment)] = []
    /// How many of `retries` carry each key.
    private var retriesByKey: [Int: Int] = [:]

    /// Whether an output waits for room in the producer's queue.
    package var isWaitingForRoom: Bool { !waitingForRoom.isEmpty }

    /// The output was refused with the queue full: it goes again when there is room.
    package mutating func waitForRoom(_ output: DeliveryToken) {
        waitingForRoom.append(output)
    }

    /// The oldest output waiting for room, to be tried now; nil when none waits.
    package mutating func takeFirstWaitingForRoom() -> DeliveryToken? {
        waitingForRoom.popFirst()
    }

    /// The output just taken was refused again with the queue full: it keeps its turn,
    /// ahead of the rest.
    package mutating func waitForRoomFirst(_ output: DeliveryToken) {
        waitingForRoom.prepend(output)
    }

    /// The output goes again at `due`; with a `turn`, not before its key's retries from
    /// earlier in the input.
    package mutating func retry(_ output: DeliveryToken, turn: Turn? = nil, at due: Moment) {
        guard let turn else { return retries.append((output, nil, due)) }
        let later = retries.firstIndex { $0.turn.map { $0.keyHash == turn.keyHash && turn < $0 } ?? false }
        retries.insert((output, turn, due), at: later ?? retries.endIndex)
        retriesByKey[turn.keyHash, default: 0] += 1
    }

    /// How many outputs with this key wait for a retry: a newer one must go behind them.
    package func retrying(keyHash: Int?) -> Int {
        guard let keyHash, !retriesByKey.isEmpty else { return 0 }
        return retriesByKey[keyHash] ?? 0
    }

    /// The outputs due at `now`, in their order, each with its turn; they are no longer
    /// pending. A retry not yet due holds back the later ones of its key.
    package mutating func takeDueRetries(at now: Moment) -> [(output: DeliveryToken, turn: Turn?)] {
        guard !retries.isEmpty else { return [] }
        var due: [(output: DeliveryToken, turn: Turn?)] = []
        var heldKeys = Set<Int>()
        retries.removeAll { retry in
            if let turn = retry.turn, heldKeys.contains(turn.keyHash) { return false }
            guard retry.due <= now else {
                if let turn = retry.turn { heldKeys.insert(turn.keyHash) }
                return false
            }
            due.append((retry.output, retry.turn))
            if let keyHash = retry.turn?.keyHash {
                retriesByKey[keyHash]! -= 1
                if retriesByKey[keyHash] == 0 { retriesByKey[keyHash] = nil }
            }
            return true
        }
        return due
    }

    /// When the next retry is due, if one is pending: the earliest due among unkeyed
    /// retries and the first retry of each key, which the others of the key wait for.
    package var nextRetry: Moment? {
        guard !retries.isEmpty else { return nil }
        var seenKeys = Set<Int>()
        var next: Moment?
        for retry in retries where retry.turn.map({ seenKeys.insert($0.keyHash).inserted }) ?? true {
            next = min(next ?? retry.due, retry.due)
        }
        return next
    }
}
