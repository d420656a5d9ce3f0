extension MessageRecord {
    /// What becomes of a message its worker held when the worker's child exited.
    package enum HandBack: Equatable {
        /// Its partition is the next owner's: let it go.
        case release
        /// Back to the front of its key's queue, ahead of anything newer.
        case requeue
        /// It has had `poisonThreshold` strikes: dead-letter it.
        case deadLetter
    }

    /// Takes the message back from a worker whose child exited (`WorkerFailures`).
    package mutating func handBack(workerFailed: Bool, strike: Bool, poisonThreshold: Int) -> HandBack {
        guard !progress.isReleased else { return .release }
        stage = .queued
        let poisoned = failures.workerExited(failed: workerFailed, strike: strike, poisonThreshold: poisonThreshold)
        return poisoned ? .deadLetter : .requeue
    }
}
