import CProcess
import Glibc
import SluiceSupport

extension Pipeline {
    /// Runs until `requestStop()` (then drains and shuts down in order: consumer, pool,
    /// producer) or a fatal Kafka error, which is thrown after the same shutdown.
    public func run() async throws {
        let failure = await BackgroundThread.run(name: "sluice-pipeline") { () -> KafkaError? in
            do throws(KafkaError) {
                try self.runOnThisThread()
                return nil
            } catch {
                return error
            }
        }
        if let failure { throw failure }
    }

    /// The pipeline thread's whole life. Children are forked from this thread, so their
    /// PR_SET_PDEATHSIG fires if it ends.
    func runOnThisThread() throws(KafkaError) {
        poller.add(wakeup.readFD, events: UInt32(EPOLLIN.rawValue), token: EventToken(.wakeup))
        poller.add(consumerBell.readFD, events: UInt32(EPOLLIN.rawValue), token: EventToken(.consumer))
        poller.add(producerBell.readFD, events: UInt32(EPOLLIN.rawValue), token: EventToken(.producer))
        poller.add(retryBell.readFD, events: UInt32(EPOLLIN.rawValue), token: EventToken(.retryConsumer))
        consumer.enableWakeups(fd: consumerBell.writeFD)
        retryConsumer?.enableWakeups(fd: retryBell.writeFD)
        producer.enableWakeups(fd: producerBell.writeFD)
        control.register(with: poller)
        installSignalHandlers()
        try retryConsumer?.subscribe(topics: [settings.transientTopic])
        if settings.retrier == .only {
            consuming = false  // the retrier alone: no input, no plugins
        } else if settings.protocolKind == .kafkaNative {
            consuming = false  // the instances consume the input themselves
            for worker in workers { startWorker(worker) }
        } else {
            try consumer.subscribe(topics: [settings.inputTopic])
            for worker in workers { startWorker(worker) }
        }
        logger.info(
            "sluiced started",
            metadata: [
                "group": "\(settings.groupID)", "input": "\(settings.inputTopic)", "workers": "\(settings.workers)",
                "plugin": "\(settings.command)", "retrier": "\(settings.retrier.rawValue)",
            ])
        runLoop(until: { self.stopRequested || self.fatalError != nil })
        let shortfall = shutDown()
        if let fatal = fatalError {
            throw KafkaError(.broker, "stopped after a fatal Kafka error: \(fatal)")
        }
        if let shortfall {
            throw KafkaError(.offsets, "stopped without finishing (\(shortfall)); what was not committed is redone after a restart")
        }
    }

    /// Serves events until `done()` or `deadline`. Also used nested: while a revoke or the
    /// shutdown waits for in-flight messages, with `consuming` off.
    func runLoop(until done: () -> Bool, deadline: ContinuousClock.Instant? = nil) {
        var lastTick = ContinuousClock.now
        var lastStatus = ContinuousClock.now
        var statusBaseline = counters
        var ticks = 0
        while !done() {
            let now = ContinuousClock.now
            if let deadline, now >= deadline { return }
            if now - lastTick >= .seconds(1) {
                lastTick = now
                consumerHasEvents = true  // poll at least once a second: max.poll.interval.ms
                retryConsumerHasEvents = true
                killHungWorkers(now: now)
                reportStalledPartitions(now: now)
                killHungExecRuns(now: now)
                reapOrphans()
                enforceStopTimeout(now: now)
                advanceRollingRestart()
                pauseWhileNoWorkerCanRun()
                publishStatistics()
                throughput.sample(counters, at: now)
                metrics.update(counters, workerStates: workers.map(\.life.name), partitions: partitionReports())
                ticks += 1
                reportToSystemd(tick: ticks)
                if ticks % 10 == 0 {
                    pluginLatency.rotate()
                    processingLatency.rotate()
                }
            }
            if now - lastStatus >= settings.statusInterval {
                let seconds = Double((now - lastStatus).components.seconds)
                logger.info("status \(counters.summary(since: statusBaseline, seconds: seconds))")
                statusBaseline = counters
                lastStatus = now
            }
            runTimers(now: now)
            let polling = shouldPollConsumer(now: now)
            if polling { pollConsumer() }
            if retrying && retryConsumerHasEvents { pollRetryConsumer() }
            republishDue()
            dispatch()
            flushWorkerOutput()
            storeOffsets()
            let busy = (polling && consumerHasEvents) || (retrying && retryConsumerHasEvents)
            let timeout = busy ? 0 : timeoutUntilNextTimer(now: now, deadline: deadline)
            let ready = poller.wait(timeoutMilliseconds: timeout, into: &events)
            eventTime = .now
            for event in ready {
                handle(event)
            }
        }
    }

    private func timeoutUntilNextTimer(now: ContinuousClock.Instant, deadline: ContinuousClock.Instant?) -> Int32 {
        var next = now + .seconds(1)
        for worker in workers {
            if let deadline = worker.life.nextDeadline(startSeconds: settings.startSeconds) { next = min(next, deadline) }
        }
        for retry in produceRetries { next = min(next, retry.due) }
        if let untilRetry = timeUntilNextRetry { next = min(next, now + untilRetry) }
        if consuming && !fetchGate.isClosed && isFull(table.input) {
            next = min(next, lastConsumerPoll + Self.longestUnpolled)
        }
        if let deadline { next = min(next, deadline) }
        return Int32(max(0, min(1000, (next - now).inMilliseconds)))
    }

    private func handle(_ event: epoll_event) {
        guard let token = EventToken(rawValue: event.data.u64) else { return }
        switch token.kind {
        case .wakeup:
            wakeup.drain()
            answerFinishedReplay()
        case .consumer:
            consumerBell.drain()
            consumerHasEvents = true
        case .retryConsumer:
            retryBell.drain()
            retryConsumerHasEvents = true
        case .producer:
            producerBell.drain()
            serveProducer()
        case .controlListener:
            control.acceptClients(poller: poller)
        case .controlClient:
            control.serve(client: token.worker, poller: poller, answer: answer)
        case .signal:
            handleSignals()
        case .execStdin, .execStdout, .execStderr, .execExit:
            guard let run = execRuns[token.worker] else { return }
            switch token.kind {
            case .execStdin: writeExecInput(run)
            case .execStdout: readExecOutput(run)
            case .execStderr: readExecStderr(run)
            default: handleExecExit(run)
            }
        case .workerStdout, .workerStdin, .workerStderr, .workerExit:
            guard token.worker < workers.count else { return }
            let worker = workers[token.worker]
            guard worker.generation == token.generation, worker.process != nil else { return }
            switch token.kind {
            case .workerStdout: readResponses(worker)
            case .workerStdin: flushOutput(worker)
            case .workerStderr: readStderr(worker)
            default: handleExit(worker)
            }
        }
    }

    private func runTimers(now: ContinuousClock.Instant) {
        for worker in workers where worker.life.tick(at: now, startSeconds: settings.startSeconds) {
            startWorker(worker)
        }
        if !produceRetries.isEmpty {
            let due = produceRetries.filter { $0.due <= now }
            produceRetries.removeAll { $0.due <= now }
            for retry in due where table.contains(retry.slot) { produceAgain(slot: retry.slot) }
        }
    }
}
