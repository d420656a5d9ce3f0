import Foundation
import Testing

@testable import Supervisor

extension SluicedTests {
    /// Protocol `kafka-native`: the original demo's style of plugin (confluent-kafka, its own
    /// consumer and producer in the group) supervised by sluiced: scaled up, restarted one
    /// at a time with SIGTERM, and every message still reaches its topic. Kafka shows the
    /// restart came mid-stream: outputs were there before the command, and the output end
    /// offsets read after it fall short of what was sent. Repeats (the instances commit
    /// for themselves) lie at or above the group's committed offsets, read from the broker,
    /// at the rebalance that caused them: the first joins, the scale, each restart.
    @Test func kafkaNativeInstancesScaleAndRestartLosingNothing() async throws {
        let cluster = try TestCluster()
        let cases: [(String, String)] = [
            (#"{"sensor_id":"s1","type":"temperature","value":21.5,"unit":"C"}"#, "success"),
            (#"{"sensor_id":"s2","type":"humidity","value":140,"unit":"%"}"#, "permanent"), ("not json", "permanent"),
        ]
        // A flush and a commit per message (BATCH_SIZE 1) and a large input: the stream
        // outlasts the reads of Kafka around the restart command by a wide margin.
        let sent = (0..<30000).map { index in
            TestMessage(
                id: "native\(index)", key: Array("s\(index % 7)".utf8), value: Array(cases[index % 3].0.utf8),
                headers: [("route", Array(cases[index % 3].1.utf8))])
        }
        try cluster.produce(sent)
        let socket = try controlSocketPath()
        let sluiced = try SluicedProcess(
            cluster: cluster, arguments: ["--protocol", "kafka-native", "--workers", "2", "--control-socket", socket],
            plugin: ["python3", "\(SluicedProcess.repositoryRoot)/examples/plugins/native_validator.py"],
            pluginEnvironment: ["SESSION_TIMEOUT_MS": "6000", "HEARTBEAT_INTERVAL_MS": "500", "TRANSIENT_RATE": "0", "BATCH_SIZE": "1"])
        defer { sluiced.killIfRunning() }
        #expect(try await sluiced.waitForLog("consuming \(cluster.input)"))
        func committed() throws -> [Int64] {
            try cluster.reader.committed(group: cluster.group, topic: cluster.input, partitions: cluster.inputPartitions)
        }
        // Nothing is committed when the two instances first join: their rebalance may
        // repeat any message once.
        let atJoin = Array(repeating: Int64(-1), count: Int(cluster.inputPartitions))
        let atScale = try committed()
        #expect(try sluicectl(["scale", "3", "--socket", socket]).status == 0)
        #expect(try await waitForStatus(socket) { $0.workers.count == 3 && $0.workers.allSatisfy { $0.state == "running" } } != nil)
        #expect(try await cluster.waitForOutputs(atLeast: 1) >= 1, "outputs in Kafka")
        let atRestart = try committed()
        #expect(try sluicectl(["restart", "--socket", socket]).status == 0)
        let writtenAtRestart = try cluster.outputsWritten()
        #expect(writtenAtRestart < Int64(sent.count), "the restart began mid-stream: \(writtenAtRestart) outputs of \(sent.count)")
        let restarted = try await waitForStatus(socket, timeout: .seconds(90)) { status in
            status.workers.allSatisfy { $0.restarts == 1 && $0.state == "running" }
        }
        #expect(restarted?.workers.allSatisfy { $0.restarts == 1 } == true, "\(String(describing: restarted?.workers))")
        #expect(sluiced.output.contains("stopped cleanly"), "instances stop on SIGTERM")
        let accounting = Accounting(try cluster.collectOutputs(covering: sent))
        #expect(accounting.missing(sent).isEmpty, "\(accounting.missing(sent).prefix(5))")
        for message in sent {
            let topics = Set((accounting.byID[message.id] ?? []).map(\.topic))
            #expect(topics == [message.route == "success" ? cluster.success : cluster.permanent], "\(message.id): \(topics)")
        }
        accounting.expectKeyOrder(sent)
        // Each of the three instances restarted one at a time: its rebalance can repeat
        // only what is above the offsets committed when the restart began.
        try KafkaAccounting(reading: cluster).expectRepeatsBounded(by: [atJoin, atScale, atRestart, atRestart, atRestart])
        sluiced.signal(SIGTERM)
        #expect(try await sluiced.waitForExit() == 0)
    }
}
