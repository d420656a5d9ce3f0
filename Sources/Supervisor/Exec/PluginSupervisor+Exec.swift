import CProcess
import Glibc
import PluginProcess
import SluiceCore

/// Protocol `exec`: one process per message, at most the pool's target size at once. Exit 0 is
/// success with stdout as the new value, 75 (EX_TEMPFAIL) transient, anything else
/// permanent with the end of stderr as the reason; a run past the message timeout is
/// killed and its message fails as transient.
extension PluginSupervisor {
    /// Starts a run of the plugin for the message in `slot`, with `input` (its value) on
    /// stdin. Returns the message's verdict when the plugin cannot be started.
    func startExec(slot: Int, input: UnsafeRawBufferPointer?) -> VerdictOutput? {
        let id = pool.execRuns.nextID()
        let process: ChildProcess
        do {
            process = try pool.spawnPlugin(settings, workerID: id)
        } catch {
            logger.error("cannot start plugin: \(error); the message fails as transient")
            return VerdictOutput(verdict: .transient, reason: "cannot start the plugin: \(error)")
        }
        let run = ExecRun(id: id, slot: slot, process: process, input: input.map { Array($0) } ?? [])
        pool.execRuns.add(run)
        loop.poller.add(process.stdoutFD, events: UInt32(EPOLLIN.rawValue), token: EventToken(.execStdout, worker: id))
        loop.poller.add(process.stderrFD, events: UInt32(EPOLLIN.rawValue), token: EventToken(.execStderr, worker: id))
        loop.poller.add(process.pidFD, events: UInt32(EPOLLIN.rawValue), token: EventToken(.execExit, worker: id))
        writeExecInput(run)
        return nil
    }

    /// Writes what the stdin pipe takes; closes stdin once the whole value is written.
    func writeExecInput(_ run: ExecRun) {
        switch run.stdin.write(to: run.process.stdinFD, poller: loop.poller, token: EventToken(.execStdin, worker: run.id)) {
        case .pipeFull: return
        case .written, .closed: run.process.closeStdin()
        }
    }

    /// Reads what the run wrote to stdout: at most 16 reads per wake-up, so one chatty run
    /// cannot starve the loop, and everything once it has exited. At the end of the stream
    /// the descriptor leaves epoll, where it would be ready forever.
    func readExecOutput(_ run: ExecRun, exiting: Bool = false) {
        guard !run.stdoutEnded else { return }
        var buffer = [UInt8](repeating: 0, count: 65536)
        for _ in 0..<(exiting ? Int.max : 16) {
            let count = read(run.process.stdoutFD, &buffer, buffer.count)
            if count > 0 {
                if run.output.count + count > settings.maxFrameBytes { run.outputTooLong = true }
                if !run.outputTooLong { run.output += buffer[0..<count] }
                continue
            }
            if count < 0 && errno == EINTR { continue }
            if count < 0 && errno == EAGAIN { return }
            run.stdoutEnded = true  // end of file, or a read that cannot succeed
            loop.poller.remove(run.process.stdoutFD)
            return
        }
    }

    /// Keeps the last lines of the run's stderr; at its end the descriptor leaves epoll.
    func readExecStderr(_ run: ExecRun, exiting: Bool = false) {
        guard !run.stderrEnded else { return }
        if run.stderrLines.readAvailable(from: run.process.stderrFD, maximumReads: exiting ? Int.max : 16) {
            run.stderrEnded = true
            loop.poller.remove(run.process.stderrFD)
        }
        run.stderrLines.drainLines { event in
            if case .line(let line) = event { run.stderrTail.append(String(decoding: line, as: UTF8.self)) }
            return true
        }
    }

    /// The run's process exited: its status is the verdict of the message in the returned
    /// slot.
    func handleExecExit(_ run: ExecRun) -> (slot: Int, output: VerdictOutput)? {
        guard let termination = run.process.reap() else { return nil }
        readExecOutput(run, exiting: true)
        readExecStderr(run, exiting: true)
        if let rest = run.stderrLines.takeRemainder() { run.stderrTail.append(String(decoding: rest, as: UTF8.self)) }
        for fd in [run.process.stdoutFD, run.process.stderrFD, run.process.pidFD] { loop.poller.remove(fd) }
        run.stdin.stopWaiting(fd: run.process.stdinFD, poller: loop.poller)
        run.process.closeDescriptors()
        pool.execRuns.remove(run)
        var output = VerdictOutput(verdict: .permanent, termination: termination.description, stderrTail: run.stderrTail.text)
        let said = run.stderrTail.lines.last.map { ": \($0)" } ?? ""
        switch termination {
        case _ where run.timedOut:
            output.verdict = .transient
            output.source = .timeout
            output.reason = "timed out: no exit within \(settings.messageTimeout)"
        case .exited(0) where run.outputTooLong:
            output.reason = "output over the frame limit of \(settings.maxFrameBytes) bytes"
        case .exited(0):
            output = VerdictOutput(verdict: .success, payload: run.output)
        case .exited(75):
            output.verdict = .transient
            output.reason = "exit status 75 (temporary failure)\(said)"
        default:
            output.reason = "\(termination)\(said)"
        }
        return (run.slot, output)
    }

    /// Kills runs older than the message timeout; their exit fails the message.
    func killHungExecRuns(now: ContinuousClock.Instant) {
        for run in pool.execRuns.all where !run.timedOut && now - run.startedAt >= settings.messageTimeout {
            run.timedOut = true
            logger.error("plugin run gave no exit within \(settings.messageTimeout); killing it", metadata: ["pid": "\(run.process.pid)"])
            run.process.signalGroup(SIGKILL)
        }
    }

    /// At the end of shutdown: what still runs is killed (its messages are redone later).
    func killExecRuns() {
        for run in pool.execRuns.all {
            run.process.signalGroup(SIGKILL)
            while run.process.reap() == nil { usleep(1000) }
            run.process.closeDescriptors()
        }
        pool.execRuns.removeAll()
    }
}
