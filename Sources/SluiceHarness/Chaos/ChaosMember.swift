import Supervisor
import Foundation
import Glibc

/// One sluiced of a chaos scenario (one host of the consumer group), which faults kill,
/// stop and restart. Every run appends to the same log.
final class ChaosMember {
    let name: String
    private let command: [String]
    private let environment: [String: String]
    let logPath: String
    private var processes: SpawnedProcesses?
    /// Runs that were stopped with SIGTERM but did not exit with status 0.
    private(set) var uncleanStops = 0

    init(name: String, command: [String], environment: [String: String], logPath: String) throws {
        self.name = name
        self.command = command
        self.environment = environment
        self.logPath = logPath
        processes = try SpawnedProcesses(commands: [command], environment: environment, logPath: logPath)
    }

    var isRunning: Bool { processes?.isRunning ?? false }

    /// sluiced's plugin processes.
    var workerPIDs: [pid_t] {
        processes?.processIDs.first.map { ProcessUsage.children(of: $0) } ?? []
    }

    /// Everything this member logged, over all its runs.
    var log: String {
        (try? String(contentsOfFile: logPath, encoding: .utf8)) ?? ""
    }

    /// Kills sluiced with SIGKILL and waits until it is gone.
    func kill() {
        _ = processes?.stop(signal: SIGKILL)
        processes = nil
    }

    /// Stops sluiced with SIGTERM as systemd would and waits for it; counts an exit status
    /// other than 0, or than 1 ("stopped without finishing") when `mayFallShort`.
    func stop(mayFallShort: Bool = false) {
        guard let processes else { return }
        // Wait statuses: exit status N is N << 8.
        if !processes.stop(accepting: mayFallShort ? [0, 1 << 8] : [0]) { uncleanStops += 1 }
        self.processes = nil
    }

    /// Starts sluiced again after `kill` or `stop`.
    func restart() throws {
        guard processes == nil else { return }
        processes = try SpawnedProcesses(commands: [command], environment: environment, logPath: logPath, appendingLog: true)
    }
}
