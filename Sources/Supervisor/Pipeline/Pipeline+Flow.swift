import Logging
import PluginProtocol
import SluiceCore

/// The pipeline as the flow's interpreter: it carries out what the flow decided, in order,
/// and hands the outcome of each write back to it.
extension Pipeline {
    /// Carries out every action the flow has asked for; those it asks for meanwhile too.
    func carryOut() {
        while let action = flow.nextAction() {
            switch action {
            case .send(let slot, let worker, let requestID):
                send(slot, to: worker, requestID: requestID)
            case .startExec(let slot):
                if let failure = plugins.startExec(slot: slot, input: messages[slot].value) {
                    flow.execAnswered(slot: slot, failure)
                }
            case .produce(let token):
                produce(token)
            case .forget(let slot):
                messages.forget(slot)
            case .fetch:
                fetch(flow.nextFetchChange())
            case .count(let figure):
                count(figure)
            case .log:
                log(flow.nextLogLine())
            }
        }
    }

    /// The flow's time: read at the top of each loop turn for what the turn starts
    /// (dispatch, retries, polls), and again as a wait returns for the events it brought.
    func advanceFlow(to now: ContinuousClock.Instant) {
        flow.advance(to: Moment(now), wallMilliseconds: WallClock.milliseconds)
    }

    /// Appends the request frame of the message in `slot` to the stdin of worker index
    /// `worker`; a value the protocol cannot carry, or a frame over the limit, is
    /// dead-lettered instead.
    private func send(_ slot: Int, to worker: Int, requestID: UInt64) {
        let target = plugins.pool.workers[worker]
        let message = messages[slot]
        let hadPending = target.stdin.hasPending
        let start = target.stdin.bytes.count
        switch settings.protocolKind {
        case .json:
            // Field by field: the record read whole is copied, every reference in it retained.
            let table = flow.table
            RequestFrameWriter.begin(
                id: requestID, topic: table[slot].progress.topic, partition: table[slot].progress.partition, offset: table[slot].offset,
                timestamp: message.timestamp, attempt: table[slot].attempt, fields: settings.requestFields, to: &target.stdin.bytes)
            if settings.requestFields.contains(.key), let key = message.key { RequestFrameWriter.appendKey(key, to: &target.stdin.bytes) }
            if settings.requestFields.contains(.headers) { RequestFrameWriter.appendHeaders(message.forEachHeader, to: &target.stdin.bytes) }
            RequestFrameWriter.end(value: message.value, to: &target.stdin.bytes)
        case .lines:
            if let reason = LineFrames.unsupportedReason(message.value) {
                return flow.requestRefused(
                    slot: slot, worker: worker, requestID: requestID,
                    VerdictOutput(verdict: .permanent, reason: reason, source: .unsupportedValue))
            }
            LineFrames.appendRequest(message.value!, to: &target.stdin.bytes)
        case .exec, .kafkaNative:
            return
        }
        let frameBytes = target.stdin.bytes.count - start
        guard frameBytes <= settings.maxFrameBytes else {
            target.stdin.bytes.removeLast(frameBytes)
            let reason = "value of \(message.value?.count ?? 0) bytes makes a request frame of \(frameBytes) bytes, "
                + "over the frame limit of \(settings.maxFrameBytes) bytes"
            return flow.requestRefused(
                slot: slot, worker: worker, requestID: requestID, VerdictOutput(verdict: .permanent, reason: reason, source: .tooLarge))
        }
        if !hadPending { workersGivenFrames.append(target) }
    }

    /// Enqueues the output `token` names and tells the flow how it went.
    private func produce(_ token: DeliveryToken) {
        let message = messages[token.slot]
        let written: OutputProducer.Written
        switch flow.table[token.slot].stage {
        case .producing:
            written = outputs.write(token, of: flow.table[token.slot], message: message, settings: settings)
        case .republishing:
            guard let topic = settings.inputTopics.home(of: message.header(OutputHeaders.originalTopic)) else {
                let original = message.header(OutputHeaders.originalTopic)
                let reason = "no input topic to retry it in: \(settings.inputTopics) does not take \(original ?? "its topic (no sluice.original.topic)")"
                return flow.noRetryHome(token, reason: reason)
            }
            written = outputs.republish(token, of: flow.table[token.slot], message: message, to: topic)
        case .handingBack:
            written = outputs.handBack(token, of: flow.table[token.slot], message: message, topic: settings.transientTopic)
        case .queued, .dispatched, .waitingForRetry:
            return
        }
        if let error = written.error {
            flow.enqueueFailed(token, topic: written.topic, ProduceFailure(error))
        } else {
            flow.enqueued(token)
        }
    }

    /// A delivery report, from librdkafka's serving of the producer.
    func delivered(_ report: DeliveryReport) {
        let delivery: MessageFlow.Delivery
        if let error = report.error {
            delivery = .failed(ProduceFailure(error))
        } else {
            delivery = report.offset == nil ? .storedBefore : .stored
        }
        flow.delivered(DeliveryToken(rawValue: report.token), topic: { report.topic }, delivery)
        carryOut()
    }

    /// Pauses or resumes the partitions of the consumer the change is for.
    private func fetch(_ change: MessageFlow.FetchChange) {
        guard let feed = change.isRetry ? retryFeed : input else { return }
        switch change.action {
        case .pause(let partitions) where !partitions.isEmpty: feed.consumer.pause(partitions)
        case .resume(let partitions) where !partitions.isEmpty: feed.consumer.resume(partitions)
        case .pause, .resume: break
        }
    }

    private func count(_ figure: FlowFigure) {
        switch figure {
        case .answered(let after): figures.answered(after: after)
        case .delivered(let verdict, let source, let processing): figures.delivered(verdict, source: source, processing: processing)
        case .retried: figures.retried()
        case .produceFailed: figures.produceFailed()
        }
    }

    private func log(_ line: FlowLog) {
        switch line {
        case .produceFailed(let input, _, let reason, let retry, let unlogged):
            let more = unlogged > 0 ? " (\(unlogged) more outputs failed alike since the last such line)" : ""
            switch retry {
            case .enqueueAgain: logger.error("\(reason); retrying every second\(more)", metadata: input.metadata)
            case .produceAgain: logger.error("\(reason); producing again every second\(more)", metadata: input.metadata)
            case .deadLetterAgain:
                logger.critical(
                    "cannot dead-letter a message either (\(reason)): its partition stops committing until this succeeds; retrying every 5 s\(more)",
                    metadata: input.metadata)
            }
        case .outputsGoThrough(let topic, let unlogged):
            logger.notice("outputs to \(topic) go through again (\(unlogged) failures there were not logged one by one)")
        case .duplicateAcknowledged(let input):
            logger.warning("the broker acknowledged an output as a duplicate of an earlier write (no offset)", metadata: input.metadata)
        case .poison(let input, let strikes, let reason):
            logger.error(
                "poison message dead-lettered: \(reason)",
                metadata: [
                    "topic": "\(input.topic)", "partition": "\(input.partition)", "offset": "\(input.offset)", "strikes": "\(strikes)",
                ])
        case .outputRefused(let input, let which, let topic, let reason):
            logger.error("the broker refused \(which) to \(topic) (\(reason)); dead-lettering the original", metadata: input.metadata)
        case .deadLetterTooLarge(let input, let reason):
            logger.error("the broker refused the dead letter too (\(reason)); dead-lettering it without its value", metadata: input.metadata)
        case .noRetryHome(let input, let reason):
            logger.error("\(reason); dead-lettering it", metadata: input.metadata)
        case .partitionStalled(let topic, let partition, let seconds, let held, let position):
            var metadata: Logger.Metadata = ["held": "\(held)"]
            if let position { metadata["offset"] = "\(position)" }
            logger.warning(
                "commit position of \(topic)[\(partition)] has not moved for \(seconds) s while it holds messages; nothing after it is committed",
                metadata: metadata)
        case .partitionMovesAgain(let topic, let partition, let seconds):
            logger.info("commit position of \(topic)[\(partition)] moves again after \(seconds) s")
        case .saturated(let after):
            logger.warning("no verdict for \(after) with the pool full: pausing fetching, staying in the group")
        case .noWorkerCanRun:
            logger.error("no worker can run: fetching paused until one is started (sluicectl start ID)")
        case .aWorkerCanRunAgain:
            logger.info("a worker can run again: fetching resumed")
        case .stopping(let finishing, let released):
            logger.info("stopping: finishing \(finishing) messages, releasing \(released) not yet started")
        case .drainTimedOut(let unfinished):
            logger.warning("drain timeout: \(unfinished) messages unfinished; they will be redone after restart")
        case .leftUnfinished(let count, let byPartition):
            logger.warning("left \(count) messages unfinished, not committed, to be redone after a restart: \(byPartition)")
        }
    }
}

extension InputPosition {
    /// Names the input message in a log line (`input=topic[partition]@offset`): an output
    /// refused for good is produced again after the outputs that followed it, and an
    /// operator can tell which message that was.
    var metadata: Logger.Metadata { ["input": "\(topic)[\(partition)]@\(offset)"] }
}

extension ProduceFailure {
    /// What the flow needs to know of a Kafka error on a write.
    init(_ error: KafkaError) {
        let kind: Kind =
            if error.refusesMessageForGood { .refused(tooLarge: error.isMessageTooLarge) } else if error.isQueueFull { .queueFull } else {
                .retriable
            }
        self.init(kind, description: "\(error)", reason: error.reason)
    }
}
