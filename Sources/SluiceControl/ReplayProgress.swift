/// Counts of a replay, printed as it goes and at the end.
public struct ReplayProgress: Codable, Sendable, Equatable, CustomStringConvertible {
    /// Dead letters read.
    public var scanned = 0
    /// Of those, the ones the filter took.
    public var matched = 0
    /// Of those, the ones published back to the input topic (0 in a dry run).
    public var published = 0

    public init(scanned: Int = 0, matched: Int = 0, published: Int = 0) {
        self.scanned = scanned
        self.matched = matched
        self.published = published
    }

    public var description: String { "scanned=\(scanned) matched=\(matched) published=\(published)" }
}
