/// Which parts a sluiced process runs.
public enum RetrierMode: String, Sendable, CaseIterable {
    /// The pipeline and the retrier (the default).
    case on
    /// The pipeline only; another process runs the retrier.
    case off
    /// The retrier only, for scaling it on its own.
    case only
}
