import Glibc

extension Pipeline {
    /// Asks `worker` to finish what it holds and exit: no new requests, stdin closed.
    func drain(_ worker: Worker) {
        guard worker.process != nil else { return }
        worker.state = .stopping
        worker.stoppingSince = .now
        worker.stopSignals = 0
        flushOutput(worker)
        stopWaitingForWritable(worker)
        worker.process?.closeStdin()
        if settings.protocolKind == .kafkaNative {
            // It reads no stdin: SIGTERM is its stop request (the original demo's contract).
            worker.process?.signalGroup(SIGTERM)
            worker.stopSignals = 1
        }
    }

    /// A draining child still running `stopTimeout` after it was asked to stop gets
    /// SIGTERM, and SIGKILL after another `stopTimeout`.
    func enforceStopTimeout(now: ContinuousClock.Instant) {
        for worker in workers where worker.state == .stopping && worker.process != nil {
            guard let since = worker.stoppingSince, now - since >= settings.stopTimeout * (worker.stopSignals + 1) else { continue }
            let signal = worker.stopSignals == 0 ? SIGTERM : SIGKILL
            logger.warning(
                "worker still running \(now - since) after it was asked to stop; sending \(String(cString: strsignal(signal)))",
                metadata: ["worker": "\(worker.id)", "pid": "\(worker.process?.pid ?? 0)"])
            worker.process?.signalGroup(signal)
            worker.stopSignals += 1
        }
    }

    /// `sluicectl stop ID`: drains the worker and keeps it down.
    func stopWorker(_ worker: Worker) -> String {
        worker.stoppedByOperator = true
        worker.restartRequested = false
        if worker.process == nil { worker.state = .stopped } else { drain(worker) }
        return "stopping worker \(worker.id)"
    }

    /// `sluicectl start ID`: starts a stopped or fatal worker again.
    func startStoppedWorker(_ worker: Worker) -> String? {
        guard worker.state == .stopped || worker.state == .fatal else { return nil }
        worker.stoppedByOperator = false
        worker.consecutiveFailures = 0
        startWorker(worker)
        return "starting worker \(worker.id)"
    }

    /// `sluicectl restart`: queues the workers for a rolling restart, one at a time, each
    /// drained first so nothing is redone.
    func queueRestart(_ ids: [Int]) -> String {
        for id in ids where !rollingRestart.contains(id) { rollingRestart.append(id) }
        return "restarting \(ids.count == 1 ? "worker \(ids[0])" : "\(ids.count) workers, one at a time")"
    }

    /// Moves the rolling restart on: the next worker drains once the previous one runs again.
    func advanceRollingRestart() {
        if let current = restartingWorker {
            guard current > workers.count || workers[current - 1].state == .running
                || workers[current - 1].process == nil && !workers[current - 1].restartRequested
            else { return }
            restartingWorker = nil
        }
        while let id = rollingRestart.first {
            rollingRestart.removeFirst()
            guard id <= workers.count, workers[id - 1].process != nil, !workers[id - 1].retiring else { continue }
            let worker = workers[id - 1]
            worker.restartRequested = true
            drain(worker)
            restartingWorker = id
            return
        }
    }

    /// Pauses fetching while no worker can run (all fatal or stopped) and says so; resumes
    /// when one can again.
    func pauseWhileNoWorkerCanRun() {
        guard settings.retrier != .only, settings.protocolKind != .exec else { return }
        let canRun = workers.contains { $0.state != .fatal && $0.state != .stopped }
        guard fetchGate.holds(.noWorkerCanRun) == canRun else { return }
        if canRun { releaseFetching(.noWorkerCanRun) } else { holdFetching(.noWorkerCanRun) }
        if !canRun {
            logger.error("no worker can run: fetching paused until one is started (sluicectl start ID)")
        } else {
            logger.info("a worker can run again: fetching resumed")
        }
    }
}
