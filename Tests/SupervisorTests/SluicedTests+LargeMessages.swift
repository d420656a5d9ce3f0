import Foundation
import Testing

@testable import SluiceHarness
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
    /// Held messages are bounded in bytes too (`--max-buffered-bytes`), as the kernel sees
    /// sluiced's memory: with its plugin stopped (SIGSTOP) while 48 MB of 32 KB values
    /// wait in the input, sluiced with a 1 MiB budget peaks (VmHWM) less than 16 MiB above
    /// what it had before the input came. The message count is no limit here, and
    /// librdkafka's own prefetch is cut to a 2 MiB queue and 1 MiB fetches, so sluiced's
    /// holding is what shows. Measured: 6 to 8 MiB above idle with the 1 MiB budget (the
    /// budget, librdkafka's queue and fetch, the copies on their way to the plugin); 51
    /// MiB with a budget larger than the input, which sluiced then took whole. The plugin
    /// answers each with a short output of its own (fanout_plugin.py, `fanout: 1`), so the
    /// outputs fit the mock cluster's 5 MiB a partition, as the 16 input partitions do.
    @Test func heldMessagesAreBoundedInBytes() async throws {
        let cluster = try TestCluster(inputPartitions: 16)
        let sent = (0..<1536).map { index in
            TestMessage(
                id: "bulk\(index)", key: Array("bulk\(index)".utf8),
                value: [UInt8](repeating: UInt8(ascii: "a") + UInt8(index % 26), count: 32_000), headers: [("fanout", Array("1".utf8))],
                partition: Int32(index % 16))
        }
        let sluiced = try SluicedProcess(
            cluster: cluster,
            arguments: [
                "--workers", "1", "--max-buffered", "1000000", "--max-buffered-bytes", "\(1 << 20)",
                "-X", "queued.max.messages.kbytes=2048", "-X", "fetch.max.bytes=1048576", "-X", "max.partition.fetch.bytes=262144",
            ],
            plugin: SluicedProcess.pythonPlugin("fanout_plugin.py"))
        defer { sluiced.killIfRunning() }
        #expect(try await sluiced.waitForLog("partitions assigned"))
        let worker = try #require(sluiced.workerPIDs.first)
        #expect(kill(worker, SIGSTOP) == 0)
        let idle = ProcessUsage.sample(sluiced.pid).peakResidentBytes
        try cluster.produce(sent)
        // Time to take what it may while nothing is answered: without the budget, all of it.
        try await Task.sleep(for: .seconds(6))
        #expect(try cluster.outputsWritten() == 0, "the stopped plugin answered nothing")
        kill(worker, SIGCONT)
        let accounting = Accounting(try cluster.collectOutputs(expected: sent.count, timeout: .seconds(120)))
        let expected = Set(sent.map { "\($0.id)/0" })
        #expect(Set(accounting.byID.keys) == expected, "missing: \(expected.subtracting(accounting.byID.keys).sorted().prefix(10))")
        #expect(accounting.duplicated.isEmpty, "duplicated: \(accounting.duplicated.prefix(10))")
        let growth = ProcessUsage.sample(sluiced.pid).peakResidentBytes - idle
        #expect(growth < 16 << 20, "peak resident memory \(growth >> 10) KiB above idle, for a 1 MiB budget")
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
