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
                return handleOverlongResponse(prefix, from: worker, answered: answered)
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
        guard let slot = takeAnswer(requestID, from: worker) else {
            protocolError(worker, "response to an unknown or already answered id", line: line)
            return false
        }
        if let outputs = response.outputs, outputs.count > settings.maxOutputs {
            let reason = "the plugin answered with \(outputs.count) outputs, more than --max-outputs (\(settings.maxOutputs))"
            deadLetterAnswer(slot, from: worker, reason: reason, source: .tooManyOutputs, answered: answered)
            return true
        }
        let success = response.verdict == .success
        answered(
            slot,
            VerdictOutput(
                verdict: response.verdict, payload: success ? response.payload?.bytes : nil, key: success ? response.key : .input,
                reason: response.reason, headers: response.headers, outputs: response.outputs, worker: worker.id,
                retryAfterMilliseconds: response.retryAfterMilliseconds))
        return true
    }

    /// An answer longer than the frame limit (its rest is skipped): when the request it
    /// answers is known (protocol `lines`, or `json` with `id` first), that input is
    /// dead-lettered as too large and the worker goes on; otherwise it is a protocol error.
    private func handleOverlongResponse(_ prefix: UnsafeRawBufferPointer, from worker: Worker, answered: (Int, VerdictOutput) -> Void) -> Bool {
        let requestID: UInt64? =
            switch settings.protocolKind {
            case .json: ResponseFrame.leadingID(of: prefix).flatMap { UInt64(decimalBytes: $0) }
            case .lines: worker.answerOrder.popFirst()
            case .exec, .kafkaNative: nil
            }
        guard let slot = takeAnswer(requestID, from: worker) else {
            protocolError(worker, "response line longer than \(settings.maxFrameBytes) bytes", line: prefix)
            return false
        }
        let reason = "the plugin's answer is longer than the frame limit of \(settings.maxFrameBytes) bytes (--max-frame-bytes)"
        deadLetterAnswer(slot, from: worker, reason: reason, source: .tooLarge, answered: answered)
        return true
    }

    /// The slot of the request `requestID` the worker answered, no longer in flight there,
    /// the answer counted and the worker's isolation over; nil when it has no such request.
    /// Every answer goes through here, whatever becomes of it: a worker left isolating
    /// after an answer would never be given work again.
    private func takeAnswer(_ requestID: UInt64?, from worker: Worker) -> Int? {
        guard let requestID, let slot = worker.inFlight.removeValue(forKey: requestID) else { return nil }
        worker.isIsolating = false
        worker.handled += 1
        return slot
    }

    /// An answer sluiced will not write (too many outputs, too long): its input is
    /// dead-lettered with `reason`, and the worker goes on.
    private func deadLetterAnswer(
        _ slot: Int, from worker: Worker, reason: String, source: FailureSource, answered: (Int, VerdictOutput) -> Void
    ) {
        logger.error("\(reason); dead-lettering the input", metadata: ["worker": "\(worker.id)"])
        answered(slot, VerdictOutput(verdict: .permanent, reason: reason, source: source, worker: worker.id))
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
