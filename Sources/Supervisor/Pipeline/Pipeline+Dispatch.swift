import CProcess
import Glibc
import PluginProtocol

extension Pipeline {
    /// Writes ready messages as request frames to the least busy workers, up to
    /// `maxInFlight` each. Frames are only appended here; `flushWorkerOutput` writes each
    /// worker's batch with one call.
    func dispatch() {
        if settings.protocolKind == .exec { return dispatchExec() }
        let now = ContinuousClock.now  // one clock read for the whole batch
        // Suspects (messages in flight when a worker failed) run alone on an idle worker.
        // A suspect goes only to a worker that has proved it can run at all.
        while !pool.suspects.isEmpty, let worker = leastBusyWorker(where: { $0.life.hasProved && $0.inFlight.isEmpty }) {
            send(pool.suspects.removeFirst(), to: worker, at: now)
            worker.isIsolating = true
        }
        // A suspect still waiting gets the proved worker that will be idle first: it takes
        // nothing new until it is, or a backlog would keep every worker busy, and the
        // suspect (and its partition's commit) waiting, until the lag was gone.
        var reserved = pool.suspects.isEmpty ? nil : leastBusyWorker(where: \.life.hasProved)
        while !scheduler.ready.isEmpty,
            let worker = leastBusyWorker(where: { $0 !== reserved && $0.inFlight.count < settings.maxInFlight })
        {
            let slot = scheduler.next()!
            if table[slot].failures.isSuspect {
                pool.suspects.append(slot)
                reserved = reserved ?? leastBusyWorker(where: \.life.hasProved)
                continue
            }
            send(slot, to: worker, at: now)
        }
    }

    private func send(_ slot: Int, to worker: Worker, at now: ContinuousClock.Instant) {
        let requestID = pool.nextRequestID()
        let progress = table[slot].progress
        progress.highestDispatched = max(progress.highestDispatched, table[slot].offset)
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
        table[slot].stage = .dispatched(at: now)
    }

    /// The worker with the fewest requests in flight among those taking requests, not busy
    /// with a suspect, for which `condition` holds.
    private func leastBusyWorker(where condition: (Worker) -> Bool) -> Worker? {
        var best: Worker?
        for worker in pool.workers where worker.isAcceptingRequests && !worker.isIsolating && condition(worker) {
            if best == nil || worker.inFlight.count < best!.inFlight.count { best = worker }
        }
        return best
    }

    private func appendRequest(for record: MessageRecord, id: UInt64, to output: inout [UInt8]) {
        RequestFrameWriter.begin(
            id: id, topic: record.progress.topic, partition: record.progress.partition, offset: record.offset,
            timestamp: record.message.timestamp, attempt: record.attempt, to: &output)
        if let key = record.key { RequestFrameWriter.appendKey(key, to: &output) }
        RequestFrameWriter.appendHeaders(record.message.forEachHeader, to: &output)
        RequestFrameWriter.end(value: record.value, to: &output)
    }

    /// Writes every worker's pending frames.
    func flushWorkerOutput() {
        for worker in pool.workers where worker.stdin.hasPending && !worker.stdin.isWaitingForWritable {
            flushOutput(worker)
        }
    }

    /// Writes as much of `worker`'s pending frames as its stdin pipe takes (`StdinBuffer`).
    func flushOutput(_ worker: Worker) {
        guard let stdinFD = worker.process?.stdinFD, stdinFD >= 0 else { return }
        let token = EventToken(.workerStdin, worker: worker.id - 1, generation: worker.generation)
        _ = worker.stdin.write(to: stdinFD, poller: loop.poller, token: token)
    }

    func stopWaitingForWritable(_ worker: Worker) {
        guard let stdinFD = worker.process?.stdinFD, stdinFD >= 0 else { return }
        worker.stdin.stopWaiting(fd: stdinFD, poller: loop.poller)
    }
}
