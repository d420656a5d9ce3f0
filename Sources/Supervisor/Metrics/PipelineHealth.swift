/// What /healthz and /readyz answer from.
public struct PipelineHealth: Sendable {
    /// The last time the event loop ticked (about once a second while it runs).
    public var lastTick = ContinuousClock.now
    /// In the group with its workers running, and not stopping (READY=1 was sent).
    public var ready = false
    /// Why not ready, for the answer's body.
    public var notReadyReason: String? = "starting"

    /// The loop has not ticked for this long: it is stuck.
    public static let stallLimit = Duration.seconds(10)
}
