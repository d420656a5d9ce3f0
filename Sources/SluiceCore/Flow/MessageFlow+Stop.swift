extension MessageFlow {
    /// Where the ordered stop is. The flow decides when the drain is over; the interpreter
    /// closes the clients and the plugins in between and says when it has (`closed`).
    package enum StopPhase: Equatable {
        /// No stop asked for.
        case running
        /// Started work has until `until` to finish; nothing more is taken.
        case draining(until: Moment)
        /// The drain is over (everything finished, or its time ran out at `drainEnded`):
        /// the interpreter stores the positions, commits, leaves the group and stops the
        /// plugins, then says `closed`.
        case closing(drainEnded: Moment)
        /// Done: `left` messages were not finished and are redone.
        case stopped(left: Int)
    }

    /// The stop begins: fetching is paused for good, held failures are written back, what has not started is let go,
    /// and started work has `drainTimeout` to finish. The drain ends at once when nothing
    /// is held.
    package mutating func beginStop(drainTimeout: Duration) {
        guard case .running = stopPhase else { fatalError("beginStop in stop phase \(stopPhase)") }
        hold(.stopping, isRetry: false)
        hold(.stopping, isRetry: true)
        handBackWaitingRetries { _ in true }
        let released = releaseUnstarted { _ in true }
        say(.stopping(finishing: table.count, released: released))
        stopPhase = .draining(until: now + drainTimeout)
        settleStop()
    }

    /// Whether the stop's drain runs: the loop serves events until it is over.
    package var isDraining: Bool {
        if case .draining = stopPhase { return true }
        return false
    }

    /// When the stop's drain ends or ended; nil while no stop has begun. A revoke during the
    /// stop waits no longer than this.
    package var stopDrainEnds: Moment? {
        switch stopPhase {
        case .running, .stopped: nil
        case .draining(let until): until
        case .closing(let drainEnded): drainEnded
        }
    }

    /// Ends the drain once nothing is held or its time is up: checked as time moves and as
    /// messages leave.
    mutating func settleStop() {
        guard case .draining(let until) = stopPhase, table.count == 0 || now >= until else { return }
        if table.count > 0 { say(.drainTimedOut(unfinished: table.count)) }
        stopPhase = .closing(drainEnded: now)
    }

    /// The interpreter has closed the clients and stopped the plugins: every message still
    /// held is let go, its offset not committed, so it is redone after a restart. Returns
    /// how many messages the stop left unfinished: those, and those of partitions a revoke
    /// took after the drain (leaving the group revokes everything), which the next owner
    /// redoes.
    package mutating func closed() -> Int {
        guard case .closing = stopPhase else { fatalError("closed in stop phase \(stopPhase)") }
        let held = table.removeAll()
        scheduler = KeyScheduler()
        suspects.removeAll()
        // A message of a partition already handed over is the next owner's: counted as the
        // revoke took it if the drain was over, not at all if it was not.
        for record in held where !record.progress.isReleased { leftByStop[record.progress.name, default: 0] += 1 }
        let left = leftByStop.values.reduce(0, +)
        if left > 0 {
            let counts = leftByStop.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: " ")
            say(.leftUnfinished(count: left, byPartition: counts))
        }
        stopPhase = .stopped(left: left)
        return left
    }
}
