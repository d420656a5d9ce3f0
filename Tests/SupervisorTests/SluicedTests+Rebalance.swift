import Foundation
import Testing

@testable import Supervisor

extension SluicedTests {
    /// A partition taken away while fetching was paused (`sluicectl pause`) and given back
    /// after the pause ended is fetched again: librdkafka keeps an application pause across
    /// revoke and re-assign, so sluiced sets each assigned partition's state itself. Before,
    /// the partitions that came back were never fetched: their messages stayed in the
    /// input with no error.
    @Test func partitionPausedWhenRevokedIsFetchedWhenAssignedAgain() async throws {
        let cluster = try TestCluster()
        let socket = try controlSocketPath()
        let plugin = SluicedProcess.pythonPlugin("route_plugin.py")
        let first = try SluicedProcess(cluster: cluster, arguments: ["--workers", "1", "--control-socket", socket], plugin: plugin)
        defer { first.killIfRunning() }
        #expect(try await first.waitForLog("partitions assigned: \(cluster.input)"))
        #expect(try sluicectl(["--socket", socket, "pause"]).status == 0)
        #expect(try await waitForStatus(socket) { $0.paused } != nil)

        let second = try SluicedProcess(cluster: cluster, arguments: ["--workers", "1"], plugin: plugin)
        defer { second.killIfRunning() }
        #expect(try await second.waitForLog("partitions assigned: \(cluster.input)", timeout: .seconds(120)))
        #expect(try await first.waitForLog("partitions revoked: \(cluster.input)"), "the paused member gave partitions away")
        #expect(try sluicectl(["--socket", socket, "resume"]).status == 0)
        second.signal(SIGTERM)
        #expect(try await second.waitForExit() == 0)
        // The first member takes every partition back.
        #expect(try await waitForStatus(socket, timeout: .seconds(120)) { $0.partitions.count == 4 } != nil)

        let sent = simpleMessages(800, prefix: "back")
        try cluster.produce(sent)
        Accounting(try cluster.collectOutputs(expected: sent.count, timeout: .seconds(60))).expectExactlyOnce(sent, cluster: cluster)
        first.signal(SIGTERM)
        #expect(try await first.waitForExit() == 0)
    }
}

extension SluicedTests {
    /// A member frozen past its session timeout loses its partitions: what it still held
    /// queued of them is dropped at once (the next owner, here itself after it rejoins,
    /// does it), not fed to its plugins; only what its workers had in flight finishes. The
    /// queue here is behind a key: the first message of key A hangs a worker, so the other
    /// A messages wait below offsets already dispatched for key B. Before, those were kept
    /// and went to the plugins after the loss. Nothing is missing either way.
    @Test func lostPartitionsQueueIsDroppedAtOnce() async throws {
        let cluster = try TestCluster()
        let sent = (0..<400).map { index in
            TestMessage(
                id: "lost\(index)", key: Array((index % 2 == 0 ? "A" : "B").utf8), value: Array("payload \(index)".utf8),
                headers: [("route", Array("success".utf8))] + (index == 0 ? [("trap", Array("yes".utf8))] : []), partition: 0)
        }
        try cluster.produce(sent)
        let trapDirectory = try makeTemporaryDirectory("sluice-trap")
        defer { try? FileManager.default.removeItem(atPath: trapDirectory) }
        let sluiced = try SluicedProcess(
            cluster: cluster, arguments: ["--workers", "2"], plugin: SluicedProcess.pythonPlugin("route_plugin.py"),
            pluginEnvironment: ["TRAP_MODE": "hang", "HANG_MS": "15000", "TRAP_DIR": trapDirectory])
        defer { sluiced.killIfRunning() }
        #expect(try await cluster.waitForOutputs(atLeast: 200) >= 200, "every B message done while A's first hangs")
        sluiced.signal(SIGSTOP)
        try await Task.sleep(for: .seconds(6))  // past session.timeout.ms (3 s)
        sluiced.signal(SIGCONT)
        #expect(try await sluiced.waitForLog("partitions lost: \(cluster.input)", timeout: .seconds(60)), "\(sluiced.output.suffix(2000))")
        // The first status line after the loss says how much is still held.
        var heldAfterLoss: Int?
        let deadline = ContinuousClock.now + .seconds(10)
        while heldAfterLoss == nil && ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(200))
            heldAfterLoss = sluiced.figures("in_flight", inLinesContaining: "msg=status ", after: "partitions lost: \(cluster.input)").first
        }
        #expect(heldAfterLoss != nil && heldAfterLoss! <= 1, "held after the loss (only the hanging one may be): \(String(describing: heldAfterLoss))")
        let accounting = Accounting(try cluster.collectOutputs(covering: sent, timeout: .seconds(120)))
        accounting.expectNoneMissing(sent)
        if !accounting.missing(sent).isEmpty {
            // Seen once in a fresh-clone run (every A but the first missing), never since:
            // what sluiced said, to find out why.
            Issue.record("sluiced's log: \(sluiced.output.split(separator: "\n").filter { !$0.contains("msg=status ") }.suffix(60).joined(separator: "\n"))")
        }
        sluiced.signal(SIGTERM)
        #expect(try await sluiced.waitForExit() == 0)
    }
}
