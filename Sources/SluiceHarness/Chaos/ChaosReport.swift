import Supervisor
import Foundation

/// The figures of a `make chaos` or `make soak` run: one row per scenario.
public struct ChaosReport {
    /// The command that ran, which also names its section in docs/RELIABILITY.md.
    let command: String
    let options: Chaos.Options
    var figures: [ChaosFigure] = []
    var seconds = 0.0

    init(command: String, options: Chaos.Options) {
        self.command = command
        self.options = options
    }

    /// Whether every scenario ran and accounted for every message.
    public var passed: Bool { !figures.isEmpty && figures.allSatisfy(\.passed) }

    /// The figures table, the faults each scenario injected and what failed.
    public func render(markdown: Bool) -> String {
        let table = ReportTable.render(
            ["Scenario", "messages", "lost by the broker", "missing", "repeats", "unexplained", "stored twice by the broker",
             "dead-lettered", "wrong topic", "produced again", "out of order", "result"],
            figures.map { figure in
                [figure.scenario] + [figure.messages, figure.lostByBroker, figure.missing, figure.duplicates, figure.unexplainedDuplicates,
                 figure.storedTwice, figure.deadLettered, figure.wrongTopic, figure.producedAgain, figure.outOfOrder].map { $0.formatted }
                    + [figure.passed ? "pass" : "FAIL"]
            }, markdown: markdown)
        let bullet = markdown ? "- " : "  "
        let faults = figures.map { "\(bullet)\($0.scenario): " + ($0.faults.isEmpty ? "none" : $0.faults.joined(separator: "; ")) }
        let problems = figures.flatMap { figure in figure.problems.map { "FAILED \(figure.scenario): \($0)" } }
        let gap = markdown ? "\n\n" : "\n"
        return [
            table, (["Faults injected:"] + faults).joined(separator: "\n"),
            ([String(format: "The run took %.0f s.", seconds)] + problems).joined(separator: gap),
        ].joined(separator: "\n\n") + "\n"
    }

    /// One line about a finished scenario, for progress output.
    static func summary(_ figure: ChaosFigure) -> String {
        var line = "\(figure.messages) messages, \(figure.lostByBroker) lost by the broker, \(figure.missing) missing, \(figure.duplicates) repeats"
            + " (\(figure.unexplainedDuplicates) unexplained), \(figure.storedTwice) stored twice by the broker,"
            + " \(figure.deadLettered) dead-lettered, \(figure.wrongTopic) wrong topic, \(figure.producedAgain) produced again,"
            + " \(figure.outOfOrder) out of order"
            + String(format: ", %.0f s", figure.seconds)
        if !figure.problems.isEmpty { line += "; FAILED: " + figure.problems.joined(separator: "; ") }
        return line
    }

    /// Puts the figures between this command's markers in the document at `path`.
    public func write(toDocument path: String) throws {
        let date = ISO8601DateFormatter().string(from: Date())
        try GeneratedSection(command: command).write(
            [
                "Last run: \(date), `\(command)`: \(options.messages.formatted) messages per scenario at \(options.rate.formatted) a second, "
                    + "\(options.partitions) partitions, \(options.keys) keys, plugin `\(options.plugin.map { URL(fileURLWithPath: $0).lastPathComponent }.joined(separator: " "))`.",
                MachineDescription.current().lines.map { "- \($0)" }.joined(separator: "\n"),
                render(markdown: true).trimmingCharacters(in: .newlines),
            ], toDocument: path, title: "Reliability")
    }
}
