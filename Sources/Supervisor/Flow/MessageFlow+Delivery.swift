import Logging
import PluginProtocol
import SluiceSupport

extension MessageFlow {
    /// Enqueues the outputs of a message's verdict, in order, from the first not yet
    /// enqueued: the success topic gets the replacement (or the original) value, or the
    /// outputs of a fan-out; the failure topics get the original bytes with headers that
    /// say why. A refused enqueue is retried, never dropped. Once all are enqueued, the
    /// next message with the key may go. While an earlier output of the key waits to be
    /// produced again, these wait behind it, unless it is their turn (`inTurn`).
    func produceVerdict(slot: Int, inTurn: Bool = false) {
        guard table[slot].stage == .producing else { return }
        if table[slot].producingOutput.verdict == .drop {
            releaseKey(of: slot)
            return finish(slot)  // nothing to write: done now
        }
        if !inTurn && outputs.pending.retrying(keyHash: table[slot].keyHash) > 0 {
            let id = OutputID(slot: slot, index: table[slot].producingOutput.enqueued)
            return outputs.pending.retry(id, turn: turn(of: id), at: now)
        }
        while let index = table[slot].producingOutput.nextToEnqueue {
            let id = OutputID(slot: slot, index: index)
            if let error = enqueue(id, of: table[slot].producingOutput) {
                return enqueueFailed(id, error: error, topic: topic(of: table[slot].producingOutput))
            }
            table[slot].producingOutput.enqueued += 1
        }
        releaseKey(of: slot)
    }

    /// The topic a verdict's outputs go to.
    private func topic(of output: VerdictOutput) -> String {
        switch output.verdict {
        case .success, .drop: settings.successTopic
        case .transient: settings.transientTopic
        case .permanent: settings.permanentTopic
        }
    }

    /// Enqueues output `id.index` of `output` (the verdict of the message in `id.slot`):
    /// the error when librdkafka refused it.
    private func enqueue(_ id: OutputID, of output: borrowing VerdictOutput) -> KafkaError? {
        let message = table[id.slot].message
        let headers = message.copyOfHeaders(capacity: output.headers.count + 16)
        let topic = topic(of: output)
        var key = output.key
        if let outputs = output.outputs {
            key = outputs[id.index].key
            merge(outputs[id.index].headers, into: headers)
        } else {
            merge(output.headers, into: headers)
        }
        if output.verdict != .success { addFailureHeaders(headers, for: output, record: table[id.slot]) }
        if let failure = output.deliveryFailure { headers.set(OutputHeaders.deliveryFailed, failure) }
        if output.withoutValue { headers.set(OutputHeaders.valueRemoved, String(message.value?.count ?? 0)) }
        func produce(value: UnsafeRawBufferPointer?) -> KafkaError? {
            switch key {
            case .input:
                outputs.producer.produce(topic: topic, key: message.key, value: value, headers: headers, token: id.token)
            case .null:
                outputs.producer.produce(topic: topic, key: nil, value: value, headers: headers, token: id.token)
            case .bytes(let bytes):
                bytes.withUnsafeBytes {
                    outputs.producer.produce(topic: topic, key: $0, value: value, headers: headers, token: id.token)
                }
            }
        }
        if let outputs = output.outputs {
            guard let payload = outputs[id.index].payload else { return produce(value: nil) }  // a null value
            return payload.bytes.withUnsafeBytes { produce(value: $0) }
        }
        if output.withoutValue { return produce(value: nil) }
        if let payload = output.payload { return payload.withUnsafeBytes { produce(value: $0) } }
        return produce(value: message.value)
    }

    /// Sets the plugin's headers on an output over the input's: a name it gives replaces
    /// the input's, a nil value removes it.
    private func merge(_ changes: [ResponseFrame.Header], into headers: KafkaHeaders) {
        for header in changes {
            if let value = header.value { headers.set(header.name, value) } else { headers.remove(header.name) }
        }
    }

    /// An output librdkafka would not enqueue: refused for good, it is dead-lettered; with
    /// the queue full, it is enqueued again as soon as delivery reports make room, before
    /// anything newer; on any other error, again in a second.
    func enqueueFailed(_ id: OutputID, error: KafkaError, topic: String) {
        if error.refusesMessageForGood {
            outputRefused(id, error: error, topic: topic)
        } else if error.isQueueFull {
            outputs.pending.waitForRoom(id)
        } else {
            figures.produceFailed()
            logProduceFailure(id.slot, topic: topic, "\(error); retrying every second")
            outputs.pending.retry(id, turn: turn(of: id), at: .now + .seconds(1))
        }
    }

    /// Serves the producer's delivery reports, then enqueues what waited for the room they
    /// made, oldest first, until the queue is full again.
    func serveProducer() {
        outputs.producer.serveDeliveryReports()
        guard outputs.pending.isWaitingForRoom else { return }  // the usual case: nothing waits
        var waiting = outputs.pending.takeWaitingForRoom()
        while let id = waiting.popFirst() {
            if table.contains(id.slot) { produceAgain(id) }
            if outputs.pending.isWaitingForRoom {
                outputs.pending.putBack(waiting)  // full again: the rest keep their turn
                return
            }
        }
    }

    /// Produces again the outputs whose retry time has come.
    func produceDueOutputs(at now: ContinuousClock.Instant) {
        var refusedAgain = Set<Int>()  // keys whose earlier output went back: the rest follow it
        for (id, turn) in outputs.pending.takeDueRetries(at: now) where table.contains(id.slot) {
            if let turn, refusedAgain.contains(turn.keyHash) {
                outputs.pending.retry(id, turn: turn, at: now)
                continue
            }
            let waiting = outputs.pending.retrying(keyHash: turn?.keyHash)
            produceAgain(id)
            if let turn, outputs.pending.retrying(keyHash: turn.keyHash) > waiting { refusedAgain.insert(turn.keyHash) }
        }
    }

    /// An output's place in its key's order, if its message has a key and the output is
    /// its verdict's (a republished retry or a handed-back one keeps no order).
    func turn(of id: OutputID) -> PendingOutputs.Turn? {
        guard table[id.slot].stage == .producing, let keyHash = table[id.slot].keyHash else { return nil }
        return PendingOutputs.Turn(keyHash: keyHash, offset: table[id.slot].offset, index: id.index)
    }

    /// Produces an output again after a refused enqueue (the rest of a verdict's outputs
    /// follow it) or a failed delivery (it alone goes again).
    private func produceAgain(_ id: OutputID) {
        let slot = id.slot
        switch table[slot].stage {
        case .producing:
            if id.index < table[slot].producingOutput.enqueued {
                if let error = enqueue(id, of: table[slot].producingOutput) {
                    enqueueFailed(id, error: error, topic: topic(of: table[slot].producingOutput))
                }
            } else if id.index == table[slot].producingOutput.enqueued {
                produceVerdict(slot: slot, inTurn: true)
            }
        case .republishing: republish(slot: slot)
        case .handingBack: handBack(slot: slot)
        case .queued, .dispatched, .waitingForRetry: break
        }
    }

    /// A delivery report: on success the output is settled, and once all of its verdict's
    /// are the message is done and its partition's commit position may move; on failure
    /// the output is produced again.
    func delivered(_ report: DeliveryReport) {
        let id = OutputID(token: report.token)
        let slot = id.slot
        guard table.contains(slot) else { return }
        if let error = report.error {
            figures.produceFailed()
            if error.refusesMessageForGood {
                outputRefused(id, error: error, topic: report.topic)
                return
            }
            logProduceFailure(slot, topic: report.topic, "\(error); producing again every second")
            if table[slot].stage == .producing && table[slot].producingOutput.deliveryFailure == nil {
                table[slot].producingOutput.deliveryFailure = error.reason
            }
            outputs.pending.retry(id, turn: turn(of: id), at: .now + .seconds(1))
            return
        }
        if !outputs.failureLog.isEmpty { outputsWentThrough(topic: report.topic) }
        if report.offset == nil {
            // librdkafka's idempotent producer reports a DUPLICATE_SEQUENCE_NUMBER answer as
            // delivered without an offset: Kafka holds the write already. Say so, so that a
            // broker that acknowledges what it never stored can be found out.
            logger.warning("the broker acknowledged an output as a duplicate of an earlier write (no offset)", metadata: inputMetadata(slot))
        }
        guard table[slot].stage == .producing && table[slot].producingOutput.outputs != nil else { return finish(slot) }  // its one output
        table[slot].producingOutput.settled += 1
        guard table[slot].producingOutput.isSettled else { return }
        if table[slot].producingOutput.refusal == nil { finish(slot) } else { deadLetterRefused(slot) }
    }

    /// The message in `slot` is done (its output delivered, or none to write): counted,
    /// removed, and its partition's commit position may move.
    func finish(_ slot: Int) {
        switch table[slot].stage {
        case .producing:
            figures.delivered(table[slot].producingOutput.verdict, source: table[slot].producingOutput.source, processing: now - table[slot].consumedAt.instant)
        case .republishing:
            figures.retried()
        case .handingBack:
            break
        case .queued, .dispatched, .waitingForRetry:
            return
        }
        let record = table.remove(slot)
        record.progress.held -= 1
        if partitions.finish(record.offset, of: record.progress) { positionMoved(record.progress) }
    }

    /// Logs a failed enqueue or delivery, unless many like it came just before: then one
    /// line every 30 s says how many there were (`RepeatedFailureLog`).
    func logProduceFailure(_ slot: Int, topic: String, _ text: String, level: Logger.Level = .error) {
        guard let unlogged = outputs.failureLog.record(topic: topic, at: now) else { return }
        let more = unlogged > 0 ? " (\(unlogged) more outputs failed alike since the last such line)" : ""
        logger.log(level: level, "\(text)\(more)", metadata: inputMetadata(slot))
    }

    /// An output to `topic` was delivered after failures there: says so once.
    private func outputsWentThrough(topic: String) {
        guard let unlogged = outputs.failureLog.succeeded(topic: topic) else { return }
        logger.notice("outputs to \(topic) go through again (\(unlogged) failures there were not logged one by one)")
    }

    /// Names the input message of a slot in a log line (`input=topic[partition]@offset`):
    /// an output refused for good is produced again after the outputs that followed it,
    /// and an operator can tell which message that was.
    func inputMetadata(_ slot: Int) -> Logger.Metadata {
        ["input": "\(table[slot].progress.topic)[\(table[slot].progress.partition)]@\(table[slot].offset)"]
    }
}
