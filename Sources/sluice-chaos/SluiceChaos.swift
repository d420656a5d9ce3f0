import ArgumentParser
import Foundation
import Logging
import SluiceHarness
import Supervisor

/// `sluice-chaos`: what `make chaos` and `make soak` run (see docs/RELIABILITY.md).
@main
struct SluiceChaos: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sluice-chaos",
        abstract: "Inject faults into the embedded mock cluster, sluiced and its plugins while messages flow; account for every message.",
        subcommands: [RunScenarios.self, Soak.self, Broker.self],
        defaultSubcommand: RunScenarios.self)
}

/// What both subcommands take.
struct ChaosOptions: ParsableArguments {
    @Option(help: "Messages a second the feeder offers.")
    var rate: Int?

    @Option(help: "Partitions of every topic (the mock broker keeps at most 5 MiB a partition).")
    var partitions: Int32 = 8

    @Option(help: "Distinct keys; per-key order is checked.")
    var keys = 64

    @Option(help: "The plugin: answers each message with the verdict its `route` header names.")
    var plugin = "Tests/SupervisorTests/Plugins/route_plugin.py"

    @Option(help: "The reader the judge reads Kafka with, a client that is not sluiced's.")
    var reader = "Tests/SupervisorTests/Readers/kafka_reader.py"

    @Option(help: "Also write the figures into this Markdown file, between its generated-section markers.")
    var document: String?

    @Option(help: "Where sluiced's logs go, one per member.")
    var logs = "/tmp/sluice-chaos"

    func chaos(messages: Int, defaultRate: Int, only: [String] = []) throws -> Chaos {
        guard messages >= 100, (rate ?? defaultRate) >= 1, partitions >= 1, keys >= 1 else {
            throw ValidationError("--messages must be at least 100; --rate, --partitions and --keys at least 1")
        }
        QuietLogging.bootstrap()
        let bin = ProcessEnvironment.executableDirectory
        var options = Chaos.Options(
            binDirectory: bin, plugin: ["/usr/bin/env", "python3", URL(fileURLWithPath: plugin).path], reader: URL(fileURLWithPath: reader).path)
        options.messages = messages
        options.rate = rate ?? defaultRate
        options.partitions = partitions
        options.keys = keys
        options.logDirectory = logs
        options.only = only
        return try Chaos(options: options, logger: Logger(label: "sluice.chaos"))
    }

    func finish(_ report: ChaosReport) throws {
        print("")
        print(report.render(markdown: false), terminator: "")
        if let document {
            try report.write(toDocument: document)
            print("written to \(document)")
        }
        if !report.passed { throw ExitCode(1) }
    }
}

struct RunScenarios: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "run", abstract: "Run every scenario and print the figures (the default).")

    @OptionGroup var common: ChaosOptions

    @Option(help: "Messages each scenario writes.")
    var messages = 10_000

    @Option(help: "Run only the scenarios whose name starts with this (repeatable).")
    var only: [String] = []

    func run() throws {
        let chaos = try common.chaos(messages: messages, defaultRate: 1_000, only: only)
        try common.finish(chaos.run { print($0); fflush(nil) })
    }
}

struct Soak: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Two sluiced under a steady stream with faults at random, then every message accounted for.")

    @OptionGroup var common: ChaosOptions

    @Option(help: "How long the stream flows.")
    var minutes = 10.0

    func run() throws {
        let rate = common.rate ?? 200
        let chaos = try common.chaos(messages: Int(minutes * 60 * Double(rate)), defaultRate: rate)
        try common.finish(chaos.soak { print($0); fflush(nil) })
    }
}
