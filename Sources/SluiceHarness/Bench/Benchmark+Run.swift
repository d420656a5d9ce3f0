import Supervisor
import Foundation

extension Benchmark {
    /// Runs every selected row in order, printing each as it finishes.
    public func run(progress: (String) -> Void) throws -> BenchReport {
        let started = ContinuousClock.now
        var report = BenchReport(options: options, machine: MachineDescription.current())
        progress("preloading \(options.messages) messages into \(options.partitions) partitions")
        try preload()
        for (index, benchCase) in throughputCases.enumerated() where isSelected(benchCase.name) {
            progress("running: \(benchCase.name)")
            let row = measureThroughput(benchCase, slug: "throughput-\(index)")
            progress("  \(report.summary(row))")
            report.throughput.append(row)
        }
        for (index, benchCase) in latencyCases.enumerated() where isSelected("latency \(benchCase.name)") {
            progress("running: latency, \(benchCase.name)")
            let row = measureLatency(benchCase, slug: "latency-\(index)")
            progress("  \(report.summary(row))")
            report.latency.append(row)
        }
        report.duration = ContinuousClock.now - started
        return report
    }

    private func isSelected(_ name: String) -> Bool {
        options.only.isEmpty || options.only.contains { name.hasPrefix($0) }
    }
}
