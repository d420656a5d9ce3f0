import PluginProtocol
import SluiceCore
import SluiceSupport

extension Simulation {
    /// One step: the world does one random thing, the flow's actions are carried out, and
    /// the invariants are checked. `settling` (after the stop began) leaves out what adds
    /// work or faults that would keep the stop from ending.
    mutating func takeStep(settling: Bool = false) throws(Violation) {
        let choice = pick(100)
        trace?("step \(step): \(choice)")
        switch choice {
        case 0..<10 where !settling: writeInput()
        case 10..<24 where !isStopping: try pollInput()
        case 24..<28 where !isStopping: try pollRetries()
        case 28..<40: try dispatch()
        case 40..<58: try answer(settling: settling)
        case 58..<74: try deliver(settling: settling)
        case 74..<79: try advanceTime(jump: !settling && roll(0.1))
        case 79..<83: try storePositions()
        case 83..<85 where !settling: try workerFails()
        case 85..<90: try reap()
        case 90 where !settling: try rebalance()
        case 91..<94: try finishRevokes(force: false)
        case 94..<96: producerHasRoom()
        case 96 where !settling: try operate()
        case 97 where !settling && outputOutageUntil == nil: outputOutageUntil = now + .milliseconds(Int64(500 + pick(4500)))
        default: try dispatch()
        }
        try carryOut()
        try checkBudgets()
        try checkStopEnds()
        try checkPluginsStop()
        try checkFetching()
        if let misplaced = flow.misplacedMessage() { throw violation(misplaced) }
    }

    // MARK: Kafka

    mutating func writeInput() {
        let id = inputPartitions[pick(inputPartitions.count)]
        let key: Int? = roll(0.8) ? Int(id.partition) * 1000 + pick(6) : nil
        partitions[id]!.append(.init(messageID: nextMessageID, key: key, attempt: 1, due: nil))
        nextMessageID += 1
    }

    /// The input consumer's poll, as the pipeline's: not while a revoke lets work finish;
    /// otherwise when the flow says (`pollsInput`: not while it is full, until that has
    /// lasted too long and it pauses fetching), a message of an assigned partition that is
    /// not paused, while the flow takes more.
    mutating func pollInput() throws(Violation) {
        guard !revoking.contains(where: { !$0.isRetry }) else { return }
        let polls = flow.pollsInput(hasEvents: true)
        try carryOut()
        guard polls else { return }
        flow.inputPolled()
        guard flow.inputTakesMore else { return }
        try poll(from: inputPartitions, isRetry: false)
    }

    mutating func pollRetries() throws(Violation) {
        guard !flow.isRetrierFull, !revoking.contains(where: { $0.isRetry }) else { return }
        try poll(from: retryPartitions, isRetry: true)
    }

    private mutating func poll(from ids: [SimulatedPartition.ID], isRetry: Bool) throws(Violation) {
        let ready = ids.filter {
            partitions[$0]!.epoch != nil && !partitions[$0]!.paused && partitions[$0]!.fetchPosition < Int64(partitions[$0]!.log.count)
        }
        guard !ready.isEmpty else { return }
        let id = ready[pick(ready.count)]
        let offset = partitions[id]!.fetchPosition
        partitions[id]!.fetchPosition += 1
        let entry = partitions[id]!.log[Int(offset)]
        let consumed = MessageFlow.Consumed(
            partition: TopicPartition(topic: Self.topics[id.topic], partition: id.partition), offset: offset, keyHash: entry.key,
            bytes: 20 + pick(200), attempt: entry.attempt)
        let slot = isRetry ? flow.polledRetry(consumed, due: entry.due) : flow.polled(consumed)
        guard let slot else { throw violation("the flow refused \(id)@\(offset) of a partition it owns") }
        guard slotOwner[slot] == nil else { throw violation("slot \(slot) handed out while instance \(slotOwner[slot]!) holds it") }
        slotOwner[slot] = instances.count
        instances.append(
            SimulatedInstance(
                partition: id, offset: offset, messageID: entry.messageID, key: entry.key, slot: slot, epoch: partitions[id]!.epoch!))
        outcome.polled += 1
    }

    /// A delivery report. librdkafka reports each topic partition's writes in the order
    /// they were enqueued, and its idempotent producer fails every later write of a
    /// partition with one that failed; partitions report in any order among themselves.
    mutating func deliver(settling: Bool) throws(Violation) {
        guard !inFlightWrites.isEmpty else { return }
        let lane = inFlightWrites[pick(inFlightWrites.count)].lane
        let head = inFlightWrites.firstIndex { $0.lane == lane }!
        let write = inFlightWrites.remove(at: head)
        let topic = write.topic
        let faults = isCalm ? 0 : settling ? 0.02 : 0.12
        if isOutputOutage || roll(faults) {
            if !isOutputOutage && roll(0.3) {
                trace?("  delivery of \(write.token) refused")
                releaseKeyHold(write.instance)
                let failure = ProduceFailure(.refused(tooLarge: roll(0.5)), description: "refused", reason: "refused")
                flow.delivered(write.token, topic: { topic }, .failed(failure))
                return
            }
            let failure = ProduceFailure(.retriable, description: "timed out", reason: "timed out")
            var failed = [write]
            while let next = inFlightWrites.firstIndex(where: { $0.lane == lane }) { failed.append(inFlightWrites.remove(at: next)) }
            for write in failed {
                trace?("  delivery of \(write.token) failed")
                flow.delivered(write.token, topic: { topic }, .failed(failure))
            }
            return
        }
        trace?("  delivered \(write.token) \(write.kind)")
        try store(write)
        flow.delivered(write.token, topic: { topic }, roll(0.05) ? .storedBefore : .stored)
    }

    /// The broker stored `write`: the world's Kafka holds it from now on.
    private mutating func store(_ write: SimulatedWrite) throws(Violation) {
        let instance = instances[write.instance]
        let source = instance.partition
        try checkStoredOrder(write)
        switch write.kind {
        case .success(let index):
            instances[write.instance].storedSuccess.insert(index)
            if let wanted = instance.successOutputs, instances[write.instance].storedSuccess.count >= wanted { markFinished(write.instance) }
        case .permanent:
            markFinished(write.instance)
        case .transient(let due):
            let target = retryPartitions[pick(retryPartitions.count)]
            partitions[target]!.append(.init(messageID: instance.messageID, key: nil, attempt: attempt(of: write.instance), due: due))
            markFinished(write.instance)
        case .republish:
            let home = inputPartitions[pick(inputPartitions.count)]
            partitions[home]!.append(.init(messageID: instance.messageID, key: nil, attempt: attempt(of: write.instance) + 1, due: nil))
            markFinished(write.instance)
        case .handBack:
            let entry = partitions[source]!.log[Int(instance.offset)]
            partitions[source]!.append(entry)
            markFinished(write.instance)
        }
    }

    /// A key's outputs reach each output topic in the order their inputs were consumed,
    /// whatever failed, within an assignment of the input partition.
    private mutating func checkStoredOrder(_ write: SimulatedWrite) throws(Violation) {
        let instance = instances[write.instance]
        guard let key = instance.key, instance.epoch == partitions[instance.partition]!.epoch, !write.isRefusalDeadLetter else { return }
        let index: Int
        switch write.kind {
        case .success(let output): index = output
        case .transient, .permanent: index = 0
        case .republish, .handBack: return
        }
        let place = SimulatedPartition.KeyInTopic(key: key, lane: write.lane)
        if let last = partitions[instance.partition]!.lastStoredByKey[place], (instance.offset, index) < (last.offset, last.index) {
            throw violation(
                "key \(key) of \(instance.partition): output \(index) of offset \(instance.offset) stored after output \(last.index) of offset \(last.offset)")
        }
        partitions[instance.partition]!.lastStoredByKey[place] = (instance.offset, index)
    }

    private func attempt(of instance: Int) -> Int {
        partitions[instances[instance].partition]!.log[Int(instances[instance].offset)].attempt
    }

    mutating func markFinished(_ instance: Int) {
        let id = instances[instance].partition
        partitions[id]!.finished[Int(instances[instance].offset)] = true
    }

    /// Whether the output topics cannot be written now; an outage ends at its time, or at
    /// once when the stop began.
    var isOutputOutage: Bool {
        guard let until = outputOutageUntil else { return false }
        return now < until && !isStopping
    }

    mutating func producerHasRoom() {
        guard inFlightWrites.count < queueCapacity else { return }
        flow.producerHasRoom()
    }

    /// Hands the moved commit positions over, as the pipeline does once per loop turn, and
    /// checks the commit rule: every offset below a stored position is finished.
    mutating func storePositions() throws(Violation) {
        var moved = AssignedPartitions.MovedPositions()
        flow.takeMovedPositions(into: &moved)
        for position in moved.input + moved.retry {
            let id = SimulatedPartition.ID(topic: position.topic == Self.topics[0] ? 0 : 1, partition: position.partition)
            guard let partition = partitions[id] else { throw violation("a position stored for unknown partition \(id)") }
            guard partition.epoch != nil else {
                throw violation("position \(position.next) stored for \(id), which this member no longer owns")
            }
            guard position.next >= partition.committed else {
                throw violation("position of \(id) went back from \(partition.committed) to \(position.next)")
            }
            for offset in partition.committed..<position.next where !partition.finished[Int(offset)] {
                throw violation("position \(position.next) stored for \(id) while offset \(offset) is not finished")
            }
            partitions[id]!.committed = position.next
        }
    }

    // MARK: Time

    mutating func advanceTime(jump: Bool) throws(Violation) {
        let step: Duration = jump ? .seconds(Int64(5 + pick(60))) : .milliseconds(Int64(10 + pick(500)))
        now = now + step
        if let until = outputOutageUntil, now >= until { outputOutageUntil = nil }
        wallMilliseconds += step.inMilliseconds
        flow.advance(to: now, wallMilliseconds: wallMilliseconds)
        flow.produceDueOutputs()
        try carryOut()
        flow.republishDue()
        try carryOut()
        flow.reportStalledPartitions()
        try carryOut()
        killHungWorkers()
        try superviseWorkers()
    }

    /// A worker whose oldest request is older than the message timeout is killed, as the
    /// supervisor does once a second.
    private mutating func killHungWorkers() {
        for index in workers.indices where workers[index].isAccepting {
            guard let oldest = flow.oldestRequest(of: index), now - oldest >= flow.settings.messageTimeout else { continue }
            kill(index, .timeout)
        }
    }
}
