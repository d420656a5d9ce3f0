import Foundation
import SluiceControl

/// The text form of `sluicectl stats`.
enum StatsTable {
    static func render(_ stats: StatsReport) -> String {
        let counts = stats.statistics
        let retries = stats.retries
        var lines = [
            "throughput (msg/s): "
                + stats.rates.map { "\($0.windowSeconds)s \(rate($0.consumedPerSecond)) in / \(rate($0.deliveredPerSecond)) out" }
                .joined(separator: "   "),
            "verdicts: success \(counts.success)  transient \(counts.transient)  permanent \(counts.permanent)  dropped \(counts.dropped)"
                + "   (consumed \(counts.consumed), in flight \(counts.inFlight), protocol errors \(counts.protocolErrors))",
            "retries: scheduled \(retries.scheduled)  retried \(retries.retried)  exhausted \(retries.exhausted)  waiting \(retries.waiting)",
            "",
        ]
        lines += TextColumns.render(
            header: ["LATENCY (ms)", "WINDOW", "COUNT", "P50", "P90", "P99", "P99.9", "MAX"],
            rows: stats.latencies.flatMap { latency in
                [("last 1m", latency.lastMinute), ("total", latency.sinceStart)].map { window, figures in
                    [latency.name, window, String(figures.count)]
                        + [figures.p50, figures.p90, figures.p99, figures.p999, figures.max].map(milliseconds)
                }
            })
        lines.append("")
        lines += TextColumns.render(
            header: ["TOPIC", "PARTITION", "POSITION", "END", "LAG", "HELD", "STALLED"],
            rows: stats.partitions.map { partition in
                [
                    partition.topic + (partition.isRetry ? " (retrier)" : ""), String(partition.partition),
                    partition.position.map(String.init) ?? "-", partition.highWatermark.map(String.init) ?? "-",
                    partition.lag.map(String.init) ?? "-", String(partition.held),
                    partition.stalledSeconds.map { "\($0) s" } ?? "-",
                ]
            })
        lines.append("total lag: \(stats.totalLag.map(String.init) ?? "unknown")")
        return lines.joined(separator: "\n")
    }

    private static func rate(_ value: Double) -> String {
        String(Int(value.rounded()))
    }

    private static func milliseconds(_ value: Double) -> String {
        String(format: value < 10 ? "%.2f" : "%.1f", value)
    }
}
