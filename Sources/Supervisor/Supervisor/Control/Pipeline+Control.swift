import CProcess
import Foundation
import Glibc
import PluginProtocol

extension Pipeline {
    /// Listens for `sluicectl` at `path`. Call before `run`.
    public func openControlSocket(at path: String) throws(SettingsError) {
        let listener = try ControlListener(path: path)
        try controlAccess.grant(path: path)
        controlListener = listener
        logger.info("control socket at \(path)")
    }

    func registerControlSocket() {
        guard let listener = controlListener else { return }
        poller.add(listener.fd, events: UInt32(EPOLLIN.rawValue), token: EventToken(.controlListener))
    }

    /// Accepts waiting connections; a peer that is neither this user, root, nor in the
    /// allowed group gets "permission denied" and is closed.
    func acceptControlClients() {
        guard let listener = controlListener else { return }
        while true {
            let fd = sluice_accept(listener.fd)
            guard fd >= 0 else { return }
            guard controlAccess.allows(fd) else {
                send(ControlResponse(ok: false, error: "permission denied"), to: fd)
                close(fd)
                continue
            }
            nextControlClient += 1
            controlClients[nextControlClient] = ControlClient(fd: fd)
            poller.add(fd, events: UInt32(EPOLLIN.rawValue), token: EventToken(.controlClient, worker: nextControlClient & 0xFF_FFFF))
        }
    }

    /// Answers each request line of a client; closes it at end of file.
    func serveControlClient(_ id: Int) {
        guard let client = controlClients[id] else { return }
        let ended = client.lines.readAvailable(from: client.fd, maximumReads: 4)
        client.lines.drainLines { event in
            guard case .line(let line) = event else {
                send(ControlResponse(ok: false, error: "request too long"), to: client.fd)
                return true
            }
            if let response = answer(Data(line), client: id) { send(response, to: client.fd) }
            return true
        }
        if ended { closeControlClient(id) }
    }

    func closeControlClient(_ id: Int) {
        guard let client = controlClients.removeValue(forKey: id) else { return }
        poller.remove(client.fd)
        close(client.fd)
    }

    /// Stops taking control requests: first step of the shutdown.
    func closeControlSocket() {
        for id in Array(controlClients.keys) { closeControlClient(id) }
        if let listener = controlListener { poller.remove(listener.fd) }
        controlListener = nil
    }

    /// The answer to one request; nil when it comes later (a replay).
    private func answer(_ line: Data, client: Int) -> ControlResponse? {
        guard let request = try? JSONDecoder().decode(ControlRequest.self, from: line) else {
            return ControlResponse(ok: false, error: "not a control request: expected {\"command\": …}")
        }
        switch request.command {
        case "status":
            return ControlResponse(ok: true, status: statusReport())
        case "stats":
            return ControlResponse(ok: true, stats: statsReport())
        case "replay":
            return startReplay(filter: request.filter ?? ReplayFilter(), dryRun: request.dryRun ?? false, client: client)
        case "reload":
            return reload(requestedBy: "sluicectl")
        case "version":
            return ControlResponse(ok: true, message: SluiceVersion.current)
        case "scale":
            guard let target = request.workers, (1...1024).contains(target) else {
                return ControlResponse(ok: false, error: "scale: workers must be between 1 and 1024")
            }
            guard settings.retrier != .only else { return ControlResponse(ok: false, error: "scale: this sluiced runs no plugins (--retrier only)") }
            return ControlResponse(ok: true, message: scale(to: target))
        case "pause":
            holdFetching(.operatorRequest)
            logger.info("fetching paused by sluicectl")
            return ControlResponse(ok: true, message: "fetching paused; group membership kept")
        case "resume":
            releaseFetching(.operatorRequest)
            logger.info("fetching resumed by sluicectl")
            return ControlResponse(ok: true, message: "fetching resumed")
        case "restart":
            let ids = request.worker.map { [$0] } ?? workers.filter { !$0.life.isRetiring }.map(\.id)
            guard ids.allSatisfy({ (1...workers.count).contains($0) }) else { return noSuchWorker(request.worker) }
            return ControlResponse(ok: true, message: queueRestart(ids))
        case "stop":
            guard let id = request.worker, (1...workers.count).contains(id) else { return noSuchWorker(request.worker) }
            return ControlResponse(ok: true, message: stopWorker(workers[id - 1]))
        case "start":
            guard let id = request.worker, (1...workers.count).contains(id) else { return noSuchWorker(request.worker) }
            guard let message = startStoppedWorker(workers[id - 1]) else {
                return ControlResponse(ok: false, error: "start: worker \(id) is \(workers[id - 1].life.name), not stopped or fatal")
            }
            return ControlResponse(ok: true, message: message)
        default:
            return ControlResponse(ok: false, error: "unknown command \"\(request.command.prefix(40))\"")
        }
    }

    private func noSuchWorker(_ id: Int?) -> ControlResponse {
        ControlResponse(ok: false, error: "no worker \(id.map(String.init) ?? "given"): ids are 1 to \(workers.count)")
    }

    func send(_ response: ControlResponse, to fd: Int32) {
        guard var data = try? JSONEncoder().encode(response) else { return }
        data.append(0x0A)
        data.withUnsafeBytes { bytes in
            var offset = 0
            while offset < bytes.count {
                let written = write(fd, bytes.baseAddress! + offset, bytes.count - offset)
                guard written > 0 else { return }  // a client that does not read loses its answer
                offset += written
            }
        }
    }

    func statusReport() -> StatusReport {
        publishStatistics()
        let now = ContinuousClock.now
        return StatusReport(
            version: SluiceVersion.current, pid: getpid(), uptimeSeconds: Int((now - startedAt).components.seconds),
            group: settings.groupID, inputTopic: settings.inputTopic,
            partitions: partitions.values.filter { !$0.isRetry }.map { "\($0.topic)[\($0.partition)]" }.sorted(),
            lag: PartitionReport.totalLag(of: partitionReports()),
            stalledPartitions: partitions.values.sorted { ($0.topic, $0.partition) < ($1.topic, $1.partition) }.compactMap { progress in
                stall(of: progress, now: now).map { "\(progress.topic)[\(progress.partition)] (\($0.wholeSeconds) s)" }
            },
            paused: fetchGate.isHeldBack,
            protocolKind: settings.protocolKind.rawValue, execRunning: settings.protocolKind == .exec ? execRuns.count : nil,
            targetWorkers: targetWorkers, statistics: counters,
            workers: workers.map { worker in
                WorkerReport(
                    id: worker.id, pid: worker.process?.pid, state: worker.life.name,
                    uptimeSeconds: worker.process == nil ? nil : Int((now - worker.life.startedAt).components.seconds),
                    handled: worker.handled, inFlight: worker.inFlight.count, restarts: worker.restarts,
                    lastExit: worker.lastExit)
            })
    }
}
