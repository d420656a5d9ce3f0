import Foundation
import Logging
import Testing

@testable import SluiceHarness
@testable import Supervisor

/// `make bench` in miniature: the harness itself must account for every message, or its
/// figures mean nothing. Only counts are asserted; timing goals live in `make bench`.
extension SluicedTests {
    @Test func benchAccountsForEveryMessage() throws {
        let logs = try makeTemporaryDirectory("bench")
        let document = "\(logs)/BENCHMARKS.md"
        try "# Benchmarks\n\nWritten by hand.\n".write(toFile: document, atomically: true, encoding: .utf8)
        let result = try runBuilt(
            "sluice-bench",
            [
                "--messages", "3000", "--validation-messages", "2000", "--partitions", "4", "--latency-rate", "200", "--latency-seconds", "1", "--logs", logs,
                "--examples", "\(SluicedProcess.repositoryRoot)/examples/plugins", "--document", document,
                "--only", "raw relay (", "--only", "sluiced + echo, 2", "--only", "sluiced + validator.py", "--only", "demo design",
                "--only", "latency", "--only", "sweep partitions", "--sweep-messages", "2000",
            ],
            environment: ProcessInfo.processInfo.environment)
        #expect(result.status == 0, "\(result.output)\n\(result.error)")
        let lines = result.output.split(separator: "\n")
        let rows = lines.filter { ($0.hasPrefix("raw relay (") || $0.hasPrefix("sluiced +") || $0.hasPrefix("demo design")) && $0.contains(" / ") }
        #expect(rows.count >= 5, "\(result.output)")
        for row in rows {
            // Columns from the right: dups, missing, then the outputs per topic.
            let cells = row.split(separator: " ", omittingEmptySubsequences: true)
            let repeats = Int(cells.last!.replacingOccurrences(of: ",", with: "")) ?? -1
            #expect(cells[cells.count - 2] == "0", "missing: \(row)")
            // The validating rows read the shorter backlog.
            let backlog = row.hasPrefix("sluiced + validator") || row.hasPrefix("demo design") ? 2000 : 3000
            // The demo design repeats a batch when a member joins while another holds it (its
            // commit is refused after the revocation): at most one batch for each of its two
            // members, and never more than the backlog. The harness must count those; sluiced
            // and the relay must have none.
            if row.hasPrefix("demo design") {
                let batch = row.range(of: "batches of ").flatMap { Int(row[$0.upperBound...].prefix { $0.isNumber || $0 == "," }.replacingOccurrences(of: ",", with: "")) }
                #expect(batch != nil && repeats >= 0 && repeats <= min(backlog, 2 * (batch ?? 0)), "repeated: \(row)")
            } else {
                #expect(repeats == 0, "repeated: \(row)")
            }
            let outputs = row.components(separatedBy: "  ").filter { $0.contains(" / ") }.first ?? ""
            let total = outputs.split(separator: "/").compactMap { Int($0.trimmingCharacters(in: .whitespaces).replacingOccurrences(of: ",", with: "")) }
            #expect(total.reduce(0, +) == backlog + repeats, "every id once, plus the repeats counted: \(row)")
        }
        let latencyRows = lines.filter { $0.hasPrefix("raw relay at 200 msg/s") || $0.hasPrefix("sluiced + echo, 2 workers at 200 msg/s") }
        #expect(latencyRows.count == 2, "\(result.output)")
        for row in latencyRows {
            let cells = row.split(separator: " ", omittingEmptySubsequences: true)
            #expect(cells[cells.count - 2] == "0", "every message offered while measuring arrived: \(row)")
        }
        // The partitions sweep: the relay and sluiced at 1, 8 and 64 partitions, each row
        // every id once.
        let sweepRows = lines.filter { line in
            ["1 ", "8 ", "64 "].contains { line.hasPrefix($0) } && (line.contains("raw relay") || line.contains("sluiced + echo"))
        }
        #expect(sweepRows.count == 6, "\(result.output)")
        for row in sweepRows {
            let cells = row.split(separator: " ", omittingEmptySubsequences: true)
            #expect(cells.suffix(2) == ["0", "0"], "missing and repeated: \(row)")
        }
        let written = try String(contentsOfFile: document, encoding: .utf8)
        #expect(written.hasPrefix("# Benchmarks\n\nWritten by hand.\n"), "the hand-written part stays")
        #expect(written.contains("| raw relay (ceiling) |") && written.contains(BenchReport.section.beginMarker))
        #expect(written.contains("| Partitions (1,000 keys) |"), "the sweep's table")
    }
}

/// The bench's reader on a partition the mock broker trimmed (it keeps about 5 MiB a
/// partition, as the 1 MB point of the message-size sweep can reach): what was dropped is
/// counted as unreadable, not left missing for the row to wait on and fail.
@Suite struct BenchReaderTests {
    @Test func countsWhatTheMockDropped() throws {
        let cluster = try BenchCluster(logger: Logger(label: "test"))
        let topic = "trimmed"
        try cluster.createTopics([topic], partitions: 1)
        let producer = try KafkaProducer(
            configuration: KafkaConfiguration([("bootstrap.servers", cluster.brokers), ("message.max.bytes", String(4 << 20))]),
            context: KafkaClientContext(logger: cluster.logger, onFatalError: { _ in }))
        let value = [UInt8](repeating: UInt8(ascii: "x"), count: 1_000_000)
        let written = 8
        for id in 0..<written {
            let headers = KafkaHeaders(capacity: 1)
            headers.add(BenchCluster.idHeader, String(id))
            let error = producer.waitingForQueueSpace { producer.produce(topic: topic, key: [], value: value, headers: headers, token: 1) }
            #expect(error == nil)
        }
        #expect(producer.flush(timeoutMilliseconds: 60_000))
        let tally = try OutputCounter(cluster, topics: [topic], partitions: 1, expected: written).update()
        let read = tally.perTopic[topic] ?? 0
        #expect(tally.unreadable > 0, "the mock kept all \(written) MB: nothing to test")
        #expect(read + tally.unreadable == written, "read \(read), dropped \(tally.unreadable)")
        #expect(tally.missing == tally.unreadable, "every id read or counted as dropped")
    }
}

/// A sweep's plot: the measured points of each series go to gnuplot, which draws the SVG.
@Suite struct SweepPlotTests {
    func measurement(_ x: Double, _ series: String, _ rate: Double?) -> SweepResult.Measurement {
        SweepResult.Measurement(
            point: String(Int(x)), x: x, series: series, valueBytes: nil, row: BenchRow(name: series, messagesPerSecond: rate))
    }

    var sweep: SweepResult {
        var sweep = SweepResult(BenchSweep(title: "Workers, echo", slug: "workers-echo", axis: "workers", points: []))
        sweep.measurements = [
            measurement(1, "sluiced", 1000), measurement(8, "sluiced", 2000), measurement(64, "sluiced", nil),
            measurement(1, "unmeasured", nil),
        ]
        return sweep
    }

    @Test func scriptHoldsTheMeasuredPoints() {
        let script = SweepPlot(sweep).script
        #expect(script.contains("$series0 << EOD\n1.0 1000.0\n8.0 2000.0\nEOD\n"), "\(script)")
        #expect(!script.contains("$series1") && !script.contains("unmeasured"), "a series without rates is left out")
        #expect(script.contains("set logscale x 2") && script.contains("title 'sluiced'"))
    }

    @Test(.enabled(if: Needs.runs(with: "/usr/bin/gnuplot"), "gnuplot is not installed (make bench installs it)"))
    func gnuplotDrawsIt() throws {
        try Needs.tool("/usr/bin/gnuplot")
        let path = "\(try makeTemporaryDirectory("plot"))/workers-echo.svg"
        #expect(SweepPlot(sweep).draw(to: path) == nil)
        let svg = try String(contentsOfFile: path, encoding: .utf8)
        #expect(svg.contains("<svg") && svg.contains("Workers, echo"))
    }

    @Test func nothingMeasuredDrawsNothing() {
        var empty = sweep
        empty.measurements = [measurement(1, "sluiced", nil)]
        #expect(SweepPlot(empty).draw(to: "/nonexistent/plot.svg") != nil)
    }
}

/// The targets a run is held to, from its rows.
@Suite struct BenchTargetsTests {
    func report(python: Double, design: Double, designRepeats: Int) -> BenchReport {
        var report = BenchReport(options: Benchmark.Options(binDirectory: "/bin", examplesDirectory: "/examples"), machine: .current())
        report.throughput = [
            BenchRow(name: "sluiced + validator.py, 2 workers, --request-fields value", messagesPerSecond: python, outputs: (10, 0, 0, 0, 0)),
            BenchRow(
                name: "demo design: 2 x native_validator.py, batches of 10,000", messagesPerSecond: design,
                outputs: (10 + designRepeats, 0, 0, 0, designRepeats)),
        ]
        return report
    }

    func designTarget(_ report: BenchReport) -> BenchReport.Target? {
        report.targets.first { $0.goal.hasSuffix("batches of 10,000") }
    }

    /// A run whose design rows rebalanced mid-run (290,000 messages done twice, 9,327
    /// msg/s) read as validator.py at 5.31 x the design, "met"; a row that repeated
    /// messages now judges nothing.
    @Test func aRowThatRepeatedMessagesJudgesNoTarget() {
        let repeated = designTarget(report(python: 49_538, design: 9_327, designRepeats: 290_000))
        #expect(repeated?.met == nil, "\(String(describing: repeated))")
        #expect(repeated?.measured == "not measured: demo design: 2 x native_validator.py, batches of 10,000 repeated 290,000 messages")
        let steady = designTarget(report(python: 49_538, design: 67_878, designRepeats: 0))
        #expect(steady?.met == false && steady?.measured == "0.73 x the demo design")
    }

    /// The same for sluiced + echo against the relay, whichever of them repeated.
    @Test func echoAgainstARepeatingRelayJudgesNothing() {
        var report = report(python: 1, design: 1, designRepeats: 0)
        func row(_ name: String, _ rate: Double, repeats: Int) -> BenchRow {
            BenchRow(name: name, messagesPerSecond: rate, cpuPer100k: (0.5, 0), outputs: (10 + repeats, 0, 0, 0, repeats))
        }
        report.throughput += [row("raw relay (ceiling)", 100_000, repeats: 0), row("sluiced + echo, 2 workers", 95_000, repeats: 0)]
        let echoTargets = { report.targets.filter { $0.goal.hasPrefix("sluiced + echo") } }
        #expect(echoTargets().map(\.met) == [true, true] && echoTargets().map(\.measured) == ["1.00 x", "0.95 x"])
        report.throughput.append(row("raw relay, again at the end", 100_000, repeats: 3))
        #expect(echoTargets().allSatisfy { $0.met == nil && $0.measured == "not measured: raw relay, again at the end repeated 3 messages" })
    }

    /// The memory target is about the full backlog: a validating row, on its shorter one,
    /// does not count.
    @Test func theMemoryTargetReadsTheFullBacklogsRows() {
        let options = Benchmark.Options(binDirectory: "/bin", examplesDirectory: "/examples")
        var report = BenchReport(options: options, machine: .current())
        report.throughput = [
            BenchRow(name: "sluiced + echo, 2 workers", messages: options.messages, peakResidentBytes: 60 << 20),
            BenchRow(name: "sluiced + validator.py, 2 workers", messages: options.validationMessages, peakResidentBytes: 90 << 20),
        ]
        let memory = report.targets.first { $0.goal.hasPrefix("sluiced peak RSS") }
        #expect(memory?.measured == "60.0 MiB" && memory?.met == true, "\(String(describing: memory))")
        report.throughput[1].messages = options.messages
        #expect(report.targets.first { $0.goal.hasPrefix("sluiced peak RSS") }?.met == false)
    }
}
