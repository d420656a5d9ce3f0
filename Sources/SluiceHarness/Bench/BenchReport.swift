import Supervisor
import Foundation

/// The figures of one `make bench` run and the targets they are held to.
public struct BenchReport: Sendable {
    let options: Benchmark.Options
    public let machine: MachineDescription
    public var throughput: [BenchRow] = []
    public var latency: [BenchRow] = []
    public var sweeps: [SweepResult] = []
    public var duration = Duration.zero

    /// One target: what it asks, what was measured, whether it holds (nil: not measured).
    public struct Target: Sendable {
        public var goal: String
        public var measured: String
        public var met: Bool?
    }

    /// The ceiling: the mean of the relay's runs at the start and the end.
    var relayRate: Double? { meanOverRelayRuns(\.messagesPerSecond) }

    /// The relay's own CPU seconds per 100,000 messages, the mean of its runs.
    var relayCPU: Double? { meanOverRelayRuns { $0.cpuPer100k?.own } }

    /// The mean of one figure over the relay's runs that have it.
    private func meanOverRelayRuns(_ figure: (BenchRow) -> Double?) -> Double? {
        let figures = throughput.filter { $0.name.hasPrefix("raw relay") }.compactMap(figure)
        return figures.isEmpty ? nil : figures.reduce(0, +) / Double(figures.count)
    }

    /// How far the relay's two runs differ, relative to their mean: the run's own noise.
    var relayDrift: Double? {
        let rates = throughput.filter { $0.name.hasPrefix("raw relay") }.compactMap(\.messagesPerSecond)
        guard rates.count == 2, let mean = relayRate else { return nil }
        return abs(rates[0] - rates[1]) / mean
    }

    /// Why a target comparing `rows` is not judged: one of them repeated messages, so its
    /// processes redid work (their group rebalanced mid-run, say) and its figures say more
    /// about that than about the subject.
    private func repetition(among rows: [BenchRow?]) -> String? {
        guard let row = rows.compactMap({ $0 }).first(where: { ($0.outputs?.duplicates ?? 0) > 0 }) else { return nil }
        return "not measured: \(row.name) repeated \((row.outputs?.duplicates ?? 0).formatted) messages"
    }

    public var targets: [Target] {
        var targets: [Target] = []
        let echo = throughput.first { $0.name == "sluiced + echo, 2 workers" }
        let echoGoals = [
            "sluiced + echo, 2 workers: own CPU per message <= 1.5 x the raw relay's", "sluiced + echo, 2 workers: rate >= 0.9 x the raw relay's",
        ]
        if let repeated = repetition(among: [echo] + throughput.filter { $0.name.hasPrefix("raw relay") }) {
            targets += echoGoals.map { Target(goal: $0, measured: repeated, met: nil) }
        } else {
            let cpuRatio = echo?.cpuPer100k.flatMap { own in relayCPU.map { own.own / $0 } }
            let rateRatio = ratio(echo?.messagesPerSecond)
            targets.append(
                Target(goal: echoGoals[0], measured: cpuRatio.map { String(format: "%.2f x", $0) } ?? "not measured", met: cpuRatio.map { $0 <= 1.5 }))
            targets.append(
                Target(goal: echoGoals[1], measured: rateRatio.map { String(format: "%.2f x", $0) } ?? "not measured", met: rateRatio.map { $0 >= 0.9 }))
        }
        // The plain plugin (a line in, a flush per answer) against the design's default
        // batches; the plugin that reads in chunks, with the request fields it reads, against
        // the design's largest.
        for (plugin, batch) in [
            ("sluiced + validator_plain.py, 2 workers", "500"), ("sluiced + validator.py, 2 workers, --request-fields value", "10,000"),
        ] {
            let goal = "\(plugin) >= demo design, 2 processes, batches of \(batch)"
            let rows = [throughput.first { $0.name == plugin }, throughput.first { $0.name.hasPrefix("demo design: 2 x native_validator.py, batches of \(batch)") }]
            if let repeated = repetition(among: rows) {
                targets.append(Target(goal: goal, measured: repeated, met: nil))
                continue
            }
            let relative = rows[0]?.messagesPerSecond.flatMap { python in rows[1]?.messagesPerSecond.map { python / $0 } }
            targets.append(
                Target(goal: goal, measured: relative.map { String(format: "%.2f x the demo design", $0) } ?? "not measured", met: relative.map { $0 >= 1 }))
        }
        let relayP99 = latency.first { $0.name.hasPrefix("raw relay") }?.latency?.p99
        let sluicedP99 = latency.first { $0.name.hasPrefix("sluiced") }?.latency?.p99
        let added = relayP99.flatMap { relay in sluicedP99.map { $0 - relay } }
        targets.append(
            Target(
                goal: "added p99 latency at \(options.latencyRate) msg/s <= 1 ms",
                measured: added.map { String(format: "%+.2f ms", $0) } ?? "not measured", met: added.map { $0 <= 1 }))
        // Rows on a newer librdkafka than the machine's are held to the target separately;
        // the validating rows read a shorter backlog.
        let fullBacklog = throughput.filter { $0.messages == options.messages }
        let memoryRows = [
            (machine.librdkafka, fullBacklog.filter { $0.name.hasPrefix("sluiced") && !$0.name.contains("librdkafka") }),
        ] + fullBacklog.filter { $0.name.contains("librdkafka") }.map { ($0.name.components(separatedBy: "librdkafka ").last!, [$0]) }
        for (version, rows) in memoryRows {
            let peak = rows.compactMap(\.peakResidentBytes).max()
            targets.append(
                Target(
                    goal: "sluiced peak RSS <= 64 MiB with a \(options.messages.formatted)-message backlog, librdkafka \(version)",
                    measured: peak.map { "\(mebibytes($0)) MiB" } ?? "not measured", met: peak.map { $0 <= 64 << 20 }))
        }
        return targets
    }

    /// Whether every row ran and lost nothing. Targets are reported, not enforced: a
    /// missed one is a finding, not a broken run.
    public var isComplete: Bool {
        (throughput + latency + sweeps.flatMap { $0.measurements.map(\.row) }).allSatisfy { $0.failure == nil && ($0.outputs?.missing ?? 0) == 0 && ($0.latency?.missing ?? 0) == 0 }
    }

    func ratio(_ rate: Double?) -> Double? {
        guard let rate, let relayRate, relayRate > 0 else { return nil }
        return rate / relayRate
    }

    func mebibytes(_ bytes: Int) -> String {
        String(format: "%.1f", Double(bytes) / 1_048_576)
    }
}

extension Int {
    /// With thousands separators: 1,000,000.
    var formatted: String {
        let digits = String(self)
        return digits.enumerated().map { index, digit in
            index > 0 && (digits.count - index) % 3 == 0 ? ",\(digit)" : "\(digit)"
        }.joined()
    }
}
