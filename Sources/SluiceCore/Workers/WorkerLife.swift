/// A worker slot's life, after supervisord's program states, each state carrying what it
/// needs (when it started, why it was killed, what follows a stop). Pure: it decides, and
/// says what to do to the child (`Commands`); the supervisor spawns, signals, logs and
/// hands messages back. One value answers what would otherwise be read from eight flags,
/// so no combination of them can go unhandled.
package struct WorkerLife: Equatable {
    package enum State: Equatable {
        /// Not running, and not to be started but by hand (`sluicectl start`).
        case stopped
        /// Removed by `scale` and gone: the slot is dropped once it is the last.
        case retired
        /// Spawned at `since`, not yet up for `startSeconds`.
        case starting(since: Moment)
        /// Up for `startSeconds`: it has proved it can run.
        case running
        /// Killed by the daemon for `cause` (a protocol error, no answer in time); what
        /// follows its exit is `then`, or a restart as after a crash when nil.
        case killed(cause: KillCause, proved: Bool, then: AfterStop?)
        /// Asked to finish at `since` (stdin closed), `signals` sent since; `then` once
        /// it has exited.
        case stopping(since: Moment, signals: Int, then: AfterStop, proved: Bool)
        /// Exited; starts again at `until`.
        case backoff(until: Moment)
        /// Failed to start `startRetries` times in a row: down until started by hand.
        case fatal
    }

    /// What follows a stop once the child has exited.
    package enum AfterStop: Equatable {
        /// Start again at once (a rolling restart, or a retirement `scale` took back):
        /// counted as a restart for `reason`.
        case restart(reason: String)
        /// Gone from the pool (`scale` down).
        case retire
        /// Down until started by hand (`sluicectl stop`, the pool stopping).
        case stayDown
    }

    /// Why the daemon killed a child: the blame for the messages it held.
    package struct KillCause: Equatable {
        package let source: FailureSource
        package let reason: String

        package init(source: FailureSource, reason: String) {
            self.source = source
            self.reason = reason
        }
    }

    /// What the messages a child held when it exited get.
    package struct Blame: Equatable {
        package let cause: KillCause
        /// Only a child that proved it can run blames its messages with a strike: one
        /// that cannot start is not the messages' fault.
        package let strike: Bool
    }

    /// What to do once a child has exited.
    package enum Next: Equatable {
        /// Start it again now, counted as a restart for `reason`.
        case start(reason: String)
        /// Start it again at `until`, counted as a restart for `reason`.
        case backoff(until: Moment, reason: String)
        /// It failed to start too often in a row: down until started by hand.
        case fatal(failures: Int)
        /// Down, as asked.
        case stayDown
        /// Gone from the pool.
        case retired
    }

    package private(set) var state: State = .stopped
    /// Failed starts in a row; reset once a child stays up.
    package private(set) var consecutiveFailures = 0
    /// When the current child was spawned.
    package private(set) var startedAt = Moment.origin

    package init() {}

    /// Whether the worker takes new requests (its pipes permitting).
    package var isUp: Bool {
        switch state {
        case .starting, .running: return true
        default: return false
        }
    }

    /// Whether the current child stayed up for `startSeconds`.
    package var hasProved: Bool {
        switch state {
        case .running: return true
        case .killed(_, let proved, _), .stopping(_, _, _, let proved): return proved
        default: return false
        }
    }

    /// Whether the daemon killed the current child: what it still writes is ignored.
    package var isKilled: Bool {
        if case .killed = state { return true }
        return false
    }

    /// Whether it is draining to be started again (a rolling restart).
    package var isDrainingForRestart: Bool {
        switch state {
        case .stopping(_, _, .restart, _), .killed(_, _, .restart): return true
        default: return false
        }
    }

    /// Whether `scale` removed it (draining or gone).
    package var isRetiring: Bool {
        switch state {
        case .retired, .stopping(_, _, .retire, _), .killed(_, _, .retire): return true
        default: return false
        }
    }

    /// Whether no child runs nor will without `sluicectl start`.
    package var isDown: Bool {
        switch state {
        case .stopped, .fatal, .retired: return true
        default: return false
        }
    }

    /// Whether `sluicectl start` may start it.
    package var canBeStartedByHand: Bool { state == .stopped || state == .fatal }

    /// The state as `sluicectl status` shows it, after supervisord's names.
    package var name: String {
        switch state {
        case .starting: return "starting"
        case .running: return "running"
        case .backoff: return "backoff"
        case .killed: return "restarting"
        case .stopping(_, _, .retire, _): return "retiring"
        case .stopping: return "stopping"
        case .stopped, .retired: return "stopped"
        case .fatal: return "fatal"
        }
    }

    /// The next time `tick` has something to do, if any.
    package func nextDeadline(startSeconds: Duration) -> Moment? {
        switch state {
        case .backoff(let until): return until
        case .starting(let since): return since + startSeconds
        default: return nil
        }
    }

    // MARK: Events

    /// A child was spawned.
    package mutating func started(at now: Moment) {
        state = .starting(since: now)
        startedAt = now
    }

    /// The plugin could not be spawned: backs off like a crash, or goes fatal.
    package mutating func startFailed(at now: Moment, startRetries: Int) -> Next {
        consecutiveFailures += 1
        return failedAgain(at: now, startRetries: startRetries, reason: "exited")
    }

    /// Once a second and at `nextDeadline`: a child up for `startSeconds` has proved
    /// itself; a backoff that ran out wants a start (returns true).
    package mutating func tick(at now: Moment, startSeconds: Duration) -> Bool {
        switch state {
        case .starting(let since) where now - since >= startSeconds:
            state = .running
            consecutiveFailures = 0
            return false
        case .backoff(let until) where now >= until:
            return true
        default:
            return false
        }
    }

    /// What to do to the worker's child, as its life decides.
    package struct Commands: OptionSet, Equatable {
        package let rawValue: UInt8

        package init(rawValue: UInt8) {
            self.rawValue = rawValue
        }

        /// Close the child's stdin: the plugin finishes what it holds and exits.
        package static let closeStdin = Commands(rawValue: 1 << 0)
        /// Send the plugin's stop signal (`plugin.stop_signal`, SIGTERM unless set) to its
        /// process group.
        package static let stopSignal = Commands(rawValue: 1 << 1)
        /// Send SIGKILL to its process group.
        package static let kill = Commands(rawValue: 1 << 2)
    }

    /// The daemon kills the child for `cause`; a stop under way still decides what
    /// follows its exit.
    package mutating func kill(_ cause: KillCause) -> Commands {
        switch state {
        case .stopping(_, _, let then, let proved): state = .killed(cause: cause, proved: proved, then: then)
        case .killed: break  // the first cause stands
        default: state = .killed(cause: cause, proved: hasProved, then: nil)
        }
        return .kill
    }

    /// Asks the worker to stop, `then` once its child has exited (at once when it has
    /// none). A plugin that reads no stdin (kafka-native: `readsStdin` false) is asked by
    /// its stop signal, the original demo's contract.
    package mutating func stop(then: AfterStop, hasChild: Bool, readsStdin: Bool = true, at now: Moment) -> Commands {
        guard hasChild else {
            switch then {
            case .retire: state = .retired
            case .stayDown: state = .stopped
            case .restart: break  // nothing to drain: it starts as it would have
            }
            return []
        }
        switch state {
        case .killed(let cause, let proved, _): state = .killed(cause: cause, proved: proved, then: then)
        case .stopping(let since, let signals, _, let proved): state = .stopping(since: since, signals: signals, then: then, proved: proved)
        default: state = .stopping(since: now, signals: readsStdin ? 0 : 1, then: then, proved: hasProved)
        }
        return readsStdin ? .closeStdin : [.closeStdin, .stopSignal]
    }

    /// `scale` wants a retiring slot back: a drained one restarts once it has exited,
    /// a gone one starts at once.
    package mutating func unretire(at now: Moment) {
        switch state {
        case .retired: state = .backoff(until: now)
        case .stopping(let since, let signals, .retire, let proved):
            state = .stopping(since: since, signals: signals, then: .restart(reason: "scale"), proved: proved)
        case .killed(let cause, let proved, .retire): state = .killed(cause: cause, proved: proved, then: nil)
        default: break
        }
    }

    /// `sluicectl start` on a stopped or fatal worker: its failures are forgiven.
    package mutating func startByHand() {
        consecutiveFailures = 0
    }

    /// A stopping child still running `stopTimeout` after the request, or after the last
    /// signal: the signal to send now (the stop signal, then SIGKILL), if any.
    package mutating func escalate(at now: Moment, stopTimeout: Duration) -> Commands? {
        guard case .stopping(let since, let signals, let then, let proved) = state, signals < 2,
            now - since >= stopTimeout * (signals + 1)
        else { return nil }
        state = .stopping(since: since, signals: signals + 1, then: then, proved: proved)
        return signals == 0 ? .stopSignal : .kill
    }

    /// What the messages the exiting child held get: nil when it was stopped on
    /// purpose (nobody is to blame), else the cause (a crash unless the daemon killed
    /// it) and whether they get a strike. Asked before `exited`.
    package var blameForExit: Blame? {
        switch state {
        case .stopping, .stopped, .retired: return nil
        case .killed(let cause, let proved, _): return Blame(cause: cause, strike: proved)
        default: return Blame(cause: KillCause(source: .crash, reason: "plugin crashed while processing"), strike: hasProved)
        }
    }

    /// The child exited at `now`: what follows.
    package mutating func exited(at now: Moment, startSeconds: Duration, startRetries: Int) -> Next {
        let then: AfterStop?
        var reason = "exited"
        switch state {
        case .stopping(_, _, let after, _): then = after
        case .killed(let cause, _, let after):
            then = after
            reason = cause.source.rawValue
        case .stopped, .retired, .fatal, .backoff: return .stayDown  // no child: nothing follows
        case .starting, .running: then = nil
        }
        switch then {
        case .restart(let restartReason)?:
            return .start(reason: restartReason)
        case .retire?:
            state = .retired
            return .retired
        case .stayDown?:
            state = .stopped
            return .stayDown
        case nil:
            consecutiveFailures = now - startedAt >= startSeconds ? 0 : consecutiveFailures + 1
            return failedAgain(at: now, startRetries: startRetries, reason: reason)
        }
    }

    /// After a failure: fatal past `startRetries` failures in a row, else a backoff of
    /// 100 ms doubling with each, up to 5 s.
    private mutating func failedAgain(at now: Moment, startRetries: Int, reason: String) -> Next {
        guard consecutiveFailures <= startRetries else {
            state = .fatal
            return .fatal(failures: consecutiveFailures)
        }
        let delay = min(Duration.milliseconds(100 * (1 << min(consecutiveFailures, 6))), .seconds(5))
        state = .backoff(until: now + delay)
        return .backoff(until: now + delay, reason: reason)
    }
}
