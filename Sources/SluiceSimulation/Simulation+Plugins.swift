import PluginProtocol
import SluiceCore

extension Simulation {
    /// A dispatch pass, after telling the flow which workers take requests.
    mutating func dispatch() throws(Violation) {
        if isExec {
            flow.dispatch(execRoom: execTarget - execRuns.count)
            return try carryOut()
        }
        for index in workers.indices {
            flow.worker(index, isAccepting: workers[index].isAccepting, hasProved: workers[index].life.hasProved)
        }
        flow.dispatch()
        try carryOut()
    }

    /// A worker answers one of its requests: in any order for `json`, the oldest for
    /// `lines`; sometimes with garbage, or for a request it does not hold.
    mutating func answer(settling: Bool) throws(Violation) {
        if isExec { return try execRunEnds(settling: settling) }
        // A child the supervisor killed is not read any more.
        let candidates = workers.indices.filter {
            !workers[$0].requests.isEmpty && !workers[$0].isHung && workers[$0].hasChild && !workers[$0].life.isKilled
        }
        guard !candidates.isEmpty else { return }
        let worker = candidates[pick(candidates.count)]
        if !settling && roll(0.02) {
            return kill(worker, .protocolError)  // garbage on stdout
        }
        if !settling && roll(0.02) {
            // An answer for a request it does not hold (twice, or made up): the flow must say so.
            let bogus = MessageFlow.AnswerTo.id(UInt64.max - UInt64(pick(10)))
            guard flow.settings.delivery == .byID else { return kill(worker, .protocolError) }
            guard !flow.answered(worker: worker, bogus, VerdictOutput(verdict: .success)) else {
                throw violation("the flow took an answer from worker \(worker) for a request it never sent")
            }
            return kill(worker, .protocolError)
        }
        let position = flow.settings.delivery == .byID ? pick(workers[worker].requests.count) : 0
        let request = workers[worker].requests.remove(at: position)
        let reference: MessageFlow.AnswerTo = flow.settings.delivery == .byID ? .id(request.id) : .oldest
        let output = randomVerdict(worker: worker)
        guard let owner = slotOwner[request.slot] else { throw violation("worker \(worker) holds slot \(request.slot), which holds nothing") }
        instances[owner].worker = nil
        recordVerdict(of: owner, output)
        guard flow.answered(worker: worker, reference, output) else {
            throw violation("the flow refused worker \(worker)'s answer to request \(request.id), which it holds")
        }
    }

    /// What the world knows once a plugin gave `output` for `owner`: the outputs it will
    /// write, or, for a drop, that it is finished.
    mutating func recordVerdict(of owner: Int, _ output: VerdictOutput) {
        switch output.verdict {
        case .success: instances[owner].successOutputs = output.outputs?.count ?? 1
        case .drop:
            instances[owner].successOutputs = 0
            markFinished(owner)
            releaseKeyHold(owner)
        case .transient, .permanent: break
        }
    }

    mutating func randomVerdict(worker: Int) -> VerdictOutput {
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

    // MARK: The workers' lives

    /// The plugin settings the simulated supervisor runs with.
    static let startSeconds = Duration.seconds(1)
    static let startRetries = 3
    static let stopTimeout = Duration.seconds(1)

    /// Starts a child for `worker`, as the supervisor does.
    mutating func start(_ worker: Int) {
        workers[worker].life.started(at: now)
        workers[worker].hasChild = true
        workers[worker].stdinClosed = false
        workers[worker].signalled = []
        workers[worker].isHung = false
        workers[worker].ignoresStdinClose = roll(0.1)
        workers[worker].ignoresStopSignal = roll(0.1)
        trace?("  worker \(worker) started")
    }

    /// What the supervisor does as time moves: a child up long enough has proved itself,
    /// a backoff that ran out starts again, a stop escalates, the rolling restart moves on;
    /// and fetching pauses while no worker can run.
    mutating func superviseWorkers() throws(Violation) {
        for index in workers.indices {
            if workers[index].life.tick(at: now, startSeconds: Self.startSeconds) { start(index) }
            if workers[index].hasChild, let commands = workers[index].life.escalate(at: now, stopTimeout: Self.stopTimeout) {
                command(index, commands)
            }
        }
        let workers = self.workers
        if let next = rollingRestart.next(worker: { workers.indices.contains($0) ? (workers[$0].life, workers[$0].hasChild) : nil }) {
            stop(next, then: .restart(reason: "operator"))
        }
        if !isExec { flow.workers(canRun: workers.contains { !$0.life.isDown }) }
        try carryOut()
    }

    /// The child gets what its life asked for.
    mutating func command(_ worker: Int, _ commands: WorkerLife.Commands) {
        guard workers[worker].hasChild else { return }
        trace?("  worker \(worker): \(commands)")
        if commands.contains(.closeStdin) { workers[worker].stdinClosed = true }
        workers[worker].signalled.formUnion(commands.subtracting(.closeStdin))
    }

    /// A worker's child fails: it crashes (exits at once, holding its requests), hangs
    /// (answers nothing until the message timeout kills it), or writes garbage and is killed.
    mutating func workerFails() throws(Violation) {
        let live = workers.indices.filter { workers[$0].hasChild && workers[$0].life.isUp }
        guard !live.isEmpty else { return }
        let worker = live[pick(live.count)]
        switch pick(3) {
        case 0: try exit(worker)
        case 1: workers[worker].isHung = true
        default: kill(worker, .protocolError)
        }
    }

    /// The supervisor kills the child for `source`.
    mutating func kill(_ worker: Int, _ source: FailureSource) {
        guard workers[worker].hasChild else { return }
        command(worker, workers[worker].life.kill(.init(source: source, reason: "\(source)")))
    }

    /// The supervisor asks the worker to stop, `then` what follows.
    mutating func stop(_ worker: Int, then: WorkerLife.AfterStop) {
        command(worker, workers[worker].life.stop(then: then, hasChild: workers[worker].hasChild, at: now))
    }

    /// A child ends if it is going to: SIGKILLed, given the stop signal it heeds, its stdin
    /// closed with nothing left to answer (unless it ignores that), or, while the plugin is
    /// broken, before it proves itself.
    mutating func reap() throws(Violation) {
        guard !workers.isEmpty else { return }
        let worker = pick(workers.count)
        let child = workers[worker]
        guard child.hasChild else { return }
        let ends =
            child.signalled.contains(.kill) || child.signalled.contains(.stopSignal) && !child.ignoresStopSignal
            || child.stdinClosed && child.requests.isEmpty && !child.ignoresStdinClose || pluginBroken && !child.life.hasProved
        if ends { try exit(worker) }
    }

    /// The child of `worker` exited: its life says what follows, and the flow gets back
    /// what it held, blamed as the life says.
    mutating func exit(_ worker: Int) throws(Violation) {
        guard workers[worker].hasChild else { return }
        let blame = workers[worker].life.blameForExit
        for request in workers[worker].requests {
            guard let owner = slotOwner[request.slot] else { throw violation("worker \(worker) held slot \(request.slot), which holds nothing") }
            instances[owner].worker = nil
            if blame != nil { instances[owner].isSuspect = true }
        }
        workers[worker].requests.removeAll()
        workers[worker].hasChild = false
        workers[worker].isHung = false
        let next = workers[worker].life.exited(at: now, startSeconds: Self.startSeconds, startRetries: Self.startRetries)
        trace?("  worker \(worker) exited: \(next)")
        let cause = blame?.cause ?? WorkerLife.KillCause(source: .crash, reason: "crashed")
        flow.workerExited(
            worker,
            MessageFlow.Exit(
                workerFailed: blame != nil, strike: blame?.strike == true,
                deadLetter: VerdictOutput(verdict: .permanent, reason: cause.reason, source: cause.source, worker: worker + 1)))
        if case .start = next { start(worker) }
    }

    /// What an operator does: scale, restart, stop or start a worker, pause or resume,
    /// reload (settings, or a plugin command whose children crash at once, and back).
    mutating func operate() throws(Violation) {
        if isExec && pick(2) == 0 {
            execTarget = 1 + pick(6)  // scale: how many processes may run at once
            return
        }
        switch workers.isEmpty ? 3 + pick(2) * 3 : pick(7) {
        case 0:
            // Scale up: a retiring slot back, or a new one.
            if let back = workers.indices.first(where: { workers[$0].life.isRetiring }) {
                workers[back].life.unretire(at: now)
            } else if workers.count < 6 {
                workers.append(SimulatedWorker())
                start(workers.count - 1)
            }
        case 1:
            // Scale down: the highest slot not retiring drains and goes.
            let kept = workers.indices.filter { !workers[$0].life.isRetiring }
            guard kept.count > 1, let last = kept.last else { return }
            stop(last, then: .retire)
        case 2:
            // sluicectl restart [ID]: one worker, or every one not retiring, one at a time.
            rollingRestart.queue(roll(0.5) ? [pick(workers.count)] : workers.indices.filter { !workers[$0].life.isRetiring })
        case 3:
            if flow.holds(.operatorRequest, isRetry: false) {
                flow.release(.operatorRequest, isRetry: false)
            } else {
                flow.hold(.operatorRequest, isRetry: false)
            }
        case 4:
            stop(pick(workers.count), then: .stayDown)  // sluicectl stop
        case 5:
            // sluicectl start
            let worker = pick(workers.count)
            guard workers[worker].life.canBeStartedByHand else { return }
            workers[worker].life.startByHand()
            start(worker)
        default:
            var settings = flow.settings
            settings.maxInFlight = 1 + pick(3)
            settings.bufferLimit.messages = 4 + pick(20)
            settings.poisonThreshold = 2 + pick(2)
            inputAllowance = max(settings.bufferLimit.messages, flow.table.input.count)
            flow.settings = settings
            if roll(0.3) { pluginBroken.toggle() }
        }
        try carryOut()
    }
}
