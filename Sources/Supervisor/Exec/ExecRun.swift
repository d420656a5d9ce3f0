import PluginProcess
import PluginProtocol

/// A plugin process started for one message (protocol `exec`): the value goes to its
/// stdin, its stdout is the new value, its exit status the verdict.
final class ExecRun {
    let id: Int
    let slot: Int
    var process: ChildProcess
    let startedAt = ContinuousClock.now
    /// The value, written to stdin as the pipe takes it; stdin closes after it.
    var stdin: StdinBuffer
    var output: [UInt8] = []
    /// Set at the end of its stdout and stderr streams (they may end before it exits).
    var stdoutEnded = false
    var stderrEnded = false
    /// Set when stdout went past the frame limit; the rest is read and dropped.
    var outputTooLong = false
    let stderrLines = LineBuffer(maximumLineLength: 4096, initialCapacity: 4096)
    var stderrTail = StderrTail()
    /// Set when the message timeout killed it.
    var timedOut = false

    init(id: Int, slot: Int, process: ChildProcess, input: [UInt8]) {
        self.id = id
        self.slot = slot
        self.process = process
        stdin = StdinBuffer(input)
    }
}
