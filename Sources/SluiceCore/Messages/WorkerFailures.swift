/// How a message fared with the workers that failed while it was in flight: a suspect runs
/// alone, and a message that keeps bringing proved workers down is poison.
package struct WorkerFailures: Equatable {
    /// A worker failed while it was in flight: it runs alone on a worker that has proved
    /// it can run, so a failure then is its own.
    package private(set) var isSuspect = false
    /// How often a proved worker crashed, hung or broke the protocol while it was in flight.
    package private(set) var strikes = 0

    /// Its worker's child exited with the message in flight: `failed` when the worker
    /// failed (rather than being stopped), `strike` when the child had proved it can run.
    /// Returns true once it has had `poisonThreshold` strikes: dead-letter it.
    package mutating func workerExited(failed: Bool, strike: Bool, poisonThreshold: Int) -> Bool {
        isSuspect = isSuspect || failed
        if strike { strikes += 1 }
        return strikes >= poisonThreshold
    }
}
