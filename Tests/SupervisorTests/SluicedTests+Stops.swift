import Foundation
import Testing

@testable import Supervisor

/// Stops that must end within their bound whatever the broker does, run as an operator
/// runs sluiced: its default settings (the retrier on, the metrics server on), the broker
/// in a process of its own.
extension SluicedTests {
    /// The longest a stop may take with this drain timeout and the default stop timeout
    /// (5 s), and room for a loaded machine.
    static func stopBound(drainTimeout: Int) -> Duration {
        Pipeline.stopBound(drainTimeout: .seconds(drainTimeout), stopTimeout: .seconds(5)) + .seconds(15)
    }

    /// The plugins a stop test runs, by protocol: the route plugin (json), or `cat` as one
    /// process per message (exec), each answering success slowly enough to stop mid-stream.
    static let stopTestPlugins: [String: (arguments: [String], plugin: [String], environment: [String: String])] = [
        "json": ([], SluicedProcess.pythonPlugin("route_plugin.py"), ["DELAY_MS": "1"]),
        "exec": (["--protocol", "exec"], ["cat"], [:]),
    ]

    /// The broker killed outright mid-stream, then SIGTERM: sluiced finishes what it can,
    /// says what it left, and exits 1 within the drain timeout and the close bound, with
    /// the metrics server and the retrier running.
    @Test(arguments: ["json", "exec"]) func sigtermAfterTheBrokerIsKilledEndsWithinItsBound(pluginProtocol: String) async throws {
        let cluster = try TestCluster(ownProcess: true)
        let sent = simpleMessages(20_000, prefix: "killed", routes: pluginProtocol == "exec" ? ["success"] : ["success", "transient", "permanent"])
        try cluster.produce(sent)
        let drainTimeout = 10
        let (arguments, plugin, environment) = Self.stopTestPlugins[pluginProtocol]!
        let sluiced = try SluicedProcess(
            cluster: cluster, arguments: arguments + ["--workers", "2", "--drain-timeout", "\(drainTimeout)"], plugin: plugin,
            pluginEnvironment: environment, asOperator: true)
        defer { sluiced.killIfRunning() }
        let written = try await cluster.waitForOutputs(atLeast: 2_000)
        #expect(written >= 2_000 && written < Int64(sent.count), "not mid-stream: \(written) outputs of \(sent.count)")
        #expect(try httpGet(port: 9464, path: "/healthz").status == 200, "the metrics server at its default address")
        cluster.process!.kill()
        sluiced.signal(SIGTERM)
        let status = try await sluiced.waitForExit(timeout: Self.stopBound(drainTimeout: drainTimeout))
        try #require(status != nil, "still running: \(sluiced.output.suffix(2000))")
        #expect(sluiced.process.terminationReason == .exit, "ended by signal \(sluiced.process.terminationStatus)")
        #expect(status == 1, "a stop that could not commit exits 1: \(sluiced.output.suffix(1500))")
        #expect(sluiced.output.contains("stopped without finishing"), "\(sluiced.output.suffix(1500))")
    }

    /// A fatal Kafka error mid-stream (the group's coordinator answers a commit with
    /// FENCED_INSTANCE_ID, fatal to librdkafka): sluiced stops and exits 1 within its bound,
    /// with the metrics server on. A consumer's fatal error comes as a polled error, which
    /// sluiced logged and ran on past, committing nothing more.
    @Test func fatalKafkaErrorStopsWithinItsBound() async throws {
        let cluster = try TestCluster(ownProcess: true)
        let sent = simpleMessages(10_000, prefix: "fatal")
        try cluster.produce(sent)
        let drainTimeout = 10
        let sluiced = try SluicedProcess(
            cluster: cluster, arguments: ["--workers", "2", "--drain-timeout", "\(drainTimeout)"],
            plugin: SluicedProcess.pythonPlugin("route_plugin.py"), pluginEnvironment: ["DELAY_MS": "1"], asOperator: true)
        defer { sluiced.killIfRunning() }
        #expect(try await cluster.waitForOutputs(atLeast: 1_000) >= 1_000)
        #expect(try httpGet(port: 9464, path: "/healthz").status == 200, "the metrics server at its default address")
        try cluster.process!.send("fail commit 1 FENCED_INSTANCE_ID")
        #expect(try await Self.waitForErrorsServed(cluster.process!, "commit", on: 1), "the error met sluiced's commit")
        let atFault = try cluster.outputsWritten()
        #expect(atFault < Int64(sent.count), "not mid-stream: \(atFault) outputs of \(sent.count)")
        let status = try await sluiced.waitForExit(timeout: Self.stopBound(drainTimeout: drainTimeout))
        try #require(status != nil, "still running: \(sluiced.output.suffix(2000))")
        #expect(sluiced.process.terminationReason == .exit && status == 1, "\(sluiced.process.terminationStatus): \(sluiced.output.suffix(1500))")
        #expect(sluiced.output.contains("stopped after a fatal Kafka error"), "\(sluiced.output.suffix(1500))")
    }

    /// `sluiced --demo` whose stop falls short (a plugin that never answers, a drain timeout
    /// of 1 s): it exits 1 within its bound, where the demo's own producer and sinks once
    /// kept it alive after the pipeline gave up. The plugin's own record shows the stop
    /// came mid-stream: it had received requests and answered none.
    @Test func demoWhoseStopFallsShortEndsWithinItsBound() async throws {
        let received = try makeTemporaryDirectory("demo-stop") + "/received"
        let socket = try controlSocketPath()
        let process = Process()
        process.executableURL = URL(fileURLWithPath: SluicedProcess.executable)
        process.arguments = ["--demo", "--drain-timeout", "1", "--control-socket", socket, "--", "sh", "-c", "cat > \(received)"]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        defer { if process.isRunning { kill(process.processIdentifier, SIGKILL) } }
        let deadline = ContinuousClock.now + .seconds(60)
        while ContinuousClock.now < deadline, ((try? FileManager.default.attributesOfItem(atPath: received)[.size] as? Int) ?? 0) < 1000 {
            try await Task.sleep(for: .milliseconds(100))
        }
        #expect(((try? FileManager.default.attributesOfItem(atPath: received)[.size] as? Int) ?? 0) >= 1000, "the plugin received requests")
        kill(process.processIdentifier, SIGTERM)
        let stopDeadline = ContinuousClock.now + Self.stopBound(drainTimeout: 1)
        while process.isRunning && ContinuousClock.now < stopDeadline { try await Task.sleep(for: .milliseconds(100)) }
        try #require(!process.isRunning, "still running \(Self.stopBound(drainTimeout: 1)) after SIGTERM")
        #expect(process.terminationReason == .exit && process.terminationStatus == 1, "exit \(process.terminationStatus)")
    }

    /// A bad setting found once the metrics server listens (a control socket that cannot
    /// be opened) exits 78 at once: the server's thread keeps nothing alive.
    @Test func badSettingWithTheMetricsServerOnExits78() async throws {
        let cluster = try TestCluster()
        let sluiced = try SluicedProcess(
            cluster: cluster, arguments: ["--control-socket", "/nonexistent-directory/sluice.sock"], plugin: ["cat"], asOperator: true)
        defer { sluiced.killIfRunning() }
        let status = try await sluiced.waitForExit(timeout: .seconds(30))
        #expect(status == 78, "\(String(describing: status)): \(sluiced.output.suffix(1000))")
        #expect(sluiced.output.contains("/nonexistent-directory/sluice.sock"), "\(sluiced.output.suffix(1000))")
    }

    /// Two members on three brokers while faults land (latency, produce and commit errors
    /// aimed at sluiced's own requests, the coordinator moved, a broker down and up); one
    /// member gets SIGTERM during the rebalance the second one's arrival starts. It ends
    /// within its bound, not by a signal; the other finishes the input; from Kafka: nothing
    /// missing, repeats only above the offsets committed when the first one stopped, key
    /// order kept.
    @Test func sigtermDuringARebalanceUnderFaultsEndsWithinItsBound() async throws {
        let cluster = try TestCluster(brokers: 3, ownProcess: true)
        let broker = cluster.process!
        // The input on broker 1, the outputs on broker 2, the group on broker 3: errors
        // pushed on broker 2 or 3 meet sluiced's requests only.
        for (topic, partitions, leader) in [(cluster.input, cluster.inputPartitions, 1)] + cluster.outputs.map({ ($0, TestCluster.outputPartitions, 2) }) {
            for partition in 0..<partitions { try broker.send("leader \(topic) \(partition) \(leader)") }
        }
        try broker.send("coordinator \(cluster.group) 3")
        let sent = simpleMessages(20_000, prefix: "rebalance", routes: ["success", "permanent"])
        try cluster.produce(sent)
        let drainTimeout = 10
        // One Produce request in flight: the mock checks no sequence numbers for an
        // idempotent producer without a transactional id (rdkafka_mock.c,
        // rd_kafka_mock_validate_records), so it stores the requests behind a failed one
        // and the retry lands after them; and after a timed-out request, librdkafka takes
        // the next one's success as proof the first was stored (rd_kafka_dr_implicit_ack)
        // when the mock never stored it. Kafka refuses those later requests
        // (OUT_OF_ORDER_SEQUENCE_NUMBER), so with it the default keeps order and loses
        // nothing. The producer's alone: the consumer's heartbeats must not queue.
        let config = try makeTemporaryDirectory("rebalance") + "/sluice.toml"
        try "[kafka.producer]\n\"max.in.flight.requests.per.connection\" = 1\n".write(toFile: config, atomically: true, encoding: .utf8)
        let arguments = ["--config", config, "--workers", "2", "--drain-timeout", "\(drainTimeout)"]
        let plugin = SluicedProcess.pythonPlugin("route_plugin.py")
        let first = try SluicedProcess(cluster: cluster, arguments: arguments, plugin: plugin, pluginEnvironment: ["DELAY_MS": "2"], asOperator: true)
        defer { first.killIfRunning() }
        #expect(try await cluster.waitForOutputs(atLeast: 1_000) >= 1_000)
        #expect(try httpGet(port: 9464, path: "/healthz").status == 200, "the first member serves metrics at the default address")

        try broker.send("rtt 2 100")
        try broker.send("fail produce 2 NOT_ENOUGH_REPLICAS NOT_ENOUGH_REPLICAS REQUEST_TIMED_OUT")
        try broker.send("fail commit 3 COORDINATOR_NOT_AVAILABLE NOT_COORDINATOR")
        #expect(try await Self.waitForErrorsServed(broker, "commit", on: 3), "the commit errors met sluiced's commits")
        let second = try SluicedProcess(cluster: cluster, arguments: arguments, plugin: plugin, pluginEnvironment: ["DELAY_MS": "2"], asOperator: true)
        defer { second.killIfRunning() }
        try await Task.sleep(for: .seconds(3))
        try broker.send("coordinator \(cluster.group) 1")
        try broker.send("down 3")
        try await Task.sleep(for: .seconds(1))
        try broker.send("up 3")
        let atStop = try cluster.outputsWritten()
        #expect(atStop > 0 && atStop < Int64(sent.count), "not mid-stream: \(atStop) outputs of \(sent.count)")
        first.signal(SIGTERM)
        let status = try await first.waitForExit(timeout: Self.stopBound(drainTimeout: drainTimeout))
        try #require(status != nil, "still running: \(first.output.suffix(2000))")
        #expect(first.process.terminationReason == .exit, "ended by signal \(first.process.terminationStatus): \(first.output.suffix(2000))")
        let committedAtStop = try cluster.reader.committed(group: cluster.group, topic: cluster.input, partitions: cluster.inputPartitions)
        try broker.send("rtt 2 0")
        #expect(try broker.pendingErrors("produce", on: 2) == 0, "the produce errors met sluiced's requests")

        let finished = try await Self.waitUntilCommitted(cluster, timeout: .seconds(240))
        #expect(finished.done, "the group never committed the whole input: \(finished.standing); \(second.output.suffix(3000))")
        let accounting = try KafkaAccounting(reading: cluster)
        accounting.expectNoneMissing(sent, cluster: cluster)
        accounting.expectRepeatsBounded(by: [committedAtStop])
        accounting.expectKeyOrder()
        second.signal(SIGTERM)
        #expect(try await second.waitForExit(timeout: Self.stopBound(drainTimeout: 30)) == 0)
    }

    /// Waits until every error pushed onto `broker`'s stack for `request` has met a request.
    static func waitForErrorsServed(_ broker: BrokerProcess, _ request: String, on id: Int, timeout: Duration = .seconds(30)) async throws -> Bool {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            if try broker.pendingErrors(request, on: id) == 0 { return true }
            try await Task.sleep(for: .milliseconds(200))
        }
        return false
    }

    /// Whether the group has committed every input partition to its end offset, read from
    /// the broker, within `timeout`; says where it stood when it has not.
    static func waitUntilCommitted(_ cluster: TestCluster, timeout: Duration) async throws -> (done: Bool, standing: String) {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            if try cluster.isInputCommitted() { return (true, "") }
            try await Task.sleep(for: .milliseconds(500))
        }
        let committed = try cluster.reader.committed(group: cluster.group, topic: cluster.input, partitions: cluster.inputPartitions)
        let ends = try cluster.reader.ends([(cluster.input, cluster.inputPartitions)])[cluster.input] ?? []
        return (false, "committed \(committed), ends \(ends)")
    }
}

extension SluicedTests {
    /// `sluiced --retrier only` (the retrier as a process of its own, as an operator runs it
    /// with its defaults) stopped while it holds failures due in ten minutes: it exits 0
    /// within its bound, and from Kafka it handed each held failure back to the transient
    /// topic once, with its due time, and committed past the originals, so the next retrier
    /// starts with the copies and repeats nothing else.
    @Test func retrierOnlyStopsHandingBackWhatItHolds() async throws {
        let cluster = try TestCluster()
        let sent = retryMessages(40, prefix: "retrier-only-", route: "transient", headers: [("retry-after", "600000")])
        try cluster.produce(sent)
        let pipeline = try SluicedProcess(cluster: cluster, plugin: SluicedProcess.pythonPlugin("route_plugin.py"))
        defer { pipeline.killIfRunning() }
        let retrier = try SluicedProcess(cluster: cluster, arguments: ["--retrier", "only"], plugin: [], asOperator: true)
        defer { retrier.killIfRunning() }
        let failures = try cluster.collectOutputs(expected: sent.count)
        #expect(failures.allSatisfy { $0.topic == cluster.transient }, "every message failed to the transient topic")
        let retrierGroup = "\(cluster.group)-retrier"
        func retrierCommitted() throws -> [Int64] {
            try cluster.reader.committed(group: retrierGroup, topic: cluster.transient, partitions: TestCluster.outputPartitions)
        }
        func transientEnds() throws -> [Int64] {
            try cluster.reader.ends([(cluster.transient, TestCluster.outputPartitions)])[cluster.transient] ?? []
        }
        // Held, not finished: the retrier's group has not committed past the failures.
        let ends = try transientEnds()
        let held = try retrierCommitted()
        #expect(zip(held, ends).contains { $0.0 < $0.1 && $0.1 > 0 }, "the retrier holds failures uncommitted: committed \(held), ends \(ends)")

        retrier.signal(SIGTERM)
        let status = try await retrier.waitForExit(timeout: Self.stopBound(drainTimeout: 30))
        try #require(status != nil, "still running: \(retrier.output.suffix(2000))")
        #expect(status == 0 && retrier.process.terminationReason == .exit, "\(String(describing: status)): \(retrier.output.suffix(1500))")
        let committed = try retrierCommitted()
        #expect(committed == ends, "committed past every original: committed \(committed), ends before the stop \(ends)")
        let transient = try cluster.reader.read([(cluster.transient, TestCluster.outputPartitions)])
        let copies = Dictionary(grouping: transient, by: { $0.id ?? "" })
        let notTwice = sent.map(\.id).filter { copies[$0]?.count != 2 }
        #expect(notTwice.isEmpty, "not handed back exactly once: \(notTwice.prefix(10))")
        let moved = sent.map(\.id).filter { id in
            let both = copies[id] ?? []
            return Set(both.map(\.partition)).count != 1 || Set(both.map { $0.header("sluice.retry.due") }).count != 1
        }
        #expect(moved.isEmpty, "handed back to another partition or with another due time: \(moved.prefix(10))")
        pipeline.signal(SIGTERM)
        #expect(try await pipeline.waitForExit() == 0)
    }
}
