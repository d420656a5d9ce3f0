import Foundation
import SluiceSupport
import Supervisor

extension BenchReport {
    /// The tables as text for the terminal, or as Markdown for docs/BENCHMARKS.md (with
    /// the sweeps' plots, `plotFiles` by sweep slug, linked below their tables).
    public func render(markdown: Bool, plotFiles: [String: String] = [:]) -> String {
        var sections: [String] = []
        sections.append(
            ReportTable.render(
                ["Throughput (\(options.partitions) partitions)", "messages", "msg/s", "x relay",
                 "CPU s/100k: own + plugins", "peak RSS MiB", "success / transient / permanent", "missing", "dups"],
                throughput.map(cells), markdown: markdown))
        sections.append(
            ReportTable.render(
                ["Latency, produce to output", "p50 ms", "p99 ms", "p99.9 ms", "max ms", "missing", "peak RSS MiB"],
                latency.map(latencyCells), markdown: markdown))
        sections.append(
            ReportTable.render(
                ["Target", "measured", "met"],
                targets.map { [$0.goal, $0.measured, $0.met.map { $0 ? "yes" : "NO" } ?? "-"] }, markdown: markdown))
        for sweep in sweeps {
            sections.append(render(sweep, markdown: markdown, plotFile: plotFiles[sweep.slug]))
        }
        var notes = [
            "Noise: the raw relay ran first and last; its two rates differ by "
                + (relayDrift.map { String(format: "%.1f%%", $0 * 100) } ?? "(not measured)") + " of their mean.",
            String(format: "The run took %.0f s.", duration.inSeconds),
        ]
        notes += (throughput + latency).compactMap { row in row.failure.map { "FAILED \(row.name): \($0)" } }
        sections.append(notes.joined(separator: markdown ? "\n\n" : "\n"))
        return sections.joined(separator: "\n\n") + "\n"
    }

    /// One line about a finished row, for progress output.
    func summary(_ row: BenchRow) -> String {
        if let failure = row.failure { return "FAILED: \(failure)" }
        if let latency = row.latency { return String(format: "p50 %.2f ms, p99 %.2f ms, p99.9 %.2f ms", latency.p50, latency.p99, latency.p999) }
        return cells(row).dropFirst(2).joined(separator: " | ")
    }

    private func cells(_ row: BenchRow) -> [String] {
        [
            row.name,
            row.messages.map(\.formatted) ?? "-",
            row.messagesPerSecond.map { Int($0).formatted } ?? "-",
            ratio(row.messagesPerSecond).map { String(format: "%.2f", $0) } ?? "-",
            row.cpuPer100k.map { String(format: "%.2f + %.2f", $0.own, $0.plugins) } ?? "-",
            row.peakResidentBytes.map(mebibytes) ?? "-",
            row.outputs.map { "\($0.success.formatted) / \($0.transient.formatted) / \($0.permanent.formatted)" } ?? "-",
            row.outputs.map { String($0.missing) } ?? "-",
            row.outputs.map { String($0.duplicates) } ?? "-",
        ]
    }

    private func latencyCells(_ row: BenchRow) -> [String] {
        guard let latency = row.latency else { return [row.name, "-", "-", "-", "-", "-", "-"] }
        return [row.name] + [latency.p50, latency.p99, latency.p999, latency.max].map { String(format: "%.2f", $0) }
            + [String(latency.missing), row.peakResidentBytes.map(mebibytes) ?? "-"]
    }
}
