import PluginProtocol
import SluiceCore

/// Protocol exec: a process per message, as many at once as the pool's size.
extension Simulation {
    var isExec: Bool { flow.settings.delivery == .processPerMessage }

    /// The flow starts a process for the message in `slot`: never more than the room it
    /// was given, and never a message whose key another holds.
    mutating func startExec(_ slot: Int) throws(Violation) {
        guard isExec else { throw violation("a process started per message, with protocol exec not in play") }
        guard execRuns.count < execTarget else { throw violation("a process started for slot \(slot) with \(execRuns.count) of \(execTarget) running") }
        guard let owner = slotOwner[slot] else { throw violation("a process started for slot \(slot), which holds nothing") }
        guard !instances[owner].atExecRun else { throw violation("a second process started for instance \(owner)") }
        try holdKey(of: owner)
        instances[owner].atExecRun = true
        execRuns.append(slot)
    }

    /// A process ends: with a verdict, having crashed, or having failed to start.
    mutating func execRunEnds(settling: Bool) throws(Violation) {
        guard !execRuns.isEmpty else { return }
        let slot = execRuns.remove(at: pick(execRuns.count))
        guard let owner = slotOwner[slot] else { throw violation("a process ran slot \(slot), which holds nothing") }
        instances[owner].atExecRun = false
        let output: VerdictOutput
        if !settling && roll(0.05) {
            output = VerdictOutput(verdict: .permanent, reason: "exited 1", source: .crash)
        } else if !settling && roll(0.02) {
            output = VerdictOutput(verdict: .transient, reason: "cannot start the plugin")
        } else {
            output = randomVerdict(worker: 0)
        }
        recordVerdict(of: owner, output)
        flow.execAnswered(slot: slot, output)
    }

    /// At the end of the stop, what still runs is killed: its messages are redone later.
    mutating func killExecRuns() throws(Violation) {
        for slot in execRuns {
            guard let owner = slotOwner[slot] else { throw violation("a process ran slot \(slot), which holds nothing") }
            instances[owner].atExecRun = false
        }
        execRuns.removeAll()
    }
}
