import Foundation
import SluiceControl
import Testing

@testable import Supervisor

extension SluicedTests {
    /// `sluicectl reload` and SIGHUP read the config file again while messages flow: the
    /// pool follows `workers`, a change that needs a restart is reported and kept, a broken
    /// file changes nothing, and every message is processed exactly once.
    @Test func reloadAppliesTheFileWhileMessagesFlow() async throws {
        let cluster = try TestCluster()
        let sent = simpleMessages(2000, prefix: "reload")
        try cluster.produce(sent)
        let directory = try makeTemporaryDirectory("sluice-reload")
        let config = "\(directory)/sluice.toml"
        func write(_ text: String) throws { try text.write(toFile: config, atomically: true, encoding: .utf8) }
        try write("[plugin]\nworkers = 2\n")
        let socket = "\(directory)/sluice.sock"
        let sluiced = try SluicedProcess(
            cluster: cluster, arguments: ["--config", config, "--control-socket", socket],
            plugin: SluicedProcess.pythonPlugin("route_plugin.py"), pluginEnvironment: ["DELAY_MS": "2"])
        defer { sluiced.killIfRunning() }
        #expect(try await cluster.waitForOutputs(atLeast: 1) >= 1, "outputs in Kafka")

        try write("[plugin]\nworkers = 4\nmessage_timeout = 20\n[daemon]\nmax_buffered = 5000\n[kafka]\n\"client.id\" = \"renamed\"\n")
        let reload = try sluicectl(["reload", "--socket", socket, "--json"])
        let report = try JSONDecoder().decode(ControlResponse.self, from: Data(reload.output.utf8))
        #expect(reload.status == 0 && report.ok, "\(reload)")
        #expect(report.reload?.applied == ["plugin.workers 2 -> 4", "plugin.message_timeout 30.0 -> 20.0", "daemon.max_buffered 4096 -> 5000"])
        #expect(report.reload?.needsRestart == ["kafka"])
        #expect(try await waitForStatus(socket) { $0.workers.count == 4 && $0.workers.allSatisfy { $0.state == "running" } }?.workers.count == 4)

        try write("[plugin]\nworkers = 3\nmessage_timeout = 20\n[daemon]\nmax_buffered = 5000\n")
        sluiced.signal(SIGHUP)
        #expect(try await sluiced.waitForLog("applied plugin.workers 4 -> 3"))
        #expect(try await waitForStatus(socket) { $0.targetWorkers == 3 && $0.workers.count == 3 }?.workers.count == 3)

        try write("[plugin]\nworkers = \"many\"\n")
        let refused = try sluicectl(["reload", "--socket", socket])
        #expect(refused.status == 1 && refused.error.contains("line 2: plugin.workers: expected a whole number"), "\(refused)")
        #expect(try statusReport(socket)?.targetWorkers == 3, "a broken file changes nothing")

        Accounting(try cluster.collectOutputs(expected: sent.count)).expectExactlyOnce(sent, cluster: cluster)
        sluiced.signal(SIGTERM)
        #expect(try await sluiced.waitForExit() == 0)
    }

    /// SIGHUP during the stop changes nothing: a reload that grew the pool then would
    /// start children the stop must wait for, and the stop would take its whole plugin
    /// bound. The plugins' own record shows which workers ever started.
    @Test func reloadDuringTheStopStartsNoWorker() async throws {
        let cluster = try TestCluster()
        try cluster.produce(simpleMessages(5, prefix: "held"))
        let directory = try makeTemporaryDirectory("sluice-reload-stop")
        let config = "\(directory)/sluice.toml"
        let started = "\(directory)/started"
        let received = "\(directory)/received"
        try "[plugin]\nworkers = 1\n".write(toFile: config, atomically: true, encoding: .utf8)
        // Records its start and its first request, then holds what it is sent unanswered:
        // the drain runs its whole timeout. Its stdin closing does not end it; SIGTERM does.
        let sluiced = try SluicedProcess(
            cluster: cluster, arguments: ["--config", config, "--drain-timeout", "4", "--stop-timeout", "1"],
            plugin: ["sh", "-c", "echo \"$SLUICE_WORKER_ID\" >> \(started); read -r line; touch \(received); exec sleep 600"])
        defer { sluiced.killIfRunning() }
        let deadline = ContinuousClock.now + .seconds(60)
        while !FileManager.default.fileExists(atPath: received) && ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(50))
        }
        #expect(FileManager.default.fileExists(atPath: received), "the plugin holds a request: \(sluiced.output.suffix(2000))")
        sluiced.signal(SIGTERM)
        #expect(try await sluiced.waitForLog("stopping: finishing"))
        #expect(!sluiced.output.contains("stopping: finishing 0 messages"), "a message is held: the drain runs its timeout")
        try "[plugin]\nworkers = 3\n".write(toFile: config, atomically: true, encoding: .utf8)
        sluiced.signal(SIGHUP)
        #expect(try await sluiced.waitForLog("reload (SIGHUP) ignored: sluiced is stopping"), "the reload lands during the stop")
        let status = try await sluiced.waitForExit()
        #expect(status != nil, "still running: \(sluiced.output.suffix(2000))")
        let workers = try String(contentsOfFile: started, encoding: .utf8).split(separator: "\n")
        #expect(workers == ["1"], "workers started: \(workers)")
    }

    /// Without --config there is nothing to read again: reload says so and SIGHUP does not
    /// stop the daemon.
    @Test func reloadWithoutConfigIsRefused() async throws {
        let cluster = try TestCluster()
        let socket = try controlSocketPath()
        let sluiced = try SluicedProcess(cluster: cluster, arguments: ["--control-socket", socket], plugin: ["cat"])
        defer { sluiced.killIfRunning() }
        #expect(try await sluiced.waitForLog("control socket at"))
        let reload = try sluicectl(["reload", "--socket", socket])
        #expect(reload.status == 1 && reload.error.contains("sluiced runs without --config"), "\(reload)")
        sluiced.signal(SIGHUP)
        #expect(try await sluiced.waitForLog("nothing to read again"))
        #expect(try sluicectl(["status", "--socket", socket]).status == 0, "still running after SIGHUP")
        sluiced.signal(SIGTERM)
        #expect(try await sluiced.waitForExit() == 0)
    }

    /// `--control-group` lets that group's members in, and still no one else.
    @Test(.enabled(if: Needs.runsAsRoot, "setpriv can only switch users for root (CI runs as root)"))
    func controlGroupMembersAreAllowed() async throws {
        try Needs.root()
        let cluster = try TestCluster()
        let socket = try controlSocketPath()
        let sluiced = try SluicedProcess(
            cluster: cluster, arguments: ["--control-socket", socket, "--control-group", "nogroup"], plugin: ["cat"])
        defer { sluiced.killIfRunning() }
        #expect(try await sluiced.waitForLog("control socket at"))
        let member = try sluicectl(["status", "--socket", socket], asUser: 65534, group: 65534)
        #expect(member.status == 0 && member.output.contains("sluiced"), "\(member)")
        let outsider = try sluicectl(["status", "--socket", socket], asUser: 65534, group: 1)
        #expect(outsider.status == 4 && outsider.error.contains("permission denied"), "\(outsider)")
        sluiced.signal(SIGTERM)
        #expect(try await sluiced.waitForExit() == 0)
    }
}
