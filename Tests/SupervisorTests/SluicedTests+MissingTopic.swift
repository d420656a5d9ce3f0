import Foundation
import Testing

@testable import Supervisor

extension SluicedTests {
    /// The success topic missing (every metadata answer says UNKNOWN_TOPIC_OR_PART) while
    /// 300 messages wait for it: one log line for the run, not one per message per retry;
    /// once the topic is there, every message goes through once. Before, 300 messages
    /// logged 3,348 lines in 45 s ("cannot enqueue to …: Local: Unknown topic").
    @Test func missingOutputTopicLogsOnce() async throws {
        let cluster = try TestCluster()
        let sent = (0..<300).map { index in
            TestMessage(
                id: "m\(index)", key: Array("k\(index % 7)".utf8), value: Array("v \(index)".utf8), headers: [("route", Array("success".utf8))],
                partition: Int32(index % 4))
        }
        try cluster.produce(sent)
        cluster.cluster.setTopicError(cluster.success, .unknownTopicOrPartition)
        // librdkafka waits topic.metadata.propagation.max.ms (30 s) for a missing topic to
        // appear before it fails the writes.
        let sluiced = try SluicedProcess(
            cluster: cluster, arguments: ["--workers", "2", "-X", "topic.metadata.propagation.max.ms=1000"],
            plugin: SluicedProcess.pythonPlugin("route_plugin.py"))
        defer { sluiced.killIfRunning() }
        #expect(try await sluiced.waitForLog("Unknown topic"))
        try await Task.sleep(for: .seconds(10))
        let failureLines = sluiced.output.split(separator: "\n").filter { $0.contains("Unknown topic") }
        #expect(failureLines.count == 1, "\(failureLines.count) lines:\n\(failureLines.prefix(5).joined(separator: "\n"))")
        cluster.cluster.setTopicError(cluster.success, nil)
        let outputs = try cluster.collectOutputs(expected: sent.count)
        Accounting(outputs).expectExactlyOnce(sent, cluster: cluster)
        #expect(try await sluiced.waitForLog("go through again"))
        sluiced.signal(SIGTERM)
        #expect(try await sluiced.waitForExit() == 0)
    }
}
