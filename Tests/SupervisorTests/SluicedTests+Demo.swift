import Foundation
import Testing

@testable import Supervisor

extension SluicedTests {
    /// `make demo` as a new user sees it: every event one whole log line on stderr (the
    /// summary too, so no line is split by another), nothing on stdout, the summary's
    /// figures as fields, and a Ctrl-C that exits 0 with a last `stopped` line whose
    /// figures add up (consumed = success + transient + permanent + released, nothing in
    /// flight): what the user reads is coherent. The demo's broker lives and dies inside
    /// sluiced, so this test reads figures, not Kafka; that a stop loses nothing is proved
    /// from Kafka by `sigtermUnderLoadThenRestartLosesNothing` and the stop tests.
    @Test func demoLogsWholeLinesAndStopsWithEverythingFinished() async throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: SluicedProcess.executable)
        process.arguments = [
            "--demo", "--demo-rate", "400", "--control-socket", try controlSocketPath(), "--metrics-address", "off",
        ]
        let stdout = Pipe()
        let stderr = Pipe()
        process.standardOutput = stdout
        process.standardError = stderr
        let log = LogBuffer.capturing(stderr)
        try process.run()
        defer { if process.isRunning { process.terminate() } }
        let deadline = ContinuousClock.now + .seconds(90)
        while log.text.withLock({ $0.components(separatedBy: "msg=summary ").count }) < 3, ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(200))
        }
        process.interrupt()
        while process.isRunning, ContinuousClock.now < deadline + .seconds(60) { try await Task.sleep(for: .milliseconds(100)) }
        try await Task.sleep(for: .milliseconds(200))
        #expect(!process.isRunning && process.terminationStatus == 0)
        #expect(stdout.fileHandleForReading.readDataToEndOfFile().isEmpty, "one stream")
        let lines = log.text.withLock { $0 }.split(separator: "\n")
        #expect(lines.allSatisfy { $0.hasPrefix("ts=") && $0.contains(" level=") }, "whole lines: \(lines.filter { !$0.hasPrefix("ts=") }.prefix(3))")
        let summary = lines.last { $0.contains("msg=summary ") } ?? ""
        for field in ["produced=", "consumed=", "success=", "rate=", "sink.measurements-success="] {
            #expect(summary.contains(" \(field)"), "\(field) in \(summary)")
        }
        #expect(lines.contains { $0.contains("msg=\"sink measurements-success\"") && $0.contains(" value=") })
        let stopped = try #require(lines.last { $0.contains("msg=stopped ") }.map(String.init))
        func figure(_ name: String) -> Int? {
            stopped.split(separator: " ").first { $0.hasPrefix("\(name)=") }.flatMap { Int($0.dropFirst(name.count + 1)) }
        }
        let consumed = try #require(figure("consumed"))
        #expect(consumed > 0 && figure("in_flight") == 0, "\(stopped)")
        // Messages taken but not yet started when the stop began are released, not finished:
        // the next owner of their partitions starts with them.
        let stopping = lines.first { $0.contains("msg=\"stopping: finishing ") } ?? ""
        let released = stopping.components(separatedBy: "releasing ").last.flatMap { Int($0.prefix { $0.isNumber }) }
        let verdicts = (figure("success") ?? 0) + (figure("transient") ?? 0) + (figure("permanent") ?? 0)
        #expect(consumed == verdicts + (released ?? -1), "\(stopping)\n\(stopped)")
    }
}
