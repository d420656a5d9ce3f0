import PluginProtocol

extension MessageFlow {
    /// Sends ready messages to the plugins: with protocol exec, a process each up to the
    /// pool's size; otherwise request frames to the least busy workers, up to
    /// `maxInFlight` each. Frames are only appended here; returns the workers given
    /// frames, whose batches `PluginSupervisor.flushOutput(of:)` writes with one call each.
    func dispatch(to plugins: PluginSupervisor) -> [Worker] {
        if settings.protocolKind == .exec {
            dispatchExec(to: plugins)
            return []
        }
        let pool = plugins.pool
        let now = ContinuousClock.now  // one clock read for the whole batch
        var given: [Worker] = []
        func send(_ slot: Int, to worker: Worker) -> Bool {
            let hadPending = worker.stdin.hasPending
            let sent = self.send(slot, to: worker, requestID: pool.nextRequestID(), at: now)
            if !hadPending && worker.stdin.hasPending { given.append(worker) }
            return sent
        }
        // Suspects (messages in flight when a worker failed) run alone on an idle worker.
        // A suspect goes only to a worker that has proved it can run at all.
        while !suspects.isEmpty, let worker = pool.leastBusyWorker(where: { $0.life.hasProved && $0.inFlight.isEmpty }) {
            _ = send(suspects.removeFirst(), to: worker)
            worker.isIsolating = true
        }
        guard !scheduler.ready.isEmpty else { return given }
        // A suspect still waiting gets the proved worker that will be idle first: it takes
        // nothing new until it is, or a backlog would keep every worker busy, and the
        // suspect (and its partition's commit) waiting, until the lag was gone.
        var reserved = suspects.isEmpty ? nil : pool.leastBusyWorker(where: \.life.hasProved)
        var candidates = pool.leastBusyWorkers(limit: settings.maxInFlight, excluding: reserved)
        while !scheduler.ready.isEmpty, let index = candidates.leastBusy {
            let slot = scheduler.next()!
            if table[slot].failures.isSuspect {
                suspects.append(slot)
                if reserved == nil {
                    reserved = pool.leastBusyWorker(where: \.life.hasProved)
                    candidates = pool.leastBusyWorkers(limit: settings.maxInFlight, excluding: reserved)
                }
                continue
            }
            if send(slot, to: pool.workers[index]) { candidates.addRequestToLeastBusy() }
        }
        return given
    }

    /// Appends the message's request frame to the worker's stdin; false when the message
    /// was dead-lettered instead (a value the protocol cannot carry, a frame over the limit).
    private func send(_ slot: Int, to worker: Worker, requestID: UInt64, at now: ContinuousClock.Instant) -> Bool {
        markDispatched(slot, at: now)
        let start = worker.stdin.bytes.count
        switch settings.protocolKind {
        case .json:
            appendRequest(for: slot, id: requestID, to: &worker.stdin.bytes)
        case .exec, .kafkaNative:
            return false  // dispatchExec; kafka-native plugins get no requests
        case .lines:
            if let reason = LineFrames.unsupportedReason(table[slot].message.value) {
                deadLetter(slot, VerdictOutput(verdict: .permanent, reason: reason, source: .unsupportedValue))
                return false
            }
            LineFrames.appendRequest(table[slot].message.value!, to: &worker.stdin.bytes)
            worker.answerOrder.append(requestID)
        }
        let frameBytes = worker.stdin.bytes.count - start
        guard frameBytes <= settings.maxFrameBytes else {
            worker.stdin.bytes.removeLast(frameBytes)
            if settings.protocolKind == .lines { worker.answerOrder.removeLast() }
            let reason = "value of \(table[slot].message.value?.count ?? 0) bytes makes a request frame of \(frameBytes) bytes, "
                + "over the frame limit of \(settings.maxFrameBytes) bytes"
            deadLetter(slot, VerdictOutput(verdict: .permanent, reason: reason, source: .tooLarge))
            return false
        }
        worker.inFlight[requestID] = slot
        return true
    }

    /// The message has gone to a plugin (or past it): its partition's queued messages below
    /// it must be finished before a revoke lets the partition go.
    private func markDispatched(_ slot: Int, at now: ContinuousClock.Instant) {
        let progress = table[slot].progress
        progress.highestDispatched = max(progress.highestDispatched, table[slot].offset)
        table[slot].stage = .dispatched(at: FixedInstant(now))
    }

    /// Reads the record field by field: passed whole, it was copied (every reference in it
    /// retained and released) on each request.
    /// Writes the fields `settings.requestFields` holds besides the id and the value.
    private func appendRequest(for slot: Int, id: UInt64, to output: inout [UInt8]) {
        let message = table[slot].message
        let progress = table[slot].progress
        let fields = settings.requestFields
        RequestFrameWriter.begin(
            id: id, topic: progress.topic, partition: progress.partition, offset: table[slot].offset,
            timestamp: message.timestamp, attempt: table[slot].attempt, fields: fields, to: &output)
        if fields.contains(.key), let key = message.key { RequestFrameWriter.appendKey(key, to: &output) }
        if fields.contains(.headers) { RequestFrameWriter.appendHeaders(message.forEachHeader, to: &output) }
        RequestFrameWriter.end(value: message.value, to: &output)
    }

    /// Protocol `exec`: one process per message, at most the pool's target size at once.
    private func dispatchExec(to plugins: PluginSupervisor) {
        while plugins.pool.execRuns.count < plugins.pool.targetSize, !scheduler.ready.isEmpty, let slot = scheduler.next() {
            markDispatched(slot, at: .now)
            if let failure = plugins.startExec(slot: slot, input: table[slot].message.value) {
                conclude(slot, failure)
            }
        }
    }
}
