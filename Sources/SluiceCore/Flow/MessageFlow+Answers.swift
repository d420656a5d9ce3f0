import PluginProtocol
import SluiceSupport

extension MessageFlow {
    /// Which request an answer is for.
    package enum AnswerTo {
        /// The request with this id (protocol `json`); nil when the answer named none that
        /// can be read.
        case id(UInt64?)
        /// The oldest unanswered request (protocol `lines`: answers come in order).
        case oldest
    }

    /// Worker `worker` answered `request` with `output`. Returns false when the worker holds
    /// no such request: a protocol error, for the interpreter to kill the worker over.
    package mutating func answered(worker: Int, _ request: AnswerTo, _ output: VerdictOutput) -> Bool {
        guard let slot = takeAnswer(request, from: worker) else { return false }
        if case .dispatched(let at) = table[slot].stage { emit(.count(.answered(after: now - at))) }
        conclude(slot, output)
        return true
    }

    /// The slot of the request the worker answered (`takeRequest`); nil when it has no
    /// such request.
    private mutating func takeAnswer(_ request: AnswerTo, from worker: Int) -> Int? {
        let requestID: UInt64?
        switch request {
        case .id(let id): requestID = id
        case .oldest: requestID = workers[worker].answerOrder.popFirst()
        }
        guard let requestID else { return nil }
        return takeRequest(requestID, from: worker)
    }

    /// Takes request `requestID` off worker `worker`: no longer in flight there, and the
    /// worker's isolation over. Every answer and every frame refused goes through here,
    /// whatever becomes of the message: a worker left isolating would never be given work
    /// again. Returns the request's slot; nil when the worker holds no such request.
    mutating func takeRequest(_ requestID: UInt64, from worker: Int) -> Int? {
        guard let slot = workers[worker].inFlight.removeValue(forKey: requestID) else { return nil }
        workers[worker].isIsolating = false
        return slot
    }

    /// Protocol exec: the run for `slot` ended (or could not start) with `output`.
    package mutating func execAnswered(slot: Int, _ output: VerdictOutput) {
        guard table.contains(slot) else { return }
        conclude(slot, output)
    }

    /// Settles a verdict (`settleFailure`) and produces its outputs.
    mutating func conclude(_ slot: Int, _ output: VerdictOutput) {
        #if PLANTED_DEFECTS
        if Self.planted == .releaseKeyBeforeEnqueue { releaseKey(of: slot) }
        #endif
        table[slot].produce(settleFailure(output, attempt: table[slot].attempt))
        produceVerdict(slot: slot)
    }

    /// What a worker's child left unanswered when it exited.
    package struct Exit {
        /// Whether the child failed (crashed, hung, broke the protocol) rather than being
        /// stopped by the daemon: its messages then run alone as suspects.
        package var workerFailed: Bool
        /// Whether each of them gets a strike: the child had proved it can run.
        package var strike: Bool
        /// The dead letter of a message that reaches the poison threshold.
        package var deadLetter: VerdictOutput

        package init(workerFailed: Bool, strike: Bool, deadLetter: VerdictOutput) {
            self.workerFailed = workerFailed
            self.strike = strike
            self.deadLetter = deadLetter
        }
    }

    /// Worker `worker`'s child exited: the messages it held go back, in the order they were
    /// sent and with their keys still held. With the worker to blame they are suspects that
    /// will run alone, each with a strike if the child had proved it can run; a message at
    /// `poisonThreshold` strikes is dead-lettered instead. Of a partition gone meanwhile, a
    /// message is let go. The worker takes nothing until it is said to accept again.
    package mutating func workerExited(_ worker: Int, _ exit: Exit) {
        guard workers.indices.contains(worker) else { return }
        // Newest request first: each goes back to the front of the queue.
        let slots = workers[worker].inFlight.sorted { $0.key > $1.key }.map(\.value)
        workers[worker] = WorkerSeat()
        for slot in slots {
            switch table[slot].handBack(workerFailed: exit.workerFailed, strike: exit.strike, poisonThreshold: settings.poisonThreshold) {
            case .release:
                releaseKey(of: slot)  // the next owner has its partition
                discard(slot)
            case .requeue:
                scheduler.retryFirst(slot)
                #if PLANTED_DEFECTS
                if Self.planted == .handBackTwice { scheduler.retryFirst(slot) }
                #endif
            case .deadLetter:
                say(.poison(position(of: slot), strikes: table[slot].failures.strikes, reason: exit.deadLetter.reason ?? ""))
                deadLetter(slot, exit.deadLetter)
            }
        }
    }

    /// Completes a failure verdict before it is produced: a transient failure on the last
    /// allowed attempt becomes permanent ("retries exhausted"); any other gets its due time.
    mutating func settleFailure(_ output: VerdictOutput, attempt: Int) -> VerdictOutput {
        guard output.verdict == .transient else { return output }
        var settled = output
        if attempt >= settings.retry.maxAttempts {
            settled.verdict = .permanent
            settled.source = .retriesExhausted
            settled.reason = "retries exhausted after \(attempt) attempts: \(output.reason ?? "plugin gave no reason")"
        } else {
            let delay = settings.retry.delay(afterAttempt: attempt, requestedMilliseconds: output.retryAfterMilliseconds, using: &random)
            settled.retryDue = wallMilliseconds + delay.inMilliseconds
        }
        return settled
    }

    /// Sends a message the daemon itself gave up on to the permanent topic; the next
    /// message with its key goes once it is enqueued.
    mutating func deadLetter(_ slot: Int, _ output: VerdictOutput) {
        table[slot].produce(output)
        produceVerdict(slot: slot)
    }
}
