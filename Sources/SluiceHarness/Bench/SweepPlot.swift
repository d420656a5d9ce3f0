import Foundation
import Glibc

/// A sweep's plot: msg/s over the swept value, a line per series, drawn by gnuplot (from
/// Debian's gnuplot-nox, which `make bench` installs) as SVG.
struct SweepPlot {
    let sweep: SweepResult

    init(_ sweep: SweepResult) {
        self.sweep = sweep
    }

    /// Each series with the points whose rate was measured (a point too short to time has
    /// none), series without any left out.
    var points: [(series: String, points: [(x: Double, rate: Double)])] {
        sweep.series.map { name in
            (name, sweep.measurements.filter { $0.series == name }.compactMap { measurement in
                measurement.row.messagesPerSecond.map { (measurement.x, $0) }
            })
        }.filter { !$0.points.isEmpty }
    }

    /// The gnuplot script: the data inline, one block per series.
    var script: String {
        var lines = [
            "set terminal svg size 720,420 dynamic font 'sans,12' background rgb 'white'",
            "set title \(quoted(sweep.title))",
            "set xlabel \(quoted(sweep.axis))",
            "set ylabel 'messages a second'",
            sweep.axis == "workers" ? "set logscale x 2" : "set logscale x 10",
            "set grid",
            "set key outside bottom center horizontal",
            "set format y '%.0s%c'",
            sweep.logarithmicRates ? "set logscale y 10" : "set yrange [0:*]",
        ]
        let series = points
        for (index, entry) in series.enumerated() {
            lines.append("$series\(index) << EOD")
            lines += entry.points.map { "\($0.x) \($0.rate)" }
            lines.append("EOD")
        }
        let plots = series.enumerated().map { index, entry in
            "$series\(index) using 1:2 with linespoints linewidth 2 pointtype 7 title \(quoted(entry.series))"
        }
        lines.append("plot " + plots.joined(separator: ", \\\n     "))
        return lines.joined(separator: "\n") + "\n"
    }

    /// Runs gnuplot; nil when the SVG was written, else why not.
    func draw(to path: String) -> String? {
        guard !points.isEmpty else { return "no rate was measured (backlogs too small to time)" }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["gnuplot"]
        let input = Pipe()
        let output = FileManager.default.createFile(atPath: path, contents: nil) ? FileHandle(forWritingAtPath: path) : nil
        guard let output else { return "cannot write \(path)" }
        process.standardInput = input
        process.standardOutput = output
        do {
            try process.run()
        } catch {
            return "cannot run gnuplot (apt-get install gnuplot-nox): \(error)"
        }
        input.fileHandleForWriting.write(Data(script.utf8))
        try? input.fileHandleForWriting.close()
        process.waitUntilExit()
        try? output.close()
        guard process.terminationStatus == 0 else {
            try? FileManager.default.removeItem(atPath: path)
            return "gnuplot exited with status \(process.terminationStatus) (apt-get install gnuplot-nox)"
        }
        return nil
    }

    private func quoted(_ text: String) -> String {
        "'" + text.replacingOccurrences(of: "'", with: "''") + "'"
    }
}
