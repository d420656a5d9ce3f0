import CProcess
import Glibc
import Logging

extension Pipeline {
    /// Starts the plugin command with the child environment and `SLUICE_WORKER_ID`.
    func spawnPlugin(workerID: Int) throws(SpawnError) -> ChildProcess {
        try ChildProcess.spawn(
            executable: settings.command.executable, arguments: settings.command.arguments,
            environment: childEnvironment + ["SLUICE_WORKER_ID=\(workerID)"])
    }

    /// Starts a child for `worker`; a failure to start backs off like a crash.
    func startWorker(_ worker: Worker) {
        let process: ChildProcess
        do {
            process = try spawnPlugin(workerID: worker.id)
        } catch {
            logger.error("cannot start plugin: \(error)", metadata: ["worker": "\(worker.id)"])
            worker.consecutiveFailures += 1
            if worker.consecutiveFailures > settings.startRetries {
                worker.state = .fatal
            } else {
                scheduleRestart(worker)
            }
            return
        }
        worker.attach(process)
        let index = worker.id - 1
        let readable = UInt32(EPOLLIN.rawValue)
        poller.add(process.stdoutFD, events: readable, token: EventToken(.workerStdout, worker: index, generation: worker.generation))
        poller.add(process.stderrFD, events: readable, token: EventToken(.workerStderr, worker: index, generation: worker.generation))
        poller.add(process.pidFD, events: readable, token: EventToken(.workerExit, worker: index, generation: worker.generation))
        logger.debug("worker started", metadata: ["worker": "\(worker.id)", "pid": "\(process.pid)"])
    }

    /// The child exited: collect its last output, give its unanswered messages to the other
    /// workers (same order, keys still held), and restart it unless the pool is stopping.
    func handleExit(_ worker: Worker) {
        guard var process = worker.process, let termination = process.reap() else { return }
        if worker.state != .restarting { readResponses(worker, exiting: true) }
        readStderr(worker)
        for fd in [process.stdoutFD, process.stderrFD, process.pidFD] { poller.remove(fd) }
        stopWaitingForWritable(worker)
        process.closeDescriptors()
        worker.lastExit = termination.description
        let unanswered = worker.inFlight.count
        blameInFlight(of: worker, termination: termination)
        worker.detach()
        let metadata: Logger.Metadata = [
            "worker": "\(worker.id)", "pid": "\(process.pid)", "unanswered": "\(unanswered)",
        ]
        if worker.state == .stopping && worker.restartRequested {
            worker.restartRequested = false
            countRestart(worker, reason: "operator")
            logger.info("worker drained for a restart: \(termination)", metadata: metadata)
            startWorker(worker)
            return
        }
        let stoppedOnPurpose = worker.retiring || worker.stoppedByOperator || stoppingPool
        if worker.state == .stopped || (worker.state == .stopping && stoppedOnPurpose) {
            worker.state = .stopped
            logger.info("worker stopped: \(termination)", metadata: metadata)
            removeRetiredWorkers()
            return
        }
        let uptime = ContinuousClock.now - worker.startedAt
        worker.consecutiveFailures = uptime >= settings.startSeconds ? 0 : worker.consecutiveFailures + 1
        guard worker.consecutiveFailures <= settings.startRetries else {
            worker.state = .fatal
            logger.error(
                "worker is fatal after \(worker.consecutiveFailures) failed starts (\(termination)); `sluicectl start \(worker.id)` tries again",
                metadata: metadata)
            return
        }
        logger.warning("worker exited: \(termination); restarting", metadata: metadata)
        countRestart(worker, reason: worker.killCause?.source.rawValue ?? "exited")
        scheduleRestart(worker)
    }

    /// Gives the messages a failed worker held back to the pool, in order and with their
    /// keys still held, as suspects that will run alone. A worker that had stayed up gives
    /// each a strike (one that never did may just be unable to start); a message at
    /// `poisonThreshold` strikes is dead-lettered instead. A worker the daemon was stopping
    /// blames nobody.
    private func blameInFlight(of worker: Worker, termination: ChildProcess.Termination) {
        let cause = worker.killCause ?? (.crash, "plugin crashed while processing")
        let strike = VerdictOutput(
            verdict: .permanent, reason: cause.reason, source: cause.source, worker: worker.id,
            termination: termination.description,
            stderrTail: worker.stderrTail.text)
        let failed = worker.state != .stopping && worker.state != .stopped
        for (_, slot) in worker.inFlight.sorted(by: { $0.key > $1.key }) {
            if table[slot].progress.isReleased {
                releaseKey(of: slot)  // the next owner has its partition
                discard(slot)
                continue
            }
            table[slot].stage = .queued
            table[slot].isSuspect = table[slot].isSuspect || failed
            if failed && worker.provedHealthy { table[slot].strikes += 1 }
            if table[slot].strikes >= settings.poisonThreshold {
                logger.error(
                    "poison message dead-lettered: \(cause.reason)",
                    metadata: [
                        "topic": "\(table[slot].progress.topic)", "partition": "\(table[slot].progress.partition)",
                        "offset": "\(table[slot].offset)", "strikes": "\(table[slot].strikes)",
                    ])
                deadLetter(slot, strike)
            } else {
                scheduler.retryFirst(slot)
            }
        }
    }

    /// Kills a worker whose child misbehaved; its messages are blamed with `cause` once it
    /// has exited, and it restarts.
    func kill(_ worker: Worker, cause source: FailureSource, reason: String) {
        worker.killCause = (source, reason)
        worker.state = .restarting
        worker.process?.signalGroup(SIGKILL)
    }

    /// Kills workers whose oldest unanswered request is older than the message timeout, and
    /// workers that closed their stdout but kept running.
    func killHungWorkers(now: ContinuousClock.Instant) {
        for worker in workers where worker.killCause == nil && (worker.state == .running || worker.state == .starting) {
            if let closedAt = worker.stdoutClosedAt, now - closedAt >= .seconds(1) {
                protocolError(worker, "closed its stdout while running", line: nil)
                continue
            }
            let oldest = worker.inFlight.values.compactMap { slot -> ContinuousClock.Instant? in
                guard case .dispatched(let at) = table[slot].stage else { return nil }
                return at
            }.min()
            guard let oldest, now - oldest >= settings.messageTimeout else { continue }
            logger.error(
                "worker gave no answer within \(settings.messageTimeout); killing it",
                metadata: ["worker": "\(worker.id)", "pid": "\(worker.process?.pid ?? 0)", "unanswered": "\(worker.inFlight.count)"])
            kill(worker, cause: .timeout, reason: "timed out: no answer within \(settings.messageTimeout)")
        }
    }

    /// Restarts after 100 ms, doubling with each failed start in a row, up to 5 s.
    private func scheduleRestart(_ worker: Worker) {
        let delay = min(Duration.milliseconds(100 * (1 << min(worker.consecutiveFailures, 6))), .seconds(5))
        worker.state = .backoff(until: .now + delay)
    }

    /// Ends every worker: stdin closed (the protocol's "finish and exit"), then SIGTERM, then
    /// SIGKILL, each after `stopTimeout`. Returns once all are reaped.
    func stopWorkers() {
        stoppingPool = true
        for worker in workers {
            if worker.process == nil { worker.state = .stopped } else { worker.state = .stopping }
            flushOutput(worker)
            stopWaitingForWritable(worker)
            worker.process?.closeStdin()
        }
        let allStopped = { self.workers.allSatisfy { $0.process == nil } }
        runLoop(until: allStopped, deadline: .now + settings.stopTimeout)
        for signal in [SIGTERM, SIGKILL] where !allStopped() {
            for worker in workers { worker.process?.signalGroup(signal) }
            logger.warning("workers still running after \(settings.stopTimeout); sending \(String(cString: strsignal(signal)))")
            runLoop(until: allStopped, deadline: .now + settings.stopTimeout)
        }
    }

    private func countRestart(_ worker: Worker, reason: String) {
        worker.restarts += 1
        counters.workerRestarts += 1
        counters.restartsByReason[reason, default: 0] += 1
    }
}
