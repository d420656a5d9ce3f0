/// A point on the continuous clock, held as the `Duration` since a fixed origin.
/// `ContinuousClock.Instant` is a resilient type (not frozen in the standard library), so
/// a struct holding one has a layout known only at run time: every copy, destroy and field
/// read of a message record went through the runtime's generic witnesses. `Duration` is
/// frozen, so this type's layout is fixed at compile time.
struct FixedInstant: Comparable {
    private static let origin = ContinuousClock.now
    private let sinceOrigin: Duration

    init(_ instant: ContinuousClock.Instant) {
        sinceOrigin = instant - Self.origin
    }

    var instant: ContinuousClock.Instant { Self.origin + sinceOrigin }

    static func < (lhs: FixedInstant, rhs: FixedInstant) -> Bool { lhs.sinceOrigin < rhs.sinceOrigin }
}
