/// Counters of one pipeline since it started, published about once a second for status
/// lines and the demo.
public struct PipelineStatistics: Codable, Sendable, Equatable {
    /// Messages taken from the input topic.
    public var consumed = 0
    /// Verdicts delivered to the success topic.
    public var success = 0
    /// Verdicts delivered to the transient-failure topic.
    public var transient = 0
    /// Verdicts delivered to the permanent-failure topic.
    public var permanent = 0
    /// Messages a plugin dropped: finished with no output.
    public var dropped = 0
    /// Messages held by the daemon (queued, at a worker, or being produced).
    public var inFlight = 0
    /// Transient failures published back to the input topic by the retrier.
    public var retried = 0
    /// Messages dead-lettered because their attempts ran out.
    public var retriesExhausted = 0
    /// Dead letters delivered, by what failed them (`sluice.source`: plugin, crash, …).
    public var deadLettersBySource: [String: Int] = [:]
    /// Worker processes started again after an exit.
    public var workerRestarts = 0
    /// Restarts by why the child ended: exited, crash-free `timeout` or `protocol-error`
    /// kills, or `operator` (a rolling restart).
    public var restartsByReason: [String: Int] = [:]
    /// Outputs librdkafka refused to enqueue or failed to deliver (each is retried or
    /// dead-lettered).
    public var produceErrors = 0
    /// Protocol errors from plugins.
    public var protocolErrors = 0
    /// Workers running now.
    public var runningWorkers = 0
    /// Partitions assigned now.
    public var assignedPartitions = 0
    /// Whether fetching is paused because the full pool gave no verdict for a while.
    public var paused = false

    public init() {}

    /// Messages finished by a verdict: delivered to a topic, or dropped.
    public var delivered: Int { success + transient + permanent + dropped }

    /// The status line's fields, with the rate against an earlier snapshot.
    public func summary(since earlier: PipelineStatistics, seconds: Double) -> [(key: String, value: String)] {
        let rate = seconds > 0 ? Double(delivered - earlier.delivered) / seconds : 0
        return [
            ("consumed", "\(consumed)"), ("success", "\(success)"), ("transient", "\(transient)"), ("permanent", "\(permanent)"),
            ("dropped", "\(dropped)"),
            ("retried", "\(retried)"), ("in_flight", "\(inFlight)"), ("rate", "\(Int(rate.rounded()))"),
            ("workers", "\(runningWorkers)"), ("restarts", "\(workerRestarts)"), ("partitions", "\(assignedPartitions)"),
            ("paused", "\(paused)"),
        ]
    }
}
