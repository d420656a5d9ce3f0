import CProcess
import Foundation
import Glibc
import PluginProcess
import Supervisor

/// The processes of one bench row (sluiced, the raw relay, or the demo design's Python
/// instances) or one chaos member, started with the demo's variables and logging to a file
/// of their own. Spawned like sluiced spawns plugins: default signal handling whatever the
/// caller's own mask, and killed if the caller dies.
final class SpawnedProcesses {
    private var pids: [pid_t] = []
    /// Wait statuses of the processes that ended.
    private var statuses: [pid_t: Int32] = [:]
    let logPath: String

    /// Starts one process per command (absolute executable first); `appendingLog` keeps
    /// what an earlier run wrote to `logPath`.
    init(commands: [[String]], environment: [String: String], logPath: String, appendingLog: Bool = false) throws {
        self.logPath = logPath
        let log = open(logPath, O_WRONLY | O_CREAT | O_CLOEXEC | (appendingLog ? O_APPEND : O_TRUNC), 0o644)
        let null = open("/dev/null", O_RDONLY | O_CLOEXEC)
        defer {
            close(log)
            close(null)
        }
        let variables = ProcessInfo.processInfo.environment.merging(environment) { $1 }.map { "\($0.key)=\($0.value)" }
        for command in commands {
            var spawnError: Int32 = 0
            let pid = withCStringArray(command) { argv in
                withCStringArray(variables) { envp in sluice_spawn(command[0], argv, envp, null, log, log, nil, -1, &spawnError) }
            }
            guard pid > 0 else {
                _ = stop()
                throw SpawnError(errno: spawnError, step: "exec \(command[0])")
            }
            pids.append(pid)
        }
    }

    /// The processes' ids, in the order of their commands.
    var processIDs: [pid_t] { pids }

    var isRunning: Bool {
        reap()
        return statuses.isEmpty
    }

    /// CPU and memory of the subject's processes and their descendants, now.
    func usage() -> ProcessUsage {
        .combined(pids.map { .sample($0) })
    }

    /// SIGTERM (or `signal`), then SIGKILL after `timeout`; true when every process exited
    /// with status 0.
    func stop(signal: Int32 = SIGTERM, timeout: Duration = .seconds(60)) -> Bool {
        stop(signal: signal, timeout: timeout, accepting: [0])
    }

    /// Sends `signal` to every process and waits up to `timeout` for them (SIGKILL after
    /// it); whether each wait status is one of `accepted`.
    func stop(signal: Int32 = SIGTERM, timeout: Duration = .seconds(60), accepting accepted: Set<Int32>) -> Bool {
        reap()
        for pid in pids where statuses[pid] == nil { kill(pid, signal) }
        let deadline = ContinuousClock.now + timeout
        while statuses.count < pids.count && ContinuousClock.now < deadline {
            usleep(20_000)
            reap()
        }
        for pid in pids where statuses[pid] == nil {
            kill(pid, SIGKILL)
            var status: Int32 = 0
            waitpid(pid, &status, 0)
            statuses[pid] = status
        }
        return statuses.values.allSatisfy(accepted.contains)
    }

    private func reap() {
        for pid in pids where statuses[pid] == nil {
            var status: Int32 = 0
            if waitpid(pid, &status, WNOHANG) == pid { statuses[pid] = status }
        }
    }
}
