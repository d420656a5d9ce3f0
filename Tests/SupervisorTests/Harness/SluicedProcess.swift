import Foundation
import Synchronization

@testable import SluiceHarness
@testable import Supervisor

/// A real `sluiced` process started by a test, with its log captured.
final class SluicedProcess: @unchecked Sendable {
    let process = Process()
    private let stderrPipe = Pipe()
    private let log: LogBuffer

    /// The built sluiced binary, next to the test bundle.
    static var executable: String { "\(ProcessEnvironment.executableDirectory)/sluiced" }

    /// The repository root, for the plugin fixtures and examples.
    static let repositoryRoot: String = {
        var path = #filePath
        for _ in 0..<4 { path = String(path[..<path.lastIndex(of: "/")!]) }
        return path
    }()

    /// A Python plugin fixture from Tests/SupervisorTests/Plugins, as a command.
    static func pythonPlugin(_ name: String) -> [String] {
        ["python3", "\(repositoryRoot)/Tests/SupervisorTests/Plugins/\(name)"]
    }

    /// Starts sluiced. Without `retrier`, the transient topic is the end of the line (the
    /// retrier is off), so a test of the pipeline sees each message once. With `journal`,
    /// `$JOURNAL_STREAM` names its stderr, as systemd sets it when stderr is the journal.
    /// `environment` is sluiced's; `pluginEnvironment` goes to its plugins (`--plugin-env`),
    /// which inherit only a few of sluiced's variables. With `asOperator`, sluiced runs with
    /// its own defaults (the retrier on, metrics on 127.0.0.1:9464, librdkafka's session
    /// timeout, status every 30 s), as an operator starts it, and `arguments` alone.
    init(
        cluster: TestCluster, arguments: [String] = [], plugin: [String], environment extra: [String: String] = [:],
        pluginEnvironment: [String: String] = [:], retrier: Bool = false, journal: Bool = false, asOperator: Bool = false
    ) throws {
        process.executableURL = URL(fileURLWithPath: Self.executable)
        // The mock cluster waits for a whole session timeout before it rebalances after a
        // member leaves; a short one keeps restart tests quick.
        let kafka = ["-X", "session.timeout.ms=3000", "-X", "heartbeat.interval.ms=500"]
        let mode = arguments.contains("--retrier") ? [] : ["--retrier", retrier ? "on" : "off"]
        // Several daemons run at once in some tests: no metrics port unless a test asks.
        let metrics = arguments.contains("--metrics-address") ? [] : ["--metrics-address", "off"]
        let harness = asOperator ? [] : ["--status-interval", "1"] + kafka + mode + metrics
        let variables = pluginEnvironment.sorted { $0.key < $1.key }.flatMap { ["--plugin-env", "\($0.key)=\($0.value)"] }
        process.arguments = harness + variables + arguments + (plugin.isEmpty ? [] : ["--"] + plugin)
        var environment = ProcessInfo.processInfo.environment.merging(cluster.environment) { $1 }
        environment.merge(extra) { $1 }
        environment["JOURNAL_STREAM"] = journal ? LogDestination.stream(stderrPipe.fileHandleForWriting.fileDescriptor) : nil
        process.environment = environment
        process.standardError = stderrPipe
        process.standardOutput = FileHandle.nullDevice
        log = LogBuffer.capturing(stderrPipe)
        try process.run()
    }

    var pid: Int32 { process.processIdentifier }

    /// Everything sluiced logged so far.
    var output: String { log.text.withLock { $0 } }

    /// Waits until the log contains `text`.
    func waitForLog(_ text: String, timeout: Duration = .seconds(60)) async throws -> Bool {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            if output.contains(text) { return true }
            if !process.isRunning { return output.contains(text) }
            try await Task.sleep(for: .milliseconds(50))
        }
        return false
    }

    /// The port of the metrics endpoint sluiced announced (started with
    /// `--metrics-address 127.0.0.1:0`), once it has.
    func metricsPort() async throws -> Int? {
        guard try await waitForLog("/metrics") else { return nil }
        let announced = output.split(separator: "\n").first { $0.contains("metrics at http://") }
        return announced.flatMap { line in
            line.range(of: "127.0.0.1:").flatMap { Int(line[$0.upperBound...].prefix { $0.isNumber }) }
        }
    }

    /// The figure `name=N` of every logged line containing `text` (after the first `marker`,
    /// when given), in order: `figures("in_flight", inLinesContaining: "msg=status ")`.
    func figures(_ name: String, inLinesContaining text: String, after marker: String? = nil) -> [Int] {
        var log = Substring(output)
        if let marker {
            guard let found = log.range(of: marker) else { return [] }
            log = log[found.upperBound...]
        }
        return log.split(separator: "\n").filter { $0.contains(text) }.compactMap { line in
            line.range(of: "\(name)=").flatMap { Int(line[$0.upperBound...].prefix { $0.isNumber }) }
        }
    }

    /// The last status line logged.
    var lastStatus: Substring? {
        output.split(separator: "\n").last { $0.contains("msg=status ") }
    }

    /// Sends a signal to sluiced.
    func signal(_ signal: Int32) {
        kill(pid, signal)
    }

    /// Waits for sluiced to exit and returns its status (or nil after `timeout`).
    func waitForExit(timeout: Duration = .seconds(60)) async throws -> Int32? {
        let deadline = ContinuousClock.now + timeout
        while process.isRunning {
            if ContinuousClock.now >= deadline { return nil }
            try await Task.sleep(for: .milliseconds(50))
        }
        try await Task.sleep(for: .milliseconds(100))  // let the log reader catch up
        return process.terminationStatus
    }

    /// The pids of sluiced's plugin processes (its direct children).
    var workerPIDs: [Int32] { ProcessUsage.children(of: pid) }

    /// Runs `sluiced replay` with `arguments` to its end: exit status and standard output.
    static func replay(cluster: TestCluster, arguments: [String]) async throws -> (status: Int32, output: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = ["replay", "-X", "session.timeout.ms=3000"] + arguments
        process.environment = ProcessInfo.processInfo.environment.merging(cluster.environment) { $1 }
        let output = Pipe()
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: data, as: UTF8.self))
    }

    /// Stops sluiced for good if a test failed half-way.
    func killIfRunning() {
        if process.isRunning { kill(pid, SIGKILL) }
        process.waitUntilExit()
    }
}

/// Text appended by a reader thread and read by the test.
final class LogBuffer: Sendable {
    let text = Mutex("")

    /// A buffer that collects everything `pipe` delivers from now on.
    static func capturing(_ pipe: Pipe) -> LogBuffer {
        let buffer = LogBuffer()
        pipe.fileHandleForReading.readabilityHandler = { handle in
            let data = handle.availableData
            buffer.text.withLock { $0 += String(decoding: data, as: UTF8.self) }
        }
        return buffer
    }
}

/// Runs `sluicectl` with `arguments` (as another user and group with `asUser` and `group`,
/// the group id defaulting to the user id, through setpriv): exit status, standard output
/// and standard error.
func sluicectl(_ arguments: [String], asUser uid: Int? = nil, group gid: Int? = nil) throws -> (status: Int32, output: String, error: String) {
    try runBuilt("sluicectl", arguments, asUser: uid, group: gid)
}

/// Runs one of the built programs to its end: exit status, standard output and error.
func runBuilt(
    _ program: String, _ arguments: [String], environment: [String: String]? = nil, asUser uid: Int? = nil, group gid: Int? = nil
) throws -> (status: Int32, output: String, error: String) {
    let binary = "\(ProcessEnvironment.executableDirectory)/\(program)"
    guard let uid else { return try runProgram(binary, arguments, environment: environment) }
    return try runProgram(
        "/usr/bin/setpriv", ["--reuid=\(uid)", "--regid=\(gid ?? uid)", "--clear-groups", binary] + arguments, environment: environment)
}

/// Runs `executable` to its end: exit status, standard output and error.
func runProgram(_ executable: String, _ arguments: [String], environment: [String: String]? = nil) throws -> (
    status: Int32, output: String, error: String
) {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: executable)
    process.arguments = arguments
    process.environment = environment
    let output = Pipe()
    let error = Pipe()
    process.standardOutput = output
    process.standardError = error
    try process.run()
    let outData = output.fileHandleForReading.readDataToEndOfFile()
    let errData = error.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return (process.terminationStatus, String(decoding: outData, as: UTF8.self), String(decoding: errData, as: UTF8.self))
}

/// A fresh directory under the temporary folder, world-traversable so that a test running
/// a command as another uid can reach what is inside.
func makeTemporaryDirectory(_ prefix: String) throws -> String {
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("\(prefix)-\(UUID().uuidString.prefix(8))").path
    try FileManager.default.createDirectory(
        atPath: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o755])
    return directory
}
