import PluginProtocol
import SluiceCore

extension Simulation {
    /// Carries out the flow's actions as the pipeline would, checking each against what
    /// the world knows.
    mutating func carryOut() throws(Violation) {
        while let action = flow.nextAction() {
            if let trace {
                func owner(_ slot: Int) -> String {
                    guard let index = slotOwner[slot] else { return "-" }
                    let instance = instances[index]
                    return "instance \(index) \(instance.partition.partition)@\(instance.offset) key \(instance.key ?? -1)"
                }
                switch action {
                case .send(let slot, let worker, _): trace("  send \(owner(slot)) to \(worker)")
                case .produce(let token): trace("  produce \(owner(token.slot)) #\(token.index) stage \(flow.table[token.slot].stage)")
                case .forget(let slot): trace("  forget \(owner(slot))")
                default: trace("  \(action)")
                }
            }
            switch action {
            case .send(let slot, let worker, let requestID): try send(slot, to: worker, requestID: requestID)
            case .startExec(let slot): try startExec(slot)
            case .produce(let token): try produce(token)
            case .forget(let slot): try forget(slot)
            case .fetch: try fetch(flow.nextFetchChange())
            case .count, .log: break
            }
        }
    }

    /// Pauses or resumes partitions as librdkafka does: a pause is kept until resumed,
    /// whatever the assignment does.
    private mutating func fetch(_ change: MessageFlow.FetchChange) throws(Violation) {
        trace?("    fetch \(change)")
        let pause: Bool
        let names: [TopicPartition]
        switch change.action {
        case .pause(let partitions): (pause, names) = (true, partitions)
        case .resume(let partitions): (pause, names) = (false, partitions)
        }
        for name in names {
            let id = SimulatedPartition.ID(topic: change.isRetry ? 1 : 0, partition: name.partition)
            guard let partition = partitions[id], name.topic == Self.topics[id.topic] else {
                throw violation("fetching of unknown partition \(name.topic)[\(name.partition)] changed")
            }
            if pause {
                guard partition.epoch != nil else { throw violation("partition \(id) paused while not assigned") }
            } else {
                // librdkafka before 2.4 can restart a partition resumed while not paused
                // from a stale position (librdkafka #4637, #4686).
                guard partition.paused else { throw violation("partition \(id) resumed while not paused") }
            }
            partitions[id]!.paused = pause
        }
    }

    /// Every assigned partition is paused exactly while the flow holds its consumer's
    /// fetching back: none stays paused for a reason long gone, across a rebalance too.
    func checkFetching() throws(Violation) {
        for (id, partition) in partitions where partition.epoch != nil {
            let held = flow.isFetchPaused(isRetry: id.topic == 1)
            guard partition.paused == held else {
                throw violation("partition \(id) is \(partition.paused ? "paused" : "fetched") while the flow holds fetching \(held ? "back" : "open")")
            }
        }
    }

    private mutating func send(_ slot: Int, to worker: Int, requestID: UInt64) throws(Violation) {
        guard workers.indices.contains(worker) else { throw violation("a request sent to worker \(worker), which does not exist") }
        guard workers[worker].isAccepting else { throw violation("a request sent to worker \(worker), which takes none (\(workers[worker].life.name))") }
        guard let owner = slotOwner[slot] else { throw violation("slot \(slot) sent to worker \(worker) holds nothing") }
        if let other = instances[owner].worker { throw violation("instance \(owner) sent to worker \(worker) while at worker \(other)") }
        let holdsSuspect = workers[worker].requests.contains { slotOwner[$0.slot].map { instances[$0].isSuspect } ?? false }
        if holdsSuspect { throw violation("worker \(worker) isolating a suspect was given slot \(slot)") }
        if instances[owner].isSuspect && !workers[worker].requests.isEmpty {
            throw violation("suspect slot \(slot) sent to worker \(worker), which holds \(workers[worker].requests.count) requests")
        }
        try holdKey(of: owner)
        instances[owner].worker = worker
        if roll(0.01) {
            // A frame the protocol cannot carry: dead-lettered instead.
            instances[owner].worker = nil
            flow.requestRefused(
                slot: slot, worker: worker, requestID: requestID, VerdictOutput(verdict: .permanent, reason: "too large", source: .tooLarge))
            return
        }
        workers[worker].requests.append((requestID, slot))
    }

    /// A message goes to a plugin: it holds its key until its verdict is wholly enqueued,
    /// and no other message of the key may be at a plugin or not yet enqueued meanwhile.
    mutating func holdKey(of owner: Int) throws(Violation) {
        guard let key = instances[owner].key, instances[owner].epoch == partitions[instances[owner].partition]!.epoch else { return }
        let id = instances[owner].partition
        if let holder = partitions[id]!.keyHolder[key], holder != owner, !instances[holder].ended,
            instances[holder].epoch == instances[owner].epoch
        {
            throw violation("instance \(owner) (key \(key)) sent while instance \(holder) of the key is not yet enqueued")
        }
        partitions[id]!.keyHolder[key] = owner
        instances[owner].holdsKey = true
    }

    private mutating func produce(_ token: DeliveryToken) throws(Violation) {
        guard flow.holds(token) else { throw violation("a produce for token \(token), whose message is gone") }
        guard let owner = slotOwner[token.slot] else { throw violation("a produce for slot \(token.slot), which holds nothing") }
        let record = flow.table[token.slot]
        let kind: SimulatedWrite.Kind
        switch record.stage {
        case .producing:
            switch record.producingOutput.verdict {
            case .success: kind = .success(index: token.index)
            case .transient: kind = .transient(due: record.producingOutput.retryDue)
            case .permanent: kind = .permanent
            case .drop: throw violation("a produce for a dropped message")
            }
        case .republishing: kind = .republish
        case .handingBack: kind = .handBack
        case .queued, .dispatched, .waitingForRetry: throw violation("a produce for slot \(token.slot) in stage \(record.stage)")
        }
        if inFlightWrites.count >= queueCapacity {
            trace?("    queue full")
            flow.enqueueFailed(token, topic: "out", ProduceFailure(.queueFull))
            return
        }
        // The outage may end between two writes of one pass: librdkafka learns of a topic
        // in its own thread.
        if isOutputOutage && roll(0.05) { outputOutageUntil = nil }
        if isOutputOutage {
            trace?("    enqueue failed: outage")
            flow.enqueueFailed(token, topic: "out", ProduceFailure(.retriable, description: "outage", reason: "outage"))
            return
        }
        if !isStopping && !isCalm && roll(0.03) {
            let failure: ProduceFailure =
                roll(0.25)
                ? ProduceFailure(.refused(tooLarge: roll(0.5)), description: "refused", reason: "refused")
                : ProduceFailure(.retriable, description: "unknown topic", reason: "unknown topic")
            trace?("    enqueue failed: \(failure.kind)")
            // A verdict one of whose outputs is refused for good is enqueued no further: its
            // dead letter may come after newer outputs of the key (docs/RELIABILITY.md).
            if failure.kind != .retriable { releaseKeyHold(owner) }
            flow.enqueueFailed(token, topic: "out", failure)
            return
        }
        try checkKeyOrder(owner, kind: kind, index: token.index)
        let refusalDeadLetter = record.stage == .producing && record.producingOutput.source == .unproducible
        inFlightWrites.append(SimulatedWrite(token: token, instance: owner, kind: kind, isRefusalDeadLetter: refusalDeadLetter))
        flow.enqueued(token)
    }

    /// A key's outputs are enqueued in the order their inputs were consumed, while the
    /// message holds its key; once its verdict is wholly enqueued (or a dead letter in its
    /// place), the key is free.
    private mutating func checkKeyOrder(_ owner: Int, kind: SimulatedWrite.Kind, index: Int) throws(Violation) {
        guard instances[owner].holdsKey, let key = instances[owner].key else { return }
        let id = instances[owner].partition
        // A message of an earlier assignment that finishes late is a repeat the next owner
        // (this member again, or another) redoes: order holds within an assignment.
        if instances[owner].firstEnqueued.insert(index).inserted && instances[owner].epoch == partitions[id]!.epoch {
            let place = (offset: instances[owner].offset, index: index)
            if let last = partitions[id]!.lastEnqueuedByKey[key], (place.offset, place.index) < (last.offset, last.index) {
                throw violation("key \(key) of \(id): output \(index) of offset \(place.offset) enqueued after output \(last.index) of offset \(last.offset)")
            }
            partitions[id]!.lastEnqueuedByKey[key] = place
        }
        let wanted: Int =
            switch kind {
            case .success: instances[owner].successOutputs ?? 1
            default: 1
            }
        if kind == .permanent || instances[owner].firstEnqueued.count >= wanted { releaseKeyHold(owner) }
    }

    mutating func releaseKeyHold(_ owner: Int) {
        instances[owner].holdsKey = false
        if let key = instances[owner].key, partitions[instances[owner].partition]!.keyHolder[key] == owner {
            partitions[instances[owner].partition]!.keyHolder[key] = nil
        }
    }

    private mutating func forget(_ slot: Int) throws(Violation) {
        guard let owner = slotOwner.removeValue(forKey: slot) else { throw violation("slot \(slot) forgotten, holding nothing") }
        guard !instances[owner].ended else { throw violation("instance \(owner) ended twice") }
        if let worker = instances[owner].worker { throw violation("instance \(owner) forgotten while at worker \(worker)") }
        if instances[owner].atExecRun { throw violation("instance \(owner) forgotten while its process runs") }
        instances[owner].ended = true
        releaseKeyHold(owner)
        if partitions[instances[owner].partition]!.finished[Int(instances[owner].offset)] {
            outcome.finished += 1
        } else {
            outcome.released += 1
        }
    }

    /// Messages and bytes held stay within their budgets.
    func checkBudgets() throws(Violation) {
        let input = flow.table.input
        guard input.count <= inputAllowance else {
            throw violation("the input holds \(input.count) messages, over its limit of \(inputAllowance)")
        }
        let limit = flow.settings.bufferLimit
        // A message is taken while the side is below its byte budget: the last may pass it.
        guard input.bytes < limit.bytes + 220 || input.count <= 1 else {
            throw violation("the input holds \(input.bytes) bytes, over its limit of \(limit.bytes)")
        }
    }

    // MARK: Rebalances

    mutating func assign(_ id: SimulatedPartition.ID) {
        guard partitions[id]!.epoch == nil else { return }
        let epoch = step + 1
        partitions[id]!.epoch = epoch
        partitions[id]!.fetchPosition = partitions[id]!.committed
        partitions[id]!.lastEnqueuedByKey = [:]
        partitions[id]!.lastStoredByKey = [:]
        partitions[id]!.keyHolder = [:]
        flow.assigned([TopicPartition(topic: Self.topics[id.topic], partition: id.partition)], isRetry: id.topic == 1)
    }

    /// A rebalance: an owned partition is revoked (its started work may finish first) or
    /// lost (it is the next owner's already), or one not owned is assigned.
    mutating func rebalance() throws(Violation) {
        let all = inputPartitions + retryPartitions
        let id = all[pick(all.count)]
        guard !revoking.contains(where: { $0.ids.contains(id) }) else { return }
        guard partitions[id]!.epoch != nil else { return assign(id) }
        let lost = roll(0.3)
        let isRetry = id.topic == 1
        let progress = flow.beginRevoke([TopicPartition(topic: Self.topics[id.topic], partition: id.partition)], isRetry: isRetry, lost: lost)
        try carryOut()
        if lost {
            _ = flow.finishRevoke(progress)
            try carryOut()
            partitions[id]!.epoch = nil
        } else {
            revoking.append(([id], progress, isRetry, now + Self.drainTimeout))
        }
    }

    /// Ends the revokes whose started work is finished, or whose drain ran out (all of
    /// them when `force`): positions are stored first, then the partitions go.
    mutating func finishRevokes(force: Bool) throws(Violation) {
        var index = 0
        while index < revoking.count {
            let entry = revoking[index]
            guard force || now >= entry.deadline || entry.progress.allSatisfy({ $0.held == 0 }) else {
                index += 1
                continue
            }
            try storePositions()
            revoking.remove(at: index)
            _ = flow.finishRevoke(entry.progress)
            try carryOut()
            for id in entry.ids { partitions[id]!.epoch = nil }
        }
    }
}
