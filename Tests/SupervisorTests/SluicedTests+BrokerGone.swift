import Foundation
import Testing

@testable import Supervisor

extension SluicedTests {
    /// SIGTERM while the broker is gone: sluiced drains for `--drain-timeout`, gives the
    /// brokers at most 30 s more, says what it left per partition, and exits non-zero
    /// because it could not commit. Nothing is lost: a sluiced started once the broker is
    /// back finishes every message. Before, it never exited: the main thread waited in
    /// `rd_kafka_destroy` for the messages it still held.
    @Test func sigtermWithTheBrokerGoneExitsWithinTheCloseTimeout() async throws {
        let cluster = try TestCluster()
        let sent = simpleMessages(600, prefix: "gone")
        try cluster.produce(sent)
        let plugin = SluicedProcess.pythonPlugin("route_plugin.py")
        let drainTimeout = 5
        let first = try SluicedProcess(
            cluster: cluster, arguments: ["--workers", "2", "--drain-timeout", "\(drainTimeout)"], plugin: plugin,
            pluginEnvironment: ["DELAY_MS": "10"])
        defer { first.killIfRunning() }
        #expect(try await cluster.waitForOutputs(atLeast: 1) >= 1, "outputs in Kafka")
        try cluster.cluster.setBroker(1, up: false)
        try await Task.sleep(for: .milliseconds(500))
        first.signal(SIGTERM)
        // A bound on a hang, not a timing goal: the drain, the close timeout, and room for
        // stopping the plugins on a loaded machine.
        let status = try await first.waitForExit(timeout: .seconds(drainTimeout) + Pipeline.closeTimeout + .seconds(20))
        #expect(status != nil, "still running: \(first.output.suffix(2000))")
        #expect(status != nil && status != 0, "a stop that could not commit is a failure")
        #expect(first.output.contains("stopped without finishing"), "\(first.output.suffix(2000))")
        #expect(first.output.contains("messages unfinished, not committed, to be redone after a restart: \(cluster.input)["))

        try cluster.cluster.setBroker(1, up: true)
        let second = try SluicedProcess(cluster: cluster, arguments: ["--workers", "2"], plugin: plugin)
        defer { second.killIfRunning() }
        let accounting = Accounting(try cluster.collectOutputs(covering: sent, timeout: .seconds(120)))
        accounting.expectNoneMissing(sent)
        second.signal(SIGTERM)
        #expect(try await second.waitForExit() == 0)
    }
}

extension SluicedTests {
    /// A partition whose commit position stands still while it holds messages (here: the
    /// broker is gone, so no output is delivered) is reported once past twice the message
    /// timeout: a log line, the status, `stats` and the metric; and the end of the stall is
    /// logged too. Before, nothing said so: the lag grew with no word.
    @Test func stalledCommitIsReported() async throws {
        let cluster = try TestCluster()
        let sent = simpleMessages(300, prefix: "stall")
        try cluster.produce(sent)
        let socket = try controlSocketPath()
        let sluiced = try SluicedProcess(
            // A session long enough that the outage stalls the partitions without losing them.
            cluster: cluster,
            arguments: ["--workers", "2", "--message-timeout", "2", "--control-socket", socket, "-X", "session.timeout.ms=60000"],
            plugin: SluicedProcess.pythonPlugin("route_plugin.py"), pluginEnvironment: ["DELAY_MS": "20"])
        defer { sluiced.killIfRunning() }
        #expect(try await cluster.waitForOutputs(atLeast: 1) >= 1, "outputs in Kafka")
        try cluster.cluster.setBroker(1, up: false)
        #expect(try await sluiced.waitForLog("commit position of \(cluster.input)[", timeout: .seconds(60)), "\(sluiced.output.suffix(1500))")
        // Checked once a second: reported once the stand-still reaches 10 s, a second or so later.
        let reported = sluiced.output.split(separator: "\n").filter { $0.contains("commit position of \(cluster.input)[") }.compactMap { line in
            line.range(of: "has not moved for ").flatMap { Int(line[$0.upperBound...].prefix { $0.isNumber }) }
        }
        #expect(!reported.isEmpty && reported.allSatisfy { $0 >= 10 }, "stalled seconds reported: \(reported)")
        let status = try statusReport(socket)
        #expect(status?.stalledPartitions?.contains { $0.hasPrefix("\(cluster.input)[") } == true, "\(String(describing: status?.stalledPartitions))")
        let stats = try sluicectl(["--socket", socket, "stats"])
        #expect(stats.status == 0 && stats.output.contains("STALLED"), "\(stats)")
        try cluster.cluster.setBroker(1, up: true)
        let accounting = Accounting(try cluster.collectOutputs(covering: sent, timeout: .seconds(120)))
        accounting.expectNoneMissing(sent)
        #expect(try await sluiced.waitForLog("moves again after"))
        #expect(try await waitForStatus(socket) { ($0.stalledPartitions ?? []).isEmpty } != nil)
        sluiced.signal(SIGTERM)
        #expect(try await sluiced.waitForExit() == 0)
    }
}
