import PluginProtocol
import SluiceCore

extension Simulation {
    /// A dispatch pass, after telling the flow which workers take requests.
    mutating func dispatch() throws(Violation) {
        for index in workers.indices {
            flow.worker(index, isAccepting: workers[index].isAccepting, hasProved: workers[index].state == .running)
        }
        flow.dispatch()
        try carryOut()
    }

    /// A worker answers one of its requests: in any order for `json`, the oldest for
    /// `lines`; sometimes with garbage, or for a request it does not hold.
    mutating func answer(settling: Bool) throws(Violation) {
        let candidates = workers.indices.filter {
            !workers[$0].requests.isEmpty && !workers[$0].isHung && workers[$0].state != .killed && workers[$0].state != .down
        }
        guard !candidates.isEmpty else { return }
        let worker = candidates[pick(candidates.count)]
        if !settling && roll(0.02) {
            return kill(worker)  // garbage on stdout: a protocol error
        }
        if !settling && roll(0.02) {
            // An answer for a request it does not hold (twice, or made up): the flow must say so.
            let bogus = MessageFlow.AnswerTo.id(UInt64.max - UInt64(pick(10)))
            guard flow.settings.delivery == .byID else { return kill(worker) }
            guard !flow.answered(worker: worker, bogus, VerdictOutput(verdict: .success)) else {
                throw violation("the flow took an answer from worker \(worker) for a request it never sent")
            }
            return kill(worker)
        }
        let position = flow.settings.delivery == .byID ? pick(workers[worker].requests.count) : 0
        let request = workers[worker].requests.remove(at: position)
        let reference: MessageFlow.AnswerTo = flow.settings.delivery == .byID ? .id(request.id) : .oldest
        let output = randomVerdict(worker: worker)
        guard let owner = slotOwner[request.slot] else { throw violation("worker \(worker) holds slot \(request.slot), which holds nothing") }
        instances[owner].worker = nil
        switch output.verdict {
        case .success: instances[owner].successOutputs = output.outputs?.count ?? 1
        case .drop:
            instances[owner].successOutputs = 0
            markFinished(owner)
            releaseKeyHold(owner)
        case .transient, .permanent: break
        }
        guard flow.answered(worker: worker, reference, output) else {
            throw violation("the flow refused worker \(worker)'s answer to request \(request.id), which it holds")
        }
    }

    private mutating func randomVerdict(worker: Int) -> VerdictOutput {
        switch pick(100) {
        case 0..<55: return VerdictOutput(verdict: .success, worker: worker + 1)
        case 55..<67:
            let outputs = (0..<(1 + pick(3))).map { _ in ResponseFrame.Output(payload: nil) }
            return VerdictOutput(verdict: .success, outputs: outputs, worker: worker + 1)
        case 67..<75: return VerdictOutput(verdict: .drop, worker: worker + 1)
        case 75..<90: return VerdictOutput(verdict: .transient, reason: "later", worker: worker + 1)
        default: return VerdictOutput(verdict: .permanent, reason: "never", worker: worker + 1)
        }
    }

    /// A worker's child fails: it crashes (exits at once, holding its requests), hangs
    /// (answers nothing until the message timeout kills it), or is killed.
    mutating func workerFails() throws(Violation) {
        let running = workers.indices.filter { workers[$0].state == .running || workers[$0].state == .starting }
        guard !running.isEmpty else { return }
        let worker = running[pick(running.count)]
        switch pick(3) {
        case 0: try exit(worker, failed: true)
        case 1: workers[worker].isHung = true
        default: kill(worker)
        }
    }

    mutating func kill(_ worker: Int) {
        guard workers[worker].state != .down else { return }
        workers[worker].proved = workers[worker].proved || workers[worker].state == .running
        workers[worker].state = .killed
    }

    /// The child of `worker` exited: the flow gets back what it held.
    mutating func exit(_ worker: Int, failed: Bool) throws(Violation) {
        let proved = workers[worker].proved || workers[worker].state == .running
        for request in workers[worker].requests {
            guard let owner = slotOwner[request.slot] else { throw violation("worker \(worker) held slot \(request.slot), which holds nothing") }
            instances[owner].worker = nil
            if failed { instances[owner].isSuspect = true }
        }
        workers[worker].requests.removeAll()
        workers[worker].isHung = false
        workers[worker].proved = false
        workers[worker].state = .down
        flow.workerExited(
            worker,
            MessageFlow.Exit(
                workerFailed: failed, strike: failed && proved,
                deadLetter: VerdictOutput(verdict: .permanent, reason: "crashed", source: .crash, worker: worker + 1)))
    }

    /// Reaps killed children, starts what is down, lets starting children prove
    /// themselves, and lets drained children exit.
    mutating func reapAndStart() throws(Violation) {
        let worker = pick(workers.count)
        switch workers[worker].state {
        case .killed: try exit(worker, failed: true)
        case .down where !workers[worker].retired && !isStopping: workers[worker].state = .starting
        case .starting: workers[worker].state = .running
        case .draining where workers[worker].requests.isEmpty || flow.stopDrainEnds.map({ now >= $0 }) == true:
            try exit(worker, failed: false)
        default: break
        }
    }

    /// What an operator does: scale, restart a worker, pause or resume, reload.
    mutating func operate() throws(Violation) {
        switch pick(5) {
        case 0:
            // Scale up: a new worker, or a retired one back.
            if let retired = workers.indices.first(where: { workers[$0].retired }) {
                workers[retired].retired = false
            } else if workers.count < 6 {
                workers.append(SimulatedWorker())
            }
        case 1:
            // Scale down: the last worker drains and stays down.
            let live = workers.indices.filter { !workers[$0].retired }
            guard live.count > 1, let last = live.last else { return }
            workers[last].retired = true
            drain(last)
        case 2:
            drain(pick(workers.count))  // a restart: drained, then started again
        case 3:
            if flow.holds(.operatorRequest, isRetry: false) {
                flow.release(.operatorRequest, isRetry: false)
            } else {
                flow.hold(.operatorRequest, isRetry: false)
            }
        default:
            var settings = flow.settings
            settings.maxInFlight = 1 + pick(3)
            settings.bufferLimit.messages = 4 + pick(20)
            settings.poisonThreshold = 2 + pick(2)
            inputAllowance = max(settings.bufferLimit.messages, flow.table.input.count)
            flow.settings = settings
        }
    }

    mutating func drain(_ worker: Int) {
        guard workers[worker].state == .starting || workers[worker].state == .running else { return }
        workers[worker].proved = workers[worker].state == .running
        workers[worker].state = .draining
    }
}
