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
