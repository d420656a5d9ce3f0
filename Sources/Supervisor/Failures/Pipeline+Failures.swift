import CRdKafka
import PluginProtocol
import SluiceSupport

extension Pipeline {
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
        table[slot].stage = .producing(output)
        produceVerdict(slot: slot)
    }

    /// Whether the output was refused for its size.
    static func isSizeError(_ error: rd_kafka_resp_err_t) -> Bool {
        [RD_KAFKA_RESP_ERR_MSG_SIZE_TOO_LARGE, RD_KAFKA_RESP_ERR_INVALID_MSG_SIZE, RD_KAFKA_RESP_ERR_RECORD_LIST_TOO_LARGE].contains(error)
    }

    /// Whether the broker or client refuses this output for good (retrying cannot help).
    static func isPermanentProduceError(_ error: rd_kafka_resp_err_t) -> Bool {
        [
            RD_KAFKA_RESP_ERR_MSG_SIZE_TOO_LARGE, RD_KAFKA_RESP_ERR_INVALID_MSG, RD_KAFKA_RESP_ERR_INVALID_MSG_SIZE,
            RD_KAFKA_RESP_ERR_INVALID_RECORD, RD_KAFKA_RESP_ERR_RECORD_LIST_TOO_LARGE,
            RD_KAFKA_RESP_ERR_TOPIC_AUTHORIZATION_FAILED, RD_KAFKA_RESP_ERR_TOPIC_EXCEPTION,
        ].contains(error)
    }

    /// An output the broker refused for good: the original goes to the permanent topic
    /// with the broker's reason. A dead letter refused as too large goes without its value
    /// (key and headers kept), rather than wedge its partition. If the permanent topic
    /// refuses it still, nothing is dropped: it is retried, the partition's commit
    /// position waits, and the log says so loudly.
    func outputRefused(_ slot: Int, topic: String, error: rd_kafka_resp_err_t) {
        let text = String(cString: rd_kafka_err2str(error))
        if case .producing(var output) = table[slot].stage, output.source == .unproducible {
            if Self.isSizeError(error) && !output.withoutValue {
                logger.error(
                    "the broker refused the dead letter too (\(text)); dead-lettering it without its value of \(table[slot].value?.count ?? 0) bytes",
                    metadata: inputMetadata(slot))
                output.withoutValue = true
                output.reason = "\(output.reason ?? ""); the value of \(table[slot].value?.count ?? 0) bytes is left out (\(text))"
                table[slot].stage = .producing(output)
                produceVerdict(slot: slot)
                return
            }
            logProduceFailure(
                slot, topic: topic,
                "cannot dead-letter a message either (\(text)): its partition stops committing until this succeeds; retrying every 5 s",
                level: .critical)
            outputs.pending.retry(slot, at: .now + .seconds(5))
            return
        }
        var worker: Int?
        if case .producing(let output) = table[slot].stage { worker = output.worker }
        logger.error("the broker refused an output to \(topic) (\(text)); dead-lettering the original", metadata: inputMetadata(slot))
        table[slot].stage = .producing(
            VerdictOutput(
                verdict: .permanent, reason: "the broker refused the output to \(topic): \(text)", source: .unproducible,
                worker: worker))
        produceVerdict(slot: slot)
    }

    /// Writes the failure context headers of `output` for `record` into `headers`. Values
    /// about this failure replace older ones; the first failure's time and the original
    /// position are kept through retries.
    func addFailureHeaders(_ headers: OpaquePointer, for output: VerdictOutput, record: MessageRecord) {
        let now = String(WallClock.milliseconds)
        OutputHeaders.set(headers, OutputHeaders.reason, output.reason ?? "plugin gave no reason")
        OutputHeaders.set(headers, OutputHeaders.verdict, output.verdict.rawValue)
        OutputHeaders.set(headers, OutputHeaders.source, output.source.rawValue)
        OutputHeaders.set(headers, OutputHeaders.attempt, String(record.attempt))
        OutputHeaders.set(headers, OutputHeaders.failureTime, now)
        OutputHeaders.addIfAbsent(headers, OutputHeaders.firstFailureTime, now)
        OutputHeaders.set(headers, OutputHeaders.group, settings.groupID)
        OutputHeaders.set(headers, OutputHeaders.plugin, settings.command.description)
        _ = rd_kafka_header_remove(headers, OutputHeaders.worker)
        if let worker = output.worker { OutputHeaders.add(headers, OutputHeaders.worker, String(worker)) }
        for name in [OutputHeaders.exit, OutputHeaders.stderr, OutputHeaders.retryDue] {
            _ = rd_kafka_header_remove(headers, name)
        }
        if let termination = output.termination { OutputHeaders.add(headers, OutputHeaders.exit, termination) }
        if let stderrTail = output.stderrTail { OutputHeaders.add(headers, OutputHeaders.stderr, stderrTail) }
        if let due = output.retryDue { OutputHeaders.add(headers, OutputHeaders.retryDue, String(due)) }
        OutputHeaders.addIfAbsent(headers, OutputHeaders.originalTopic, record.progress.topic)
        OutputHeaders.addIfAbsent(headers, OutputHeaders.originalPartition, String(record.progress.partition))
        OutputHeaders.addIfAbsent(headers, OutputHeaders.originalOffset, String(record.offset))
        OutputHeaders.addIfAbsent(
            headers, OutputHeaders.originalTimestamp, String(rd_kafka_message_timestamp(record.message, nil)))
    }
}
