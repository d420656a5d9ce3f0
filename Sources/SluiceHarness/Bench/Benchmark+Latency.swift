import Foundation
import SluiceControl
import Supervisor

extension Benchmark {
    /// The latency rows: the relay and sluiced + echo with two workers, each offered
    /// `latencyRate` messages a second on a topic of its own. Both consumers wait at most 5 ms for
    /// data (`fetch.wait.max.ms`): a real broker answers a fetch as soon as data arrives, the
    /// mock only when the wait (500 ms by default) is over.
    var latencyCases: [BenchCase] {
        [
            BenchCase(
                name: "raw relay", commands: [[relayExecutable, "relay", "--consumer-property", "fetch.wait.max.ms=5"]]),
            BenchCase(
                name: "sluiced + echo, 2 workers",
                commands: [daemonCommand(workers: 2, plugin: ["\(options.binDirectory)/echo-plugin"], config: latencyConfig)]),
        ]
    }

    /// sluiced's config file for the latency rows, written by `measureLatency`.
    private var latencyConfig: String { "\(options.logDirectory)/latency.toml" }

    /// Offers a steady rate and times each message from produce to its arrival on the output.
    func measureLatency(_ benchCase: BenchCase, slug: String) -> BenchRow {
        var row = BenchRow(name: "\(benchCase.name) at \(options.latencyRate) msg/s")
        let input = "bench-\(slug)-input"
        let variables = environment(for: slug, input: input)
        do {
            try Data("[kafka.consumer]\n\"fetch.wait.max.ms\" = 5\n".utf8).write(to: URL(fileURLWithPath: latencyConfig))
            try cluster.createTopics(
                [input] + ["SUCCESS_TOPIC", "TRANSIENT_FAILURE_TOPIC", "PERMANENT_FAILURE_TOPIC"].map { variables[$0]! },
                partitions: 8)
            let probe = try LatencyProbe(cluster: cluster, outputTopic: variables["SUCCESS_TOPIC"]!, partitions: 8)
            let subject = try SpawnedProcesses(
                commands: benchCase.commands, environment: variables, logPath: "\(options.logDirectory)/\(slug).log")
            let (latencies, missing) = probe.measure(
                topic: input, rate: options.latencyRate, warmup: options.latencyWarmup, duration: options.latencyDuration)
            let usage = subject.usage()
            let stoppedCleanly = subject.stop()
            guard latencies.totalCount > 0 else {
                row.failure = "no message arrived; see \(subject.logPath)"
                return row
            }
            let figures = LatencyReport.Percentiles(latencies)
            row.latency = (figures.p50, figures.p99, figures.p999, figures.max, missing)
            row.peakResidentBytes = usage.peakResidentBytes
            if !stoppedCleanly { row.failure = "did not stop cleanly; see \(subject.logPath)" }
        } catch {
            row.failure = "\(error)"
        }
        return row
    }
}
