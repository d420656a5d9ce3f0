import SluiceCore

/// A plugin worker as the simulated world plays it: the supervisor's `WorkerLife` (the
/// real state machine), its child, and the requests the child holds in the order they came.
struct SimulatedWorker {
    /// The worker's life, as the supervisor keeps it.
    var life = WorkerLife()
    /// Whether a child runs.
    var hasChild = false
    /// Its child's stdin is closed: it exits once it has answered what it holds, unless it
    /// ignores that.
    var stdinClosed = false
    /// What the child was sent (the stop signal, SIGKILL); SIGKILL ends it at once.
    var signalled: WorkerLife.Commands = []
    /// Requests it holds: id and slot, oldest first.
    var requests: [(id: UInt64, slot: Int)] = []
    /// It stopped answering.
    var isHung = false
    /// The child keeps running when its stdin closes, or when it gets the stop signal:
    /// only the escalation ends it.
    var ignoresStdinClose = false
    var ignoresStopSignal = false

    /// Whether it takes requests, as the supervisor's `Worker.isAcceptingRequests`.
    var isAccepting: Bool { life.isUp && hasChild && !stdinClosed }
}

/// A write librdkafka holds until its delivery report.
struct SimulatedWrite {
    enum Kind: Equatable {
        /// Output `index` of a success verdict.
        case success(index: Int)
        case transient(due: Int64?)
        case permanent
        /// A held failure back to its input partition.
        case republish
        /// A held failure back to its own transient-failure partition.
        case handBack
    }

    let token: DeliveryToken
    let instance: Int
    let kind: Kind
    /// A dead letter written because an output was refused for good: it may come after
    /// newer outputs of its key.
    let isRefusalDeadLetter: Bool

    /// The topic its delivery report names.
    var topic: String {
        switch kind {
        case .success, .permanent: "out"
        case .transient, .handBack: Simulation.topics[1]
        case .republish: Simulation.topics[0]
        }
    }

    /// The topic partition it goes to: librdkafka keeps one queue each, delivered in order.
    var lane: Int {
        switch kind {
        case .success: 0
        case .permanent: 1
        case .transient, .handBack: 2
        case .republish: 3
        }
    }
}
