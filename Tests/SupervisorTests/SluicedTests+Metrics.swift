import Foundation
import SluiceControl
import Testing

@testable import Supervisor

extension SluicedTests {
    /// /metrics scraped while messages flow: the counters end at the counted messages, the
    /// latency histograms count every verdict and every answer, dead letters by source,
    /// workers and lag per partition are there, with the process's own figures and the
    /// build; every family has its `# HELP`; /healthz and /readyz answer.
    @Test func metricsMatchTheCountedMessages() async throws {
        let cluster = try TestCluster()
        let sent = simpleMessages(600, prefix: "metrics")
        try cluster.produce(sent)
        let sluiced = try SluicedProcess(
            cluster: cluster, arguments: ["--metrics-address", "127.0.0.1:0"], plugin: SluicedProcess.pythonPlugin("route_plugin.py"),
            pluginEnvironment: ["DELAY_MS": "1"])
        defer { sluiced.killIfRunning() }
        let port = try #require(try await sluiced.metricsPort())
        let during = try httpGet(port: port, path: "/metrics")
        #expect(during.status == 200 && during.body.contains("# TYPE sluice_messages_consumed_total counter"), "\(during)")

        Accounting(try cluster.collectOutputs(expected: sent.count)).expectExactlyOnce(sent, cluster: cluster)
        var exposition = ""
        let deadline = ContinuousClock.now + .seconds(10)
        while ContinuousClock.now < deadline {  // updated once a second
            exposition = try httpGet(port: port, path: "/metrics").body
            if prometheusValue(exposition, "sluice_processing_seconds_count") == 600 { break }
            try await Task.sleep(for: .milliseconds(200))
        }
        let perRoute = Double(sent.count / 3)
        #expect(prometheusValue(exposition, "sluice_messages_consumed_total") == 600, "\(exposition)")
        #expect(prometheusValue(exposition, #"sluice_verdicts_total{verdict="success"}"#) == perRoute)
        #expect(prometheusValue(exposition, #"sluice_verdicts_total{verdict="transient"}"#) == perRoute)
        #expect(prometheusValue(exposition, #"sluice_verdicts_total{verdict="permanent"}"#) == perRoute)
        #expect(prometheusValue(exposition, "sluice_retries_scheduled_total") == perRoute)
        #expect(prometheusValue(exposition, "sluice_processing_seconds_count") == 600)
        #expect(prometheusValue(exposition, "sluice_plugin_seconds_count") == 600, "one answer per message")
        #expect(prometheusValue(exposition, #"sluice_dead_letters_total{source="plugin"}"#) == perRoute)
        #expect(prometheusValue(exposition, #"sluice_dead_letters_total{source="crash"}"#) == 0)
        #expect(prometheusValue(exposition, "sluice_retries_waiting") == 0, "the retrier is off: nothing held")
        #expect(prometheusValue(exposition, #"sluice_build_info{version="\#(SluiceVersion.current)"}"#) == 1)
        #expect((prometheusValue(exposition, "process_cpu_seconds_total") ?? 0) > 0)
        #expect((prometheusValue(exposition, "process_resident_memory_bytes") ?? 0) > 1_000_000)
        #expect((prometheusValue(exposition, "process_open_fds") ?? 0) > 3)
        let lines = exposition.split(separator: "\n")
        for (index, line) in lines.enumerated() where line.hasPrefix("# TYPE ") {
            let family = line.dropFirst(7).prefix { $0 != " " }
            #expect(index > 0 && lines[index - 1].hasPrefix("# HELP \(family) "), "\(family) has # HELP")
        }
        #expect(prometheusValue(exposition, #"sluice_workers{state="running"}"#) == 2)
        #expect(prometheusValue(exposition, "sluice_in_flight_messages") == 0)
        for partition in 0..<4 {
            #expect(prometheusValue(exposition, #"sluice_consumer_lag_messages{topic="\#(cluster.input)",partition="\#(partition)"}"#) == 0)
        }
        #expect(try httpGet(port: port, path: "/healthz").status == 200)
        // Ready once in the group with every worker up for plugin.start_seconds, checked once
        // a second: the messages can all be done before that.
        var ready = try httpGet(port: port, path: "/readyz")
        let readyBy = ContinuousClock.now + .seconds(10)
        while ready.status != 200 && ContinuousClock.now < readyBy {
            try await Task.sleep(for: .milliseconds(200))
            ready = try httpGet(port: port, path: "/readyz")
        }
        #expect(ready.status == 200 && ready.body == "ready\n", "\(ready)")
        #expect(try httpGet(port: port, path: "/other").status == 404)
        sluiced.signal(SIGTERM)
        #expect(try await sluiced.waitForExit() == 0)
    }
}
