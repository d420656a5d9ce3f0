import PluginProtocol

extension MessageFlow {
    /// Enqueues the outputs of a message's verdict, in order, from the first not yet
    /// enqueued, one `produce` at a time (each `enqueued` asks for the next). Once all are
    /// enqueued, the next message with the key may go. While an earlier output of the key
    /// waits to be produced again, these wait behind it, unless it is their turn (`inTurn`).
    mutating func produceVerdict(slot: Int, inTurn: Bool = false) {
        guard table[slot].stage == .producing else { return }
        if table[slot].producingOutput.verdict == .drop {
            releaseKey(of: slot)
            return finish(slot)  // nothing to write: done now
        }
        if !inTurn && pending.retrying(keyHash: table[slot].keyHash) > 0 {
            let id = token(slot, index: table[slot].producingOutput.enqueued)
            return pending.retry(id, turn: turn(of: id), at: now)
        }
        guard let index = table[slot].producingOutput.nextToEnqueue else { return releaseKey(of: slot) }
        emit(.produce(token(slot, index: index)))
    }

    /// librdkafka took the output `token` names: the verdict's next output goes, or once
    /// all have, the key is free. If it was taken from those waiting for room, the next of
    /// them goes too.
    package mutating func enqueued(_ token: DeliveryToken) {
        let wasResumed = token == resumedFromRoom
        if wasResumed { resumedFromRoom = nil }
        if holds(token), table[token.slot].stage == .producing, token.index == table[token.slot].producingOutput.enqueued {
            table[token.slot].producingOutput.enqueued += 1
            produceVerdict(slot: token.slot, inTurn: true)
        }  // else a retried one, enqueued before: nothing follows it
        if wasResumed { resumeWaitingForRoom() }
    }

    /// An output librdkafka would not enqueue: refused for good, it is dead-lettered; with
    /// the queue full, it is enqueued again as soon as delivery reports make room, before
    /// anything newer (a keyed one in its key's line); on any other error, again in a second.
    package mutating func enqueueFailed(_ token: DeliveryToken, topic: String, _ failure: ProduceFailure) {
        let wasResumed = token == resumedFromRoom
        if wasResumed { resumedFromRoom = nil }
        guard holds(token) else { return }
        switch failure.kind {
        case .refused: outputRefused(token, failure, topic: topic)
        case .queueFull:
            if let turn = turn(of: token) {
                pending.waitForRoom(token, turn: turn)
            } else if wasResumed {
                pending.waitForRoomFirst(token)  // it keeps its turn ahead of the rest
                return  // full again: the rest wait for the next report
            } else {
                pending.waitForRoom(token)
            }
        case .retriable:
            emit(.count(.produceFailed))
            logProduceFailure(token.slot, topic: topic, failure.description, .enqueueAgain)
            pending.retry(token, turn: turn(of: token), at: now + .seconds(1))
        }
        if wasResumed { resumeWaitingForRoom() }
    }

    /// Delivery reports made room in the producer's queue: what waited for it with no key
    /// is enqueued again, oldest first, one at a time, until the queue is full again.
    package mutating func producerHasRoom() {
        guard resumedFromRoom == nil else { return }
        resumeWaitingForRoom()
    }

    private mutating func resumeWaitingForRoom() {
        while let id = pending.takeFirstWaitingForRoom() {
            guard holds(id) else { continue }
            let before = pendingActionCount
            produceAgain(id)
            guard pendingActionCount > before else { continue }  // nothing left to write of it
            resumedFromRoom = id
            return
        }
    }

    /// Produces again the outputs whose retry time has come. Whether a write was taken is
    /// known only once the interpreter has carried it out, after this pass: so a pass writes
    /// one output per key, and the key's next ones go at the next pass (at once, being
    /// due), behind it if it was refused again. Two in one pass could reach Kafka in the
    /// wrong order: the first refused, the second taken.
    package mutating func produceDueOutputs() {
        var keysWritten = Set<Int>()
        for (id, turn) in pending.takeDueRetries(at: now) where holds(id) {
            if let turn, !keysWritten.insert(turn.keyHash).inserted {
                pending.retry(id, turn: turn, at: now)
                continue
            }
            produceAgain(id)
        }
    }

    /// An output's place in its key's order, if its message has a key and the output is
    /// its verdict's (a republished retry or a handed-back one keeps no order).
    func turn(of id: DeliveryToken) -> PendingOutputs.Turn? {
        guard table[id.slot].stage == .producing, let keyHash = table[id.slot].keyHash else { return nil }
        return PendingOutputs.Turn(keyHash: keyHash, offset: table[id.slot].offset, index: id.index)
    }

    /// Produces an output again after a refused enqueue (the rest of a verdict's outputs
    /// follow it) or a failed delivery (it alone goes again).
    private mutating func produceAgain(_ id: DeliveryToken) {
        switch table[id.slot].stage {
        case .producing:
            if id.index < table[id.slot].producingOutput.enqueued {
                emit(.produce(id))
            } else if id.index == table[id.slot].producingOutput.enqueued {
                produceVerdict(slot: id.slot, inTurn: true)
            }
        case .republishing, .handingBack: emit(.produce(id))
        case .queued, .dispatched, .waitingForRetry: break
        }
    }

    /// What the broker did with an output.
    package enum Delivery: Equatable {
        /// Stored.
        case stored
        /// Acknowledged as a duplicate of a write it holds already (no offset).
        case storedBefore
        case failed(ProduceFailure)
    }

    /// A delivery report: on success the output is settled, and once all of its verdict's
    /// are the message is done and its partition's commit position may move; on failure
    /// the output is produced again. A report for a message that is gone is ignored.
    /// `topic` names the output's topic, asked only for a failure or a log line.
    package mutating func delivered(_ token: DeliveryToken, topic topicName: () -> String, _ delivery: Delivery) {
        guard holds(token) else { return }
        let slot = token.slot
        switch delivery {
        case .failed(let failure):
            let topic = topicName()
            emit(.count(.produceFailed))
            if case .refused = failure.kind { return outputRefused(token, failure, topic: topic) }
            logProduceFailure(slot, topic: topic, failure.description, .produceAgain)
            if table[slot].stage == .producing && table[slot].producingOutput.deliveryFailure == nil {
                table[slot].producingOutput.deliveryFailure = failure.reason
            }
            pending.retry(token, turn: turn(of: token), at: now + .seconds(1))
            return
        case .storedBefore:
            // librdkafka's idempotent producer reports a DUPLICATE_SEQUENCE_NUMBER answer as
            // delivered without an offset: Kafka holds the write already. Say so, so that a
            // broker that acknowledges what it never stored can be found out.
            say(.duplicateAcknowledged(position(of: slot)))
        case .stored:
            break
        }
        if !failureLog.isEmpty {
            let topic = topicName()
            if let unlogged = failureLog.succeeded(topic: topic) { say(.outputsGoThrough(topic: topic, unlogged: unlogged)) }
        }
        guard table[slot].stage == .producing && table[slot].producingOutput.outputs != nil else { return finish(slot) }  // its one output
        table[slot].producingOutput.settled += 1
        #if PLANTED_DEFECTS
        if Self.planted == .commitAtFirstFanOutDelivery { return finish(slot) }
        #endif
        guard table[slot].producingOutput.isSettled else { return }
        if table[slot].producingOutput.refusal == nil { finish(slot) } else { deadLetterRefused(slot) }
    }

    /// Logs a failed enqueue or delivery, unless many like it came just before: then one
    /// line every 30 s says how many there were (`RepeatedFailureLog`).
    mutating func logProduceFailure(_ slot: Int, topic: String, _ text: String, _ retry: FlowLog.ProduceRetry) {
        guard let unlogged = failureLog.record(topic: topic, at: now) else { return }
        say(.produceFailed(position(of: slot), topic: topic, reason: text, retry: retry, unlogged: unlogged))
    }

    /// An output the broker refused for good: the original goes to the permanent topic
    /// with the broker's reason, once the verdict's other outputs in flight are settled
    /// (those after the refused one are not written). A dead letter refused as too large
    /// goes without its value (key and headers kept), rather than wedge its partition. If
    /// the permanent topic refuses it still, nothing is dropped: it is retried, the
    /// partition's commit position waits, and the log says so loudly.
    mutating func outputRefused(_ id: DeliveryToken, _ failure: ProduceFailure, topic: String) {
        let slot = id.slot
        let text = failure.reason
        guard table[slot].stage == .producing, var output = table[slot].output else {
            // A retry's republish or hand-back: its one output.
            say(.outputRefused(position(of: slot), which: "an output", topic: topic, reason: text))
            table[slot].produce(
                VerdictOutput(verdict: .permanent, reason: "the broker refused the output to \(topic): \(text)", source: .unproducible))
            return produceVerdict(slot: slot)
        }
        if output.source == .unproducible {
            if failure.kind == .refused(tooLarge: true) && !output.withoutValue {
                say(.deadLetterTooLarge(position(of: slot), reason: text))
                table[slot].produce(
                    VerdictOutput(
                        verdict: .permanent, reason: "\(output.reason ?? ""); the value is left out (\(text))",
                        source: .unproducible, worker: output.worker, withoutValue: true))
                return produceVerdict(slot: slot)
            }
            logProduceFailure(slot, topic: topic, text, .deadLetterAgain)
            pending.retry(id, at: now + .seconds(5))
            return
        }
        if id.index < output.enqueued { output.settled += 1 }  // it was in flight
        if output.refusal == nil {
            let which = output.outputs.map { "output \(id.index + 1) of \($0.count)" } ?? "the output"
            say(.outputRefused(position(of: slot), which: which, topic: topic, reason: text))
            output.refusal = "the broker refused \(which) to \(topic): \(text)"
        }
        table[slot].output = output
        if output.isSettled { deadLetterRefused(slot) }
    }

    /// Dead-letters the original of a message one of whose outputs the broker refused for
    /// good, now that none of its outputs is in flight.
    mutating func deadLetterRefused(_ slot: Int) {
        guard table[slot].stage == .producing, let output = table[slot].output else { return }
        table[slot].produce(VerdictOutput(verdict: .permanent, reason: output.refusal, source: .unproducible, worker: output.worker))
        produceVerdict(slot: slot)
    }
}
