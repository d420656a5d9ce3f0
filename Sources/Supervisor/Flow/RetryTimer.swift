/// A held transient failure and when it is due, ordered by due time.
struct RetryTimer: Comparable {
    /// Milliseconds since the epoch.
    let due: Int64
    let slot: Int

    static func < (lhs: RetryTimer, rhs: RetryTimer) -> Bool {
        (lhs.due, lhs.slot) < (rhs.due, rhs.slot)
    }
}
