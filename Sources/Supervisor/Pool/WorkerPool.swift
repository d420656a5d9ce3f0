import CProcess
import PluginProcess
import SluiceCore

/// The plugin pool: the worker slots (ids 1 to n), the size asked for (by settings, then
/// `scale` or a reload), the rolling restart's queue, and with protocol exec the runs
/// under way. It decides which workers start, drain or go; `PluginSupervisor` runs their
/// processes, and the flow decides which takes the next request.
final class WorkerPool {
    /// Slot `id - 1` is worker `id`; retired slots past the target leave from the end.
    private(set) var workers: [Worker]
    /// The pool size asked for; with protocol exec, the most runs at once.
    private(set) var targetSize: Int
    private var rollingRestart = RollingRestart()
    private let keepsWorkers: Bool
    private let maximumFrameBytes: Int
    /// Protocol `exec`: the processes running now.
    var execRuns = ExecRuns()
    /// `NAME=value` pairs every plugin process gets, beside its `SLUICE_WORKER_ID`
    /// (`ChildEnvironment`); a reload may change them.
    var childEnvironment: [String]
    /// Whether the plugins' orphans come to this process (`reapOrphans`).
    let reapsOrphans = sluice_reaps_orphans() != 0

    /// `size` workers, or none where plugins run one per message (`exec`).
    init(size: Int, keepsWorkers: Bool, maximumFrameBytes: Int, childEnvironment: [String]) {
        targetSize = size
        self.keepsWorkers = keepsWorkers
        self.maximumFrameBytes = maximumFrameBytes
        self.childEnvironment = childEnvironment
        workers = keepsWorkers ? (1...size).map { Worker(id: $0, maximumFrameBytes: maximumFrameBytes) } : []
    }

    /// Starts the plugin command as worker (or exec run) `workerID`, with the process
    /// settings of `[plugin]`.
    func spawnPlugin(_ settings: Settings, workerID: Int) throws(SpawnError) -> ChildProcess {
        try ChildProcess.spawn(
            executable: settings.command.executable, arguments: settings.command.arguments,
            environment: childEnvironment + ["SLUICE_WORKER_ID=\(workerID)"], directory: settings.pluginDirectory,
            umask: settings.pluginUmask)
    }

    /// Worker `id`, if the pool has one by that id.
    subscript(id: Int) -> Worker? {
        workers.indices.contains(id - 1) ? workers[id - 1] : nil
    }

    /// What a resize asks of the pipeline.
    struct Resize {
        /// New slots, to start now.
        var start: [Worker] = []
        /// Surplus slots, to drain and retire.
        var retire: [Worker] = []
    }

    /// Grows or shrinks to `target` without touching the others: slots below it stay (one
    /// still draining to retire restarts once it has exited; one gone starts again), new
    /// slots start, and the surplus (the highest ids) retire. Without workers (exec), only
    /// the most runs at once changes.
    func resize(to target: Int, at now: ContinuousClock.Instant) -> Resize {
        targetSize = target
        var resize = Resize()
        guard keepsWorkers else { return resize }
        for (index, worker) in workers.enumerated() {
            if index < target {
                worker.life.unretire(at: Moment(now))
            } else if !worker.life.isRetiring {
                resize.retire.append(worker)
            }
        }
        while workers.count < target {
            let worker = Worker(id: workers.count + 1, maximumFrameBytes: maximumFrameBytes)
            workers.append(worker)
            resize.start.append(worker)
        }
        return resize
    }

    /// Drops retired slots from the end of the pool once their children are gone.
    func removeRetired() {
        while let last = workers.last, last.life.state == .retired, workers.count > targetSize {
            workers.removeLast()
        }
    }

    /// Queues workers for a rolling restart (`RollingRestart`).
    func queueRestart(_ ids: [Int]) {
        rollingRestart.queue(ids)
    }

    /// Drops the rolling restart's queue: the pool stops (`RollingRestart.cancel`).
    func cancelRestarts() {
        rollingRestart.cancel()
    }

    /// The next worker to drain for its rolling restart, once the one before runs again
    /// (or is gone); those with no child or retiring are skipped.
    func nextToRestart() -> Worker? {
        rollingRestart.next(worker: { id in self[id].map { ($0.life, $0.process != nil) } }).flatMap { self[$0] }
    }

    /// Whether any worker can run (not all fatal or stopped).
    var canAnyRun: Bool { workers.contains { !$0.life.isDown } }

    /// Whether every worker runs (retiring ones aside): the pool is up.
    var isUp: Bool { workers.allSatisfy { $0.life.state == .running || $0.life.isRetiring } }

    /// Workers whose child runs and takes requests now (starting or running): the
    /// `workers=` of the status line, the `running` of systemd's STATUS and the gauge.
    var runningCount: Int { workers.filter(\.life.isUp).count }

    /// Whether `pid` is one of the workers' children or an exec run's.
    func isChild(_ pid: Int32) -> Bool {
        workers.contains { $0.process?.pid == pid } || execRuns.all.contains { $0.process.pid == pid }
    }
}
