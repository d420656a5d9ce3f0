import PluginProcess
import PluginProtocol
import SluiceCore

/// One slot of the plugin pool: the current child process (if any) and its pending output.
/// The requests it holds are the flow's (`WorkerSeat`). Confined to the pipeline thread.
final class Worker {
    /// 1-based id shown in logs and status.
    let id: Int
    /// Where the slot is in its life.
    var life = WorkerLife()
    var process: ChildProcess?
    /// Bumped per child, so events about a previous child are recognised as stale.
    var generation: UInt32 = 0
    /// Request frames on their way to the child's stdin.
    var stdin = StdinBuffer()
    /// The current child's stdout and stderr, split into lines. New for every child: bytes a
    /// dead child wrote are never read as the answers of the next one.
    private(set) var stdoutLines: LineBuffer
    private(set) var stderrLines: LineBuffer
    private let maximumFrameBytes: Int
    /// The child's last stderr lines, for the dead letter of a message that crashed it.
    var stderrTail = StderrTail()
    /// Restarts of this slot.
    var restarts = 0
    /// Requests answered by this slot's children.
    var handled = 0
    /// How the last child ended.
    var lastExit: String?

    init(id: Int, maximumFrameBytes: Int) {
        self.id = id
        self.maximumFrameBytes = maximumFrameBytes
        stdoutLines = Self.stdoutBuffer(maximumFrameBytes)
        stderrLines = Self.stderrBuffer()
    }

    private static func stdoutBuffer(_ maximumFrameBytes: Int) -> LineBuffer {
        LineBuffer(maximumLineLength: maximumFrameBytes)
    }

    private static func stderrBuffer() -> LineBuffer {
        LineBuffer(maximumLineLength: 4096, initialCapacity: 8192)
    }

    /// Makes `process` the worker's child, with everything that belongs to one child
    /// started afresh: its buffers, its stderr tail, its state (`starting`).
    func attach(_ process: ChildProcess) {
        generation &+= 1
        self.process = process
        stdoutLines = Self.stdoutBuffer(maximumFrameBytes)
        stderrLines = Self.stderrBuffer()
        stdoutClosedAt = nil
        stderrTail = StderrTail()
        life.started(at: Moment(.now))
    }

    /// Forgets the child that exited: what was written to it but not yet read dies with
    /// it (what it wrote and was not handled dies with its buffers, at the next `attach`).
    /// Its unanswered requests go back to the flow (`PluginEvent.exited`).
    func detach() {
        process = nil
        stdin = StdinBuffer()
    }

    /// When the child closed its stdout, while it has not exited yet.
    var stdoutClosedAt: ContinuousClock.Instant?

    /// Whether the worker takes new requests.
    var isAcceptingRequests: Bool {
        life.isUp && process?.stdinFD ?? -1 >= 0 && stdoutClosedAt == nil
    }
}
