import Supervisor
/// One `make chaos` scenario: the sluiced processes of one consumer group, and the faults
/// its script injects while the messages flow.
struct ChaosScenario {
    let name: String
    /// sluiced processes in the group (hosts).
    var members = 1
    /// Plugin workers per sluiced.
    var workers = 2
    /// sluiced options beyond those every member gets.
    var arguments: [String] = []
    /// Whether the faults put outputs in the dead-letter topic by design: poison after
    /// plugin crashes or timeouts, outputs the broker refuses for good.
    var deadLetters = false
    /// Whether the faults reorder a key's outputs by design: an output the broker refuses
    /// for good is produced again, or dead-lettered, after later ones.
    var reorders = false
    /// Text that some member's log must contain by the end (what sluiced says it did).
    var expectedLog: [String] = []
    /// Text no member's log may contain.
    var forbiddenLog: [String] = []
    /// Injects the faults (and heals them) while the feeder writes; returns when done.
    let script: (ChaosRun) throws -> Void
}
