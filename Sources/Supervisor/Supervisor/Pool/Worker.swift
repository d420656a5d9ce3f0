import DequeModule
import PluginProtocol

/// One slot of the plugin pool: the current child process (if any), its pending output and
/// its unanswered requests. Confined to the pipeline thread.
final class Worker {
    /// Where a worker is in its life, after supervisord's program states.
    enum State: Equatable {
        /// Spawned, not yet up for `startSeconds`.
        case starting
        /// Up and taking requests.
        case running
        /// Exited; restarts at the given time.
        case backoff(until: ContinuousClock.Instant)
        /// Killed after a protocol error; restarts as soon as it has exited.
        case restarting
        /// Asked to finish (stdin closed or signalled); takes no new requests.
        case stopping
        /// Not running and not to be restarted.
        case stopped
        /// Failed to start `startRetries` times in a row; stays down until started by hand.
        case fatal
    }

    /// 1-based id shown in logs and status.
    let id: Int
    var state: State = .stopped
    var process: ChildProcess?
    /// Bumped per child, so events about a previous child are recognised as stale.
    var generation: UInt32 = 0
    var startedAt: ContinuousClock.Instant = .now
    /// Frames waiting to be written to the child's stdin, from `outputOffset` on.
    var output: [UInt8] = []
    var outputOffset = 0
    /// Whether stdin is registered for EPOLLOUT because a write was short.
    var waitingForWritable = false
    /// The current child's stdout and stderr, split into lines. New for every child: bytes a
    /// dead child wrote are never read as the answers of the next one.
    private(set) var stdoutLines: LineBuffer
    private(set) var stderrLines: LineBuffer
    private let maximumFrameBytes: Int
    /// Unanswered requests: request id to message slot.
    var inFlight: [UInt64: Int] = [:]
    /// Protocol `lines`: the request ids in the order written, which is the order of the
    /// answers.
    var answerOrder: Deque<UInt64> = []
    /// Removed by `scale`: finishing what it holds, then gone.
    var retiring = false
    /// Stopped by `sluicectl stop`: stays down until `start`.
    var stoppedByOperator = false
    /// Draining for `sluicectl restart`: starts again as soon as it has exited.
    var restartRequested = false
    /// Handling one suspect message alone; takes nothing else until it answers.
    var isIsolating = false
    /// The current child stayed up for `startSeconds`: only then does its failure blame the
    /// messages it held (a plugin that cannot start is not the messages' fault).
    var provedHealthy = false
    /// Why the daemon killed the current child, if it did: decides the blame for the
    /// messages it held.
    var killCause: (source: FailureSource, reason: String)?
    /// The child's last stderr lines, for the dead letter of a message that crashed it.
    var stderrTail = StderrTail()
    /// When the current child was asked to stop, and how many signals it got since.
    var stoppingSince: ContinuousClock.Instant?
    var stopSignals = 0
    /// Restarts of this slot.
    var restarts = 0
    /// Requests answered by this slot's children.
    var handled = 0
    /// How the last child ended.
    var lastExit: String?
    /// Failed starts in a row; reset once a child stays up.
    var consecutiveFailures = 0

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
    /// started afresh: its buffers, its stderr tail, its kill cause and its stop signals.
    func attach(_ process: ChildProcess) {
        generation &+= 1
        self.process = process
        stdoutLines = Self.stdoutBuffer(maximumFrameBytes)
        stderrLines = Self.stderrBuffer()
        killCause = nil
        stdoutClosedAt = nil
        provedHealthy = false
        stderrTail = StderrTail()
        state = .starting
        startedAt = .now
        stoppingSince = nil
        stopSignals = 0
    }

    /// Forgets the child that exited: what was written to it but not yet read dies with
    /// it (what it wrote and was not handled dies with its buffers, at the next `attach`).
    /// Its unanswered requests must have been handed back first.
    func detach() {
        process = nil
        output.removeAll(keepingCapacity: false)
        outputOffset = 0
        inFlight.removeAll()
        answerOrder.removeAll()
        isIsolating = false
    }

    /// When the child closed its stdout, while it has not exited yet.
    var stdoutClosedAt: ContinuousClock.Instant?

    /// Whether the worker takes new requests.
    var isAcceptingRequests: Bool {
        (state == .running || state == .starting) && process?.stdinFD ?? -1 >= 0 && stdoutClosedAt == nil
    }

    /// The state as `sluicectl status` shows it, after supervisord's names.
    var stateName: String {
        switch state {
        case .starting: return "starting"
        case .running: return "running"
        case .backoff: return "backoff"
        case .restarting: return "restarting"
        case .stopping: return retiring ? "retiring" : "stopping"
        case .stopped: return "stopped"
        case .fatal: return "fatal"
        }
    }

    /// Whether output is waiting to be written.
    var hasPendingOutput: Bool { outputOffset < output.count }
}
