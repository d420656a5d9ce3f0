import Foundation
import Testing

@testable import Supervisor

extension SluicedTests {
    /// Outputs with one key are written in input order even when the producer's queue is
    /// full and enqueues are deferred (a producer queue of 2 messages): a key is released
    /// only once its message's output is enqueued. Before, the key was released at the
    /// verdict, so the next message with the key was written ahead of one whose enqueue
    /// had been deferred by a second.
    @Test func deferredEnqueueKeepsPerKeyOrder() async throws {
        let cluster = try TestCluster()
        let sent = (0..<1500).map { index in
            TestMessage(
                id: "order\(index)", key: Array("key-\(index % 12)".utf8), value: Array("payload \(index)".utf8),
                headers: [("route", Array("success".utf8))])
        }
        try cluster.produce(sent)
        let directory = try makeTemporaryDirectory("sluice-order")
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let config = "\(directory)/sluice.toml"
        try """
            [kafka.producer]
            "queue.buffering.max.messages" = 2
            "linger.ms" = 20
            """.write(toFile: config, atomically: true, encoding: .utf8)
        let sluiced = try SluicedProcess(
            cluster: cluster, arguments: ["--config", config, "--workers", "4"], plugin: SluicedProcess.pythonPlugin("route_plugin.py"))
        defer { sluiced.killIfRunning() }
        let outputs = try cluster.collectOutputs(expected: sent.count, timeout: .seconds(120))
        Accounting(outputs).expectExactlyOnce(sent, cluster: cluster)
        let index = Dictionary(uniqueKeysWithValues: sent.enumerated().map { ($0.element.id, $0.offset) })
        let byKey = Dictionary(grouping: outputs, by: { $0.key.map { String(decoding: $0, as: UTF8.self) } ?? "" })
        var outOfOrder: [String] = []
        for (key, written) in byKey {
            let order = written.sorted { ($0.partition, $0.offset) < ($1.partition, $1.offset) }.compactMap { index[$0.id ?? ""] }
            if order != order.sorted() { outOfOrder.append(key) }
        }
        #expect(outOfOrder.isEmpty, "keys written out of input order: \(outOfOrder.sorted())")
        sluiced.signal(SIGTERM)
        #expect(try await sluiced.waitForExit() == 0)
    }
}

extension SluicedTests {
    /// Outputs with one key are written in input order when their topic is refused for a
    /// while (unknown to the broker) and comes back while answers still arrive: a key is
    /// released only once its message's output is enqueued, so the next message with the
    /// key cannot be written ahead of one whose enqueue waits for its retry.
    @Test func refusedEnqueueKeepsPerKeyOrder() async throws {
        let cluster = try TestCluster()
        let sent = (0..<800).map { index in
            TestMessage(
                id: "refused\(index)", key: Array("key-\(index % 4)".utf8), value: Array("payload \(index)".utf8),
                headers: [("route", Array("success".utf8))])
        }
        try cluster.produce(sent)
        cluster.cluster.setTopicError(cluster.success, .unknownTopicOrPartition)
        let sluiced = try SluicedProcess(
            cluster: cluster, arguments: ["--workers", "4", "-X", "topic.metadata.propagation.max.ms=1000"],
            plugin: SluicedProcess.pythonPlugin("route_plugin.py"), pluginEnvironment: ["DELAY_MS": "20"])
        defer { sluiced.killIfRunning() }
        // Back as soon as the first writes failed: they wait a second for their retry,
        // while newer answers of their keys arrive.
        #expect(try await sluiced.waitForLog("Unknown topic"))
        #expect(try cluster.outputsWritten() == 0, "the topic was refused")
        cluster.cluster.setTopicError(cluster.success, nil)
        Accounting(try cluster.collectOutputs(expected: sent.count, timeout: .seconds(120))).expectExactlyOnce(sent, cluster: cluster)
        sluiced.signal(SIGTERM)
        #expect(try await sluiced.waitForExit() == 0)
    }
}
