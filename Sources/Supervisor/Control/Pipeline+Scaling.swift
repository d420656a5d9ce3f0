extension Pipeline {
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
        for worker in resize.start { startWorker(worker) }
        pool.removeRetired()
        logger.info("scaling the pool from \(before) to \(target) workers")
        return "scaling \(before) -> \(target) workers"
    }
}
