extension Pipeline {
    /// The ordered stop: consumer (stop fetching, drain, flush, commit, leave the group),
    /// then the pool, then the producer.
    func shutDown() {
        reportStoppingToSystemd()
        closeControlSocket()
        consuming = false
        retrying = false
        shuttingDown = true
        updateFetching()
        retryConsumer?.pause(assignedPartitions(retry: true))
        releaseWaitingRetries { _ in true }
        let released = releaseUnstarted { _ in true }
        logger.info("stopping: finishing \(table.count) messages, releasing \(released) not yet started")
        runLoop(until: { self.table.count == 0 }, deadline: .now + settings.drainTimeout)
        if table.count > 0 {
            logger.warning("drain timeout: \(table.count) messages unfinished; they will be redone after restart")
        }
        if !producer.flush(timeoutMilliseconds: 10_000) {
            logger.warning("producer flush timed out with \(producer.outstandingCount) messages outstanding")
        }
        storeOffsets()
        for client in [consumer, retryConsumer].compactMap({ $0 }) {
            if let error = client.commitStored() { logger.warning("\(error)") }
            if let error = client.close() { logger.warning("\(error)") }
        }
        stopWorkers()
        killExecRuns()
        if !producer.flush(timeoutMilliseconds: 10_000) {
            logger.warning("producer flush timed out with \(producer.outstandingCount) messages outstanding")
        }
        publishStatistics()
        logger.info("stopped \(counters.summary(since: counters, seconds: 0))")
    }
}
