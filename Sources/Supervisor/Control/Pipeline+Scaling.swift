extension Pipeline {
    /// Grows or shrinks the pool to `target` workers without touching the others. New
    /// slots start at once; surplus slots (the highest ids) take no new requests, and
    /// their stdin is closed so they answer what they hold and exit: nothing is redone.
    func scale(to target: Int) -> String {
        let before = targetWorkers
        targetWorkers = target
        if settings.protocolKind == .exec {
            logger.info("running up to \(target) plugin processes at once (was \(before))")
            return "exec: up to \(before) -> \(target) processes at once"
        }
        for (index, worker) in workers.enumerated() {
            if index < target {
                // Still draining: it restarts once it has exited; gone: it starts now.
                worker.life.unretire(at: .now)
            } else if !worker.life.isRetiring {
                drain(worker, then: .retire)
            }
        }
        while workers.count < target {
            let worker = Worker(id: workers.count + 1, maximumFrameBytes: settings.maxFrameBytes)
            workers.append(worker)
            startWorker(worker)
        }
        removeRetiredWorkers()
        logger.info("scaling the pool from \(before) to \(target) workers")
        return "scaling \(before) -> \(target) workers"
    }

    /// Drops retired slots from the end of the pool once their children are gone.
    func removeRetiredWorkers() {
        while let last = workers.last, last.life.state == .retired, workers.count > targetWorkers {
            workers.removeLast()
        }
    }
}
