import CProcess
import Glibc
import Logging
import PluginProcess

extension Pipeline {
    /// Starts a child for `worker`; a failure to start backs off like a crash.
    func startWorker(_ worker: Worker) {
        let process: ChildProcess
        do {
            process = try pool.spawnPlugin(settings.command, workerID: worker.id)
        } catch {
            logger.error("cannot start plugin: \(error)", metadata: ["worker": "\(worker.id)"])
            _ = worker.life.startFailed(at: .now, startRetries: settings.startRetries)
            return
        }
        worker.attach(process)
        let index = worker.id - 1
        let readable = UInt32(EPOLLIN.rawValue)
        loop.poller.add(process.stdoutFD, events: readable, token: EventToken(.workerStdout, worker: index, generation: worker.generation))
        loop.poller.add(process.stderrFD, events: readable, token: EventToken(.workerStderr, worker: index, generation: worker.generation))
        loop.poller.add(process.pidFD, events: readable, token: EventToken(.workerExit, worker: index, generation: worker.generation))
        logger.debug("worker started", metadata: ["worker": "\(worker.id)", "pid": "\(process.pid)"])
    }

    /// The child exited: collect its last output, give its unanswered messages to the other
    /// workers (same order, keys still held), and do what its state machine says follows.
    func handleExit(_ worker: Worker) {
        guard var process = worker.process, let termination = process.reap() else { return }
        if !worker.life.isKilled { readResponses(worker, exiting: true) }
        readStderr(worker)
        for fd in [process.stdoutFD, process.stderrFD, process.pidFD] { loop.poller.remove(fd) }
        stopWaitingForWritable(worker)
        process.closeDescriptors()
        worker.lastExit = termination.description
        let unanswered = worker.inFlight.count
        handBackInFlight(of: worker, blame: worker.life.blameForExit, termination: termination)
        worker.detach()
        let metadata: Logger.Metadata = [
            "worker": "\(worker.id)", "pid": "\(process.pid)", "unanswered": "\(unanswered)",
        ]
        switch worker.life.exited(at: .now, startSeconds: settings.startSeconds, startRetries: settings.startRetries) {
        case .start(let reason):
            countRestart(worker, reason: reason)
            logger.info("worker drained for a restart: \(termination)", metadata: metadata)
            startWorker(worker)
        case .stayDown, .retired:
            logger.info("worker stopped: \(termination)", metadata: metadata)
            pool.removeRetired()
        case .fatal(let failures):
            logger.error(
                "worker is fatal after \(failures) failed starts (\(termination)); `sluicectl start \(worker.id)` tries again",
                metadata: metadata)
        case .backoff(_, let reason):
            logger.warning("worker exited: \(termination); restarting", metadata: metadata)
            countRestart(worker, reason: reason)
        }
    }

    /// Gives the messages an exited worker held back to the pool, in order and with their
    /// keys still held. With a `blame` (it failed), they are suspects that will run alone,
    /// each with a strike if the child had proved it can run; a message at
    /// `poisonThreshold` strikes is dead-lettered instead. A worker the daemon was stopping
    /// blames nobody.
    private func handBackInFlight(of worker: Worker, blame: Worker.StateMachine.Blame?, termination: ChildProcess.Termination) {
        let cause = blame?.cause ?? Worker.StateMachine.KillCause(source: .crash, reason: "plugin crashed while processing")
        let strike = VerdictOutput(
            verdict: .permanent, reason: cause.reason, source: cause.source, worker: worker.id,
            termination: termination.description,
            stderrTail: worker.stderrTail.text)
        for (_, slot) in worker.inFlight.sorted(by: { $0.key > $1.key }) {
            switch table[slot].handBack(workerFailed: blame != nil, strike: blame?.strike == true, poisonThreshold: settings.poisonThreshold) {
            case .release:
                releaseKey(of: slot)  // the next owner has its partition
                discard(slot)
            case .requeue:
                scheduler.retryFirst(slot)
            case .deadLetter:
                logger.error(
                    "poison message dead-lettered: \(cause.reason)",
                    metadata: [
                        "topic": "\(table[slot].progress.topic)", "partition": "\(table[slot].progress.partition)",
                        "offset": "\(table[slot].offset)", "strikes": "\(table[slot].failures.strikes)",
                    ])
                deadLetter(slot, strike)
            }
        }
    }

    /// Kills a worker whose child misbehaved; its messages are blamed with `cause` once it
    /// has exited, and it restarts.
    func kill(_ worker: Worker, cause source: FailureSource, reason: String) {
        worker.life.kill(.init(source: source, reason: reason))
        worker.process?.signalGroup(SIGKILL)
    }

    /// Kills workers whose oldest unanswered request is older than the message timeout, and
    /// workers that closed their stdout but kept running.
    func killHungWorkers(now: ContinuousClock.Instant) {
        for worker in pool.workers where worker.life.isUp {
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

    /// Ends every worker: stdin closed (the protocol's "finish and exit"), then SIGTERM, then
    /// SIGKILL, each after `stopTimeout` (`enforceStopTimeout`). Returns once all are
    /// reaped, or when even SIGKILL has had its time.
    func stopWorkers() {
        for worker in pool.workers { drain(worker, then: .stayDown) }
        runLoop(until: { self.pool.workers.allSatisfy { $0.process == nil } }, deadline: .now + settings.stopTimeout * 3 + .seconds(2))
    }

    private func countRestart(_ worker: Worker, reason: String) {
        worker.restarts += 1
        figures.workerRestarted(reason: reason)
    }
}
