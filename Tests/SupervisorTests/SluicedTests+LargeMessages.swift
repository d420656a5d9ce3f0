import Foundation
import Testing

@testable import Supervisor

extension SluicedTests {
    /// A message near a broker's default limit (1,040,000 bytes, as a Java producer may
    /// write) goes through like any other, and its partition goes on. Before, librdkafka's
    /// producer limit (1,000,000) refused its output and its dead letter, and the
    /// partition's commit froze while it was retried forever.
    @Test func messageNearTheBrokerLimitGoesThrough() async throws {
        let cluster = try TestCluster()
        let large = TestMessage(
            id: "large", key: Array("k".utf8), value: [UInt8](repeating: UInt8(ascii: "x"), count: 1_040_000),
            headers: [("route", Array("success".utf8))], partition: 0)
        let small = (0..<50).map { index in
            TestMessage(id: "after\(index)", key: Array("k".utf8), value: Array("v \(index)".utf8), headers: [("route", Array("success".utf8))], partition: 0)
        }
        let sent = [large] + small
        try cluster.produce(sent)
        let sluiced = try SluicedProcess(cluster: cluster, plugin: ["\(ProcessEnvironment.executableDirectory)/echo-plugin"])
        defer { sluiced.killIfRunning() }
        let outputs = try cluster.collectOutputs(expected: sent.count)
        Accounting(outputs).expectExactlyOnce(sent, cluster: cluster)
        #expect(outputs.first { $0.id == "large" }?.value == large.value, "the value whole")
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
        let large = TestMessage(
            id: "huge", key: Array("k".utf8), value: [UInt8](repeating: UInt8(ascii: "y"), count: 300_000),
            headers: [("route", Array("permanent".utf8))], partition: 0)
        let small = (0..<20).map { index in
            TestMessage(id: "next\(index)", key: Array("k".utf8), value: Array("v \(index)".utf8), headers: [("route", Array("success".utf8))], partition: 0)
        }
        let sent = [large] + small
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
        let deadLetter = outputs.first { $0.id == "huge" }
        #expect(deadLetter?.value == nil && deadLetter?.key == Array("k".utf8))
        #expect(deadLetter?.header("sluice.value.removed") == "300000")
        #expect(deadLetter?.header("sluice.source") == "unproducible")
        #expect(deadLetter?.header("sluice.reason")?.contains("left out") == true, "\(String(describing: deadLetter?.header("sluice.reason")))")
        sluiced.signal(SIGTERM)
        #expect(try await sluiced.waitForExit() == 0)
        #expect(sluiced.output.contains("stopping: finishing 0 messages"), "nothing held: the partition went on")
    }
}
