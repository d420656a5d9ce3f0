import Supervisor
/// What one scenario did to its messages: the row of the figures table.
struct ChaosFigure {
    let scenario: String
    /// The faults injected, in order.
    var faults: [String] = []
    /// Inputs the broker acknowledged: the messages that must come out.
    var messages = 0
    /// Inputs whose acknowledgement never came (their fate is not judged).
    var unacknowledged = 0
    var outputs = 0
    /// Acknowledged inputs that the input topic holds and no output topic does.
    var missing = 0
    /// Writes the broker acknowledged but never stored (a mock defect): inputs the input
    /// topic does not hold.
    var lostByBroker = 0
    /// Outputs beyond the first for an input.
    var duplicates = 0
    /// Repeats that neither a kill (finished but not committed at the kill), a moved
    /// partition nor the broker storing a write twice explains.
    var unexplainedDuplicates = 0
    /// Inputs finished but not committed when a member was killed: what may repeat.
    var exposedByKills = 0
    /// Repeats the broker made itself: an input it holds twice, or an output identical to
    /// the first copy (partition and timestamp) beyond every delivery sluiced was told of
    /// (the mock stores a retried write again after a dropped connection).
    var storedTwice = 0
    /// Outputs in a topic other than their verdict's, beyond what sluiced documents.
    var wrongTopic = 0
    /// Inputs sluiced dead-lettered by design (poison after repeated crashes or timeouts,
    /// an output the broker refused), with the reason in their headers.
    var deadLettered = 0
    /// Per key and output topic, inputs that came out after a later one: must be none but
    /// those the broker refused once (`producedAgain`).
    var outOfOrder = 0
    /// Inputs whose output's first delivery failed for good, which sluiced produced again
    /// (header `sluice.delivery.failed`) or dead-lettered (source `unproducible`) after
    /// later outputs of their key, as documented.
    var producedAgain = 0
    /// Everything else that went wrong: unclean stops, a stall, a log line missing.
    var problems: [String] = []
    var seconds = 0.0

    var passed: Bool {
        missing == 0 && unexplainedDuplicates == 0 && wrongTopic == 0 && outOfOrder == 0 && problems.isEmpty
    }
}
