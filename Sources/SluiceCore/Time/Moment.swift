/// A point in time as the core sees it: how long after an origin the caller chose. The core
/// reads no clock: every moment comes in with an event, so a simulation can set the time
/// as it likes and a schedule replays exactly. Its layout is fixed at compile time
/// (`Duration` is frozen), unlike `ContinuousClock.Instant`, whose every copy and field
/// read in a message record went through the runtime's generic witnesses.
package struct Moment: Comparable, Hashable, Sendable {
    package let sinceOrigin: Duration

    package init(sinceOrigin: Duration) {
        self.sinceOrigin = sinceOrigin
    }

    /// The origin itself.
    package static let origin = Moment(sinceOrigin: .zero)

    package static func < (lhs: Moment, rhs: Moment) -> Bool { lhs.sinceOrigin < rhs.sinceOrigin }

    package static func + (lhs: Moment, rhs: Duration) -> Moment { Moment(sinceOrigin: lhs.sinceOrigin + rhs) }

    package static func - (lhs: Moment, rhs: Duration) -> Moment { Moment(sinceOrigin: lhs.sinceOrigin - rhs) }

    package static func - (lhs: Moment, rhs: Moment) -> Duration { lhs.sinceOrigin - rhs.sinceOrigin }
}
