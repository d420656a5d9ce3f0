import SluiceSupport

/// When transient failures are retried: exponential backoff with jitter, and how many
/// attempts a message gets in all.
public struct RetryPolicy: Sendable, Equatable {
    /// The delay after the first failed attempt.
    public var base: Duration = .seconds(1)
    /// How much each further attempt multiplies the delay.
    public var factor: Double = 2
    /// The longest delay, also the cap on a plugin's `retry_after_ms`.
    public var maximum: Duration = .seconds(300)
    /// The share of a delay taken off at random, so retries of a burst spread out.
    public var jitter: Double = 0.2
    /// Attempts in all, the first included; the last transient failure goes to the
    /// permanent topic as "retries exhausted".
    public var maxAttempts: Int = 5

    public init() {}

    /// The delay after attempt `attempt` failed; `requested` is the plugin's
    /// `retry_after_ms`, used instead of the backoff but capped by `maximum`. The jitter
    /// comes from `random`: the daemon's is seeded from the system, a simulation's from
    /// its seed.
    public func delay(
        afterAttempt attempt: Int, requestedMilliseconds requested: Int64?, using random: inout some RandomNumberGenerator
    ) -> Duration {
        if let requested { return min(.milliseconds(requested), maximum) }
        let maximumSeconds = maximum.inSeconds
        var full = base.inSeconds
        for _ in 0..<max(0, attempt - 1) where full < maximumSeconds { full *= factor }
        full = min(full, maximumSeconds)
        let jittered = full * (1 - jitter * Double.random(in: 0..<1, using: &random))
        return .milliseconds(Int64(jittered * 1000))
    }
}
