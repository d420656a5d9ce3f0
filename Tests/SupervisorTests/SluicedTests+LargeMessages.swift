import Foundation
import Testing

@testable import Supervisor

/// A message of `large` bytes (routed `route`) and `small` short ones after it, all with
/// one key in partition 0: what follows the large one waits for it.
func largeThenSmall(large: Int, route: String, small: Int) -> [TestMessage] {
    [TestMessage(id: "large", key: Array("k".utf8), value: [UInt8](repeating: UInt8(ascii: "x"), count: large), headers: [("route", Array(route.utf8))], partition: 0)]
        + (0..<small).map { index in
            TestMessage(id: "after\(index)", key: Array("k".utf8), value: Array("v \(index)".utf8), headers: [("route", Array("success".utf8))], partition: 0)
        }
}

extension SluicedTests {
    /// A message near a broker's default limit (1,040,000 bytes, as a Java producer may
    /// write) goes through like any other, and its partition goes on. Before, librdkafka's
    /// producer limit (1,000,000) refused its output and its dead letter, and the
    /// partition's commit froze while it was retried forever.
    @Test func messageNearTheBrokerLimitGoesThrough() async throws {
        let cluster = try TestCluster()
        let sent = largeThenSmall(large: 1_040_000, route: "success", small: 50)
        let large = sent[0]
        try cluster.produce(sent)
        let sluiced = try SluicedProcess(cluster: cluster, plugin: ["\(ProcessEnvironment.executableDirectory)/echo-plugin"])
        defer { sluiced.killIfRunning() }
        let outputs = try cluster.collectOutputs(expected: sent.count)
        Accounting(outputs).expectExactlyOnce(sent, cluster: cluster)
        #expect(outputs.first { $0.id == large.id }?.value == large.value, "the value whole")
        sluiced.signal(SIGTERM)
        #expect(try await sluiced.waitForExit() == 0)
    }

    /// An output the broker refuses as too large is dead-lettered, and a dead letter it
    /// refuses too goes without its value (key and headers kept, `sluice.value.removed`
    /// says how many bytes it had) instead of wedging its partition; here the producer's
    /// limit is lowered to 200,000 bytes. Before, the dead letter was retried every 5 s
    /// forever and nothing after it in the partition was ever committed.
    @Test func deadLetterTooLargeGoesWithoutItsValue() async throws {
        let cluster = try TestCluster()
        let sent = largeThenSmall(large: 300_000, route: "permanent", small: 20)
        try cluster.produce(sent)
        let directory = try makeTemporaryDirectory("sluice-large")
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let config = "\(directory)/sluice.toml"
        try "[kafka.producer]\n\"message.max.bytes\" = 200000\n".write(toFile: config, atomically: true, encoding: .utf8)
        let sluiced = try SluicedProcess(
            cluster: cluster, arguments: ["--config", config], plugin: ["\(ProcessEnvironment.executableDirectory)/echo-plugin"])
        defer { sluiced.killIfRunning() }
        let outputs = try cluster.collectOutputs(expected: sent.count)
        Accounting(outputs).expectExactlyOnce(sent, cluster: cluster)
        let deadLetter = outputs.first { $0.id == sent[0].id }
        #expect(deadLetter?.value == nil && deadLetter?.key == Array("k".utf8))
        #expect(deadLetter?.header("sluice.value.removed") == "300000")
        #expect(deadLetter?.header("sluice.source") == "unproducible")
        #expect(deadLetter?.header("sluice.reason")?.contains("left out") == true, "\(String(describing: deadLetter?.header("sluice.reason")))")
        sluiced.signal(SIGTERM)
        #expect(try await sluiced.waitForExit() == 0)
        #expect(sluiced.output.contains("stopping: finishing 0 messages"), "nothing held: the partition went on")
    }
}

extension SluicedTests {
    /// Held messages are bounded in bytes too (`--max-buffered-bytes`): with 30 KB values
    /// and a 1 MiB budget, sluiced holds at most 35 of them at a time, however many wait in
    /// the input. Before, only the count bounded it (10,000 × 1 MB is 10 GB): a slow
    /// plugin with 2,500 waiting values of 200 KB had sluiced hold 520 MiB.
    @Test func heldMessagesAreBoundedInBytes() async throws {
        let cluster = try TestCluster()
        // Spread over the partitions: the mock cluster keeps at most 5 MiB per partition.
        let sent = (0..<160).map { index in
            TestMessage(
                id: "bulk\(index)", key: nil, value: [UInt8](repeating: UInt8(ascii: "a") + UInt8(index % 26), count: 30_000),
                headers: [("route", Array("success".utf8))], partition: Int32(index % 4))
        }
        try cluster.produce(sent)
        let sluiced = try SluicedProcess(
            cluster: cluster, arguments: ["--workers", "1", "--max-buffered-bytes", "\(1 << 20)"], plugin: SluicedProcess.pythonPlugin("route_plugin.py"),
            pluginEnvironment: ["DELAY_MS": "50"])
        defer { sluiced.killIfRunning() }
        let outputs = try cluster.collectOutputs(expected: sent.count, timeout: .seconds(120))
        Accounting(outputs).expectExactlyOnce(sent, cluster: cluster)
        let held = sluiced.figures("in_flight", inLinesContaining: "msg=status ")
        #expect(held.count >= 3, "status lines while it ran: \(held)")
        // It stops taking messages once it holds 1 MiB: 35 values of 30,000 bytes.
        #expect(held.allSatisfy { $0 <= 35 }, "held at most 1 MiB of 30 KB values: \(held)")
        sluiced.signal(SIGTERM)
        #expect(try await sluiced.waitForExit() == 0)
    }

    /// Failures the retrier holds for a long delay are bounded apart from the input: with
    /// 60 held for ten minutes and `--max-buffered 50`, new input is still processed.
    /// Before, held retries counted against the input's limit, and the input stopped.
    @Test func heldRetriesDoNotStopTheInput() async throws {
        let cluster = try TestCluster()
        let held = (0..<60).map { index in
            TestMessage(
                id: "wait\(index)", key: nil, value: Array("v \(index)".utf8),
                headers: [("route", Array("transient".utf8)), ("retry-after", Array("600000".utf8))])
        }
        try cluster.produce(held)
        let sluiced = try SluicedProcess(
            cluster: cluster, arguments: ["--workers", "1", "--max-in-flight", "8", "--max-buffered", "50"],
            plugin: SluicedProcess.pythonPlugin("route_plugin.py"), retrier: true)
        defer { sluiced.killIfRunning() }
        #expect(try await cluster.waitForOutputs(atLeast: Int64(held.count)) >= Int64(held.count), "the held failures are in Kafka")
        let later = simpleMessages(100, prefix: "later", routes: ["success"])
        try cluster.produce(later)
        let sent = held + later
        let outputs = try cluster.collectOutputs(expected: sent.count, timeout: .seconds(60))
        Accounting(outputs).expectExactlyOnce(sent, cluster: cluster)
        sluiced.signal(SIGTERM)
        #expect(try await sluiced.waitForExit() == 0)
    }
}
