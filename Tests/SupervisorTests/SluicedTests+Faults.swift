import Foundation
import Testing

@testable import SluiceHarness
@testable import Supervisor

extension SluicedTests {
    /// Workers killed with SIGKILL while messages flow: their unanswered messages go to the
    /// other workers; nothing is missing and nothing is done twice.
    @Test func killedWorkersLoseNothing() async throws {
        let cluster = try TestCluster()
        // 20 ms a message keeps each worker inside a message nearly all the time, so a kill
        // lands on one holding work, and the stream outlasts the kills.
        let sent = simpleMessages(1500, prefix: "kill")
        try cluster.produce(sent)
        let record = try PluginRecord()
        let sluiced = try SluicedProcess(
            cluster: cluster, arguments: ["--workers", "3", "--max-in-flight", "8"],
            plugin: SluicedProcess.pythonPlugin("route_plugin.py"), pluginEnvironment: ["DELAY_MS": "20"].merging(record.environment) { $1 })
        defer { sluiced.killIfRunning() }
        #expect(try await cluster.waitForOutputs(atLeast: 50) >= 50, "outputs in Kafka")
        let atFirstKill = try cluster.outputsWritten()
        var killed: [Int32] = []
        for _ in 0..<4 {
            // A kill counts only when it met a live worker, not one already dead and unreaped.
            for pid in sluiced.workerPIDs.prefix(2) where ProcessUsage.isLive(pid) && kill(pid, SIGKILL) == 0 { killed.append(pid) }
            try await Task.sleep(for: .milliseconds(300))
        }
        #expect(killed.count >= 4, "workers were found and killed: \(killed)")
        #expect(atFirstKill < Int64(sent.count), "the kills began mid-stream: \(atFirstKill) outputs of \(sent.count)")
        let accounting = Accounting(try cluster.collectOutputs(expected: sent.count))
        accounting.expectExactlyOnce(sent, cluster: cluster)
        // The kills landed on workers holding messages: what a killed plugin had received
        // went to another worker too, as the plugins' own records show.
        let received = try record.idsByPID()
        let handedOver = Set(killed.flatMap { received[$0] ?? [] }).filter { id in received.values.count { $0.contains(id) } > 1 }
        #expect(!handedOver.isEmpty, "no killed worker held a message")
        sluiced.signal(SIGTERM)
        #expect(try await sluiced.waitForExit() == 0)
    }

    /// SIGTERM under load: sluiced drains what its workers hold, commits and exits 0; a new
    /// sluiced in the same group finishes the rest. Nothing missing, nothing twice.
    @Test func sigtermUnderLoadThenRestartLosesNothing() async throws {
        let cluster = try TestCluster()
        let sent = simpleMessages(1500, prefix: "term")
        try cluster.produce(sent)
        let plugin = SluicedProcess.pythonPlugin("route_plugin.py")
        let first = try SluicedProcess(
            cluster: cluster, arguments: ["--workers", "2"], plugin: plugin, pluginEnvironment: ["DELAY_MS": "5"])
        defer { first.killIfRunning() }
        #expect(try await cluster.waitForOutputs(atLeast: 1) >= 1, "outputs in Kafka")
        first.signal(SIGTERM)
        #expect(try await first.waitForExit() == 0)
        #expect(first.output.contains("stopping: finishing"))
        let processedFirst = Accounting(try cluster.outputsNow())
        #expect(processedFirst.byID.count > 0 && processedFirst.byID.count < sent.count, "stopped mid-stream")

        let second = try SluicedProcess(cluster: cluster, arguments: ["--workers", "2"], plugin: plugin)
        defer { second.killIfRunning() }
        Accounting(try cluster.collectOutputs(expected: sent.count)).expectExactlyOnce(sent, cluster: cluster)
        second.signal(SIGINT)
        #expect(try await second.waitForExit() == 0)
    }

    /// A plugin that writes garbage, answers an unknown id or another worker's, crashes,
    /// closes its stdout, or writes hostile lines (100 MB without a newline, invalid UTF-8,
    /// NUL bytes, 200,000 levels of nesting, numbers out of range) on some messages: a clear
    /// log line, the worker restarts, the daemon keeps running in bounded memory, and the
    /// messages are redone by a healthy worker. A response naming a topic is ignored: the
    /// daemon writes to its three topics only.
    @Test(arguments: [
        ("garbage", "plugin protocol error: invalid response: not a JSON object"),
        ("unknown-id", "plugin protocol error: response to an unknown or already answered id"),
        ("crash", "worker exited: exit status 3; restarting"),
        ("close-stdout", "plugin protocol error: closed its stdout while running"),
        ("huge-line", "plugin protocol error: response line longer than"),
        ("invalid-utf8", "plugin protocol error: invalid response"),
        ("nul-bytes", "plugin protocol error: invalid response"),
        ("deep-json", "plugin protocol error: invalid response"),
        ("huge-number", "plugin protocol error: invalid response"),
        ("huge-integer", "plugin protocol error: invalid response"),
        ("other-worker-id", "plugin protocol error: response to an unknown or already answered id"),
        ("names-a-topic", "trap names-a-topic on"),
    ])
    func misbehavingPluginLosesNothing(mode: String, logLine: String) async throws {
        let cluster = try TestCluster()
        var sent = simpleMessages(120, prefix: "\(mode)-")
        for index in [10, 50, 90] { sent[index].headers.append(("trap", Array("yes".utf8))) }
        try cluster.produce(sent)
        let trapDirectory = try makeTemporaryDirectory("sluice-trap")
        defer { try? FileManager.default.removeItem(atPath: trapDirectory) }
        // One message per worker: a trapped message in flight beside another's trap would
        // earn a strike there and, failing once more on its own trap, count as poison. And
        // the next id is then another worker's.
        let sluiced = try SluicedProcess(
            cluster: cluster, arguments: ["--workers", "2", "--max-in-flight", "1"], plugin: SluicedProcess.pythonPlugin("route_plugin.py"),
            pluginEnvironment: ["TRAP_MODE": mode, "TRAP_DIR": trapDirectory])
        defer { sluiced.killIfRunning() }
        Accounting(try cluster.collectOutputs(expected: sent.count)).expectExactlyOnce(sent, cluster: cluster)
        #expect(sluiced.output.contains(logLine), "log: \(sluiced.output.suffix(2000))")
        #expect(sluiced.output.contains("trap \(mode) on"), "the plugin's stderr is forwarded to the log")
        #expect(sluiced.process.isRunning)
        #expect(ProcessUsage.sample(sluiced.pid).peakResidentBytes < 256 << 20, "bounded memory")
        #expect(try cluster.topicNames() == Set([cluster.input] + cluster.outputs), "no topic but the test's")
        sluiced.signal(SIGTERM)
        #expect(try await sluiced.waitForExit() == 0)
    }

    /// A plugin that exits at once: restarts with backoff, the daemon keeps running and
    /// commits nothing; a healthy plugin later processes every message.
    @Test func pluginExitingAtOnceLosesNothing() async throws {
        let cluster = try TestCluster()
        let sent = simpleMessages(30, prefix: "exit")
        try cluster.produce(sent)
        let broken = try SluicedProcess(
            cluster: cluster, arguments: ["--workers", "2", "--drain-timeout", "3"], plugin: ["sh", "-c", "exit 3"])
        defer { broken.killIfRunning() }
        #expect(try await broken.waitForLog("partitions assigned"))
        #expect(try await broken.waitForLog("worker exited: exit status 3; restarting"))
        try await Task.sleep(for: .seconds(1))
        #expect(broken.process.isRunning)
        broken.signal(SIGTERM)
        #expect(try await broken.waitForExit() == 0)
        #expect(try cluster.outputsWritten() == 0, "nothing was routed")

        let healthy = try SluicedProcess(cluster: cluster, plugin: SluicedProcess.pythonPlugin("route_plugin.py"))
        defer { healthy.killIfRunning() }
        Accounting(try cluster.collectOutputs(expected: sent.count)).expectExactlyOnce(sent, cluster: cluster)
        healthy.signal(SIGTERM)
        #expect(try await healthy.waitForExit() == 0)
    }

    /// A missing or malformed setting stops start-up with one line naming it, before any
    /// connection, with exit status 78 (EX_CONFIG).
    @Test func badSettingsFailWithOneClearLine() async throws {
        let cluster = try TestCluster()
        let cases: [([String: String], [String], String)] = [
            (["GROUP_ID": ""], [], "sluiced: GROUP_ID: not set"),
            (["KAFKA_BROKER": "nohost"], [], "sluiced: KAFKA_BROKER: \"nohost\" is not host:port"),
            ([:], ["-X", "no.such.property=1"], "sluiced: kafka property no.such.property: No such configuration property"),
            ([:], ["-X", "=1"], "sluiced: -X =1: expected name=value"),
            ([:], ["--workers", "0"], "sluiced: --workers: 0 is not between 1 and 1024"),
        ]
        for (environment, arguments, expected) in cases {
            let sluiced = try SluicedProcess(cluster: cluster, arguments: arguments, plugin: ["cat"], environment: environment)
            #expect(try await sluiced.waitForExit() == 78)
            #expect(sluiced.output == expected + String(sluiced.output.dropFirst(expected.count)), "\(sluiced.output)")
            #expect(sluiced.output.split(separator: "\n").count == 1, "\(sluiced.output)")
        }
        let noPlugin = try SluicedProcess(cluster: cluster, plugin: ["no-such-plugin-anywhere"])
        #expect(try await noPlugin.waitForExit() == 78)
        #expect(noPlugin.output.hasPrefix("sluiced: plugin command: no-such-plugin-anywhere not found in PATH"))
    }
}

extension SluicedTests {
    /// sluiced killed with SIGKILL mid-stream: its plugins die with it (no orphans), and a
    /// restarted sluiced delivers every message; repeats are bounded by what was not yet
    /// committed.
    @Test func daemonKilledMidStreamLosesNothing() async throws {
        let cluster = try TestCluster()
        let sent = simpleMessages(1500, prefix: "crash")
        try cluster.produce(sent)
        let plugin = SluicedProcess.pythonPlugin("route_plugin.py")
        let first = try SluicedProcess(cluster: cluster, arguments: ["--workers", "2"], plugin: plugin, pluginEnvironment: ["DELAY_MS": "5"])
        defer { first.killIfRunning() }
        #expect(try await cluster.waitForOutputs(atLeast: 1) >= 1, "outputs in Kafka")
        let workers = first.workerPIDs
        #expect(workers.count == 2)
        first.signal(SIGKILL)
        #expect(try await first.waitForExit() == SIGKILL)
        try await Task.sleep(for: .milliseconds(500))
        for pid in workers {
            #expect(!ProcessUsage.isLive(pid), "plugin \(pid) outlived sluiced")
        }
        let doneByFirst = Set(Accounting(try cluster.outputsNow()).byID.keys)
        #expect(!doneByFirst.isEmpty && doneByFirst.count < sent.count, "killed mid-stream")
        let second = try SluicedProcess(cluster: cluster, arguments: ["--workers", "2"], plugin: plugin)
        defer { second.killIfRunning() }
        let accounting = Accounting(try cluster.collectOutputs(expected: sent.count))
        accounting.expectNoneMissing(sent)
        // A repeat can only be a message the first run finished but had not committed.
        #expect(Set(accounting.duplicated).isSubset(of: doneByFirst))
        second.signal(SIGTERM)
        #expect(try await second.waitForExit() == 0)
    }

    /// Killed workers are reaped: no zombie stays among sluiced's children.
    @Test func killedWorkersAreReaped() async throws {
        let cluster = try TestCluster()
        let sluiced = try SluicedProcess(cluster: cluster, arguments: ["--workers", "3"], plugin: ["cat"])
        defer { sluiced.killIfRunning() }
        #expect(try await sluiced.waitForLog("sluiced started"))
        try await Task.sleep(for: .milliseconds(300))
        let before = sluiced.workerPIDs
        #expect(before.count == 3)
        for pid in before { kill(pid, SIGKILL) }
        #expect(try await sluiced.waitForLog("worker exited: signal 9"))
        try await Task.sleep(for: .seconds(1))
        let after = sluiced.workerPIDs
        #expect(after.count == 3, "restarted")
        #expect(Set(after).isDisjoint(with: before))
        // Reaped: the killed processes are gone, not left as zombies.
        #expect(before.allSatisfy { processState($0) == nil }, "\(before.map { "\($0): \(processState($0) ?? "gone")" })")
        sluiced.signal(SIGTERM)
        #expect(try await sluiced.waitForExit() == 0)
        #expect(after.allSatisfy { !ProcessUsage.isLive($0) })
    }
}

/// The state letter of a process (R, S, Z, …), nil when it does not exist.
func processState(_ pid: Int32) -> String? {
    guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
        let close = stat.lastIndex(of: ")")
    else { return nil }
    return stat[stat.index(close, offsetBy: 2)...].split(separator: " ").first.map(String.init)
}

extension SluicedTests {
    /// A second sluiced joins the group mid-stream (the multi-host case): partitions move
    /// to it after the first finished what it had started in them. From Kafka: nothing
    /// missing, each id in its route's topic, key order kept, and a repeat only in a
    /// partition that moved, at or above where the second member started in it (the mock
    /// refuses every commit while the group is joining, so the first member's last commit
    /// can fail). Where it started comes from its plugins' own record of what they
    /// received, which also shows that it did work.
    @Test func secondMemberTakesOverMidStream() async throws {
        let cluster = try TestCluster(inputPartitions: 6)
        let sent = simpleMessages(3000, prefix: "share")
        try cluster.produce(sent)
        let plugin = SluicedProcess.pythonPlugin("route_plugin.py")
        let first = try SluicedProcess(cluster: cluster, arguments: ["--workers", "2"], plugin: plugin, pluginEnvironment: ["DELAY_MS": "3"])
        defer { first.killIfRunning() }
        #expect(try await cluster.waitForOutputs(atLeast: 1) >= 1)
        let record = try PluginRecord()
        let second = try SluicedProcess(
            cluster: cluster, arguments: ["--workers", "2"], plugin: plugin, pluginEnvironment: ["DELAY_MS": "3"].merging(record.environment) { $1 })
        defer { second.killIfRunning() }
        #expect(try await second.waitForLog("partitions assigned"))
        let atHandover = try cluster.outputsWritten()
        #expect(atHandover < Int64(sent.count), "not mid-stream: \(atHandover) outputs of \(sent.count)")
        _ = try cluster.collectOutputs(covering: sent)
        let accounting = try KafkaAccounting(reading: cluster)
        accounting.expectNoneMissing(sent, cluster: cluster)
        let received = try record.idsByPID().values.joined().compactMap { accounting.inputs[$0] }
        #expect(!received.isEmpty, "the second member's plugins received work")
        // Where the second member started in each partition it took; none where it took none.
        var started = [Int64](repeating: .max, count: Int(cluster.inputPartitions))
        for input in received { started[Int(input.partition)] = min(started[Int(input.partition)], input.offset) }
        accounting.expectRepeatsBounded(by: [started])
        accounting.expectKeyOrder()
        for member in [first, second] {
            member.signal(SIGTERM)
            #expect(try await member.waitForExit() == 0)
        }
    }
}

extension SluicedTests {
    /// A full pool whose plugin hangs for twice `max.poll.interval.ms` (10 s here): sluiced
    /// pauses the partitions and keeps polling, so it stays in the group; it resumes when
    /// work drains (every message is done, with room for 4 held at a time), and loses or
    /// repeats nothing. A member that stopped polling would leave the group and, once
    /// back, be given its partitions again from the last commit: the messages after it,
    /// the hanging one among them, would go to the plugin a second time. The plugin's own
    /// record shows each id received once, and Kafka each output once.
    @Test func stuckFullPoolPausesAndResumesWithoutLoss() async throws {
        let cluster = try TestCluster()
        var sent = simpleMessages(60, prefix: "stuck")
        sent[5].headers.append(("trap", Array("yes".utf8)))
        try cluster.produce(sent)
        let trapDirectory = try makeTemporaryDirectory("sluice-trap")
        defer { try? FileManager.default.removeItem(atPath: trapDirectory) }
        let record = try PluginRecord()
        // max.poll.interval.ms above the 5 s sluiced may leave the consumer unpolled before
        // it pauses, the drain timeout below it (as sluiced requires), and the hang well
        // past it yet within the message timeout (30 s), so the plugin answers it.
        let sluiced = try SluicedProcess(
            cluster: cluster,
            arguments: [
                "--workers", "1", "--max-in-flight", "4", "--max-buffered", "4", "--drain-timeout", "5", "-X", "max.poll.interval.ms=10000",
            ],
            plugin: SluicedProcess.pythonPlugin("route_plugin.py"),
            pluginEnvironment: ["TRAP_MODE": "hang", "HANG_MS": "20000", "TRAP_DIR": trapDirectory].merging(record.environment) { $1 })
        defer { sluiced.killIfRunning() }
        // The hang began mid-stream: the plugin marked it, and Kafka holds only part.
        let deadline = ContinuousClock.now + .seconds(60)
        while !FileManager.default.fileExists(atPath: "\(trapDirectory)/trapped-stuck5") && ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(100))
        }
        #expect(FileManager.default.fileExists(atPath: "\(trapDirectory)/trapped-stuck5"), "the plugin hung on stuck5")
        let atHang = try cluster.outputsWritten()
        #expect(atHang < Int64(sent.count), "the hang began mid-stream: \(atHang) outputs of \(sent.count)")
        Accounting(try cluster.collectOutputs(expected: sent.count)).expectExactlyOnce(sent, cluster: cluster)
        sluiced.signal(SIGTERM)
        #expect(try await sluiced.waitForExit() == 0)
        try record.expectEachReceivedOnce(sent.map(\.id))
    }
}

extension SluicedTests {
    /// A plugin that outlives its stdin and ignores SIGTERM, at a stop: stdin closed, then
    /// SIGTERM after `--stop-timeout`, then SIGKILL after another; sluiced then exits 0
    /// with every message done, as docs/OPERATIONS.md says.
    @Test func stopEscalatesToSigkillForAPluginThatWillNotExit() async throws {
        let cluster = try TestCluster()
        let sent = TestMessage.routedToSuccess(30, prefix: "stubborn")
        try cluster.produce(sent)
        let plugin = SluicedProcess.pythonPlugin("route_plugin.py").joined(separator: " ")
        let sluiced = try SluicedProcess(
            cluster: cluster, arguments: ["--workers", "2", "--stop-timeout", "1"],
            plugin: ["sh", "-c", "trap '' TERM; \(plugin); while :; do sleep 0.2; done"])
        defer { sluiced.killIfRunning() }
        let outputs = try cluster.collectOutputs(expected: sent.count)
        Accounting(outputs).expectExactlyOnce(sent, cluster: cluster)
        // Each worker's shell, and the plugin it runs.
        let plugins = sluiced.workerPIDs.flatMap { [$0] + ProcessUsage.children(of: $0) }
        #expect(plugins.count >= 4, "\(plugins)")
        sluiced.signal(SIGTERM)
        #expect(try await sluiced.waitForExit(timeout: .seconds(30)) == 0, "\(sluiced.output.suffix(2000))")
        let log = sluiced.output
        #expect(log.contains("sending Terminated") && log.contains("sending Killed"), "\(log.suffix(2000))")
        #expect(plugins.allSatisfy { !ProcessUsage.isLive($0) }, "left running: \(plugins.filter(ProcessUsage.isLive))")
    }
}
