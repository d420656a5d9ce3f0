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
    /// For `tail`: plugins' stderr lines, oldest first.
    public var lines: [PluginOutputLine]?

    public init(
        ok: Bool, error: String? = nil, message: String? = nil, status: StatusReport? = nil, stats: StatsReport? = nil,
        reload: ReloadReport? = nil, replay: ReplayProgress? = nil, lines: [PluginOutputLine]? = nil
    ) {
        self.ok = ok
        self.error = error
        self.message = message
        self.status = status
        self.stats = stats
        self.reload = reload
        self.replay = replay
        self.lines = lines
    }
}
