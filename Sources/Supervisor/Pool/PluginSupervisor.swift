import CProcess
import Glibc
import Logging
import PluginProcess
import SluiceCore

/// Runs the plugin pool's children: starts them, wires their pipes to the loop, reads
/// their answers and stderr, and stops, kills and restarts them as each worker's state
/// machine says. What a child answers or leaves unanswered goes to the message flow as a
/// `PluginEvent` the pipeline is given; this type holds no message.
final class PluginSupervisor {
    /// The worker slots, the size asked for, the rolling restart and the exec runs.
    let pool: WorkerPool
    /// Changed by a reload, with the pipeline's; the children started from then on get its
    /// environment.
    var settings: Settings {
        didSet { pool.childEnvironment = environment.variables(for: settings) }
    }
    /// What the children's environment is made of.
    private let environment: ChildEnvironment
    var logger: Logger
    let figures: PipelineFigures
    /// Where every pipe and child is watched.
    let loop: EventLoop

    init(pool: WorkerPool, settings: Settings, environment: ChildEnvironment, logger: Logger, figures: PipelineFigures, loop: EventLoop) {
        self.pool = pool
        self.environment = environment
        pool.childEnvironment = environment.variables(for: settings)
        self.settings = settings
        self.logger = logger
        self.figures = figures
        self.loop = loop
    }

    /// Hands an event of a worker's or an exec run's child to the code that serves it; what
    /// the flow must know goes to `report` (false: the flow holds no such request).
    func handle(_ token: EventToken, report: (PluginEvent) -> Bool) {
        switch token.kind {
        case .execStdin, .execStdout, .execStderr, .execExit:
            guard let run = pool.execRuns[token.worker] else { return }
            switch token.kind {
            case .execStdin: writeExecInput(run)
            case .execStdout: readExecOutput(run)
            case .execStderr: readExecStderr(run)
            default:
                if let (slot, output) = handleExecExit(run) { _ = report(.execAnswer(slot: slot, output)) }
            }
        case .workerStdout, .workerStdin, .workerStderr, .workerExit:
            guard token.worker < pool.workers.count else { return }
            let worker = pool.workers[token.worker]
            guard worker.generation == token.generation, worker.process != nil else { return }
            switch token.kind {
            case .workerStdout: readResponses(worker, report: report)
            case .workerStdin: flushOutput(worker)
            case .workerStderr: readStderr(worker, report: report)
            default: handleExit(worker, report: report)
            }
        default:
            return
        }
    }

    /// Starts a child for `worker`; a failure to start backs off like a crash.
    func start(_ worker: Worker) {
        let process: ChildProcess
        do {
            process = try pool.spawnPlugin(settings, workerID: worker.id)
        } catch {
            logger.error("cannot start plugin: \(error)", metadata: ["worker": "\(worker.id)"])
            _ = worker.life.startFailed(at: Moment(.now), startRetries: settings.startRetries)
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

    /// Starts the workers whose backoff is over.
    func startDue(at now: ContinuousClock.Instant) {
        for worker in pool.workers where worker.life.tick(at: Moment(now), startSeconds: settings.startSeconds) {
            start(worker)
        }
    }

    /// The soonest a worker's state machine has something to do (a start after backoff,
    /// a stop timeout).
    var nextDeadline: ContinuousClock.Instant? {
        var next: ContinuousClock.Instant?
        for worker in pool.workers {
            guard let deadline = worker.life.nextDeadline(startSeconds: settings.startSeconds)?.instant else { continue }
            next = min(next ?? deadline, deadline)
        }
        return next
    }

    /// The child exited: collect its last output, give its unanswered messages back to the
    /// flow (same order, keys still held), and do what its state machine says follows.
    private func handleExit(_ worker: Worker, report: (PluginEvent) -> Bool) {
        guard var process = worker.process, let termination = process.reap() else { return }
        if !worker.life.isKilled { readResponses(worker, exiting: true, report: report) }
        readStderr(worker, report: report)
        for fd in [process.stdoutFD, process.stderrFD, process.pidFD] { loop.poller.remove(fd) }
        stopWaitingForWritable(worker)
        process.closeDescriptors()
        worker.lastExit = termination.description
        let exit = exitReport(of: worker, termination: termination)
        worker.detach()
        let metadata: Logger.Metadata = ["worker": "\(worker.id)", "pid": "\(process.pid)"]
        switch worker.life.exited(at: Moment(.now), startSeconds: settings.startSeconds, startRetries: settings.startRetries) {
        case .start(let reason):
            countRestart(worker, reason: reason)
            logger.info("worker drained for a restart: \(termination)", metadata: metadata)
            start(worker)
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
        _ = report(.exited(worker: worker.id - 1, exit))
    }

    /// What becomes of the messages an exited worker held: the blame its state machine puts
    /// on the child. A worker the daemon was stopping blames nobody.
    private func exitReport(of worker: Worker, termination: ChildProcess.Termination) -> MessageFlow.Exit {
        let blame = worker.life.blameForExit
        let cause = blame?.cause ?? WorkerLife.KillCause(source: .crash, reason: "plugin crashed while processing")
        return MessageFlow.Exit(
            workerFailed: blame != nil, strike: blame?.strike == true,
            deadLetter: VerdictOutput(
                verdict: .permanent, reason: cause.reason, source: cause.source, worker: worker.id,
                termination: termination.description, stderrTail: worker.stderrTail.text))
    }

    /// Kills a worker whose child misbehaved; its messages are blamed with `cause` once it
    /// has exited, and it restarts.
    func kill(_ worker: Worker, cause source: FailureSource, reason: String) {
        carryOut(worker.life.kill(.init(source: source, reason: reason)), on: worker)
    }

    /// Kills workers whose oldest unanswered request (`oldestRequest` of the worker's index)
    /// is older than the message timeout, and workers that closed their stdout but kept
    /// running.
    func killHungWorkers(now: ContinuousClock.Instant, oldestRequest: (Int) -> Moment?) {
        for (index, worker) in pool.workers.enumerated() where worker.life.isUp {
            if let closedAt = worker.stdoutClosedAt, now - closedAt >= .seconds(1) {
                protocolError(worker, "closed its stdout while running", line: nil)
                continue
            }
            guard let oldest = oldestRequest(index), now - oldest.instant >= settings.messageTimeout else { continue }
            logger.error(
                "worker gave no answer within \(settings.messageTimeout); killing it",
                metadata: ["worker": "\(worker.id)", "pid": "\(worker.process?.pid ?? 0)"])
            kill(worker, cause: .timeout, reason: "timed out: no answer within \(settings.messageTimeout)")
        }
    }

    /// Asks `worker` to finish what it holds and exit, `then` what follows: no new
    /// requests, stdin closed. Without a child, `then` applies at once.
    func drain(_ worker: Worker, then: WorkerLife.AfterStop) {
        // A kafka-native plugin reads no stdin: its stop signal is the request.
        let commands = worker.life.stop(
            then: then, hasChild: worker.process != nil, readsStdin: settings.protocolKind != .kafkaNative, at: Moment(.now))
        carryOut(commands, on: worker)
    }

    /// Does to the worker's child what its life asked for.
    private func carryOut(_ commands: WorkerLife.Commands, on worker: Worker) {
        guard let process = worker.process else { return }
        if commands.contains(.closeStdin) {
            flushOutput(worker)
            stopWaitingForWritable(worker)
            worker.process?.closeStdin()
        }
        if commands.contains(.stopSignal) { process.signalGroup(settings.stopSignalNumber) }
        if commands.contains(.kill) { process.signalGroup(SIGKILL) }
    }

    /// The stop: every worker is asked to finish and exit (stdin closed), then gets
    /// `stopSignal`, then SIGKILL, each after `stopTimeout` (`enforceStopTimeout`). A
    /// rolling restart under way is cancelled first: a worker it drained later would start
    /// a fresh child while the stop waits for every child to exit.
    func drainAll() {
        pool.cancelRestarts()
        for worker in pool.workers { drain(worker, then: .stayDown) }
    }

    /// Whether every worker's child has exited and been reaped.
    var allExited: Bool { pool.workers.allSatisfy { $0.process == nil } }

    /// A draining child still running `stopTimeout` after it was asked to stop gets
    /// `stopSignal`, and SIGKILL after another `stopTimeout`.
    func enforceStopTimeout(now: ContinuousClock.Instant) {
        for worker in pool.workers where worker.process != nil {
            guard let commands = worker.life.escalate(at: Moment(now), stopTimeout: settings.stopTimeout) else { continue }
            let signal = commands.contains(.kill) ? SIGKILL : settings.stopSignalNumber
            logger.warning(
                "worker still running after it was asked to stop; sending \(String(cString: strsignal(signal)))",
                metadata: ["worker": "\(worker.id)", "pid": "\(worker.process?.pid ?? 0)"])
            carryOut(commands, on: worker)
        }
    }

    private func countRestart(_ worker: Worker, reason: String) {
        worker.restarts += 1
        figures.workerRestarted(reason: reason)
    }
}
