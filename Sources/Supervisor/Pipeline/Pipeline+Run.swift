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
        loop.poller.add(input.bell.readFD, events: UInt32(EPOLLIN.rawValue), token: EventToken(.consumer))
        loop.poller.add(outputs.bell.readFD, events: UInt32(EPOLLIN.rawValue), token: EventToken(.producer))
        input.consumer.enableWakeups(fd: input.bell.writeFD)
        if let retrier {
            loop.poller.add(retrier.feed.bell.readFD, events: UInt32(EPOLLIN.rawValue), token: EventToken(.retryConsumer))
            retrier.feed.consumer.enableWakeups(fd: retrier.feed.bell.writeFD)
        }
        outputs.producer.enableWakeups(fd: outputs.bell.writeFD)
        control.register(with: loop.poller)
        installSignalHandlers()
        try retrier?.feed.consumer.subscribe(topics: [settings.transientTopic])
        if settings.retrier == .only {
            input.isTaking = false  // the retrier alone: no input, no plugins
        } else if settings.protocolKind == .kafkaNative {
            input.isTaking = false  // the instances consume the input themselves
            for worker in pool.workers { startWorker(worker) }
        } else {
            try input.consumer.subscribe(topics: [settings.inputTopic])
            for worker in pool.workers { startWorker(worker) }
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
    /// shutdown waits for in-flight messages, with the consumer's `isTaking` off.
    func runLoop(until done: () -> Bool, deadline: ContinuousClock.Instant? = nil) {
        var lastTick = ContinuousClock.now
        var lastStatus = ContinuousClock.now
        var statusBaseline = figures.counters
        var ticks = 0
        while !done() {
            let now = ContinuousClock.now
            if let deadline, now >= deadline { return }
            if now - lastTick >= .seconds(1) {
                lastTick = now
                input.hasEvents = true  // poll at least once a second: max.poll.interval.ms
                retrier?.feed.hasEvents = true
                killHungWorkers(now: now)
                reportStalledPartitions(now: now)
                killHungExecRuns(now: now)
                pool.reapOrphans()
                enforceStopTimeout(now: now)
                advanceRollingRestart()
                pauseWhileNoWorkerCanRun()
                publishStatistics()
                figures.tick(at: now, workerStates: pool.workers.map(\.life.name), partitions: partitionReports())
                ticks += 1
                reportToSystemd(tick: ticks)
            }
            if now - lastStatus >= settings.statusInterval {
                let seconds = Double((now - lastStatus).components.seconds)
                logger.info("status \(figures.counters.summary(since: statusBaseline, seconds: seconds))")
                statusBaseline = figures.counters
                lastStatus = now
            }
            runTimers(now: now)
            let polling = shouldPollConsumer(now: now)
            if polling { pollConsumer() }
            let pollingRetrier = retrier.map { $0.feed.isTaking && $0.feed.hasEvents } ?? false
            if pollingRetrier { pollRetryConsumer() }
            republishDue()
            dispatch()
            flushWorkerOutput()
            storeOffsets()
            let busy = (polling && input.hasEvents) || (pollingRetrier && retrier?.feed.hasEvents == true)
            let timeout = busy ? 0 : timeoutUntilNextTimer(now: now, deadline: deadline)
            let ready = loop.wait(timeoutMilliseconds: timeout)
            for event in ready {
                handle(event)
            }
        }
    }

    private func timeoutUntilNextTimer(now: ContinuousClock.Instant, deadline: ContinuousClock.Instant?) -> Int32 {
        var next = now + .seconds(1)
        for worker in pool.workers {
            if let deadline = worker.life.nextDeadline(startSeconds: settings.startSeconds) { next = min(next, deadline) }
        }
        if let retry = outputs.pending.nextRetry { next = min(next, retry) }
        if let untilRetry = timeUntilNextRetry { next = min(next, now + untilRetry) }
        if input.isTaking && !input.isClosed && bufferLimit.isReached(by: table.input) {
            next = min(next, input.lastPoll + Self.longestUnpolled)
        }
        if let deadline { next = min(next, deadline) }
        return Int32(max(0, min(1000, (next - now).inMilliseconds)))
    }

    private func handle(_ event: epoll_event) {
        guard let token = EventToken(rawValue: event.data.u64) else { return }
        switch token.kind {
        case .wakeup:
            loop.wakeup.drain()
            answerFinishedReplay()
        case .consumer:
            input.bell.drain()
            input.hasEvents = true
        case .retryConsumer:
            retrier?.feed.bell.drain()
            retrier?.feed.hasEvents = true
        case .producer:
            outputs.bell.drain()
            serveProducer()
        case .controlListener:
            control.acceptClients(poller: loop.poller)
        case .controlClient:
            control.serve(client: token.worker, poller: loop.poller, answer: answer)
        case .signal:
            handleSignals()
        case .execStdin, .execStdout, .execStderr, .execExit:
            guard let run = pool.execRuns[token.worker] else { return }
            switch token.kind {
            case .execStdin: writeExecInput(run)
            case .execStdout: readExecOutput(run)
            case .execStderr: readExecStderr(run)
            default: handleExecExit(run)
            }
        case .workerStdout, .workerStdin, .workerStderr, .workerExit:
            guard token.worker < pool.workers.count else { return }
            let worker = pool.workers[token.worker]
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
        for worker in pool.workers where worker.life.tick(at: now, startSeconds: settings.startSeconds) {
            startWorker(worker)
        }
        for slot in outputs.pending.takeDueRetries(at: now) where table.contains(slot) { produceAgain(slot: slot) }
    }
}
