import Foundation
import SluiceControl
import Testing

@testable import Supervisor

/// A control socket path in a fresh directory (short: a socket path has a length limit).
func controlSocketPath() throws -> String {
    "\(try makeTemporaryDirectory("sluice-ctl"))/sluice.sock"
}

func statusReport(_ socket: String) throws -> StatusReport? {
    let result = try sluicectl(["status", "--socket", socket, "--json"])
    // 3 with an answer: a worker is down; with none, sluiced is not there (yet).
    guard result.status == 0 || (result.status == 3 && !result.output.isEmpty) else { return nil }
    return try JSONDecoder().decode(ControlResponse.self, from: Data(result.output.utf8)).status
}

extension SluicedTests {
    /// `sluicectl scale` up and down several times while messages flow: the pool follows,
    /// removed workers finish what they hold, and every message is processed exactly once.
    /// Kafka's output end offsets, read after the last scale, fall short of what was sent:
    /// every scale landed mid-stream. The plugins' own records show that more than the
    /// first two plugin processes received messages (the workers the scaling added took
    /// work) and that each id was received once across them all (none handed out twice).
    @Test func scalingUnderLoadRepeatsNothing() async throws {
        let cluster = try TestCluster()
        let sent = simpleMessages(5000, prefix: "scale")
        try cluster.produce(sent)
        let socket = try controlSocketPath()
        let record = try PluginRecord()
        let sluiced = try SluicedProcess(
            cluster: cluster, arguments: ["--workers", "2", "--control-socket", socket],
            plugin: SluicedProcess.pythonPlugin("route_plugin.py"), pluginEnvironment: ["DELAY_MS": "5"].merging(record.environment) { $1 })
        defer { sluiced.killIfRunning() }
        #expect(try await cluster.waitForOutputs(atLeast: 1) >= 1, "outputs in Kafka")
        for target in [4, 1, 3, 2] {
            let result = try sluicectl(["scale", String(target), "--socket", socket])
            #expect(result.status == 0 && result.output.contains("-> \(target) workers"), "\(result)")
            try await Task.sleep(for: .milliseconds(600))
        }
        let afterScaling = try cluster.outputsWritten()
        #expect(afterScaling < Int64(sent.count), "every scale landed mid-stream: \(afterScaling) outputs of \(sent.count)")
        Accounting(try cluster.collectOutputs(expected: sent.count)).expectExactlyOnce(sent, cluster: cluster)
        let received = try record.idsByPID().filter { !$0.value.isEmpty }
        #expect(received.count > 2, "plugin processes that received messages: \(received.mapValues(\.count))")
        try record.expectEachReceivedOnce(sent.map(\.id))
        let status = try statusReport(socket)
        #expect(status?.targetWorkers == 2)
        #expect(status?.workers.count == 2 && status?.workers.allSatisfy { $0.state == "running" } == true, "\(String(describing: status?.workers))")
        #expect(status?.statistics.delivered == sent.count)
        let text = try sluicectl(["status", "--socket", socket])
        #expect(text.status == 0 && text.output.contains("ID  PID") && text.output.contains("running"))
        sluiced.signal(SIGTERM)
        #expect(try await sluiced.waitForExit() == 0)
        #expect(!FileManager.default.fileExists(atPath: socket), "socket removed on exit")
    }

    /// `sluicectl pause` stops fetching and `resume` brings it back; nothing is lost or
    /// repeated. Once what was held has drained, neither the output end offsets in Kafka
    /// nor the count of what the plugins recorded receiving move over 2 s, and both fall
    /// short of what was sent; `status` says paused meanwhile, and not after `resume`.
    @Test func pauseAndResumeLoseNothing() async throws {
        let cluster = try TestCluster()
        let sent = simpleMessages(3000, prefix: "pause")
        try cluster.produce(sent)
        let socket = try controlSocketPath()
        let record = try PluginRecord()
        let sluiced = try SluicedProcess(
            cluster: cluster, arguments: ["--workers", "2", "--control-socket", socket, "--max-buffered", "64"],
            plugin: SluicedProcess.pythonPlugin("route_plugin.py"), pluginEnvironment: ["DELAY_MS": "2"].merging(record.environment) { $1 })
        defer { sluiced.killIfRunning() }
        #expect(try await cluster.waitForOutputs(atLeast: 1) >= 1, "outputs in Kafka")
        #expect(try sluicectl(["pause", "--socket", socket]).status == 0)
        try await Task.sleep(for: .seconds(2))  // what was held drains
        #expect(try statusReport(socket)?.paused == true)
        let written = try cluster.outputsWritten()
        let received = try record.idsByPID().values.joined().count
        try await Task.sleep(for: .seconds(2))
        let stillWritten = try cluster.outputsWritten()
        let stillReceived = try record.idsByPID().values.joined().count
        #expect(stillWritten == written, "outputs written while paused: \(written) then \(stillWritten)")
        #expect(stillReceived == received, "messages received while paused: \(received) then \(stillReceived)")
        #expect(stillWritten < Int64(sent.count), "paused mid-stream: \(stillWritten) outputs of \(sent.count)")
        #expect(stillReceived < sent.count, "paused mid-stream: \(stillReceived) received of \(sent.count)")
        #expect(try sluicectl(["resume", "--socket", socket]).status == 0)
        Accounting(try cluster.collectOutputs(expected: sent.count)).expectExactlyOnce(sent, cluster: cluster)
        #expect(try statusReport(socket)?.paused == false)
        sluiced.signal(SIGTERM)
        #expect(try await sluiced.waitForExit() == 0)
    }

    /// `--version` of both programs prints the VERSION file's version with no daemon, and
    /// `sluiced --help` lists the options of `run`, the default command.
    @Test func versionAndHelpWithoutADaemon() throws {
        let version = try String(contentsOfFile: "\(SluicedProcess.repositoryRoot)/VERSION", encoding: .utf8)
            .trimmingCharacters(in: .whitespacesAndNewlines)
        for program in ["sluiced", "sluicectl"] {
            let printed = try runBuilt(program, ["--version"])
            #expect(printed.status == 0 && printed.output == "\(version)\n", "\(program): \(printed)")
        }
        let help = try runBuilt("sluiced", ["--help"])
        #expect(help.status == 0 && help.output.contains("replay") && help.output.contains("--workers <workers>"), "\(help.output)")
        #expect(help.output.contains("--drain-timeout") && help.output.contains("--check-config"))
    }

    /// Clear errors with exit codes scripts can rely on.
    @Test func sluicectlErrors() async throws {
        let nowhere = try controlSocketPath()
        let notRunning = try sluicectl(["status", "--socket", nowhere])
        #expect(notRunning.status == 3 && notRunning.error == "sluicectl: sluiced is not running at \(nowhere)\n")

        let cluster = try TestCluster()
        let socket = try controlSocketPath()
        let sluiced = try SluicedProcess(cluster: cluster, arguments: ["--control-socket", socket], plugin: ["cat"])
        defer { sluiced.killIfRunning() }
        #expect(try await sluiced.waitForLog("control socket at"))
        let badScale = try sluicectl(["scale", "0", "--socket", socket])
        #expect(badScale.status == 1 && badScale.error.contains("between 1 and 1024"))
        let version = try sluicectl(["version", "--socket", socket])
        #expect(version.status == 0 && version.output == "sluicectl \(SluiceVersion.current), sluiced \(SluiceVersion.current)\n")
        let second = try SluicedProcess(cluster: cluster, arguments: ["--control-socket", socket], plugin: ["cat"])
        #expect(try await second.waitForExit() == 78)
        #expect(second.output.contains("another sluiced is running at \(socket)"))
        sluiced.signal(SIGTERM)
        #expect(try await sluiced.waitForExit() == 0)
    }

    /// Another user gets `permission denied` (exit status 4). Only root can run a command as
    /// another user (setpriv); CI runs as root, elsewhere the test is reported as skipped.
    @Test(.enabled(if: Needs.runsAsRoot, "setpriv switches users only for root"))
    func sluicectlRefusesOtherUsers() async throws {
        try Needs.root()
        let cluster = try TestCluster()
        let socket = try controlSocketPath()
        let sluiced = try SluicedProcess(cluster: cluster, arguments: ["--control-socket", socket], plugin: ["cat"])
        defer { sluiced.killIfRunning() }
        #expect(try await sluiced.waitForLog("control socket at"))
        let denied = try sluicectl(["status", "--socket", socket], asUser: 65534)
        #expect(denied.status == 4 && denied.error.contains("permission denied"), "\(denied)")
        #expect(try sluicectl(["status", "--socket", socket]).status == 0, "its own user is let in")
        sluiced.signal(SIGTERM)
        #expect(try await sluiced.waitForExit() == 0)
    }

    /// As with supervisorctl, the connection options (`--socket`, `--json`, `-i/--instance`)
    /// go before or after the command, for every command; the instance names the template
    /// unit's socket, from the option or `$SLUICE_INSTANCE`. Before, an option ahead of the
    /// command was refused ("Unknown option '--socket'").
    @Test func sluicectlOptionsBeforeOrAfterTheCommand() async throws {
        let cluster = try TestCluster()
        let socket = try controlSocketPath()
        let sluiced = try SluicedProcess(cluster: cluster, arguments: ["--control-socket", socket, "--workers", "2"], plugin: ["cat"])
        defer { sluiced.killIfRunning() }
        #expect(try await sluiced.waitForLog("control socket at"))
        for arguments in [["--socket", socket, "--json", "status"], ["--json", "status", "--socket", socket], ["status", "--socket", socket, "--json"]] {
            let result = try sluicectl(arguments)
            #expect(result.status == 0, "\(arguments): \(result)")
            let decoded = try? JSONDecoder().decode(ControlResponse.self, from: Data(result.output.utf8))
            #expect(decoded?.status?.workers.count == 2, "\(arguments): \(result.output)")
        }
        for arguments in [["--socket", socket, "scale", "3"], ["--socket", socket, "version"], ["--socket", socket, "stats"], ["--socket", socket, "pause"], ["--socket", socket, "resume"]] {
            let result = try sluicectl(arguments)
            #expect(result.status == 0, "\(arguments): \(result)")
        }
        #expect(try await waitForStatus(socket) { $0.workers.count == 3 } != nil)
        let text = try sluicectl(["--socket", socket, "status"])
        #expect(text.status == 0 && text.output.contains("ID  PID"), "\(text)")

        let name = "test-\(UInt32.random(in: 0...UInt32.max))"
        let expected = "sluicectl: sluiced is not running at /run/sluice/\(name)/sluice.sock\n"
        for arguments in [["-i", name, "status"], ["status", "--instance", name], ["--instance", name, "stats", "--json"]] {
            let result = try sluicectl(arguments)
            #expect(result.status == 3 && result.error == expected, "\(arguments): \(result)")
        }
        var environment = ProcessInfo.processInfo.environment
        environment["SLUICE_SOCKET"] = nil
        environment["SLUICE_INSTANCE"] = name
        let fromEnvironment = try runBuilt("sluicectl", ["status"], environment: environment)
        #expect(fromEnvironment.status == 3 && fromEnvironment.error == expected, "\(fromEnvironment)")
        let optionWins = try runBuilt("sluicectl", ["--socket", socket, "version"], environment: environment)
        #expect(optionWins.status == 0, "--socket wins over $SLUICE_INSTANCE: \(optionWins)")
        for arguments in [["--socket", socket, "-i", name, "status"], ["-i", "../etc", "status"], ["-i", "", "status"]] {
            let result = try sluicectl(arguments)
            #expect(result.status == 64, "\(arguments): \(result)")
        }
        sluiced.signal(SIGTERM)
        #expect(try await sluiced.waitForExit() == 0)
    }
}

/// Polls `sluicectl status` until `condition` holds and returns that status; nil when it
/// did not hold within `timeout`.
func waitForStatus(_ socket: String, timeout: Duration = .seconds(30), _ condition: (StatusReport) -> Bool) async throws -> StatusReport? {
    let deadline = ContinuousClock.now + timeout
    while ContinuousClock.now < deadline {
        if let status = try statusReport(socket), condition(status) { return status }
        try await Task.sleep(for: .milliseconds(200))
    }
    return nil
}

extension SluicedTests {
    /// `sluicectl restart` while messages flow: each worker is drained and restarted in
    /// turn, and every message is processed exactly once. Kafka's output end offsets, read
    /// after the command, fall short of what was sent: the restart began mid-stream. The
    /// plugins' own records show that each old and each new plugin process received
    /// messages, no other did, and each id was received once across them all: a drained
    /// worker handed nothing back to be done again.
    @Test func rollingRestartUnderLoadRepeatsNothing() async throws {
        let cluster = try TestCluster()
        let sent = simpleMessages(6000, prefix: "roll")
        try cluster.produce(sent)
        let socket = try controlSocketPath()
        let record = try PluginRecord()
        let sluiced = try SluicedProcess(
            cluster: cluster, arguments: ["--workers", "3", "--control-socket", socket],
            plugin: SluicedProcess.pythonPlugin("route_plugin.py"), pluginEnvironment: ["DELAY_MS": "5"].merging(record.environment) { $1 })
        defer { sluiced.killIfRunning() }
        #expect(try await cluster.waitForOutputs(atLeast: 1) >= 1, "outputs in Kafka")
        let before = try statusReport(socket)?.workers.compactMap(\.pid) ?? []
        let restart = try sluicectl(["restart", "--socket", socket])
        #expect(restart.status == 0 && restart.output == "restarting 3 workers, one at a time\n", "\(restart)")
        let atRestart = try cluster.outputsWritten()
        #expect(atRestart < Int64(sent.count), "the restart began mid-stream: \(atRestart) outputs of \(sent.count)")
        let after = try await waitForStatus(socket) { status in
            status.workers.allSatisfy { $0.restarts == 1 && $0.state == "running" }
        }
        #expect(after?.workers.allSatisfy { $0.restarts == 1 && $0.state == "running" } == true, "\(String(describing: after?.workers))")
        let afterPIDs = after?.workers.compactMap(\.pid) ?? []
        #expect(Set(afterPIDs).isDisjoint(with: before) && before.count == 3 && afterPIDs.count == 3, "\(before) then \(afterPIDs)")
        Accounting(try cluster.collectOutputs(expected: sent.count)).expectExactlyOnce(sent, cluster: cluster)
        let received = try record.idsByPID().filter { !$0.value.isEmpty }
        #expect(Set(received.keys) == Set(before + afterPIDs), "old \(before), new \(afterPIDs); received: \(received.mapValues(\.count))")
        try record.expectEachReceivedOnce(sent.map(\.id))
        sluiced.signal(SIGTERM)
        #expect(try await sluiced.waitForExit() == 0)
    }

    /// `stop 2` keeps worker 2 down while the others work (and `status` exits 3 meanwhile);
    /// `start 2` brings it back.
    @Test func stopAndStartOneWorker() async throws {
        let cluster = try TestCluster()
        let sent = simpleMessages(600, prefix: "one")
        try cluster.produce(sent)
        let socket = try controlSocketPath()
        let sluiced = try SluicedProcess(
            cluster: cluster, arguments: ["--workers", "2", "--control-socket", socket],
            plugin: SluicedProcess.pythonPlugin("route_plugin.py"), pluginEnvironment: ["DELAY_MS": "3"])
        defer { sluiced.killIfRunning() }
        #expect(try await cluster.waitForOutputs(atLeast: 1) >= 1, "outputs in Kafka")
        #expect(try sluicectl(["stop", "2", "--socket", socket]).output == "stopping worker 2\n")
        let stopped = try await waitForStatus(socket) { $0.workers[1].state == "stopped" }
        #expect(stopped?.workers[1].state == "stopped" && stopped?.workers[1].pid == nil)
        let downStatus = try sluicectl(["status", "--socket", socket])
        #expect(downStatus.status == 3 && downStatus.output.contains("stopped"), "a worker down: exit 3, as supervisorctl")
        #expect(try sluicectl(["start", "1", "--socket", socket]).error.contains("worker 1 is running, not stopped or fatal"))
        #expect(try sluicectl(["stop", "9", "--socket", socket]).status == 1)
        #expect(try sluicectl(["start", "2", "--socket", socket]).output == "starting worker 2\n")
        #expect(try await waitForStatus(socket) { $0.workers[1].state == "running" }?.workers[1].state == "running")
        #expect(try sluicectl(["status", "--socket", socket]).status == 0, "every worker up again")
        Accounting(try cluster.collectOutputs(expected: sent.count)).expectExactlyOnce(sent, cluster: cluster)
        sluiced.signal(SIGTERM)
        #expect(try await sluiced.waitForExit() == 0)
    }

    /// `sluicectl tail` shows what a plugin wrote to stderr; `tail -f` keeps the connection
    /// and prints each new line; `signal HUP 1` reaches worker 1's plugin (its handler
    /// writes the line `tail -f` receives) and not worker 2's; a bad signal or id is refused.
    @Test func tailFollowsAPluginsStderrAndSignalReachesIt() async throws {
        let cluster = try TestCluster()
        let sent = simpleMessages(40, prefix: "tail")
        try cluster.produce(sent)
        let socket = try controlSocketPath()
        let sluiced = try SluicedProcess(
            cluster: cluster, arguments: ["--workers", "2", "--control-socket", socket],
            plugin: SluicedProcess.pythonPlugin("route_plugin.py"), pluginEnvironment: ["ANNOUNCE": "1"])
        defer { sluiced.killIfRunning() }
        Accounting(try cluster.collectOutputs(expected: sent.count)).expectExactlyOnce(sent, cluster: cluster)
        #expect(try sluicectl(["tail", "1", "--socket", socket]).output == "plugin ready\n")
        let all = try sluicectl(["tail", "--socket", socket])
        #expect(all.output == "worker 1: plugin ready\nworker 2: plugin ready\n", "\(all)")

        let follower = Process()
        follower.executableURL = URL(fileURLWithPath: "\(ProcessEnvironment.executableDirectory)/sluicectl")
        follower.arguments = ["tail", "-f", "1", "--socket", socket]
        let followed = Pipe()
        follower.standardOutput = followed
        let received = LogBuffer.capturing(followed)
        try follower.run()
        defer { if follower.isRunning { follower.terminate() } }
        let first = ContinuousClock.now + .seconds(20)
        while !received.text.withLock({ $0.contains("plugin ready") }), ContinuousClock.now < first {
            try await Task.sleep(for: .milliseconds(50))
        }
        let signalled = try sluicectl(["signal", "HUP", "1", "--socket", socket])
        #expect(signalled.status == 0 && signalled.output.hasPrefix("SIGHUP sent to worker 1 (pid "), "\(signalled)")
        let deadline = ContinuousClock.now + .seconds(20)
        while !received.text.withLock({ $0.contains("reloaded on SIGHUP") }), ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(50))
        }
        let shown = received.text.withLock { $0 }
        #expect(shown.hasPrefix("plugin ready\nreloaded on SIGHUP (pid "), "tail -f got the plugin's new line: \(shown)")
        #expect(follower.isRunning, "it keeps following")
        #expect(sluiced.output.components(separatedBy: "plugin: reloaded on SIGHUP").count == 2, "worker 2 got no signal")

        #expect(try sluicectl(["signal", "BOGUS", "--socket", socket]).status == 64)
        #expect(try sluicectl(["signal", "HUP", "9", "--socket", socket]).error.contains("no worker 9"))
        #expect(try sluicectl(["tail", "9", "--socket", socket]).status == 1)
        sluiced.signal(SIGTERM)
        #expect(try await sluiced.waitForExit() == 0)
        let end = ContinuousClock.now + .seconds(10)
        while follower.isRunning, ContinuousClock.now < end { try await Task.sleep(for: .milliseconds(50)) }
        #expect(!follower.isRunning && follower.terminationStatus == 1, "tail -f ends when sluiced stops")
    }

    /// A plugin that exits at once: backoff, then fatal after --start-retries; with no
    /// worker able to run, fetching pauses, and status and the log say so.
    @Test func failingPluginBecomesFatalAndPausesFetching() async throws {
        let cluster = try TestCluster()
        try cluster.produce(simpleMessages(20, prefix: "fatal"))
        let socket = try controlSocketPath()
        let sluiced = try SluicedProcess(
            cluster: cluster, arguments: ["--workers", "2", "--start-retries", "2", "--control-socket", socket, "--drain-timeout", "2"],
            plugin: ["sh", "-c", "exit 3"])
        defer { sluiced.killIfRunning() }
        let status = try await waitForStatus(socket) { $0.workers.allSatisfy { $0.state == "fatal" } && $0.paused }
        #expect(status?.workers.allSatisfy { $0.state == "fatal" && $0.lastExit == "exit status 3" } == true, "\(String(describing: status))")
        #expect(status?.paused == true)
        #expect(try await sluiced.waitForLog("no worker can run: fetching paused"))
        #expect(sluiced.output.contains("worker is fatal after 3 failed starts"))
        #expect(try sluicectl(["start", "1", "--socket", socket]).status == 0)
        sluiced.signal(SIGTERM)
        #expect(try await sluiced.waitForExit() == 0)
        #expect(try cluster.outputsWritten() == 0, "nothing was routed")
    }
}
