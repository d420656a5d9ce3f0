import Glibc

extension Pipeline {
    /// Asks `worker` to finish what it holds and exit, `then` what follows: no new
    /// requests, stdin closed. Without a child, `then` applies at once.
    func drain(_ worker: Worker, then: Worker.StateMachine.AfterStop) {
        // A kafka-native plugin reads no stdin: SIGTERM is its stop request (the original
        // demo's contract).
        let bySignal = settings.protocolKind == .kafkaNative && worker.process != nil
        worker.life.stop(then: then, hasChild: worker.process != nil, signalled: bySignal, at: .now)
        guard let process = worker.process else { return }
        flushOutput(worker)
        stopWaitingForWritable(worker)
        worker.process?.closeStdin()
        if bySignal { process.signalGroup(SIGTERM) }
    }

    /// A draining child still running `stopTimeout` after it was asked to stop gets
    /// SIGTERM, and SIGKILL after another `stopTimeout`.
    func enforceStopTimeout(now: ContinuousClock.Instant) {
        for worker in pool.workers where worker.process != nil {
            guard let signal = worker.life.escalate(at: now, stopTimeout: settings.stopTimeout) else { continue }
            logger.warning(
                "worker still running after it was asked to stop; sending \(String(cString: strsignal(signal)))",
                metadata: ["worker": "\(worker.id)", "pid": "\(worker.process?.pid ?? 0)"])
            worker.process?.signalGroup(signal)
        }
    }

    /// `sluicectl stop ID`: drains the worker and keeps it down.
    func stopWorker(_ worker: Worker) -> String {
        drain(worker, then: .stayDown)
        return "stopping worker \(worker.id)"
    }

    /// `sluicectl start ID`: starts a stopped or fatal worker again.
    func startStoppedWorker(_ worker: Worker) -> String? {
        guard worker.life.canBeStartedByHand else { return nil }
        worker.life.startByHand()
        startWorker(worker)
        return "starting worker \(worker.id)"
    }

    /// `sluicectl restart`: queues the workers for a rolling restart, one at a time, each
    /// drained first so nothing is redone.
    func queueRestart(_ ids: [Int]) -> String {
        pool.queueRestart(ids)
        return "restarting \(ids.count == 1 ? "worker \(ids[0])" : "\(ids.count) workers, one at a time")"
    }

    /// Moves the rolling restart on: the next worker drains once the previous one runs again.
    func advanceRollingRestart() {
        if let next = pool.nextToRestart() { drain(next, then: .restart(reason: "operator")) }
    }

    /// Pauses fetching while no worker can run (all fatal or stopped) and says so; resumes
    /// when one can again.
    func pauseWhileNoWorkerCanRun() {
        guard settings.retrier != .only, settings.protocolKind != .exec else { return }
        let canRun = pool.canAnyRun
        guard input.holds(.noWorkerCanRun) == canRun else { return }
        if canRun { input.release(.noWorkerCanRun) } else { input.hold(.noWorkerCanRun) }
        if !canRun {
            logger.error("no worker can run: fetching paused until one is started (sluicectl start ID)")
        } else {
            logger.info("a worker can run again: fetching resumed")
        }
    }
}
