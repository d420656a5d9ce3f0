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

    public init(
        version: String, pid: Int32, uptimeSeconds: Int, group: String, inputTopic: String, partitions: [String],
        lag: Int64?, stalledPartitions: [String]?, paused: Bool, protocolKind: String, execRunning: Int?, targetWorkers: Int,
        statistics: PipelineStatistics, workers: [WorkerReport]
    ) {
        self.version = version
        self.pid = pid
        self.uptimeSeconds = uptimeSeconds
        self.group = group
        self.inputTopic = inputTopic
        self.partitions = partitions
        self.lag = lag
        self.stalledPartitions = stalledPartitions
        self.paused = paused
        self.protocolKind = protocolKind
        self.execRunning = execRunning
        self.targetWorkers = targetWorkers
        self.statistics = statistics
        self.workers = workers
    }
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

    public init(
        id: Int, pid: Int32?, state: String, uptimeSeconds: Int?, handled: Int, inFlight: Int, restarts: Int,
        lastExit: String?
    ) {
        self.id = id
        self.pid = pid
        self.state = state
        self.uptimeSeconds = uptimeSeconds
        self.handled = handled
        self.inFlight = inFlight
        self.restarts = restarts
        self.lastExit = lastExit
    }
}
