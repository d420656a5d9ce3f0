import Foundation
import Logging
import SluiceSupport
import Supervisor

/// `make chaos` and `make soak`: scenarios that inject faults into the embedded mock
/// cluster, sluiced and its plugins while messages flow, then account for every message
/// (see docs/RELIABILITY.md).
public final class Chaos {
    public struct Options: Sendable {
        /// Messages each scenario writes.
        public var messages = 10_000
        /// Messages a second the feeder offers.
        public var rate = 1_000
        /// Partitions of every topic; the mock keeps at most 5 MiB of each.
        public var partitions: Int32 = 8
        /// Distinct keys; per-key order is checked.
        public var keys = 64
        /// Where sluiced is.
        public var binDirectory: String
        /// The plugin command: one that answers each message with the verdict its `route`
        /// header names (Tests/SupervisorTests/Plugins/route_plugin.py).
        public var plugin: [String]
        /// The independent reader the judge reads Kafka with
        /// (Tests/SupervisorTests/Readers/kafka_reader.py).
        public var reader: String
        public var logDirectory = "/tmp/sluice-chaos"
        /// Scenarios whose name starts with one of these; all when empty.
        public var only: [String] = []
        public init(binDirectory: String, plugin: [String], reader: String) {
            self.binDirectory = binDirectory
            self.plugin = plugin
            self.reader = reader
        }
    }

    let options: Options
    let logger: Logger

    public init(options: Options, logger: Logger) throws {
        self.options = options
        self.logger = logger
        try FileManager.default.createDirectory(atPath: options.logDirectory, withIntermediateDirectories: true)
    }

    /// Runs every selected scenario in order, printing each figure as it is known.
    public func run(progress: (String) -> Void) -> ChaosReport {
        let started = ContinuousClock.now
        var report = ChaosReport(command: "make chaos", options: options)
        for (index, scenario) in ChaosScenario.catalog.enumerated() where isSelected(scenario.name) {
            progress("running: \(scenario.name)")
            let figure = run(scenario, slug: "scenario-\(index + 1)")
            progress("  \(ChaosReport.summary(figure))")
            report.figures.append(figure)
        }
        report.seconds = (ContinuousClock.now - started).inSeconds
        return report
    }

    /// One scenario on a cluster of its own, from the first message to the last output.
    func run(_ scenario: ChaosScenario, slug: String) -> ChaosFigure {
        var figure = ChaosFigure(scenario: scenario.name)
        let started = ContinuousClock.now
        let run: ChaosRun
        do {
            run = try ChaosRun(options: options, slug: slug, logger: logger)
        } catch {
            figure.problems.append("\(error)")
            return figure
        }
        defer {
            run.feeder.cancel()
            for member in run.members { member.kill() }
        }
        do {
            try run.startMembers(scenario, slug: slug)
            run.feeder.start(brokers: run.cluster.brokers, topic: run.input, rate: options.rate, keys: options.keys, logger: logger)
            try scenario.script(run)
            figure.faults = run.faults
            try run.account(for: scenario, into: &figure)
        } catch {
            figure.faults = run.faults
            figure.problems.append("\(error)")
        }
        figure.seconds = (ContinuousClock.now - started).inSeconds
        return figure
    }

    private func isSelected(_ name: String) -> Bool {
        options.only.isEmpty || options.only.contains { name.hasPrefix($0) }
    }
}
