import Glibc
import SluiceCore

extension Worker {
    /// A worker slot's life, after supervisord's program states, each state carrying what it
    /// needs (when it started, why it was killed, what follows a stop). Pure: it decides,
    /// `Pipeline` spawns, signals, logs and hands messages back. One value answers what
    /// used to be read from eight flags, so no combination of them can go unhandled.
    struct StateMachine: Equatable {
        enum State: Equatable {
            /// Not running, and not to be started but by hand (`sluicectl start`).
            case stopped
            /// Removed by `scale` and gone: the slot is dropped once it is the last.
            case retired
            /// Spawned at `since`, not yet up for `startSeconds`.
            case starting(since: ContinuousClock.Instant)
            /// Up for `startSeconds`: it has proved it can run.
            case running
            /// Killed by the daemon for `cause` (a protocol error, no answer in time); what
            /// follows its exit is `then`, or a restart as after a crash when nil.
            case killed(cause: KillCause, proved: Bool, then: AfterStop?)
            /// Asked to finish at `since` (stdin closed), `signals` sent since; `then` once
            /// it has exited.
            case stopping(since: ContinuousClock.Instant, signals: Int, then: AfterStop, proved: Bool)
            /// Exited; starts again at `until`.
            case backoff(until: ContinuousClock.Instant)
            /// Failed to start `startRetries` times in a row: down until started by hand.
            case fatal
        }

        /// What follows a stop once the child has exited.
        enum AfterStop: Equatable {
            /// Start again at once (a rolling restart, or a retirement `scale` took back):
            /// counted as a restart for `reason`.
            case restart(reason: String)
            /// Gone from the pool (`scale` down).
            case retire
            /// Down until started by hand (`sluicectl stop`, the pool stopping).
            case stayDown
        }

        /// Why the daemon killed a child: the blame for the messages it held.
        struct KillCause: Equatable {
            let source: FailureSource
            let reason: String
        }

        /// What the messages a child held when it exited get.
        struct Blame: Equatable {
            let cause: KillCause
            /// Only a child that proved it can run blames its messages with a strike: one
            /// that cannot start is not the messages' fault.
            let strike: Bool
        }

        /// What to do once a child has exited.
        enum Next: Equatable {
            /// Start it again now, counted as a restart for `reason`.
            case start(reason: String)
            /// Start it again at `until`, counted as a restart for `reason`.
            case backoff(until: ContinuousClock.Instant, reason: String)
            /// It failed to start too often in a row: down until started by hand.
            case fatal(failures: Int)
            /// Down, as asked.
            case stayDown
            /// Gone from the pool.
            case retired
        }

        private(set) var state: State = .stopped
        /// Failed starts in a row; reset once a child stays up.
        private(set) var consecutiveFailures = 0
        /// When the current child was spawned.
        private(set) var startedAt = ContinuousClock.now

        /// Whether the worker takes new requests (its pipes permitting).
        var isUp: Bool {
            switch state {
            case .starting, .running: return true
            default: return false
            }
        }

        /// Whether the current child stayed up for `startSeconds`.
        var hasProved: Bool {
            switch state {
            case .running: return true
            case .killed(_, let proved, _), .stopping(_, _, _, let proved): return proved
            default: return false
            }
        }

        /// Whether the daemon killed the current child: what it still writes is ignored.
        var isKilled: Bool {
            if case .killed = state { return true }
            return false
        }

        /// Whether it is draining to be started again (a rolling restart).
        var isDrainingForRestart: Bool {
            switch state {
            case .stopping(_, _, .restart, _), .killed(_, _, .restart): return true
            default: return false
            }
        }

        /// Whether `scale` removed it (draining or gone).
        var isRetiring: Bool {
            switch state {
            case .retired, .stopping(_, _, .retire, _), .killed(_, _, .retire): return true
            default: return false
            }
        }

        /// Whether no child runs nor will without `sluicectl start`.
        var isDown: Bool {
            switch state {
            case .stopped, .fatal, .retired: return true
            default: return false
            }
        }

        /// Whether `sluicectl start` may start it.
        var canBeStartedByHand: Bool { state == .stopped || state == .fatal }

        /// The state as `sluicectl status` shows it, after supervisord's names.
        var name: String {
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
        func nextDeadline(startSeconds: Duration) -> ContinuousClock.Instant? {
            switch state {
            case .backoff(let until): return until
            case .starting(let since): return since + startSeconds
            default: return nil
            }
        }

        // MARK: Events

        /// A child was spawned.
        mutating func started(at now: ContinuousClock.Instant) {
            state = .starting(since: now)
            startedAt = now
        }

        /// The plugin could not be spawned: backs off like a crash, or goes fatal.
        mutating func startFailed(at now: ContinuousClock.Instant, startRetries: Int) -> Next {
            consecutiveFailures += 1
            return failedAgain(at: now, startRetries: startRetries, reason: "exited")
        }

        /// Once a second and at `nextDeadline`: a child up for `startSeconds` has proved
        /// itself; a backoff that ran out wants a start (returns true).
        mutating func tick(at now: ContinuousClock.Instant, startSeconds: Duration) -> Bool {
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

        /// The daemon kills the child for `cause`; a stop under way still decides what
        /// follows its exit.
        mutating func kill(_ cause: KillCause) {
            switch state {
            case .stopping(_, _, let then, let proved): state = .killed(cause: cause, proved: proved, then: then)
            case .killed: break  // the first cause stands
            default: state = .killed(cause: cause, proved: hasProved, then: nil)
            }
        }

        /// Asks the worker to stop, `then` once its child has exited (at once when it has
        /// none). `signalled` when the stop request itself was a signal (kafka-native).
        mutating func stop(then: AfterStop, hasChild: Bool, signalled: Bool = false, at now: ContinuousClock.Instant) {
            guard hasChild else {
                switch then {
                case .retire: state = .retired
                case .stayDown: state = .stopped
                case .restart: break  // nothing to drain: it starts as it would have
                }
                return
            }
            switch state {
            case .killed(let cause, let proved, _): state = .killed(cause: cause, proved: proved, then: then)
            case .stopping(let since, let signals, _, let proved): state = .stopping(since: since, signals: signals, then: then, proved: proved)
            default: state = .stopping(since: now, signals: signalled ? 1 : 0, then: then, proved: hasProved)
            }
        }

        /// `scale` wants a retiring slot back: a drained one restarts once it has exited,
        /// a gone one starts at once.
        mutating func unretire(at now: ContinuousClock.Instant) {
            switch state {
            case .retired: state = .backoff(until: now)
            case .stopping(let since, let signals, .retire, let proved):
                state = .stopping(since: since, signals: signals, then: .restart(reason: "scale"), proved: proved)
            case .killed(let cause, let proved, .retire): state = .killed(cause: cause, proved: proved, then: nil)
            default: break
            }
        }

        /// `sluicectl start` on a stopped or fatal worker: its failures are forgiven.
        mutating func startByHand() {
            consecutiveFailures = 0
        }

        /// A stopping child still running `stopTimeout` after the request, or after the last
        /// signal: the signal to send now (`stopSignal`, SIGTERM unless set, then SIGKILL), if
        /// any.
        mutating func escalate(at now: ContinuousClock.Instant, stopTimeout: Duration, stopSignal: Int32 = SIGTERM) -> Int32? {
            guard case .stopping(let since, let signals, let then, let proved) = state, signals < 2,
                now - since >= stopTimeout * (signals + 1)
            else { return nil }
            state = .stopping(since: since, signals: signals + 1, then: then, proved: proved)
            return signals == 0 ? stopSignal : SIGKILL
        }

        /// What the messages the exiting child held get: nil when it was stopped on
        /// purpose (nobody is to blame), else the cause (a crash unless the daemon killed
        /// it) and whether they get a strike. Asked before `exited`.
        var blameForExit: Blame? {
            switch state {
            case .stopping, .stopped, .retired: return nil
            case .killed(let cause, let proved, _): return Blame(cause: cause, strike: proved)
            default: return Blame(cause: KillCause(source: .crash, reason: "plugin crashed while processing"), strike: hasProved)
            }
        }

        /// The child exited at `now`: what follows.
        mutating func exited(at now: ContinuousClock.Instant, startSeconds: Duration, startRetries: Int) -> Next {
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
        private mutating func failedAgain(at now: ContinuousClock.Instant, startRetries: Int, reason: String) -> Next {
            guard consecutiveFailures <= startRetries else {
                state = .fatal
                return .fatal(failures: consecutiveFailures)
            }
            let delay = min(Duration.milliseconds(100 * (1 << min(consecutiveFailures, 6))), .seconds(5))
            state = .backoff(until: now + delay)
            return .backoff(until: now + delay, reason: reason)
        }
    }
}
