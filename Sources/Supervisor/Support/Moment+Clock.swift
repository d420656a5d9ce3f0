import SluiceCore

extension Moment {
    /// The continuous clock's reading the daemon's moments count from.
    private static let clockOrigin = ContinuousClock.now

    /// The moment of a continuous clock reading.
    init(_ instant: ContinuousClock.Instant) {
        self.init(sinceOrigin: instant - Self.clockOrigin)
    }

    /// The continuous clock reading of this moment.
    var instant: ContinuousClock.Instant { Self.clockOrigin + sinceOrigin }
}
