import SluiceCore

/// A plugin worker as the simulated world plays it: its child's state, and the requests it
/// holds in the order they came.
struct SimulatedWorker {
    enum State: Equatable {
        /// No child: it starts at the next start step.
        case down
        /// Spawned, not yet up for long enough to have proved it can run.
        case starting
        case running
        /// Asked to finish what it holds and exit (stdin closed).
        case draining
        /// Killed by the daemon (a protocol error, a hang): it exits at a reap step.
        case killed
    }

    var state = State.down
    /// Requests it holds: id and slot, oldest first.
    var requests: [(id: UInt64, slot: Int)] = []
    /// It stopped answering.
    var isHung = false
    /// The child proved it can run before it was killed or asked to drain.
    var proved = false
    /// Retired by a scale down: it stays down.
    var retired = false

    var isAccepting: Bool { state == .starting || state == .running }
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
