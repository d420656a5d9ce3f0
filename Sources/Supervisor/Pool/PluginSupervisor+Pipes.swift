import Glibc
import Logging
import PluginProtocol
import SluiceCore
import SluiceSupport

extension PluginSupervisor {
    /// Reads what the worker wrote and hands each answer to `report`. `exiting` is set
    /// when the child is already gone and only its last words are collected.
    func readResponses(_ worker: Worker, exiting: Bool = false, report: (PluginEvent) -> Bool) {
        guard let process = worker.process else { return }
        // Bounded per wake-up so one chatty worker cannot starve the others; unbounded for
        // a child that is gone.
        let reachedEnd = worker.stdoutLines.readAvailable(from: process.stdoutFD, maximumReads: exiting ? Int.max : 16)
        worker.stdoutLines.drainLines { event in
            guard !worker.life.isKilled else { return false }  // killed: ignore the rest
            switch event {
            case .line(let line):
                return handleResponse(line, from: worker, report: report)
            case .overlong(let prefix):
                return handleOverlongResponse(prefix, from: worker, report: report)
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
    private func handleResponse(_ line: UnsafeRawBufferPointer, from worker: Worker, report: (PluginEvent) -> Bool) -> Bool {
        guard settings.protocolKind != .kafkaNative else {
            // It answers through Kafka; what it prints is a log line.
            logger.info("plugin: \(String(decoding: line, as: UTF8.self))", metadata: ["worker": "\(worker.id)", "pid": "\(worker.process?.pid ?? 0)"])
            return true
        }
        let response: ResponseFrame
        let request: MessageFlow.AnswerTo
        do {
            switch settings.protocolKind {
            case .json:
                response = try ResponseFrame(decoding: line)
                request = .id(UInt64(decimalBytes: response.id))
            case .lines, .exec, .kafkaNative:  // exec's answers are exit statuses; kafka-native's go to Kafka
                response = try LineFrames.decodeAnswer(line)
                request = .oldest  // answers come in request order
            }
        } catch {
            protocolError(worker, "invalid response: \(error)", line: line)
            return false
        }
        if let outputs = response.outputs, outputs.count > settings.maxOutputs {
            let reason = "the plugin answered with \(outputs.count) outputs, more than --max-outputs (\(settings.maxOutputs))"
            return deadLetterAnswer(request, from: worker, reason: reason, source: .tooManyOutputs, line: line, report: report)
        }
        let success = response.verdict == .success
        let output = VerdictOutput(
            verdict: response.verdict, payload: success ? response.payload?.bytes : nil, key: success ? response.key : .input,
            reason: response.reason, headers: response.headers, outputs: response.outputs, worker: worker.id,
            retryAfterMilliseconds: response.retryAfterMilliseconds)
        guard report(.answer(worker: worker.id - 1, request, output)) else {
            protocolError(worker, "response to an unknown or already answered id", line: line)
            return false
        }
        worker.handled += 1
        return true
    }

    /// An answer longer than the frame limit (its rest is skipped): when the request it
    /// answers is known (protocol `lines`, or `json` with `id` first), that input is
    /// dead-lettered as too large and the worker goes on; otherwise it is a protocol error.
    private func handleOverlongResponse(_ prefix: UnsafeRawBufferPointer, from worker: Worker, report: (PluginEvent) -> Bool) -> Bool {
        let request: MessageFlow.AnswerTo =
            switch settings.protocolKind {
            case .json: .id(ResponseFrame.leadingID(of: prefix).flatMap { UInt64(decimalBytes: $0) })
            case .lines: .oldest
            case .exec, .kafkaNative: .id(nil)
            }
        let reason = "the plugin's answer is longer than the frame limit of \(settings.maxFrameBytes) bytes (--max-frame-bytes)"
        guard deadLetterAnswer(request, from: worker, reason: reason, source: .tooLarge, line: nil, report: report) else {
            protocolError(worker, "response line longer than \(settings.maxFrameBytes) bytes", line: prefix)
            return false
        }
        return true
    }

    /// An answer sluiced will not write (too many outputs, too long): its input is
    /// dead-lettered with `reason`, and the worker goes on. False when the flow holds no
    /// such request (a protocol error, which a caller with the whole line reports itself).
    private func deadLetterAnswer(
        _ request: MessageFlow.AnswerTo, from worker: Worker, reason: String, source: FailureSource, line: UnsafeRawBufferPointer?,
        report: (PluginEvent) -> Bool
    ) -> Bool {
        let output = VerdictOutput(verdict: .permanent, reason: reason, source: source, worker: worker.id)
        guard report(.answer(worker: worker.id - 1, request, output)) else {
            if let line { protocolError(worker, "response to an unknown or already answered id", line: line) }
            return false
        }
        worker.handled += 1
        logger.error("\(reason); dead-lettering the input", metadata: ["worker": "\(worker.id)"])
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
    /// the level the line asks for (`PluginLogLine`), and to `report` (`sluicectl tail -f`).
    func readStderr(_ worker: Worker, report: (PluginEvent) -> Bool) {
        guard let process = worker.process else { return }
        let reachedEnd = worker.stderrLines.readAvailable(from: process.stderrFD, maximumReads: 16)
        let metadata: Logger.Metadata = ["worker": "\(worker.id)", "pid": "\(process.pid)"]
        func forward(_ bytes: some Collection<UInt8>, truncated: Bool = false) {
            let line = PluginLogLine(String(decoding: bytes, as: UTF8.self))
            if !truncated { worker.stderrTail.append(String(line.text)) }
            logger.log(level: line.level, "plugin: \(line.text)\(truncated ? "… (line truncated)" : "")", metadata: metadata)
            _ = report(.said(worker: worker.id, line.text))
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

    /// Writes the pending frames of `workers` (those a dispatch pass gave frames): a worker
    /// whose pipe was full writes on when it is writable again (`.workerStdin`).
    func flushOutput(of workers: [Worker]) {
        for worker in workers where worker.stdin.hasPending && !worker.stdin.isWaitingForWritable {
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
