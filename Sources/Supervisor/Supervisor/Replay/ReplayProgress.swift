/// Counts of a replay, printed as it goes and at the end.
public struct ReplayProgress: Sendable, Equatable, CustomStringConvertible {
    /// Dead letters read.
    public var scanned = 0
    /// Of those, the ones the filter took.
    public var matched = 0
    /// Of those, the ones published back to the input topic (0 in a dry run).
    public var published = 0

    public var description: String { "scanned=\(scanned) matched=\(matched) published=\(published)" }
}
