extension MessageFlow {
    /// What worker `worker` (its index in the pool) is now: whether it takes requests,
    /// whether its child has proved it can run. The interpreter says so before each
    /// dispatch pass.
    package mutating func worker(_ worker: Int, isAccepting: Bool, hasProved: Bool) {
        while workers.count <= worker { workers.append(WorkerSeat()) }
        workers[worker].isAccepting = isAccepting
        workers[worker].hasProved = hasProved
    }

    /// How many requests worker `worker` holds.
    package func requests(of worker: Int) -> Int {
        workers.indices.contains(worker) ? workers[worker].inFlight.count : 0
    }

    /// Whether worker `worker` runs a suspect alone.
    package func isIsolating(_ worker: Int) -> Bool {
        workers.indices.contains(worker) && workers[worker].isIsolating
    }

    /// Sends ready messages to the plugins: with protocol exec, a process each up to
    /// `execRoom` more; otherwise requests to the least busy workers, up to `maxInFlight`
    /// each. Suspects (messages in flight when a worker failed) run alone on an idle worker
    /// that has proved it can run.
    package mutating func dispatch(execRoom: Int = 0) {
        switch settings.delivery {
        case .none: return
        case .processPerMessage:
            var room = execRoom
            while room > 0, let slot = scheduler.next() {
                markDispatched(slot)
                emit(.startExec(slot: slot))
                room -= 1
            }
            return
        case .byID, .inOrder: break
        }
        sendSuspects()
        guard !scheduler.ready.isEmpty else { return }
        // A suspect still waiting gets the proved worker that will be idle first: it takes
        // nothing new until it is, or a backlog would keep every worker busy, and the
        // suspect (and its partition's commit) waiting, until the lag was gone.
        var reserved = suspects.isEmpty ? nil : leastBusyWorker(where: \.hasProved)
        var candidates = leastBusyWorkers(excluding: reserved)
        while !scheduler.ready.isEmpty, let worker = candidates.leastBusy {
            let slot = scheduler.next()!
            if table[slot].failures.isSuspect {
                suspects.append(slot)
                if reserved == nil {
                    reserved = leastBusyWorker(where: \.hasProved)
                    candidates = leastBusyWorkers(excluding: reserved)
                }
                continue
            }
            send(slot, to: worker)
            candidates.addRequestToLeastBusy()
        }
        sendSuspects()  // one found in this pass goes now, not at the next event
    }

    /// Sends waiting suspects, each alone to a proved worker that holds nothing.
    private mutating func sendSuspects() {
        while !suspects.isEmpty, let worker = leastBusyWorker(where: { $0.hasProved && $0.inFlight.isEmpty }) {
            send(suspects.removeFirst(), to: worker)
            workers[worker].isIsolating = true
        }
    }

    private mutating func send(_ slot: Int, to worker: Int) {
        markDispatched(slot)
        lastRequestID += 1
        workers[worker].inFlight[lastRequestID] = slot
        if settings.delivery == .inOrder { workers[worker].answerOrder.append(lastRequestID) }
        emit(.send(slot: slot, worker: worker, requestID: lastRequestID))
    }

    /// The message has gone to a plugin (or past it): its partition's queued messages below
    /// it must be finished before a revoke lets the partition go.
    private mutating func markDispatched(_ slot: Int) {
        let progress = table[slot].progress
        progress.highestDispatched = max(progress.highestDispatched, table[slot].offset)
        table[slot].stage = .dispatched(at: now)
    }

    /// The workers taking requests, not busy with a suspect, other than `excluded`, least
    /// busy first and up to `maxInFlight` each.
    private func leastBusyWorkers(excluding excluded: Int?) -> LeastBusyWorkers {
        var entries: [LeastBusyWorkers.Entry] = []
        for index in workers.indices where takesWork(index) && index != excluded {
            entries.append(LeastBusyWorkers.Entry(inFlight: workers[index].inFlight.count, index: index))
        }
        return LeastBusyWorkers(entries, limit: settings.maxInFlight)
    }

    /// The worker with the fewest requests in flight among those taking requests, not busy
    /// with a suspect, for which `condition` holds.
    private func leastBusyWorker(where condition: (WorkerSeat) -> Bool) -> Int? {
        var best: Int?
        for index in workers.indices where takesWork(index) && condition(workers[index]) {
            if best == nil || workers[index].inFlight.count < workers[best!].inFlight.count { best = index }
        }
        return best
    }

    /// Whether a dispatch pass may give worker `index` a message (a suspect aside): it
    /// takes requests and is not running a suspect alone.
    private func takesWork(_ index: Int) -> Bool {
        #if PLANTED_DEFECTS
        if Self.planted == .isolatingWorkerTakesWork { return workers[index].isAccepting }
        #endif
        return workers[index].isAccepting && !workers[index].isIsolating
    }

    /// The interpreter could not make the request frame for `slot` (its value is one the
    /// protocol cannot carry, or the frame is over the limit): the message is dead-lettered
    /// with `output` instead, and the worker goes on.
    package mutating func requestRefused(slot: Int, worker: Int, requestID: UInt64, _ output: VerdictOutput) {
        guard takeRequest(requestID, from: worker) == slot else { return }
        if let index = workers[worker].answerOrder.lastIndex(of: requestID) { workers[worker].answerOrder.remove(at: index) }
        deadLetter(slot, output)
    }

    /// The oldest request a worker holds, by when it went; nil for a worker the flow has
    /// not been told of yet (one a scale just added).
    package func oldestRequest(of worker: Int) -> Moment? {
        guard workers.indices.contains(worker) else { return nil }
        var oldest: Moment?
        for slot in workers[worker].inFlight.values {
            guard case .dispatched(let at) = table[slot].stage else { continue }
            oldest = min(oldest ?? at, at)
        }
        return oldest
    }
}
