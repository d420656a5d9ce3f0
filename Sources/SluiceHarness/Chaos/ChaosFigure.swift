import Supervisor
/// What one scenario did to its messages: the row of the figures table.
struct ChaosFigure {
    let scenario: String
    /// The faults injected, in order.
    var faults: [String] = []
    /// Inputs the broker acknowledged: the messages that must come out.
    var messages = 0
    /// Inputs whose acknowledgement never came: must be none, the faults never touch the
    /// feeder's requests.
    var unacknowledged = 0
    var outputs = 0
    /// Acknowledged inputs that the input topic holds and no output topic does.
    var missing = 0
    /// Writes the broker acknowledged but never stored (a mock defect): inputs the input
    /// topic does not hold. Must be none.
    var lostByBroker = 0
    /// Outputs beyond the first for an input.
    var duplicates = 0
    /// Repeats beyond what the faults allow: an input below its partition's committed
    /// offset at every fault, or repeated more often than the faults at or below it.
    var unexplainedDuplicates = 0
    /// Inputs the input topic holds more than once (the mock stores a retried write again
    /// after a dropped connection). Must be none.
    var storedTwice = 0
    /// Outputs in a topic other than their verdict's, beyond what sluiced documents.
    var wrongTopic = 0
    /// Inputs in the dead-letter topic instead of their verdict's, in a scenario whose
    /// faults do that by design (poison after repeated crashes or timeouts, an output the
    /// broker refused for good).
    var deadLettered = 0
    /// Per key and output topic, inputs whose first output came after a later input's:
    /// must be none outside a scenario whose faults reorder by design (`producedAgain`).
    var outOfOrder = 0
    /// Inputs whose first output came after a later input's of their key, in a scenario
    /// where the broker refuses outputs for good: sluiced produces them again, or
    /// dead-letters them, after the outputs that followed, as documented.
    var producedAgain = 0
    /// Everything else that went wrong: unclean stops, a stall, a log line missing.
    var problems: [String] = []
    var seconds = 0.0

    var passed: Bool {
        missing == 0 && unexplainedDuplicates == 0 && wrongTopic == 0 && outOfOrder == 0 && problems.isEmpty
    }
}
