import PluginProtocol

/// What a worker's child left unanswered when it exited, for the message flow to give
/// back (`MessageFlow.handBack`).
struct UnansweredWork {
    /// The messages' slots, newest request first: each goes back to the front of the
    /// queue, so they come out in the order they were sent.
    var slots: [Int]
    /// Whether the child failed (crashed, hung, broke the protocol) rather than being
    /// stopped by the daemon: its messages then run alone as suspects.
    var workerFailed: Bool
    /// Whether each of them gets a strike: the child had proved it can run.
    var strike: Bool
    /// The dead letter of a message that reaches the poison threshold.
    var deadLetter: VerdictOutput
}
