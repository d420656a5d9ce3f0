extension Pipeline {
    /// The ordered stop: consumer (stop fetching, drain, flush, commit, leave the group),
    /// then the pool, then the producer.
    func shutDown() {
        logger.info("stopping: draining \(table.count - scheduler.ready.count - scheduler.waitingCount) in-flight messages")
        consuming = false
        consumer.pause(partitions.values.map { ($0.topic, $0.partition) })
        dropQueued { _ in true }
        runLoop(until: { self.table.count == 0 }, deadline: .now + settings.drainTimeout)
        if table.count > 0 {
            logger.warning("drain timeout: \(table.count) messages unfinished; they will be redone after restart")
        }
        if !producer.flush(timeoutMilliseconds: 10_000) {
            logger.warning("producer flush timed out with \(producer.outstandingCount) messages outstanding")
        }
        storeOffsets()
        if let error = consumer.commitStored() { logger.warning("\(error)") }
        if let error = consumer.close() { logger.warning("\(error)") }
        stopWorkers()
        if !producer.flush(timeoutMilliseconds: 10_000) {
            logger.warning("producer flush timed out with \(producer.outstandingCount) messages outstanding")
        }
        publishStatistics()
        logger.info("stopped \(counters.summary(since: counters, seconds: 0))")
    }
}
