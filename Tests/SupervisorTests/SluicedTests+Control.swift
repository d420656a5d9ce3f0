import Foundation
import Testing

@testable import Supervisor

/// A fresh directory for a control socket, world-traversable so another uid can reach it.
func controlSocketPath() throws -> String {
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("sluice-ctl-\(UUID().uuidString.prefix(8))").path
    try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o755])
    return "\(directory)/sluice.sock"
}

func statusReport(_ socket: String) throws -> StatusReport? {
    let result = try sluicectl(["status", "--socket", socket, "--json"])
    guard result.status == 0 else { return nil }
    return try JSONDecoder().decode(ControlResponse.self, from: Data(result.output.utf8)).status
}

extension SluicedTests {
    /// `sluicectl scale` up and down several times while messages flow: the pool follows,
    /// removed workers finish what they hold, and every message is processed exactly once.
    @Test func scalingUnderLoadRepeatsNothing() async throws {
        let cluster = try TestCluster()
        let sent = simpleMessages(3000, prefix: "scale")
        try cluster.produce(sent)
        let socket = try controlSocketPath()
        let sluiced = try SluicedProcess(
            cluster: cluster, arguments: ["--workers", "2", "--control-socket", socket],
            plugin: SluicedProcess.pythonPlugin("route_plugin.py"), environment: ["DELAY_MS": "2"])
        defer { sluiced.killIfRunning() }
        #expect(try await sluiced.waitForDelivered(atLeast: 1))
        for target in [4, 1, 3, 2] {
            let result = try sluicectl(["scale", String(target), "--socket", socket])
            #expect(result.status == 0 && result.output.contains("-> \(target) workers"), "\(result)")
            try await Task.sleep(for: .milliseconds(600))
        }
        Accounting(try cluster.collectOutputs(expected: sent.count)).expectExactlyOnce(sent, cluster: cluster)
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

    /// `sluicectl pause` stops fetching (status says so, nothing new is delivered) and
    /// `resume` brings it back; nothing is lost or repeated.
    @Test func pauseAndResumeLoseNothing() async throws {
        let cluster = try TestCluster()
        let sent = simpleMessages(1500, prefix: "pause")
        try cluster.produce(sent)
        let socket = try controlSocketPath()
        let sluiced = try SluicedProcess(
            cluster: cluster, arguments: ["--workers", "2", "--control-socket", socket, "--max-buffered", "64"],
            plugin: SluicedProcess.pythonPlugin("route_plugin.py"), environment: ["DELAY_MS": "2"])
        defer { sluiced.killIfRunning() }
        #expect(try await sluiced.waitForDelivered(atLeast: 1))
        #expect(try sluicectl(["pause", "--socket", socket]).status == 0)
        try await Task.sleep(for: .seconds(2))  // what was held drains
        let paused = try statusReport(socket)
        #expect(paused?.paused == true)
        try await Task.sleep(for: .seconds(2))
        let stillPaused = try statusReport(socket)
        #expect(stillPaused?.statistics.consumed == paused?.statistics.consumed, "nothing fetched while paused")
        #expect((stillPaused?.statistics.consumed ?? 0) < sent.count)
        #expect(try sluicectl(["resume", "--socket", socket]).status == 0)
        Accounting(try cluster.collectOutputs(expected: sent.count)).expectExactlyOnce(sent, cluster: cluster)
        #expect(try statusReport(socket)?.paused == false)
        sluiced.signal(SIGTERM)
        #expect(try await sluiced.waitForExit() == 0)
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
        if getuid() == 0 {  // setpriv can only switch users for root (CI runs as root)
            let denied = try sluicectl(["status", "--socket", socket], asUser: 65534)
            #expect(denied.status == 4 && denied.error.contains("permission denied"), "\(denied)")
        }
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
}
