/// A held transient failure and when it is due, ordered by due time.
package struct RetryTimer: Comparable {
    /// Milliseconds since the epoch.
    package let due: Int64
    package let slot: Int

    package static func < (lhs: RetryTimer, rhs: RetryTimer) -> Bool {
        (lhs.due, lhs.slot) < (rhs.due, rhs.slot)
    }
}
