import Glibc
import SluiceControl
import SluiceSupport

extension Pipeline {
    /// Listens for `sluicectl` at `path`. Call before `run`.
    public func openControlSocket(at path: String) throws(SettingsError) {
        try control.open(at: path)
        logger.info("control socket at \(path)")
    }

    /// The answer to one request; nil when it comes later (a replay).
    func answer(_ request: ControlRequest, client: Int) -> ControlResponse? {
        switch request {
        case .status:
            return ControlResponse(ok: true, status: statusReport())
        case .stats:
            return ControlResponse(ok: true, stats: statsReport())
        case .replay(let filter, let dryRun):
            return startReplay(filter: filter, dryRun: dryRun, client: client)
        case .reload:
            return reload(requestedBy: "sluicectl")
        case .version:
            return ControlResponse(ok: true, message: SluiceVersion.current)
        case .scale(let target):
            guard (1...1024).contains(target) else {
                return ControlResponse(ok: false, error: "scale: workers must be between 1 and 1024")
            }
            guard settings.retrier != .only else { return ControlResponse(ok: false, error: "scale: this sluiced runs no plugins (--retrier only)") }
            return ControlResponse(ok: true, message: scale(to: target))
        case .pause:
            holdFetching(.operatorRequest)
            logger.info("fetching paused by sluicectl")
            return ControlResponse(ok: true, message: "fetching paused; group membership kept")
        case .resume:
            releaseFetching(.operatorRequest)
            logger.info("fetching resumed by sluicectl")
            return ControlResponse(ok: true, message: "fetching resumed")
        case .restart(let id?):
            guard hasWorker(id) else { return noSuchWorker(id) }
            return ControlResponse(ok: true, message: queueRestart([id]))
        case .restart(nil):
            return ControlResponse(ok: true, message: queueRestart(workers.filter { !$0.life.isRetiring }.map(\.id)))
        case .stop(let id):
            guard hasWorker(id) else { return noSuchWorker(id) }
            return ControlResponse(ok: true, message: stopWorker(workers[id - 1]))
        case .start(let id):
            guard hasWorker(id) else { return noSuchWorker(id) }
            guard let message = startStoppedWorker(workers[id - 1]) else {
                return ControlResponse(ok: false, error: "start: worker \(id) is \(workers[id - 1].life.name), not stopped or fatal")
            }
            return ControlResponse(ok: true, message: message)
        }
    }

    /// Whether `id` names a worker (ids are 1 to the pool size; protocol exec has none).
    private func hasWorker(_ id: Int) -> Bool {
        workers.indices.contains(id - 1)
    }

    private func noSuchWorker(_ id: Int) -> ControlResponse {
        ControlResponse(
            ok: false, error: workers.isEmpty ? "no worker \(id): this sluiced keeps no pool" : "no worker \(id): ids are 1 to \(workers.count)")
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
