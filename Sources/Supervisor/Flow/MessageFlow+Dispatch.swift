import PluginProtocol

extension MessageFlow {
    /// Sends ready messages to the plugins: with protocol exec, a process each up to the
    /// pool's size; otherwise request frames to the least busy workers, up to
    /// `maxInFlight` each. Frames are only appended here; the supervisor's
    /// `flushWorkerOutput` writes each worker's batch with one call.
    func dispatch(to plugins: PluginSupervisor) {
        if settings.protocolKind == .exec { return dispatchExec(to: plugins) }
        let pool = plugins.pool
        let now = ContinuousClock.now  // one clock read for the whole batch
        // Suspects (messages in flight when a worker failed) run alone on an idle worker.
        // A suspect goes only to a worker that has proved it can run at all.
        while !suspects.isEmpty, let worker = pool.leastBusyWorker(where: { $0.life.hasProved && $0.inFlight.isEmpty }) {
            send(suspects.removeFirst(), to: worker, requestID: pool.nextRequestID(), at: now)
            worker.isIsolating = true
        }
        // A suspect still waiting gets the proved worker that will be idle first: it takes
        // nothing new until it is, or a backlog would keep every worker busy, and the
        // suspect (and its partition's commit) waiting, until the lag was gone.
        var reserved = suspects.isEmpty ? nil : pool.leastBusyWorker(where: \.life.hasProved)
        while !scheduler.ready.isEmpty,
            let worker = pool.leastBusyWorker(where: { $0 !== reserved && $0.inFlight.count < settings.maxInFlight })
        {
            let slot = scheduler.next()!
            if table[slot].failures.isSuspect {
                suspects.append(slot)
                reserved = reserved ?? pool.leastBusyWorker(where: \.life.hasProved)
                continue
            }
            send(slot, to: worker, requestID: pool.nextRequestID(), at: now)
        }
    }

    private func send(_ slot: Int, to worker: Worker, requestID: UInt64, at now: ContinuousClock.Instant) {
        markDispatched(slot, at: now)
        let start = worker.stdin.bytes.count
        switch settings.protocolKind {
        case .json:
            appendRequest(for: table[slot], id: requestID, to: &worker.stdin.bytes)
        case .exec, .kafkaNative:
            return  // dispatchExec; kafka-native plugins get no requests
        case .lines:
            if let reason = LineFrames.unsupportedReason(table[slot].value) {
                deadLetter(slot, VerdictOutput(verdict: .permanent, reason: reason, source: .unsupportedValue))
                return
            }
            LineFrames.appendRequest(table[slot].value!, to: &worker.stdin.bytes)
            worker.answerOrder.append(requestID)
        }
        let frameBytes = worker.stdin.bytes.count - start
        guard frameBytes <= settings.maxFrameBytes else {
            worker.stdin.bytes.removeLast(frameBytes)
            if settings.protocolKind == .lines { worker.answerOrder.removeLast() }
            let reason = "value of \(table[slot].value?.count ?? 0) bytes makes a request frame of \(frameBytes) bytes, "
                + "over the frame limit of \(settings.maxFrameBytes) bytes"
            deadLetter(slot, VerdictOutput(verdict: .permanent, reason: reason, source: .tooLarge))
            return
        }
        worker.inFlight[requestID] = slot
    }

    /// The message has gone to a plugin (or past it): its partition's queued messages below
    /// it must be finished before a revoke lets the partition go.
    private func markDispatched(_ slot: Int, at now: ContinuousClock.Instant) {
        let progress = table[slot].progress
        progress.highestDispatched = max(progress.highestDispatched, table[slot].offset)
        table[slot].stage = .dispatched(at: now)
    }

    private func appendRequest(for record: MessageRecord, id: UInt64, to output: inout [UInt8]) {
        RequestFrameWriter.begin(
            id: id, topic: record.progress.topic, partition: record.progress.partition, offset: record.offset,
            timestamp: record.message.timestamp, attempt: record.attempt, to: &output)
        if let key = record.key { RequestFrameWriter.appendKey(key, to: &output) }
        RequestFrameWriter.appendHeaders(record.message.forEachHeader, to: &output)
        RequestFrameWriter.end(value: record.value, to: &output)
    }

    /// Protocol `exec`: one process per message, at most the pool's target size at once.
    private func dispatchExec(to plugins: PluginSupervisor) {
        while plugins.pool.execRuns.count < plugins.pool.targetSize, !scheduler.ready.isEmpty, let slot = scheduler.next() {
            markDispatched(slot, at: .now)
            if let failure = plugins.startExec(slot: slot, input: table[slot].value) {
                conclude(slot, failure)
            }
        }
    }
}
