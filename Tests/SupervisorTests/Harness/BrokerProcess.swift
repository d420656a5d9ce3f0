import Foundation
import Glibc

@testable import Supervisor

/// librdkafka's mock cluster in a process of its own (`sluice-chaos broker`), so a test
/// can kill the broker outright, or inject faults into it while sluiced runs.
final class BrokerProcess: @unchecked Sendable {
    let process = Process()
    private let commands = Pipe()
    private let answers = Pipe()
    private var pending = Data()
    /// The `bootstrap.servers` string for clients of this cluster.
    private(set) var bootstrapServers = ""

    init(brokers: Int = 1) throws {
        process.executableURL = URL(fileURLWithPath: "\(ProcessEnvironment.executableDirectory)/sluice-chaos")
        process.arguments = ["broker", "--brokers", "\(brokers)"]
        process.standardInput = commands
        process.standardOutput = answers
        process.standardError = FileHandle.nullDevice
        try process.run()
        let first = try readLine()
        guard first.hasPrefix("bootstrap=") else { throw BrokerError("the broker process said: \(first)") }
        bootstrapServers = String(first.dropFirst("bootstrap=".count))
    }

    deinit {
        kill()
    }

    struct BrokerError: Error, CustomStringConvertible {
        let description: String
        init(_ description: String) { self.description = description }
    }

    /// Sends one command (see `sluice-chaos broker --help`) and returns what follows `ok`.
    @discardableResult
    func send(_ command: String) throws -> String {
        commands.fileHandleForWriting.write(Data("\(command)\n".utf8))
        let answer = try readLine()
        guard answer.hasPrefix("ok") else { throw BrokerError("\(command): \(answer)") }
        return String(answer.dropFirst(2)).trimmingCharacters(in: .whitespaces)
    }

    /// Errors pushed with `fail` that no request has met yet.
    func pendingErrors(_ request: String, on broker: Int) throws -> Int {
        Int(try send("pending \(request) \(broker)")) ?? -1
    }

    /// SIGKILL: every connection resets and nothing listens on its ports any more.
    func kill() {
        guard process.isRunning else { return }
        Glibc.kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
    }

    private func readLine() throws -> String {
        while true {
            if let newline = pending.firstIndex(of: UInt8(ascii: "\n")) {
                let line = String(decoding: pending[..<newline], as: UTF8.self)
                pending.removeSubrange(...newline)
                return line
            }
            let more = answers.fileHandleForReading.availableData
            guard !more.isEmpty else { throw BrokerError("the broker process ended") }
            pending.append(more)
        }
    }
}
