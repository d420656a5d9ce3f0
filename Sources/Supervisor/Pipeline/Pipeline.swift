import CProcess
import Glibc
import Logging
import PluginProtocol
import SluiceControl
import SluiceCore
import SluiceSupport
import Synchronization

/// One running pipeline: the consumers, the message flow, the plugins and the control
/// socket, driven by a single thread that sleeps in epoll. The pipeline holds the parts and
/// runs the loop: it hands each event to the part it belongs to and passes what one part
/// reports to the next; every decision is the parts'. All mutable state is confined to
/// that thread; other threads talk to it only through `requestStop()` and `statistics`.
public final class Pipeline: @unchecked Sendable {
    /// Changed only by `reload`, on the pipeline thread, and handed to the parts.
    var settings: Settings
    var logger: Logger
    /// Where the settings came from, to read them again on `reload`.
    var reloadSources: SettingsSources?
    /// READY=1, WATCHDOG=1 and STATUS= to systemd.
    let systemd: SystemdReporter
    /// The epoll wait every event comes from.
    let loop = EventLoop()
    /// The input topic's consumer.
    let input: ConsumerFeed
    /// The retrier's consumer of the transient-failure topic; nil when the retrier is off.
    let retryFeed: ConsumerFeed?
    /// Every decision about the messages held, from their poll to their outputs'
    /// delivery: the pipeline carries out what it asks (`carryOut`).
    var flow: MessageFlow
    /// The consumed messages the flow holds, by its slots.
    let messages = HeldMessages()
    /// The producer of every output.
    let outputs: OutputProducer
    /// The commit positions to store, refilled each loop turn.
    var movedPositions = AssignedPartitions.MovedPositions()
    /// The workers a dispatch pass gave frames, to write with one call each.
    var workersGivenFrames: [Worker] = []
    /// The plugin workers (or exec runs) and their processes.
    let plugins: PluginSupervisor
    /// The control socket and its `sluicectl` clients.
    let control: ControlServer
    /// Counted by the flow and the plugins, published once a second.
    let figures = PipelineFigures()
    let shared = SharedState()

    /// What other threads read or set, behind a lock.
    final class SharedState: Sendable {
        struct Values {
            var stopRequested = false
            var fatalError: String?
            var statistics = PipelineStatistics()
            var health = PipelineHealth()
            var latencyBuckets: [LatencyBuckets] = []
        }
        let values = Mutex(Values())

        func withLock<R>(_ body: (inout Values) -> R) -> R {
            values.withLock { body(&$0) }
        }
    }

    /// Creates the Kafka clients (nothing connects until `run`). Fails on an invalid
    /// librdkafka property with librdkafka's own message.
    public init(settings: Settings, environment: [String: String], logger: Logger) throws(KafkaError) {
        self.settings = settings
        var logger = logger
        logger.logLevel = settings.logLevel
        self.logger = logger
        control = ControlServer(groupName: settings.controlGroup)
        systemd = SystemdReporter(SystemdNotifier(environment: environment))
        let stateBox = shared
        let wakeup = loop.wakeup
        let onFatal: @Sendable (String) -> Void = { reason in
            stateBox.withLock { $0.fatalError = $0.fatalError ?? reason }
            wakeup.ring()
        }
        let common = ClientProperties.client(brokers: settings.brokers)
        input = ConsumerFeed(
            try KafkaConsumer(
                configuration: KafkaConfiguration(
                    ClientProperties.inputConsumer(brokers: settings.brokers, group: settings.groupID)
                        + settings.kafkaProperties + settings.consumerProperties),
                context: KafkaClientContext(logger: logger, onFatalError: onFatal)))
        let pool = WorkerPool(
            size: settings.workers, keepsWorkers: settings.protocolKind != .exec, maximumFrameBytes: settings.maxFrameBytes,
            childEnvironment: [])
        plugins = PluginSupervisor(
            pool: pool, settings: settings, environment: ChildEnvironment(daemon: environment), logger: logger, figures: figures,
            loop: loop)
        if settings.retrier == .off {
            retryFeed = nil
        } else {
            retryFeed = ConsumerFeed(
                try KafkaConsumer(
                    configuration: KafkaConfiguration(
                        common + ClientProperties.groupConsumer(group: "\(settings.groupID)-retrier") + settings.kafkaProperties
                            + settings.consumerProperties),
                    context: KafkaClientContext(logger: logger, onFatalError: onFatal)))
        }
        outputs = OutputProducer(
            try KafkaProducer(
                configuration: KafkaConfiguration(
                    ClientProperties.producer(brokers: settings.brokers) + settings.kafkaProperties + settings.producerProperties),
                context: KafkaClientContext(logger: logger, onFatalError: onFatal)))
        flow = MessageFlow(settings: settings.flow, seed: UInt64.random(in: .min ... .max))
        input.consumer.client.context.onRebalance = { [unowned self] event in
            self.handleRebalance(event, isRetry: false)
        }
        retryFeed?.consumer.client.context.onRebalance = { [unowned self] event in
            self.handleRebalance(event, isRetry: true)
        }
        outputs.producer.client.context.onDelivery = { [unowned self] report in
            self.delivered(report)
        }
    }

    /// Counters as of the last second.
    public var statistics: PipelineStatistics {
        shared.withLock { $0.statistics }
    }

    /// Whether the event loop runs and the pipeline is ready, for /healthz and /readyz.
    public var health: PipelineHealth {
        shared.withLock { $0.health }
    }

    /// The latency histograms as of the last second, in Prometheus's text format.
    public var latencyExposition: [UInt8] {
        var exposition: [UInt8] = []
        for histogram in shared.withLock({ $0.latencyBuckets }) { histogram.appendExposition(to: &exposition) }
        return exposition
    }

    /// Asks the pipeline to stop gracefully; safe from any thread.
    public func requestStop() {
        shared.withLock { $0.stopRequested = true }
        loop.wakeup.ring()
    }

    var stopRequested: Bool { shared.withLock { $0.stopRequested } }
    var fatalError: String? { shared.withLock { $0.fatalError } }

    /// Sets the gauges and hands the figures to other threads (`statistics`, `health`).
    func publishStatistics() {
        figures.setGauges(
            inFlight: flow.table.count, runningWorkers: plugins.pool.runningCount, assignedPartitions: flow.partitions.count,
            paused: flow.isInputHeldBack)
        let snapshot = figures.counters
        let health = PipelineHealth(
            lastTick: .now, ready: systemd.readiness.isReady, notReadyReason: systemd.readiness.notReadyReason)
        let latencyBuckets = figures.latencyBuckets
        shared.withLock {
            $0.statistics = snapshot
            $0.health = health
            $0.latencyBuckets = latencyBuckets
        }
    }

    /// Makes this process a subreaper, before the pipeline starts: the plugins' orphans then
    /// come to it, which reaps them, rather than to an init that may not (or to nobody's
    /// notice). Returns what went wrong, if anything.
    public static func adoptOrphans() -> String? {
        guard sluice_become_subreaper() != 0 else { return nil }
        return "cannot become a subreaper, the plugins' orphans go to init: \(String(cString: strerror(errno)))"
    }

    /// Listens for `sluicectl` at `path`. Call before `run`.
    public func openControlSocket(at path: String) throws(SettingsError) {
        try control.open(at: path)
        logger.info("control socket at \(path)")
    }

    /// Lets `sluicectl reload` and SIGHUP read the settings again from `sources`.
    public func enableReload(from sources: SettingsSources) {
        reloadSources = sources
    }

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

    /// The consumers the loop takes messages from.
    private var feeds: [ConsumerFeed] { [input, retryFeed].compactMap { $0 } }

    /// The pipeline thread's whole life. Children are forked from this thread, so their
    /// PR_SET_PDEATHSIG fires if it ends.
    private func runOnThisThread() throws(KafkaError) {
        loop.poller.add(input.bell.readFD, events: UInt32(EPOLLIN.rawValue), token: EventToken(.consumer))
        loop.poller.add(outputs.bell.readFD, events: UInt32(EPOLLIN.rawValue), token: EventToken(.producer))
        input.consumer.enableWakeups(fd: input.bell.writeFD)
        if let retryFeed {
            loop.poller.add(retryFeed.bell.readFD, events: UInt32(EPOLLIN.rawValue), token: EventToken(.retryConsumer))
            retryFeed.consumer.enableWakeups(fd: retryFeed.bell.writeFD)
        }
        outputs.producer.enableWakeups(fd: outputs.bell.writeFD)
        control.register(with: loop.poller)
        loop.installSignalHandlers()
        try retryFeed?.consumer.subscribe(topics: [settings.transientTopic])
        if settings.retrier == .only {
            input.isTaking = false  // the retrier alone: no input, no plugins
        } else if settings.protocolKind == .kafkaNative {
            input.isTaking = false  // the instances consume the input themselves
            for worker in plugins.pool.workers { plugins.start(worker) }
        } else {
            try input.consumer.subscribe(topics: settings.inputTopics.entries)
            for worker in plugins.pool.workers { plugins.start(worker) }
        }
        logger.info(
            "sluiced started",
            metadata: [
                "group": "\(settings.groupID)", "input": "\(settings.inputTopics)", "workers": "\(settings.workers)",
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
    private func runLoop(until done: () -> Bool, deadline: ContinuousClock.Instant? = nil) {
        var lastTick = ContinuousClock.now
        var lastStatus = ContinuousClock.now
        var statusBaseline = figures.counters
        var ticks = 0
        while !done() {
            let now = ContinuousClock.now
            if let deadline, now >= deadline { return }
            if now - lastTick >= .seconds(1) {
                lastTick = now
                ticks += 1
                everySecond(now: now, tick: ticks)
            }
            if now - lastStatus >= settings.statusInterval {
                let seconds = Double((now - lastStatus).components.seconds)
                logger.info("status", metadata: .init(figures.counters.summary(since: statusBaseline, seconds: seconds)))
                statusBaseline = figures.counters
                lastStatus = now
            }
            advanceFlow(to: now)
            plugins.startDue(at: now)
            flow.produceDueOutputs()
            carryOut()
            let polling = shouldPollInput()
            if polling { pollInput() }
            let pollingRetrier = retryFeed.map { $0.isTaking && $0.hasEvents } ?? false
            if pollingRetrier, let retryFeed { pollRetries(retryFeed) }
            if retryFeed != nil { republishDue() }
            dispatch()
            storeOffsets()
            let busy = (polling && input.hasEvents) || (pollingRetrier && retryFeed?.hasEvents == true)
            let timeout = busy ? 0 : timeoutUntilNextTimer(now: now, deadline: deadline)
            let events = loop.wait(timeoutMilliseconds: timeout)
            advanceFlow(to: loop.time)
            for event in events {
                handle(event)
            }
        }
    }

    /// What is checked once a second: hung plugins, stalled partitions, the stop timeout,
    /// the rolling restart, the figures and systemd's watchdog.
    private func everySecond(now: ContinuousClock.Instant, tick: Int) {
        for feed in feeds { feed.hasEvents = true }  // poll at least once a second: max.poll.interval.ms
        plugins.killHungWorkers(now: now, oldestRequest: { self.flow.oldestRequest(of: $0) })
        flow.reportStalledPartitions()
        carryOut()
        plugins.killHungExecRuns(now: now)
        plugins.pool.reapOrphans()
        plugins.enforceStopTimeout(now: now)
        plugins.advanceRollingRestart()
        pauseWhileNoWorkerCanRun()
        publishStatistics()
        figures.tick(
            at: now, workerStates: plugins.pool.workers.map(\.life.name), partitions: partitionReports(),
            retriesWaiting: flow.heldRetries.count)
        let becameReady = systemd.tick(
            tick, pluginsJoinTheGroup: settings.protocolKind == .kafkaNative,
            workersRunning: settings.retrier == .only || plugins.pool.isUp, status: { systemdStatus })
        if becameReady { logger.info("ready: in the group with \(plugins.pool.workers.count) workers running") }
    }

    private func timeoutUntilNextTimer(now: ContinuousClock.Instant, deadline: ContinuousClock.Instant?) -> Int32 {
        var next = now + .seconds(1)
        if let start = plugins.nextDeadline { next = min(next, start) }
        if let retry = flow.pending.nextRetry { next = min(next, retry.instant) }
        if let untilRetry = flow.timeUntilNextRetry { next = min(next, now + untilRetry) }
        if let forcedPoll = nextForcedPoll { next = min(next, forcedPoll) }
        if let deadline { next = min(next, deadline) }
        return Int32(max(0, min(1000, (next - now).inMilliseconds)))
    }

    private func handle(_ event: epoll_event) {
        guard let token = EventToken(rawValue: event.data.u64) else { return }
        switch token.kind {
        case .wakeup:
            loop.wakeup.drain()
            control.answerFinishedReplay(logger: logger)
        case .consumer:
            input.bell.drain()
            input.hasEvents = true
        case .retryConsumer:
            retryFeed?.bell.drain()
            retryFeed?.hasEvents = true
        case .producer:
            outputs.bell.drain()
            outputs.producer.serveDeliveryReports()
            flow.producerHasRoom()
            carryOut()
        case .controlListener:
            control.acceptClients(poller: loop.poller)
        case .controlClient:
            control.serve(client: token.worker, poller: loop.poller, answer: answer)
        case .signal:
            loop.signalBell.drain()
            _ = reload(requestedBy: "SIGHUP")
        case .execStdin, .execStdout, .execStderr, .execExit, .workerStdout, .workerStdin, .workerStderr, .workerExit:
            plugins.handle(token, report: pluginReported)
        }
    }

    /// Gives the flow what a plugin's child did; false when the flow holds no request the
    /// answer is for.
    private func pluginReported(_ event: PluginEvent) -> Bool {
        switch event {
        case .answer(let worker, let request, let output):
            guard flow.answered(worker: worker, request, output) else { return false }
        case .execAnswer(let slot, let output):
            flow.execAnswered(slot: slot, output)
        case .exited(let worker, let exit):
            flow.workerExited(worker, exit)
        case .said(let worker, let line):
            control.publish(worker: worker, line: line)
        }
        carryOut()
        return true
    }

    /// Sends ready messages to the plugins, and writes the frames: the flow first learns
    /// which workers take requests.
    private func dispatch() {
        for (index, worker) in plugins.pool.workers.enumerated() {
            flow.worker(index, isAccepting: worker.isAcceptingRequests, hasProved: worker.life.hasProved)
        }
        flow.dispatch(execRoom: plugins.pool.targetSize - plugins.pool.execRuns.count)
        carryOut()
        plugins.flushOutput(of: workersGivenFrames)
        workersGivenFrames.removeAll(keepingCapacity: true)
    }

    /// Hands the moved commit positions to librdkafka (the input consumer's or the
    /// retrier's), which commits them.
    private func storeOffsets() {
        flow.takeMovedPositions(into: &movedPositions)
        if !movedPositions.input.isEmpty, let error = input.consumer.storeOffsets(movedPositions.input) { logger.error("\(error)") }
        if !movedPositions.retry.isEmpty, let error = retryFeed?.consumer.storeOffsets(movedPositions.retry) { logger.error("\(error)") }
    }

    /// Pauses fetching while no worker can run (all fatal or stopped) and says so; resumes
    /// when one can again.
    private func pauseWhileNoWorkerCanRun() {
        guard settings.retrier != .only, settings.protocolKind != .exec else { return }
        flow.workers(canRun: plugins.pool.canAnyRun)
        carryOut()
    }

    /// Called by librdkafka inside `poll` or `close` of the input consumer or the retrier's.
    private func handleRebalance(_ event: RebalanceEvent, isRetry: Bool) {
        // The consumer the callback came from: the retrier's exists when it calls.
        let feed = isRetry ? retryFeed! : input
        let owner = isRetry ? "retrier " : ""
        switch event {
        case .assigned(let assigned):
            // The flow looks a message's partition up by its topic's name: holding the
            // settings' own string, that comparison finds the same storage at once.
            let known = isRetry ? settings.transientTopic : settings.inputTopics.single
            flow.assigned(
                assigned.map { TopicPartition(topic: $0.topic == known ? known! : $0.topic, partition: $0.partition) }, isRetry: isRetry)
            // While a reason holds fetching back, the new partitions are paused here, inside
            // the callback, before a poll can fetch them.
            carryOut()
            logger.info("\(owner)partitions assigned: \(assigned.isEmpty ? "none" : Self.names(assigned))")
            if isRetry == (settings.retrier == .only) { systemd.joinedGroup() }
        case .revoked(let leaving, let lost):
            let revoked = flow.beginRevoke(leaving, isRetry: isRetry, lost: lost)
            carryOut()
            if !lost {
                // Let started work finish so the next owner does not redo it. librdkafka is
                // inside this consumer's poll: no nested poll of it.
                let wasTaking = feed.isTaking
                feed.isTaking = false
                // During the stop, a revoke waits no longer than the stop's drain.
                runLoop(
                    until: { revoked.allSatisfy { $0.held == 0 } },
                    deadline: flow.stopDrainEnds.map(\.instant) ?? .now + settings.drainTimeout)
                feed.isTaking = wasTaking
                advanceFlow(to: .now)
                storeOffsets()
            }
            let unfinished = flow.finishRevoke(revoked)
            carryOut()
            if unfinished > 0 {
                logger.warning("\(owner)partitions revoked with \(unfinished) messages unfinished; the next owner will redo them")
            }
            logger.info("\(owner)partitions \(lost ? "lost" : "revoked"): \(Self.names(leaving))")
        }
    }

    private static func names(_ partitions: [TopicPartition]) -> String {
        partitions.map { "\($0.topic)[\($0.partition)]" }.joined(separator: ",")
    }

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
    private func shutDown() -> KafkaError? {
        systemd.stopping(status: "stopping: finishing \(flow.table.count) messages", mayTake: stopBound)
        control.close(poller: loop.poller)
        for feed in feeds { feed.isTaking = false }
        advanceFlow(to: .now)
        flow.beginStop(drainTimeout: settings.drainTimeout)
        carryOut()
        runLoop(until: { !self.flow.isDraining }, deadline: flow.stopDrainEnds?.instant)
        advanceFlow(to: .now)
        carryOut()
        let closeDeadline = ContinuousClock.now + Self.closeTimeout
        outputs.flush(until: min(closeDeadline, .now + .seconds(10)), logger: logger)
        storeOffsets()
        var failure: KafkaError?
        let consumers = feeds.map(\.consumer)
        for (index, client) in consumers.enumerated() {
            // Each consumer gets an equal share of what is left, and its commit half of that
            // share: leaving the group always has time of its own.
            let share = max(.zero, closeDeadline - .now) / (consumers.count - index)
            let shareEnds = ContinuousClock.now + share
            let committed = commitFinished(client, until: .now + share / 2)
            for error in [committed, client.close(timeout: max(.zero, shareEnds - .now))] {
                guard let error else { continue }
                logger.warning("\(error)")
                if error.isTimeout { failure = failure ?? error }
            }
        }
        plugins.drainAll()
        runLoop(until: { self.plugins.allExited }, deadline: .now + pluginsStopBound)
        plugins.killExecRuns()
        outputs.flush(until: closeDeadline, logger: logger)
        // What the drain timeout left counts, whether leaving the group has revoked it by now
        // or not: it is redone, so the stop did not finish. A partition a rebalance took
        // during the drain was handed over as during the run (`MessageFlow.closed`).
        let left = flow.closed()
        carryOut()
        messages.forgetAll()
        if left > 0 { failure = KafkaError(.offsets, "\(left) messages unfinished") }
        publishStatistics()
        logger.info("stopped", metadata: .init(figures.counters.summary(since: figures.counters, seconds: 0)))
        return failure
    }

    /// Commits what the stop finished, serving the consumer's rebalances meanwhile. A
    /// commit the group refuses while it rebalances is sent again a second later, until the
    /// rebalance has moved on or `deadline` comes: a member stopped during a rolling
    /// restart's rebalance commits its work rather than leave it to be redone.
    private func commitFinished(_ consumer: KafkaConsumer, until deadline: ContinuousClock.Instant) -> KafkaError? {
        while true {
            let error = consumer.commitStored(timeout: max(.zero, deadline - .now), serving: consumer.serveDroppingMessages)
            guard let error, error.isRebalanceInProgress, deadline - .now > .seconds(1) else { return error }
            let retry = ContinuousClock.now + .seconds(1)
            while ContinuousClock.now < retry {
                consumer.serveDroppingMessages()
                usleep(100_000)
            }
        }
    }

    /// The plugins' part of the stop: stdin closed, then SIGTERM, then SIGKILL, each step
    /// waiting up to stop_timeout.
    private static func pluginsStopBound(stopTimeout: Duration) -> Duration { stopTimeout * 3 + .seconds(2) }
    private var pluginsStopBound: Duration { Self.pluginsStopBound(stopTimeout: settings.stopTimeout) }

    /// The longest the ordered stop takes: the drain, the brokers' share (flush, commit,
    /// close), the plugins', and a margin for the final flush and statistics.
    static func stopBound(drainTimeout: Duration, stopTimeout: Duration) -> Duration {
        drainTimeout + closeTimeout + pluginsStopBound(stopTimeout: stopTimeout) + .seconds(5)
    }
    private var stopBound: Duration { Self.stopBound(drainTimeout: settings.drainTimeout, stopTimeout: settings.stopTimeout) }

    /// The answer to one request; nil when it comes later (a replay).
    private func answer(_ request: ControlRequest, client: Int) -> ControlResponse? {
        switch request {
        case .status:
            publishStatistics()
            return ControlResponse(ok: true, status: statusReport())
        case .stats:
            publishStatistics()
            return ControlResponse(ok: true, stats: statsReport())
        case .replay(let filter, let dryRun):
            return control.startReplay(
                filter: filter, dryRun: dryRun, client: client, settings: settings, logger: logger, wakeup: loop.wakeup)
        case .reload:
            return reload(requestedBy: "sluicectl")
        case .version:
            return ControlResponse(ok: true, message: SluiceVersion.current)
        case .pause:
            flow.hold(.operatorRequest, isRetry: false)
            carryOut()
            logger.info("fetching paused by sluicectl")
            return ControlResponse(ok: true, message: "fetching paused; group membership kept")
        case .resume:
            flow.release(.operatorRequest, isRetry: false)
            carryOut()
            logger.info("fetching resumed by sluicectl")
            return ControlResponse(ok: true, message: "fetching resumed")
        case .scale(let target):
            return plugins.answerScale(to: target)
        case .restart(let id):
            return plugins.answerRestart(id)
        case .stop(let id):
            return plugins.answerStop(id)
        case .start(let id):
            return plugins.answerStart(id)
        case .tail(let id, let follow):
            let response = plugins.answerTail(id)
            if follow && response.ok { control.follow(client: client, worker: id) }
            return response
        case .signal(let name, let id):
            return plugins.answerSignal(name, worker: id)
        }
    }

    /// Reads the config file (and the rest of the sources) again and applies the settings
    /// that can change live: pool size, timeouts, retries, log level, control group, and the
    /// plugin command for each worker's next start. Bad settings change nothing.
    private func reload(requestedBy trigger: String) -> ControlResponse {
        // A pool resized now would start children the stop then waits for (SIGHUP still
        // comes during the stop; the control socket is closed).
        guard case .running = flow.stopPhase else {
            logger.notice("reload (\(trigger)) ignored: sluiced is stopping")
            return ControlResponse(ok: false, error: "reload: sluiced is stopping; nothing changed")
        }
        guard let sources = reloadSources, let path = sources.configFile else {
            logger.warning("reload (\(trigger)): nothing to read again; sluiced runs without --config")
            return ControlResponse(ok: false, error: "reload: sluiced runs without --config; its command line and environment cannot change")
        }
        let fresh: Settings
        do {
            fresh = try sources.resolve()
        } catch {
            logger.error("reload (\(trigger)) refused, settings unchanged: \(error.message)")
            return ControlResponse(ok: false, error: "reload: \(error.message); nothing changed")
        }
        let reload = settings.reloaded(from: fresh)
        let message = reload.summary(of: path, commandChanged: settings.command != reload.settings.command)
        apply(reload.settings)
        logger.notice("\(message) (\(trigger))")
        return ControlResponse(ok: true, message: message, reload: ReloadReport(applied: reload.applied, needsRestart: reload.needsRestart))
    }

    /// Runs with `fresh` settings from now on: the parts get them, and what they set up
    /// once (log level, control group, pool size) changes now.
    private func apply(_ fresh: Settings) {
        let before = settings
        settings = fresh
        logger.logLevel = settings.logLevel
        flow.settings = fresh.flow
        plugins.settings = fresh
        plugins.logger = logger
        if settings.controlGroup != before.controlGroup {
            do throws(SettingsError) { try control.allow(groupName: settings.controlGroup) } catch { logger.error("\(error)") }
        }
        if settings.workers != before.workers && settings.retrier != .only {
            _ = plugins.scale(to: settings.workers)
        }
        carryOut()
    }
}
