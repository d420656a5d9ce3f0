import Foundation
import SluiceControl
import Testing

@testable import Supervisor

extension SluicedTests {
    /// `sluicectl stats` and `top` report what happened: verdict counts, retries, latency
    /// percentiles of every answer, and no lag once everything is done; the text forms show
    /// the same, `top` prints plain frames when stdout is not a terminal.
    @Test func statsAndTopReportTheRun() async throws {
        let cluster = try TestCluster()
        let sent = simpleMessages(200, prefix: "stats-ok", routes: ["success"]) + retryMessages(20, prefix: "stats-retry", route: "transient-until-2")
            + retryMessages(10, prefix: "stats-dead", route: "permanent")
        try cluster.produce(sent)
        let socket = try controlSocketPath()
        let sluiced = try SluicedProcess(
            cluster: cluster, arguments: ["--control-socket", socket, "--retry-delay", "0.2"],
            plugin: SluicedProcess.pythonPlugin("route_plugin.py"), retrier: true)
        defer { sluiced.killIfRunning() }
        // 220 successes, 20 trips through the transient topic, 10 dead letters.
        let outputs = try cluster.collectOutputs(expected: 250)
        let finals = Dictionary(grouping: outputs.filter { $0.topic != cluster.transient }, by: { $0.id ?? "" })
        for message in sent {
            #expect(finals[message.id]?.count == 1, "\(message.id): one final verdict")
        }
        let status = try await waitForStatus(socket) { $0.statistics.delivered == 250 && $0.statistics.retried == 20 }
        #expect(status?.lag == 0)

        let result = try sluicectl(["stats", "--socket", socket, "--json"])
        let stats = try #require(try JSONDecoder().decode(ControlResponse.self, from: Data(result.output.utf8)).stats)
        #expect(stats.statistics.success == 220 && stats.statistics.transient == 20 && stats.statistics.permanent == 10)
        #expect(stats.retries == RetryReport(scheduled: 20, retried: 20, exhausted: 0, waiting: 0))
        let plugin = try #require(stats.latencies.first { $0.name == "plugin" })
        let processing = try #require(stats.latencies.first { $0.name == "processing" })
        #expect(plugin.sinceStart.count == 250, "one plugin latency per answer (230 first tries + 20 retries)")
        #expect(processing.sinceStart.count == 250 && processing.lastMinute.count == 250)
        for figures in [plugin.sinceStart, processing.sinceStart] {
            #expect(0 < figures.p50 && figures.p50 <= figures.p99 && figures.p99 <= figures.max, "\(figures)")
        }
        #expect(processing.sinceStart.p50 >= plugin.sinceStart.p50, "processing includes the plugin's time")
        let input = stats.partitions.filter { !$0.isRetry }
        #expect(input.count == 4 && input.allSatisfy { $0.lag == 0 && $0.held == 0 }, "\(input)")
        #expect(input.reduce(0) { $0 + ($1.highWatermark ?? 0) } == 250, "input ends: 230 sent + 20 republished")
        #expect(stats.partitions.contains { $0.isRetry && $0.topic == cluster.transient })
        #expect(stats.totalLag == 0 && stats.rates.map(\.windowSeconds) == [1, 10, 60])

        let text = try sluicectl(["stats", "--socket", socket])
        #expect(text.status == 0, "\(text)")
        for expected in ["verdicts: success 220  transient 20  permanent 10", "retries: scheduled 20  retried 20  exhausted 0",
                         "LATENCY (ms)", "plugin", "processing", "TOPIC", "total lag: 0"] {
            #expect(text.output.contains(expected), "stats output lacks \(expected): \(text.output)")
        }

        let top = try sluicectl(["top", "-n", "2", "--interval", "0.2", "--socket", socket])
        #expect(top.status == 0 && top.output.components(separatedBy: "--- ").count == 3, "two frames: \(top.output)")
        #expect(top.output.contains("ID  PID") && top.output.contains("LATENCY (ms)") && !top.output.contains("\u{1B}["))
        let topJSON = try sluicectl(["top", "-n", "1", "--json", "--socket", socket])
        let frame = try JSONDecoder().decode(ControlResponse.self, from: Data(topJSON.output.utf8))
        #expect(frame.status?.workers.count == 2 && frame.stats?.statistics.delivered == 250)
        #expect(try sluicectl(["top", "-n", "0", "--socket", socket]).status == 64, "bad usage")
        sluiced.signal(SIGTERM)
        #expect(try await sluiced.waitForExit() == 0)
    }
}
