import Glibc
import Logging
import PluginProtocol
import SluiceSupport

extension PluginSupervisor {
    /// Reads what the worker wrote and hands each answer to `answered`. `exiting` is set
    /// when the child is already gone and only its last words are collected.
    func readResponses(_ worker: Worker, exiting: Bool = false, answered: (Int, VerdictOutput) -> Void) {
        guard let process = worker.process else { return }
        // Bounded per wake-up so one chatty worker cannot starve the others; unbounded for
        // a child that is gone.
        let reachedEnd = worker.stdoutLines.readAvailable(from: process.stdoutFD, maximumReads: exiting ? Int.max : 16)
        worker.stdoutLines.drainLines { event in
            guard !worker.life.isKilled else { return false }  // killed: ignore the rest
            switch event {
            case .line(let line):
                return handleResponse(line, from: worker, answered: answered)
            case .overlong(let prefix):
                protocolError(worker, "response line longer than \(settings.maxFrameBytes) bytes", line: prefix)
                return false
            }
        }
        if reachedEnd && !exiting && worker.stdoutClosedAt == nil {
            // Usually the child is exiting and its exit event follows; if it is still
            // running after a grace period it can never answer again (killHungWorkers).
            loop.poller.remove(process.stdoutFD)
            worker.stdoutClosedAt = .now
        }
    }

    /// Decodes one response; false after a protocol error (the worker is being restarted).
    private func handleResponse(_ line: UnsafeRawBufferPointer, from worker: Worker, answered: (Int, VerdictOutput) -> Void) -> Bool {
        guard settings.protocolKind != .kafkaNative else {
            // It answers through Kafka; what it prints is a log line.
            logger.info("plugin: \(String(decoding: line, as: UTF8.self))", metadata: ["worker": "\(worker.id)", "pid": "\(worker.process?.pid ?? 0)"])
            return true
        }
        let response: ResponseFrame
        let requestID: UInt64?
        do {
            switch settings.protocolKind {
            case .json:
                response = try ResponseFrame(decoding: line)
                requestID = UInt64(decimalBytes: response.id)
            case .lines, .exec, .kafkaNative:  // exec's answers are exit statuses; kafka-native's go to Kafka
                response = try LineFrames.decodeAnswer(line)
                requestID = worker.answerOrder.popFirst()  // answers come in request order
            }
        } catch {
            protocolError(worker, "invalid response: \(error)", line: line)
            return false
        }
        guard let requestID, let slot = worker.inFlight.removeValue(forKey: requestID) else {
            protocolError(worker, "response to an unknown or already answered id", line: line)
            return false
        }
        worker.isIsolating = false
        worker.handled += 1
        answered(
            slot,
            VerdictOutput(
                verdict: response.verdict, payload: response.verdict == .success ? response.payload?.bytes : nil,
                reason: response.reason, headers: response.headers, worker: worker.id,
                retryAfterMilliseconds: response.retryAfterMilliseconds))
        return true
    }

    /// Logs a plugin's protocol violation and kills the worker; its unanswered messages go
    /// to other workers once it has exited.
    func protocolError(_ worker: Worker, _ reason: String, line: UnsafeRawBufferPointer?) {
        figures.protocolError()
        var metadata: Logger.Metadata = ["worker": "\(worker.id)", "pid": "\(worker.process?.pid ?? 0)"]
        if let line {
            metadata["line"] = "\(String(decoding: line.prefix(200), as: UTF8.self))\(line.count > 200 ? "…" : "")"
        }
        logger.error("plugin protocol error: \(reason); restarting the worker", metadata: metadata)
        kill(worker, cause: .protocolError, reason: "plugin protocol error while processing: \(reason)")
    }

    /// Forwards the plugin's stderr to the log, a line at a time, tagged with the worker, at
    /// the level the line asks for (`PluginLogLine`), and to `said` (`sluicectl tail -f`).
    func readStderr(_ worker: Worker, said: (Int, Substring) -> Void) {
        guard let process = worker.process else { return }
        let reachedEnd = worker.stderrLines.readAvailable(from: process.stderrFD, maximumReads: 16)
        let metadata: Logger.Metadata = ["worker": "\(worker.id)", "pid": "\(process.pid)"]
        func forward(_ bytes: some Collection<UInt8>, truncated: Bool = false) {
            let line = PluginLogLine(String(decoding: bytes, as: UTF8.self))
            if !truncated { worker.stderrTail.append(String(line.text)) }
            logger.log(level: line.level, "plugin: \(line.text)\(truncated ? "… (line truncated)" : "")", metadata: metadata)
            said(worker.id, line.text)
        }
        worker.stderrLines.drainLines { event in
            switch event {
            case .line(let line): forward(line)
            case .overlong(let prefix): forward(prefix, truncated: true)
            }
            return true
        }
        if reachedEnd {
            if let rest = worker.stderrLines.takeRemainder() { forward(rest) }
            loop.poller.remove(process.stderrFD)
        }
    }

    /// Writes every worker's pending frames.
    func flushWorkerOutput() {
        for worker in pool.workers where worker.stdin.hasPending && !worker.stdin.isWaitingForWritable {
            flushOutput(worker)
        }
    }

    /// Writes as much of `worker`'s pending frames as its stdin pipe takes (`StdinBuffer`).
    func flushOutput(_ worker: Worker) {
        guard let stdinFD = worker.process?.stdinFD, stdinFD >= 0 else { return }
        let token = EventToken(.workerStdin, worker: worker.id - 1, generation: worker.generation)
        _ = worker.stdin.write(to: stdinFD, poller: loop.poller, token: token)
    }

    func stopWaitingForWritable(_ worker: Worker) {
        guard let stdinFD = worker.process?.stdinFD, stdinFD >= 0 else { return }
        worker.stdin.stopWaiting(fd: stdinFD, poller: loop.poller)
    }
}
