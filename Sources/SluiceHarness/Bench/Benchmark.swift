import Supervisor
import Foundation
import Glibc
import Logging

/// `make bench`: the embedded mock cluster, a preloaded backlog, and one subject after the
/// other measured against it in the same run (see docs/BENCHMARKS.md).
public final class Benchmark {
    public struct Options: Sendable {
        public var messages = 1_000_000
        /// The backlog of the rows that validate measurements (the validators, the demo
        /// design): they run at half the echo rows' rate or less, and reading a row's
        /// outputs back from the mock costs the square of its length, so on the main
        /// backlog they took most of the run.
        public var validationMessages = 500_000
        /// Enough partitions that the mock's retention (5 MiB a partition) keeps the backlog.
        public var partitions: Int32 = 32
        /// Distinct keys (sensors): enough to spread over the partitions; messages with one
        /// key are processed one at a time.
        public var keys = 1_000
        /// The most messages a sweep's point moves (fewer where the mock's retention or
        /// a slow plugin asks for it).
        public var sweepMessages = 100_000
        /// Smaller backlogs everywhere, for development: the figures are rougher.
        public var quick = false
        public var latencyRate = 5_000
        public var latencyWarmup = Duration.seconds(3)
        public var latencyDuration = Duration.seconds(10)
        /// Where sluiced, echo-plugin and measurement-validator are.
        public var binDirectory: String
        /// The repository's examples/plugins, for the Python rows.
        public var examplesDirectory: String
        public var logDirectory = "/tmp/sluice-bench"
        /// Rows whose name contains one of these; all when empty.
        public var only: [String] = []

        public init(binDirectory: String, examplesDirectory: String) {
            self.binDirectory = binDirectory
            self.examplesDirectory = examplesDirectory
        }
    }

    let options: Options
    let logger: Logger
    let cluster: BenchCluster
    /// The backlogs written so far: each is written once, before its first row.
    private var preloaded: Set<BenchBacklog> = []

    public init(options: Options, logger: Logger) throws {
        self.options = options
        self.logger = logger
        cluster = try BenchCluster(logger: logger)
        try FileManager.default.createDirectory(atPath: options.logDirectory, withIntermediateDirectories: true)
    }

    /// The backlog the relay and echo rows read (the sweeps have their own).
    var mainBacklog: BenchBacklog {
        BenchBacklog(messages: options.messages, partitions: options.partitions, keys: options.keys)
    }

    /// The backlog the validating rows read: the main one's shape, shorter.
    var validationBacklog: BenchBacklog {
        BenchBacklog(messages: options.validationMessages, partitions: options.partitions, keys: options.keys)
    }

    /// Writes `backlog` unless an earlier row had it written.
    func preload(_ backlog: BenchBacklog, progress: (String) -> Void) throws {
        guard preloaded.insert(backlog).inserted else { return }
        let size = backlog.valueBytes.map { " of \($0.formatted) bytes" } ?? ""
        progress("preloading \(backlog.messages.formatted) messages\(size) into \(backlog.partitions) partitions, \(backlog.keys.formatted) keys")
        try cluster.createTopics([backlog.topic], partitions: backlog.partitions)
        try cluster.preload(backlog)
    }

    /// The throughput rows, in the order they run, with the backlog each reads; the relay
    /// runs first and last so its drift over the run shows the noise.
    var throughputCases: [(benchCase: BenchCase, backlog: BenchBacklog)] {
        func daemon(_ workers: Int, _ plugin: [String]) -> [String] {
            daemonCommand(workers: workers, plugin: plugin)
        }
        let relay = [relayExecutable, "relay"]
        let echo = ["\(options.binDirectory)/echo-plugin"]
        let python = ["/usr/bin/env", "python3"]
        let main = mainBacklog
        let validation = validationBacklog
        return [
            (BenchCase(name: "raw relay (ceiling)", commands: [relay]), main),
            (BenchCase(name: "sluiced + echo, 2 workers", commands: [daemon(2, echo)]), main),
            (
                BenchCase(
                    name: "sluiced + measurement-validator (Swift), 2 workers",
                    commands: [daemon(2, ["\(options.binDirectory)/measurement-validator"])]), validation
            ),
            // The loop PROTOCOL.md shows, a flush per answer, with validator.py's rules.
            (
                BenchCase(
                    name: "sluiced + validator_plain.py, 2 workers",
                    commands: [daemon(2, python + ["\(options.examplesDirectory)/validator_plain.py"])]), validation
            ),
            (
                BenchCase(
                    name: "sluiced + validator.py, 2 workers", commands: [daemon(2, python + ["\(options.examplesDirectory)/validator.py"])]),
                validation
            ),
            // validator.py reads the id and the value alone: the operator says so.
            (
                BenchCase(
                    name: "sluiced + validator.py, 2 workers, --request-fields value",
                    commands: [
                        daemonCommand(
                            workers: 2, plugin: python + ["\(options.examplesDirectory)/validator.py"], settings: ["--request-fields", "value"])
                    ]), validation
            ),
            (
                BenchCase(
                    name: "demo design: 2 x native_validator.py, batches of 500",
                    commands: Array(repeating: python + ["\(options.examplesDirectory)/native_validator.py"], count: 2),
                    environment: ["BATCH_SIZE": "500"]), validation
            ),
            (
                BenchCase(
                    name: "demo design: 2 x native_validator.py, batches of 10,000",
                    commands: Array(repeating: python + ["\(options.examplesDirectory)/native_validator.py"], count: 2),
                    environment: ["BATCH_SIZE": "10000"]), validation
            ),
        ] + newerLibrdkafkaCases(echo: echo).map { ($0, main) } + [
            (BenchCase(name: "raw relay, again at the end", commands: [relay]), main)
        ]
    }

    /// sluiced on the newer librdkafka that confluent-kafka bundles, when it is installed:
    /// from 2.1 on sluiced bounds the prefetch by count too (see `ClientProperties.inputConsumer`).
    private func newerLibrdkafkaCases(echo: [String]) -> [BenchCase] {
        guard let newer = PythonProbe.bundledLibrdkafka(linkingInto: "\(options.logDirectory)/librdkafka-newer") else { return [] }
        return [
            BenchCase(
                name: "sluiced + echo, 2 workers, librdkafka \(newer.version)", commands: [daemonCommand(workers: 2, plugin: echo)],
                environment: ["LD_LIBRARY_PATH": newer.directory])
        ]
    }

    /// This program, for the raw relay's process (spawned by absolute path).
    var relayExecutable: String {
        (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? ProcessInfo.processInfo.arguments[0]
    }

    /// sluiced as an operator would run it (metrics on, a control socket), with the retrier
    /// off so each row moves exactly the preloaded messages.
    func daemonCommand(workers: Int, plugin: [String], config: String? = nil, settings: [String] = []) -> [String] {
        let socket = "\(options.logDirectory)/sluiced-\(workers)-\(URL(fileURLWithPath: plugin.last!).lastPathComponent).sock"
        return ["\(options.binDirectory)/sluiced"] + (config.map { ["--config", $0] } ?? [])
            + ["--workers", String(workers), "--retrier", "off", "--metrics-address", "127.0.0.1:0", "--control-socket", socket]
            + settings + ["--"] + plugin
    }
}
