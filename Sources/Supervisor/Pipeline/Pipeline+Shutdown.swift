import SluiceSupport

extension Pipeline {
    /// How long the stop may wait for the brokers after the drain: flush, commit, leaving
    /// the group and the last flush together. A broker that is gone costs this much, never
    /// a hang.
    static let closeTimeout = Duration.seconds(30)

    /// The ordered stop: consumer (stop fetching, drain, flush, commit, leave the group),
    /// then the pool, then the producer. Returns why the stop fell short, if it did:
    /// messages were left unfinished, or the broker gave no answer to the commit or the
    /// close. (A commit the broker refuses because its group moved on, during a rebalance,
    /// is only logged: everything taken was delivered, and the next owner repeats what
    /// the commit would have covered, as after any revoke.)
    func shutDown() -> KafkaError? {
        systemd.stopping(status: "stopping: finishing \(table.count) messages")
        control.close(poller: loop.poller)
        for feed in [input, retrier?.feed].compactMap({ $0 }) {
            feed.isTaking = false
            feed.hold(.stopping)
        }
        handBackWaitingRetries { _ in true }
        let released = releaseUnstarted { _ in true }
        logger.info("stopping: finishing \(table.count) messages, releasing \(released) not yet started")
        runLoop(until: { self.table.count == 0 }, deadline: .now + settings.drainTimeout)
        if table.count > 0 {
            logger.warning("drain timeout: \(table.count) messages unfinished; they will be redone after restart")
        }
        let closeDeadline = ContinuousClock.now + Self.closeTimeout
        flushProducer(until: min(closeDeadline, .now + .seconds(10)))
        storeOffsets()
        var failure: KafkaError?
        for client in [input, retrier?.feed].compactMap({ $0?.consumer }) {
            for error in [client.commitStored(timeout: remaining(until: closeDeadline)), client.close(timeout: remaining(until: closeDeadline))] {
                guard let error else { continue }
                logger.warning("\(error)")
                if error.isTimeout { failure = failure ?? error }
            }
        }
        stopWorkers()
        killExecRuns()
        flushProducer(until: closeDeadline)
        if let left = releaseUnfinished() { failure = left }
        publishStatistics()
        logger.info("stopped \(figures.counters.summary(since: figures.counters, seconds: 0))")
        return failure
    }

    private func remaining(until deadline: ContinuousClock.Instant) -> Duration {
        max(.zero, deadline - .now)
    }

    /// Waits for the delivery reports of what is enqueued, until `deadline`.
    private func flushProducer(until deadline: ContinuousClock.Instant) {
        let milliseconds = Int32(clamping: remaining(until: deadline).inMilliseconds)
        if !outputs.producer.flush(timeoutMilliseconds: milliseconds) {
            logger.warning("producer flush timed out with \(outputs.producer.outstandingCount) messages outstanding")
        }
    }

    /// Frees every message still held, saying how many per partition: their offsets are
    /// not committed, so they are redone after a restart. librdkafka's destroy waits for
    /// every message the application holds, so none may outlive the stop.
    private func releaseUnfinished() -> KafkaError? {
        let left = table.removeAll()
        guard !left.isEmpty else { return nil }
        var perPartition: [String: Int] = [:]
        for record in left {
            perPartition["\(record.progress.topic)[\(record.progress.partition)]", default: 0] += 1
        }
        let counts = perPartition.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: " ")
        logger.warning("left \(left.count) messages unfinished, not committed, to be redone after a restart: \(counts)")
        return KafkaError(.offsets, "\(left.count) messages unfinished")
    }
}
