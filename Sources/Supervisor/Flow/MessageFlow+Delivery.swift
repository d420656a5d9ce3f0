import Logging
import PluginProtocol
import SluiceSupport

extension MessageFlow {
    /// Enqueues the output of a message's verdict: the success topic gets the replacement
    /// (or the original) value, the failure topics get the original bytes with headers that
    /// say why. Key and headers always stay. A refused enqueue is retried, never dropped.
    func produceVerdict(slot: Int) {
        let record = table[slot]
        guard case .producing(let output) = record.stage else { return }
        let headers = record.message.copyOfHeaders(capacity: output.headers.count + 16)
        for header in output.headers { headers.add(header.name, header.value) }
        let topic: String
        switch output.verdict {
        case .success:
            topic = settings.successTopic
        case .drop:
            finish(slot)  // nothing to write: done now (conclude does not get here with one)
            return
        case .transient, .permanent:
            topic = output.verdict == .transient ? settings.transientTopic : settings.permanentTopic
            addFailureHeaders(headers, for: output, record: record)
        }
        if let failure = output.deliveryFailure { headers.set(OutputHeaders.deliveryFailed, failure) }
        let error: KafkaError?
        if output.withoutValue {
            headers.set(OutputHeaders.valueRemoved, String(record.value?.count ?? 0))
            error = outputs.producer.produce(topic: topic, key: record.key, value: nil, headers: headers, token: UInt(slot + 1))
        } else if let payload = output.payload {
            error = payload.withUnsafeBytes { value in
                outputs.producer.produce(topic: topic, key: record.key, value: value, headers: headers, token: UInt(slot + 1))
            }
        } else {
            error = outputs.producer.produce(topic: topic, key: record.key, value: record.value, headers: headers, token: UInt(slot + 1))
        }
        if let error {
            enqueueFailed(slot, error: error, topic: topic)
        } else {
            releaseKey(of: slot)
        }
    }

    /// An output librdkafka would not enqueue: refused for good, it is dead-lettered; with
    /// the queue full, it is enqueued again as soon as delivery reports make room, before
    /// anything newer; on any other error, again in a second.
    func enqueueFailed(_ slot: Int, error: KafkaError, topic: String) {
        if error.refusesMessageForGood {
            outputRefused(slot, error: error, topic: topic)
        } else if error.isQueueFull {
            outputs.pending.waitForRoom(slot)
        } else {
            figures.produceFailed()
            logProduceFailure(slot, topic: topic, "\(error); retrying every second")
            outputs.pending.retry(slot, at: .now + .seconds(1))
        }
    }

    /// Serves the producer's delivery reports, then enqueues what waited for the room they
    /// made, oldest first, until the queue is full again.
    func serveProducer() {
        outputs.producer.serveDeliveryReports()
        guard outputs.pending.isWaitingForRoom else { return }  // the usual case: nothing waits
        var waiting = outputs.pending.takeWaitingForRoom()
        while let slot = waiting.popFirst() {
            if table.contains(slot) { produceAgain(slot: slot) }
            if outputs.pending.isWaitingForRoom {
                outputs.pending.putBack(waiting)  // full again: the rest keep their turn
                return
            }
        }
    }

    /// Produces again the outputs whose retry time has come.
    func produceDueOutputs(at now: ContinuousClock.Instant) {
        for slot in outputs.pending.takeDueRetries(at: now) where table.contains(slot) { produceAgain(slot: slot) }
    }

    /// Produces a message's output again after a refused enqueue or a failed delivery.
    private func produceAgain(slot: Int) {
        switch table[slot].stage {
        case .producing: produceVerdict(slot: slot)
        case .republishing: republish(slot: slot)
        case .handingBack: handBack(slot: slot)
        case .queued, .dispatched, .waitingForRetry: break
        }
    }

    /// A delivery report: on success the message is done and its partition's commit
    /// position may move; on failure the output is produced again.
    func delivered(_ report: DeliveryReport) {
        let slot = Int(report.token) - 1
        guard table.contains(slot) else { return }
        if let error = report.error {
            figures.produceFailed()
            if error.refusesMessageForGood {
                outputRefused(slot, error: error, topic: report.topic)
                return
            }
            logProduceFailure(slot, topic: report.topic, "\(error); producing again every second")
            if case .producing(var output) = table[slot].stage, output.deliveryFailure == nil {
                output.deliveryFailure = error.reason
                table[slot].stage = .producing(output)
            }
            outputs.pending.retry(slot, at: .now + .seconds(1))
            return
        }
        if !outputs.failureLog.isEmpty { outputsWentThrough(topic: report.topic) }
        if report.offset == nil {
            // librdkafka's idempotent producer reports a DUPLICATE_SEQUENCE_NUMBER answer as
            // delivered without an offset: Kafka holds the write already. Say so, so that a
            // broker that acknowledges what it never stored can be found out.
            logger.warning("the broker acknowledged an output as a duplicate of an earlier write (no offset)", metadata: inputMetadata(slot))
        }
        finish(slot)
    }

    /// The message in `slot` is done (its output delivered, or none to write): counted,
    /// removed, and its partition's commit position may move.
    func finish(_ slot: Int) {
        switch table[slot].stage {
        case .producing(let output):
            figures.delivered(output.verdict, source: output.source, processing: now - table[slot].consumedAt)
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
    /// an output produced again lands after the outputs that followed it, and an operator
    /// (or `make chaos`) can tell which message that was.
    func inputMetadata(_ slot: Int) -> Logger.Metadata {
        ["input": "\(table[slot].progress.topic)[\(table[slot].progress.partition)]@\(table[slot].offset)"]
    }
}
