import ArgumentParser
import Foundation
import SluiceControl

/// `sluicectl`: manage a running sluiced over its control socket.
@main
struct Sluicectl: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sluicectl",
        abstract: "Manage a running sluiced (status, stats, top, scale, restart, stop, start, pause, resume, reload, tail, signal, dlq replay) and check plugins.",
        discussion: """
            Exit status: 0 done, 1 sluiced refused or failed the command, 64 bad usage,
            3 sluiced is not running at the socket (for status also: a worker is down),
            4 permission denied.
            """,
        version: SluiceVersion.current,
        subcommands: [
            Status.self, Stats.self, Top.self, Scale.self, Restart.self, Stop.self, Start.self, Pause.self, Resume.self,
            Reload.self, Tail.self, Signal.self, Dlq.self, CheckPlugin.self, Version.self,
        ])

    /// Declared here too so that, as with supervisorctl, they may come before the command
    /// (`sluicectl --socket PATH status`): the parser hands them to the command's own group.
    @OptionGroup var connection: ConnectionOptions
}

/// Options every sluicectl command takes, before or after the command's name.
struct ConnectionOptions: ParsableArguments {
    @Option(help: "sluiced's control socket (default: $SLUICE_SOCKET, else $SLUICE_INSTANCE's, else /run/sluice/sluice.sock).")
    var socket: String?

    @Option(
        name: [.customShort("i"), .long],
        help: "The instance NAME of the template unit sluice@NAME: its socket /run/sluice/NAME/sluice.sock.")
    var instance: String?

    @Flag(help: "Print the daemon's answer as JSON, for scripts.")
    var json = false

    func validate() throws {
        if socket != nil && instance != nil { throw ValidationError("give --socket or --instance, not both") }
        if let instance, let problem = ControlSocketPath.problem(withInstance: instance) { throw ValidationError(problem) }
    }

    /// Sends `request`, prints the answer (text or JSON) and exits with the documented status;
    /// returns the answer when sluiced gave one.
    @discardableResult
    func run(_ request: ControlRequest, text: (ControlResponse) -> String) throws -> ControlResponse {
        let response = try send(request)
        if json {
            try printJSON(response)
        } else if response.ok {
            print(text(response))
        }
        guard response.ok else {
            if !json { FileHandle.standardError.write(Data("sluicectl: \(response.error ?? "failed")\n".utf8)) }
            throw ExitCode(1)
        }
        return response
    }

    /// Sends `request` and prints each answer as it comes (text or JSON) until sluiced hangs
    /// up, which ends the command with status 1 (it stopped, or this reader fell behind).
    func follow(_ request: ControlRequest, text: (ControlResponse) -> String) throws {
        let path = ControlSocketPath.forClient(socket: socket, instance: instance, environment: ProcessInfo.processInfo.environment)
        var refusal: String?
        do {
            try ControlConnection(path: path).exchange(request) { response in
                guard response.ok else {
                    refusal = response.error ?? "failed"
                    return false
                }
                if json {
                    try? printJSON(response)
                } else {
                    let shown = text(response)
                    if !shown.isEmpty { print(shown) }
                }
                fflush(nil)  // all streams: `stdout` is not concurrency-safe to name
                return true
            }
        } catch {
            FileHandle.standardError.write(Data("sluicectl: \(error.message)\n".utf8))
            throw ExitCode(error.exitCode)
        }
        FileHandle.standardError.write(Data("sluicectl: \(refusal ?? "sluiced closed the connection")\n".utf8))
        throw ExitCode(1)
    }

    /// Sends `request` and returns the answer; when there is none, says why on stderr and
    /// exits with the documented status.
    func send(_ request: ControlRequest) throws -> ControlResponse {
        let path = ControlSocketPath.forClient(socket: socket, instance: instance, environment: ProcessInfo.processInfo.environment)
        do {
            return try ControlConnection(path: path).send(request)
        } catch {
            FileHandle.standardError.write(Data("sluicectl: \(error.message)\n".utf8))
            throw ExitCode(error.exitCode)
        }
    }

    func printJSON(_ response: ControlResponse) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        print(String(decoding: try encoder.encode(response), as: UTF8.self))
    }
}

struct Status: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Show the daemon and its workers; exit status 3 when a worker is down (stopped, fatal, backoff).")
    @OptionGroup var connection: ConnectionOptions

    func run() throws {
        let response = try connection.run(.status) { $0.status.map(StatusTable.render) ?? "" }
        if response.status?.workersDown.isEmpty == false { throw ExitCode(3) }
    }
}

struct Scale: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Grow or shrink the pool; removed workers finish what they hold first.")
    @Argument(help: "The number of workers wanted (1-1024).") var workers: Int
    @OptionGroup var connection: ConnectionOptions

    func run() throws {
        try connection.run(.scale(workers: workers)) { $0.message ?? "" }
    }
}

struct Restart: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Rolling restart, one worker at a time, each drained first (for a plugin upgrade).")
    @Argument(help: "A worker id, or all (the default).") var target: String = "all"
    @OptionGroup var connection: ConnectionOptions

    func validate() throws {
        guard target == "all" || Int(target) != nil else { throw ValidationError("give a worker id or all") }
    }

    func run() throws {
        try connection.run(.restart(worker: Int(target))) { $0.message ?? "" }
    }
}

struct Stop: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Drain one worker and keep it down.")
    @Argument(help: "The worker id.") var worker: Int
    @OptionGroup var connection: ConnectionOptions

    func run() throws {
        try connection.run(.stop(worker: worker)) { $0.message ?? "" }
    }
}

struct Start: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Start a stopped or fatal worker.")
    @Argument(help: "The worker id.") var worker: Int
    @OptionGroup var connection: ConnectionOptions

    func run() throws {
        try connection.run(.start(worker: worker)) { $0.message ?? "" }
    }
}

struct Pause: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Stop fetching; the group membership stays.")
    @OptionGroup var connection: ConnectionOptions

    func run() throws {
        try connection.run(.pause) { $0.message ?? "" }
    }
}

struct Resume: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Fetch again after pause.")
    @OptionGroup var connection: ConnectionOptions

    func run() throws {
        try connection.run(.resume) { $0.message ?? "" }
    }
}

struct Version: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Print sluicectl's and the daemon's versions.")
    @OptionGroup var connection: ConnectionOptions

    func run() throws {
        try connection.run(.version) { "sluicectl \(SluiceVersion.current), sluiced \($0.message ?? "?")" }
    }
}
