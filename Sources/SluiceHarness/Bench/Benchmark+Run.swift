import Supervisor
import Foundation

extension Benchmark {
    /// Runs every selected row in order, printing each as it finishes.
    public func run(progress: (String) -> Void) throws -> BenchReport {
        let started = ContinuousClock.now
        var report = BenchReport(options: options, machine: MachineDescription.current())
        for (index, (benchCase, backlog)) in throughputCases.enumerated() where isSelected(benchCase.name) {
            try preload(backlog, progress: progress)
            progress("running: \(benchCase.name)")
            let row = measureThroughput(benchCase, slug: "throughput-\(index)", backlog: backlog)
            progress("  \(report.summary(row))")
            report.throughput.append(row)
        }
        for (index, benchCase) in latencyCases.enumerated() where isSelected("latency \(benchCase.name)") {
            progress("running: latency, \(benchCase.name)")
            let row = measureLatency(benchCase, slug: "latency-\(index)")
            progress("  \(report.summary(row))")
            report.latency.append(row)
        }
        for sweep in sweeps where isSelected("sweep \(sweep.slug)") {
            report.sweeps.append(try measure(sweep, progress: progress))
        }
        report.duration = ContinuousClock.now - started
        return report
    }

    private func isSelected(_ name: String) -> Bool {
        options.only.isEmpty || options.only.contains { name.hasPrefix($0) }
    }
}
