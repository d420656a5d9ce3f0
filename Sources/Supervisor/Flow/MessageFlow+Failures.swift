import PluginProtocol
import SluiceSupport

extension MessageFlow {
    /// A plugin's answer for the message in `slot`: timed, then concluded.
    func answered(_ slot: Int, _ output: VerdictOutput) {
        if let at = dispatchedAt(slot) { figures.answered(after: now - at) }
        conclude(slot, output)
    }

    /// Settles a verdict (`settleFailure`) and produces its outputs.
    func conclude(_ slot: Int, _ output: VerdictOutput) {
        table[slot].produce(settleFailure(output, attempt: table[slot].attempt))
        produceVerdict(slot: slot)
    }

    /// Gives back the messages an exited worker held, in order and with their keys still
    /// held. With the worker to blame they are suspects that will run alone, each with a
    /// strike if the child had proved it can run; a message at `poisonThreshold` strikes is
    /// dead-lettered instead. Of a partition gone meanwhile, a message is freed.
    func handBack(_ work: UnansweredWork) {
        for slot in work.slots {
            switch table[slot].handBack(workerFailed: work.workerFailed, strike: work.strike, poisonThreshold: settings.poisonThreshold) {
            case .release:
                releaseKey(of: slot)  // the next owner has its partition
                discard(slot)
            case .requeue:
                scheduler.retryFirst(slot)
            case .deadLetter:
                logger.error(
                    "poison message dead-lettered: \(work.deadLetter.reason ?? "")",
                    metadata: [
                        "topic": "\(table[slot].progress.topic)", "partition": "\(table[slot].progress.partition)",
                        "offset": "\(table[slot].offset)", "strikes": "\(table[slot].failures.strikes)",
                    ])
                deadLetter(slot, work.deadLetter)
            }
        }
    }

    /// Completes a failure verdict before it is produced: a transient failure on the last
    /// allowed attempt becomes permanent ("retries exhausted"); any other gets its due time.
    func settleFailure(_ output: VerdictOutput, attempt: Int) -> VerdictOutput {
        guard output.verdict == .transient else { return output }
        var settled = output
        if attempt >= settings.retry.maxAttempts {
            settled.verdict = .permanent
            settled.source = .retriesExhausted
            settled.reason = "retries exhausted after \(attempt) attempts: \(output.reason ?? "plugin gave no reason")"
        } else {
            let delay = settings.retry.delay(afterAttempt: attempt, requestedMilliseconds: output.retryAfterMilliseconds)
            settled.retryDue = WallClock.milliseconds + delay.inMilliseconds
        }
        return settled
    }

    /// Sends a message the daemon itself gave up on to the permanent topic; the next
    /// message with its key goes once it is enqueued.
    func deadLetter(_ slot: Int, _ output: VerdictOutput) {
        table[slot].produce(output)
        produceVerdict(slot: slot)
    }

    /// An output the broker refused for good: the original goes to the permanent topic
    /// with the broker's reason, once the verdict's other outputs in flight are settled
    /// (those after the refused one are not written). A dead letter refused as too large
    /// goes without its value (key and headers kept), rather than wedge its partition. If
    /// the permanent topic refuses it still, nothing is dropped: it is retried, the
    /// partition's commit position waits, and the log says so loudly.
    func outputRefused(_ id: OutputID, error: KafkaError, topic: String) {
        let slot = id.slot
        let text = error.reason
        guard table[slot].stage == .producing, var output = table[slot].output else {
            // A retry's republish or hand-back: its one output.
            logger.error("the broker refused an output to \(topic) (\(text)); dead-lettering the original", metadata: inputMetadata(slot))
            table[slot].produce(
                VerdictOutput(verdict: .permanent, reason: "the broker refused the output to \(topic): \(text)", source: .unproducible))
            return produceVerdict(slot: slot)
        }
        if output.source == .unproducible {
            if error.isMessageTooLarge && !output.withoutValue {
                logger.error(
                    "the broker refused the dead letter too (\(text)); dead-lettering it without its value of \(table[slot].message.value?.count ?? 0) bytes",
                    metadata: inputMetadata(slot))
                table[slot].produce(
                    VerdictOutput(
                        verdict: .permanent,
                        reason: "\(output.reason ?? ""); the value of \(table[slot].message.value?.count ?? 0) bytes is left out (\(text))",
                        source: .unproducible, worker: output.worker, withoutValue: true))
                return produceVerdict(slot: slot)
            }
            logProduceFailure(
                slot, topic: topic,
                "cannot dead-letter a message either (\(text)): its partition stops committing until this succeeds; retrying every 5 s",
                level: .critical)
            outputs.pending.retry(id, at: .now + .seconds(5))
            return
        }
        if id.index < output.enqueued { output.settled += 1 }  // it was in flight
        if output.refusal == nil {
            let which = output.outputs.map { "output \(id.index + 1) of \($0.count)" } ?? "the output"
            logger.error("the broker refused \(which) to \(topic) (\(text)); dead-lettering the original", metadata: inputMetadata(slot))
            output.refusal = "the broker refused \(which) to \(topic): \(text)"
        }
        table[slot].output = output
        if output.isSettled { deadLetterRefused(slot) }
    }

    /// Dead-letters the original of a message one of whose outputs the broker refused for
    /// good, now that none of its outputs is in flight.
    func deadLetterRefused(_ slot: Int) {
        guard table[slot].stage == .producing, let output = table[slot].output else { return }
        table[slot].produce(VerdictOutput(verdict: .permanent, reason: output.refusal, source: .unproducible, worker: output.worker))
        produceVerdict(slot: slot)
    }

    /// Writes the failure context headers of `output` for `record` into `headers`. Values
    /// about this failure replace older ones; the first failure's time and the original
    /// position are kept through retries.
    func addFailureHeaders(_ headers: KafkaHeaders, for output: VerdictOutput, record: MessageRecord) {
        let now = String(WallClock.milliseconds)
        headers.set(OutputHeaders.reason, output.reason ?? "plugin gave no reason")
        headers.set(OutputHeaders.verdict, output.verdict.rawValue)
        headers.set(OutputHeaders.source, output.source.rawValue)
        headers.set(OutputHeaders.attempt, String(record.attempt))
        headers.set(OutputHeaders.failureTime, now)
        headers.addIfAbsent(OutputHeaders.firstFailureTime, now)
        headers.set(OutputHeaders.group, settings.groupID)
        headers.set(OutputHeaders.plugin, settings.command.description)
        headers.remove(OutputHeaders.worker)
        if let worker = output.worker { headers.add(OutputHeaders.worker, String(worker)) }
        for name in [OutputHeaders.exit, OutputHeaders.stderr, OutputHeaders.retryDue] {
            headers.remove(name)
        }
        if let termination = output.termination { headers.add(OutputHeaders.exit, termination) }
        if let stderrTail = output.stderrTail { headers.add(OutputHeaders.stderr, stderrTail) }
        if let due = output.retryDue { headers.add(OutputHeaders.retryDue, String(due)) }
        headers.addIfAbsent(OutputHeaders.originalTopic, record.progress.topic)
        headers.addIfAbsent(OutputHeaders.originalPartition, String(record.progress.partition))
        headers.addIfAbsent(OutputHeaders.originalOffset, String(record.offset))
        headers.addIfAbsent(OutputHeaders.originalTimestamp, String(record.message.timestamp))
    }
}
