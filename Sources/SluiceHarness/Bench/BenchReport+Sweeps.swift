import Foundation
import Supervisor

extension BenchReport {
    /// A sweep's table: a row per point and series. `plotFile` is linked below it (in the
    /// document, where the plot is written beside it).
    func render(_ sweep: SweepResult, markdown: Bool, plotFile: String?) -> String {
        let rows = sweep.measurements.map { measurement -> [String] in
            let row = measurement.row
            var megabytes: String?
            if let rate = row.messagesPerSecond, let bytes = measurement.valueBytes {
                megabytes = String(format: "%.1f", rate * Double(bytes) / 1_000_000)
            }
            return [
                measurement.point, measurement.series,
                row.messagesPerSecond.map { Int($0).formatted } ?? "-",
                megabytes ?? "-",
                sweep.ratio(measurement).map { String(format: "%.2f", $0) } ?? "-",
                row.cpuPer100k.map { String(format: "%.2f + %.2f", $0.own, $0.plugins) } ?? "-",
                row.outputs.map { String($0.missing) } ?? "-",
                row.outputs.map { String($0.duplicates) } ?? "-",
            ]
        }
        let table = ReportTable.render(
            [sweep.title, "series", "msg/s", "MB/s", sweep.ratioHeading, "CPU s/100k: own + plugins", "missing", "dups"], rows,
            markdown: markdown)
        let failures = sweep.measurements.compactMap { measurement in
            measurement.row.failure.map { "FAILED \(sweep.title), \(measurement.point), \(measurement.series): \($0)" }
        }
        let plot = plotFile.map { ["![\(sweep.title)](\($0))"] } ?? []
        return ([table.trimmingCharacters(in: .newlines)] + failures + plot).joined(separator: markdown ? "\n\n" : "\n")
    }

    /// Draws each sweep's plot into `directory` as bench-<slug>.svg with gnuplot; returns
    /// the files written by sweep slug, and why a plot is missing, if one is.
    func writePlots(into directory: String) -> (files: [String: String], problems: [String]) {
        var files: [String: String] = [:]
        var problems: [String] = []
        for sweep in sweeps {
            let name = "bench-\(sweep.slug).svg"
            if let problem = SweepPlot(sweep).draw(to: "\(directory)/\(name)") {
                problems.append("no plot for \(sweep.title): \(problem)")
            } else {
                files[sweep.slug] = name
            }
        }
        return (files, problems)
    }
}
