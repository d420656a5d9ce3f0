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
    /// queued of them is dropped at once, not fed to its plugins; only what its workers had
    /// in flight finishes, and the next owner (here itself, after it rejoins) reads the
    /// rest again from the committed offset. The queue here is behind a key: the first
    /// message of key A hangs a worker, so the other A messages wait below offsets already
    /// done for key B, and nothing past offset 0 is committed. A queue kept and fed to the
    /// plugins would have each of those A messages received twice, from the old queue and
    /// again after the new assignment; the plugins' own records show each received once.
    /// Nothing is missing in Kafka.
    @Test func lostPartitionsQueueIsDroppedAtOnce() async throws {
        let cluster = try TestCluster()
        let sent = (0..<400).map { index in
            TestMessage(
                id: "lost\(index)", key: Array((index % 2 == 0 ? "A" : "B").utf8), value: Array("payload \(index)".utf8),
                headers: [("route", Array("success".utf8))] + (index == 0 ? [("trap", Array("yes".utf8))] : []), partition: 0)
        }
        let keyA = sent.filter { $0.key == Array("A".utf8) }.map(\.id)
        try cluster.produce(sent)
        let trapDirectory = try makeTemporaryDirectory("sluice-trap")
        defer { try? FileManager.default.removeItem(atPath: trapDirectory) }
        let record = try PluginRecord()
        // The hang outlasts the freeze and the loss after it by far, within the message
        // timeout (30 s): A's queue is still waiting when the partitions are lost.
        let sluiced = try SluicedProcess(
            cluster: cluster, arguments: ["--workers", "2"], plugin: SluicedProcess.pythonPlugin("route_plugin.py"),
            pluginEnvironment: ["TRAP_MODE": "hang", "HANG_MS": "25000", "TRAP_DIR": trapDirectory].merging(record.environment) { $1 })
        defer { sluiced.killIfRunning() }
        #expect(try await cluster.waitForOutputs(atLeast: 200) >= 200, "every B message done while A's first hangs")
        sluiced.signal(SIGSTOP)
        // Frozen mid-stream, with the A messages still waiting: none of them is in Kafka, and
        // nothing past the hanging one is committed.
        let atStop = try cluster.outputsNow()
        #expect(atStop.count < sent.count, "frozen mid-stream: \(atStop.count) outputs of \(sent.count)")
        let doneOfA = atStop.compactMap(\.id).filter(Set(keyA).contains)
        #expect(doneOfA.isEmpty, "A messages done before the freeze: \(doneOfA)")
        let committed = try cluster.reader.committed(group: cluster.group, topic: cluster.input, partitions: cluster.inputPartitions)
        #expect((committed.first ?? .max) <= 0, "committed past the hanging message: \(committed)")
        try await Task.sleep(for: .seconds(6))  // past session.timeout.ms (3 s)
        sluiced.signal(SIGCONT)
        #expect(try await sluiced.waitForLog("partitions lost: \(cluster.input)", timeout: .seconds(60)), "\(sluiced.output.suffix(2000))")
        let accounting = Accounting(try cluster.collectOutputs(covering: sent, timeout: .seconds(120)))
        accounting.expectNoneMissing(sent)
        if !accounting.missing(sent).isEmpty {
            // Seen once in a fresh-clone run (every A but the first missing), never since:
            // what sluiced said, to find out why.
            Issue.record("sluiced's log: \(sluiced.output.split(separator: "\n").filter { !$0.contains("msg=status ") }.suffix(60).joined(separator: "\n"))")
        }
        sluiced.signal(SIGTERM)
        #expect(try await sluiced.waitForExit() == 0)
        try record.expectEachReceivedOnce(keyA.dropFirst(), othersToo: true)
    }
}
