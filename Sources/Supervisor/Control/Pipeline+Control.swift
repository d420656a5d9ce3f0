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
            input.hold(.operatorRequest)
            logger.info("fetching paused by sluicectl")
            return ControlResponse(ok: true, message: "fetching paused; group membership kept")
        case .resume:
            input.release(.operatorRequest)
            logger.info("fetching resumed by sluicectl")
            return ControlResponse(ok: true, message: "fetching resumed")
        case .restart(let id?):
            guard pool[id] != nil else { return noSuchWorker(id) }
            return ControlResponse(ok: true, message: queueRestart([id]))
        case .restart(nil):
            return ControlResponse(ok: true, message: queueRestart(pool.workers.filter { !$0.life.isRetiring }.map(\.id)))
        case .stop(let id):
            guard let worker = pool[id] else { return noSuchWorker(id) }
            return ControlResponse(ok: true, message: stopWorker(worker))
        case .start(let id):
            guard let worker = pool[id] else { return noSuchWorker(id) }
            guard let message = startStoppedWorker(worker) else {
                return ControlResponse(ok: false, error: "start: worker \(id) is \(worker.life.name), not stopped or fatal")
            }
            return ControlResponse(ok: true, message: message)
        }
    }

    private func noSuchWorker(_ id: Int) -> ControlResponse {
        ControlResponse(
            ok: false, error: pool.workers.isEmpty ? "no worker \(id): this sluiced keeps no pool" : "no worker \(id): ids are 1 to \(pool.workers.count)")
    }

    func statusReport() -> StatusReport {
        publishStatistics()
        let now = ContinuousClock.now
        return StatusReport(
            version: SluiceVersion.current, pid: getpid(), uptimeSeconds: figures.uptimeSeconds(at: now),
            group: settings.groupID, inputTopic: settings.inputTopic,
            partitions: partitions.all.filter { !$0.isRetry }.map { "\($0.topic)[\($0.partition)]" }.sorted(),
            lag: PartitionReport.totalLag(of: partitionReports()),
            stalledPartitions: partitions.all.sorted { ($0.topic, $0.partition) < ($1.topic, $1.partition) }.compactMap { progress in
                progress.stall(at: now, threshold: stallThreshold).map { "\(progress.topic)[\(progress.partition)] (\($0.wholeSeconds) s)" }
            },
            paused: input.isHeldBack,
            protocolKind: settings.protocolKind.rawValue, execRunning: settings.protocolKind == .exec ? pool.execRuns.count : nil,
            targetWorkers: pool.targetSize, statistics: figures.counters,
            workers: pool.workers.map { worker in
                WorkerReport(
                    id: worker.id, pid: worker.process?.pid, state: worker.life.name,
                    uptimeSeconds: worker.process == nil ? nil : Int((now - worker.life.startedAt).components.seconds),
                    handled: worker.handled, inFlight: worker.inFlight.count, restarts: worker.restarts,
                    lastExit: worker.lastExit)
            })
    }
}
