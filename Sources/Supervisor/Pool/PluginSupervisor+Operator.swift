import SluiceControl

extension PluginSupervisor {
    /// `sluicectl scale N`.
    func answerScale(to target: Int) -> ControlResponse {
        guard (1...1024).contains(target) else {
            return ControlResponse(ok: false, error: "scale: workers must be between 1 and 1024")
        }
        guard settings.retrier != .only else { return ControlResponse(ok: false, error: "scale: this sluiced runs no plugins (--retrier only)") }
        return ControlResponse(ok: true, message: scale(to: target))
    }

    /// `sluicectl restart [ID]`: queues the worker, or every one, for a rolling restart,
    /// one at a time, each drained first so nothing is redone.
    func answerRestart(_ id: Int?) -> ControlResponse {
        let ids: [Int]
        if let id {
            guard pool[id] != nil else { return noSuchWorker(id) }
            ids = [id]
        } else {
            ids = pool.workers.filter { !$0.life.isRetiring }.map(\.id)
        }
        pool.queueRestart(ids)
        return ControlResponse(ok: true, message: "restarting \(ids.count == 1 ? "worker \(ids[0])" : "\(ids.count) workers, one at a time")")
    }

    /// `sluicectl stop ID`: drains the worker and keeps it down.
    func answerStop(_ id: Int) -> ControlResponse {
        guard let worker = pool[id] else { return noSuchWorker(id) }
        drain(worker, then: .stayDown)
        return ControlResponse(ok: true, message: "stopping worker \(worker.id)")
    }

    /// `sluicectl start ID`: starts a stopped or fatal worker again.
    func answerStart(_ id: Int) -> ControlResponse {
        guard let worker = pool[id] else { return noSuchWorker(id) }
        guard worker.life.canBeStartedByHand else {
            return ControlResponse(ok: false, error: "start: worker \(id) is \(worker.life.name), not stopped or fatal")
        }
        worker.life.startByHand()
        start(worker)
        return ControlResponse(ok: true, message: "starting worker \(worker.id)")
    }

    func noSuchWorker(_ id: Int) -> ControlResponse {
        ControlResponse(
            ok: false, error: pool.workers.isEmpty ? "no worker \(id): this sluiced keeps no pool" : "no worker \(id): ids are 1 to \(pool.workers.count)")
    }

    /// Moves the rolling restart on: the next worker drains once the previous one runs again.
    func advanceRollingRestart() {
        if let next = pool.nextToRestart() { drain(next, then: .restart(reason: "operator")) }
    }

    /// Grows or shrinks the pool to `target` workers without touching the others. New
    /// slots start at once; surplus slots (the highest ids) take no new requests, and
    /// their stdin is closed so they answer what they hold and exit: nothing is redone.
    func scale(to target: Int) -> String {
        let before = pool.targetSize
        let resize = pool.resize(to: target, at: .now)
        if settings.protocolKind == .exec {
            logger.info("running up to \(target) plugin processes at once (was \(before))")
            return "exec: up to \(before) -> \(target) processes at once"
        }
        for worker in resize.retire { drain(worker, then: .retire) }
        for worker in resize.start { start(worker) }
        pool.removeRetired()
        logger.info("scaling the pool from \(before) to \(target) workers")
        return "scaling \(before) -> \(target) workers"
    }
}

extension PluginSupervisor {
    /// `sluicectl tail [ID]`: the last stderr lines kept for the worker, or for each worker.
    func answerTail(_ id: Int?) -> ControlResponse {
        if let id, pool[id] == nil { return noSuchWorker(id) }
        let workers = pool.workers.filter { id == nil || $0.id == id }
        let lines = workers.flatMap { worker in worker.stderrTail.lines.map { PluginOutputLine(worker: worker.id, line: $0) } }
        return ControlResponse(ok: true, lines: lines)
    }

    /// `sluicectl signal SIG [ID]`: sends the signal to the worker's plugin, or to every
    /// running worker's, its whole process group (a plugin's own children too), as
    /// supervisorctl's signal does. What the plugin does with it is its own affair; one
    /// that dies of it is restarted like any crash.
    func answerSignal(_ name: String, worker id: Int?) -> ControlResponse {
        guard let number = SignalName.number(name) else { return ControlResponse(ok: false, error: "signal: unknown signal \(name)") }
        if let id, pool[id] == nil { return noSuchWorker(id) }
        let targets = pool.workers.filter { (id == nil || $0.id == id) && $0.process != nil }
        guard !targets.isEmpty else {
            return ControlResponse(ok: false, error: "signal: \(id.map { "worker \($0) is" } ?? "no worker is") running")
        }
        for worker in targets { worker.process?.signalGroup(number) }
        logger.info("SIG\(name) sent to \(targets.count == 1 ? "worker \(targets[0].id)" : "\(targets.count) workers") by sluicectl")
        let sent = targets.map { "worker \($0.id) (pid \($0.process!.pid))" }.joined(separator: ", ")
        return ControlResponse(ok: true, message: "SIG\(name) sent to \(sent)")
    }
}
