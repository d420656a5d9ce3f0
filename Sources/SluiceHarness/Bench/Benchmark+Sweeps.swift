import Foundation

extension Benchmark {
    /// The sweeps, in the order they run: how sluiced's rate follows the message size, the
    /// keys (per-key order), the partitions and the pool size, beside the relay's where it
    /// has one. Each point's backlog fits the mock broker's retention (5 MiB a partition).
    var sweeps: [BenchSweep] {
        let echo = ["\(options.binDirectory)/echo-plugin"]
        let relay = BenchCase(name: "raw relay", commands: [[relayExecutable, "relay"]])
        let sluiced = BenchCase(name: "sluiced + echo, 2 workers", commands: [daemonCommand(workers: 2, plugin: echo)])
        let base = options.sweepMessages
        /// A demo measurement takes up to about 110 bytes.
        func retained(_ partitions: Int32) -> Int { min(base, BenchBacklog.mostRetained(partitions: partitions, valueBytes: 110)) }
        /// A slow plugin's sweep, with as many messages per worker at each point (so every
        /// point runs about as long) and one request in flight per worker: the Swift kit answers
        /// what it read only once it has handled all of it, so with more in flight the
        /// outputs would come in bursts too coarse to time on a short backlog.
        func workers(_ title: String, slug: String, messagesPerWorker: Int, plugin: [String], counts: [Int]) -> BenchSweep {
            let series = "sluiced --max-in-flight 1 + " + plugin.map { URL(fileURLWithPath: $0).lastPathComponent }.joined(separator: " ")
            return BenchSweep(
                title: title, slug: slug, axis: "workers",
                points: counts.map { count in
                    BenchSweep.Point(
                        label: String(count), x: Double(count),
                        backlog: BenchBacklog(messages: messagesPerWorker * count, partitions: 32, keys: 1_000),
                        cases: [
                            BenchCase(
                                name: series, commands: [daemonCommand(workers: count, plugin: plugin, settings: ["--max-in-flight", "1"])])
                        ])
                })
        }
        return [
            BenchSweep(
                title: "Message size (64 partitions, 1,000 keys)", slug: "message-size", axis: "value bytes", reference: relay.name,
                logarithmicRates: true,
                points: [100, 1_000, 10_000, 100_000, 1_000_000].map { bytes in
                    let messages = min(base, BenchBacklog.mostRetained(partitions: 64, valueBytes: bytes))
                    return BenchSweep.Point(
                        label: bytes.formatted, x: Double(bytes),
                        backlog: BenchBacklog(messages: messages, partitions: 64, keys: 1_000, valueBytes: bytes), cases: [relay, sluiced])
                }),
            BenchSweep(
                title: "Distinct keys (64 partitions)", slug: "keys", axis: "distinct keys", reference: relay.name,
                logarithmicRates: true,
                points: [1, 16, 1_000, 100_000].map { keys in
                    BenchSweep.Point(
                        label: keys.formatted, x: Double(keys),
                        backlog: BenchBacklog(messages: retained(Int32(min(keys, 64))), partitions: 64, keys: keys), cases: [relay, sluiced])
                }),
            BenchSweep(
                title: "Partitions (1,000 keys)", slug: "partitions", axis: "partitions", reference: relay.name,
                points: [1, 8, 64].map { partitions in
                    BenchSweep.Point(
                        label: String(partitions), x: Double(partitions),
                        backlog: BenchBacklog(messages: retained(Int32(partitions)), partitions: Int32(partitions), keys: 1_000),
                        cases: [relay, sluiced])
                }),
            workers(
                "Workers, a plugin spending 1 ms of CPU a message", slug: "workers-cpu", messagesPerWorker: options.quick ? 500 : 2_000,
                plugin: echo + ["--spin-ms", "1"], counts: [1, 2, 4, 8]),
            workers(
                "Workers, a plugin waiting 10 ms a message", slug: "workers-io", messagesPerWorker: options.quick ? 100 : 300,
                plugin: echo + ["--sleep-ms", "10"], counts: [1, 2, 4, 8]),
            BenchSweep(
                title: "Workers, the echo plugin (256 partitions, 50,000 keys)", slug: "workers-echo", axis: "workers",
                points: [1, 8, 64].map { count in
                    BenchSweep.Point(
                        label: String(count), x: Double(count),
                        backlog: BenchBacklog(messages: options.quick ? 50_000 : 200_000, partitions: 256, keys: 50_000),
                        cases: [BenchCase(name: "sluiced + echo", commands: [daemonCommand(workers: count, plugin: echo)])])
                }),
        ]
    }

    /// Measures every point of `sweep`, each row on its point's backlog.
    func measure(_ sweep: BenchSweep, progress: (String) -> Void) throws -> SweepResult {
        var result = SweepResult(sweep)
        for (pointIndex, point) in sweep.points.enumerated() {
            try preload(point.backlog, progress: progress)
            for (caseIndex, benchCase) in point.cases.enumerated() {
                progress("running: \(sweep.title): \(point.label), \(benchCase.name)")
                let row = measureThroughput(benchCase, slug: "\(sweep.slug)-\(pointIndex)-\(caseIndex)", backlog: point.backlog)
                progress("  \(row.brief)")
                result.measurements.append(
                    SweepResult.Measurement(point: point.label, x: point.x, series: benchCase.name, valueBytes: point.backlog.valueBytes, row: row))
            }
        }
        return result
    }
}
