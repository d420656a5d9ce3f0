import DequeModule

/// Outputs librdkafka did not take, waiting to be produced again. An output with no key
/// refused with the queue full waits in the order it was refused, and goes again as soon as
/// delivery reports make room, before anything newer; one refused otherwise, or whose
/// delivery failed, goes again at a time. An output with a key carries its message's place
/// (`Turn`), and every kind of wait of a key is one line in input order: none goes before
/// the key's earlier ones (a timed one at its time; one waiting for room is tried at each
/// pass), and while any is pending a newer output of the key joins the line
/// (`retrying`), so a key's outputs reach Kafka in input order whatever failed. Pure:
/// output ids, turns and moments.
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

    /// When a pending output may go.
    package enum Due: Equatable {
        /// When librdkafka's queue has room: it is tried at each pass.
        case room
        /// At this moment.
        case at(Moment)
    }

    private var waitingForRoom: Deque<DeliveryToken> = []
    private var retries: [(output: DeliveryToken, turn: Turn?, due: Due)] = []
    /// How many of `retries` carry each key.
    private var retriesByKey: [Int: Int] = [:]

    /// Whether an output with no key waits for room in the producer's queue.
    package var isWaitingForRoom: Bool { !waitingForRoom.isEmpty }

    /// The output was refused with the queue full: it goes again when there is room; with
    /// a `turn`, in its key's line.
    package mutating func waitForRoom(_ output: DeliveryToken, turn: Turn? = nil) {
        guard let turn else { return waitingForRoom.append(output) }
        insert(output, turn: turn, due: .room)
    }

    /// The oldest output with no key waiting for room, to be tried now; nil when none waits.
    package mutating func takeFirstWaitingForRoom() -> DeliveryToken? {
        waitingForRoom.popFirst()
    }

    /// The output with no key just taken was refused again with the queue full: it keeps
    /// its turn, ahead of the rest.
    package mutating func waitForRoomFirst(_ output: DeliveryToken) {
        waitingForRoom.prepend(output)
    }

    /// The output goes again at `due`; with a `turn`, not before its key's pending outputs
    /// from earlier in the input.
    package mutating func retry(_ output: DeliveryToken, turn: Turn? = nil, at due: Moment) {
        guard let turn else { return retries.append((output, nil, .at(due))) }
        insert(output, turn: turn, due: .at(due))
    }

    private mutating func insert(_ output: DeliveryToken, turn: Turn, due: Due) {
        let later = retries.firstIndex { $0.turn.map { $0.keyHash == turn.keyHash && turn < $0 } ?? false }
        retries.insert((output, turn, due), at: later ?? retries.endIndex)
        retriesByKey[turn.keyHash, default: 0] += 1
    }

    /// How many outputs with this key are pending: a newer one must go behind them.
    package func retrying(keyHash: Int?) -> Int {
        guard let keyHash, !retriesByKey.isEmpty else { return 0 }
        return retriesByKey[keyHash] ?? 0
    }

    /// The outputs to try at `now`, in their order, each with its turn; they are no longer
    /// pending. One waiting for room is tried at each pass (back in line if the queue is
    /// still full); one not yet due holds back the later ones of its key.
    package mutating func takeDueRetries(at now: Moment) -> [(output: DeliveryToken, turn: Turn?)] {
        guard !retries.isEmpty else { return [] }
        var due: [(output: DeliveryToken, turn: Turn?)] = []
        var heldKeys = Set<Int>()
        retries.removeAll { retry in
            if let turn = retry.turn, heldKeys.contains(turn.keyHash) { return false }
            if case .at(let time) = retry.due, time > now {
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

    /// When the next timed retry is due, if one is pending: the earliest due among unkeyed
    /// retries and the first of each key, which the others of the key wait for. A key whose
    /// first waits for room has no time: it is tried when delivery reports wake the loop.
    package var nextRetry: Moment? {
        guard !retries.isEmpty else { return nil }
        var seenKeys = Set<Int>()
        var next: Moment?
        for retry in retries where retry.turn.map({ seenKeys.insert($0.keyHash).inserted }) ?? true {
            guard case .at(let time) = retry.due else { continue }
            next = min(next ?? time, time)
        }
        return next
    }
}
