import ArgumentParser
import Foundation
import Glibc
import Logging
import SluiceHarness
import Supervisor

/// `sluice-bench`: what `make bench` runs (see docs/BENCHMARKS.md).
@main
struct SluiceBench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sluice-bench",
        abstract: "Measure sluiced against a raw relay and the original demo's design on the embedded mock cluster.",
        subcommands: [RunBench.self, Relay.self],
        defaultSubcommand: RunBench.self)
}

struct RunBench: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "run", abstract: "Run every row and print the table (the default).")

    @Option(help: "Messages in the backlog the relay and echo rows move.")
    var messages = 1_000_000

    @Option(help: "Messages in the backlog the validating rows (validators, the demo design) move.")
    var validationMessages = 500_000

    @Option(help: "Partitions of the backlog (the mock broker keeps at most 5 MiB a partition).")
    var partitions: Int32 = 32

    @Option(help: "Distinct keys (sensors) in the backlog; sluiced processes one message per key at a time.")
    var keys = 1_000

    @Option(help: "Messages a second offered in the latency rows.")
    var latencyRate = 5_000

    @Option(help: "Seconds the latency rows measure, after a warm-up.")
    var latencySeconds = 10

    @Option(help: "The most messages a sweep's point moves.")
    var sweepMessages = 100_000

    @Flag(help: "Smaller backlogs and shorter latency rows, for development (rougher figures).")
    var quick = false

    @Option(help: "The examples/plugins directory (validator.py, native_validator.py).")
    var examples = "examples/plugins"

    @Option(help: "Also write the tables into this Markdown file, between its generated-section markers.")
    var document: String?

    @Option(help: "Where each row's processes write their logs.")
    var logs = "/tmp/sluice-bench"

    @Option(help: "Run only the rows whose name starts with this (repeatable; latency rows start with \"latency\", sweeps with \"sweep\" and their plot's name, e.g. \"sweep workers\").")
    var only: [String] = []

    func validate() throws {
        guard messages >= 1000, validationMessages >= 1000, sweepMessages >= 1000, partitions >= 1, keys >= 1, latencyRate >= 1, latencySeconds >= 1 else {
            throw ValidationError(
                "--messages, --validation-messages and --sweep-messages must be at least 1000; --partitions, --keys, --latency-rate and --latency-seconds at least 1")
        }
    }

    func run() throws {
        QuietLogging.bootstrap()
        let bin = ProcessEnvironment.executableDirectory
        var options = Benchmark.Options(binDirectory: bin, examplesDirectory: URL(fileURLWithPath: examples).path)
        options.messages = quick ? min(messages, 200_000) : messages
        options.validationMessages = quick ? min(validationMessages, 100_000) : validationMessages
        options.sweepMessages = quick ? min(sweepMessages, 20_000) : sweepMessages
        options.quick = quick
        options.partitions = partitions
        options.keys = keys
        options.latencyRate = latencyRate
        options.latencyDuration = .seconds(quick ? min(latencySeconds, 3) : latencySeconds)
        options.logDirectory = logs
        options.only = only
        let benchmark = try Benchmark(options: options, logger: Logger(label: "sluice.bench"))
        let report = try benchmark.run { line in
            print(line)
            fflush(nil)  // progress as it happens, also when the output is a file
        }
        print("")
        for line in report.machine.lines { print(line) }
        print("")
        print(report.render(markdown: false), terminator: "")
        if let document {
            for problem in try report.write(toDocument: document) { print(problem) }
            print("written to \(document)")
        }
        if !report.isComplete { throw ExitCode(1) }
    }
}

/// The raw relay, started by `run` as a process of its own; configured like the plugins,
/// through the demo's variables.
struct Relay: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Relay INPUT_TOPIC to SUCCESS_TOPIC with sluiced's librdkafka settings and no plugin.")

    @Option(name: .customLong("consumer-property"), help: ArgumentHelp("A librdkafka property for the consumer (repeatable).", valueName: "name=value"))
    var consumerProperties: [String] = []

    func run() throws {
        let environment = ProcessInfo.processInfo.environment
        guard let brokers = environment["KAFKA_BROKER"], let input = environment["INPUT_TOPIC"],
            let output = environment["SUCCESS_TOPIC"], let group = environment["GROUP_ID"]
        else {
            throw ValidationError("set KAFKA_BROKER, INPUT_TOPIC, SUCCESS_TOPIC and GROUP_ID")
        }
        let properties = try consumerProperties.map { property in
            guard let equals = property.firstIndex(of: "=") else { throw ValidationError("\(property): expected name=value") }
            return (String(property[..<equals]), String(property[property.index(after: equals)...]))
        }
        let relay = try RawRelay(
            brokers: brokers, group: group, inputTopic: input, outputTopic: output, consumerProperties: properties,
            logger: Logger(label: "sluice.relay"))
        let relayed = try relay.run()
        print("relayed \(relayed) messages")
    }
}
