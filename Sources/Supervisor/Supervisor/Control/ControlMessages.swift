/// A request on the control socket: one JSON object per line.
public struct ControlRequest: Codable, Sendable, Equatable {
    /// `status`, `stats`, `scale`, `restart`, `stop`, `start`, `pause`, `resume`, `reload`,
    /// `replay` or `version`.
    public var command: String
    /// For `scale`: the pool size wanted.
    public var workers: Int?
    /// For `restart`, `stop`, `start`: the worker id (`restart` without one: all).
    public var worker: Int?
    /// For `replay`: which dead letters.
    public var filter: ReplayFilter?
    /// For `replay`: count only.
    public var dryRun: Bool?

    public init(command: String, workers: Int? = nil, worker: Int? = nil, filter: ReplayFilter? = nil, dryRun: Bool? = nil) {
        self.command = command
        self.workers = workers
        self.worker = worker
        self.filter = filter
        self.dryRun = dryRun
    }
}

/// The answer to a control request: one JSON object per line.
public struct ControlResponse: Codable, Sendable, Equatable {
    /// Whether the command was carried out.
    public var ok: Bool
    /// Why not, when `ok` is false.
    public var error: String?
    /// A human-readable result, for example "scaling 2 -> 4 workers".
    public var message: String?
    /// For `status`.
    public var status: StatusReport?
    /// For `stats`.
    public var stats: StatsReport?
    /// For `reload`.
    public var reload: ReloadReport?
    /// For `replay`.
    public var replay: ReplayProgress?

    public init(
        ok: Bool, error: String? = nil, message: String? = nil, status: StatusReport? = nil, stats: StatsReport? = nil,
        reload: ReloadReport? = nil, replay: ReplayProgress? = nil
    ) {
        self.ok = ok
        self.error = error
        self.message = message
        self.status = status
        self.stats = stats
        self.reload = reload
        self.replay = replay
    }
}

/// What `sluicectl reload` changed.
public struct ReloadReport: Codable, Sendable, Equatable {
    /// `key old -> new` for each setting applied live.
    public var applied: [String]
    /// Keys that changed but take effect only after a restart.
    public var needsRestart: [String]
}

/// What `sluicectl status` shows.
public struct StatusReport: Codable, Sendable, Equatable {
    public var version: String
    public var pid: Int32
    public var uptimeSeconds: Int
    public var group: String
    public var inputTopic: String
    /// Input partitions assigned to this process.
    public var partitions: [String]
    /// Messages not yet finished in those partitions, once every one has been fetched.
    public var lag: Int64?
    /// Partitions whose commit position has stood still past the stall threshold while
    /// they hold messages, as `topic[partition] (N s)`; nil from daemons before it.
    public var stalledPartitions: [String]?
    public var paused: Bool
    /// How sluiced talks to its plugins: json, lines, exec or kafka-native.
    public var protocolKind: String
    /// Protocol exec: the plugin processes running now (one per message).
    public var execRunning: Int?
    public var targetWorkers: Int
    public var statistics: PipelineStatistics
    public var workers: [WorkerReport]
}

/// One row of the worker table.
public struct WorkerReport: Codable, Sendable, Equatable {
    public var id: Int
    public var pid: Int32?
    public var state: String
    public var uptimeSeconds: Int?
    public var handled: Int
    public var inFlight: Int
    public var restarts: Int
    public var lastExit: String?
}

/// The version sluiced and sluicectl report.
public enum SluiceVersion {
    public static let current = "0.1.0"
}
