/// What `sluicectl reload` changed.
public struct ReloadReport: Codable, Sendable, Equatable {
    /// `key old -> new` for each setting applied live.
    public var applied: [String]
    /// Keys that changed but take effect only after a restart.
    public var needsRestart: [String]

    public init(applied: [String], needsRestart: [String]) {
        self.applied = applied
        self.needsRestart = needsRestart
    }
}
