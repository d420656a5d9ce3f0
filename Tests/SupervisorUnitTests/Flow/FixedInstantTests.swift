import Testing

@testable import Supervisor

/// The fixed-layout instant a message record holds gives back the instant it was made from,
/// and orders as instants do.
@Suite struct FixedInstantTests {
    @Test func keepsTheInstantAndItsOrder() {
        let now = ContinuousClock.now
        let earlier = now - .milliseconds(1500)
        #expect(FixedInstant(now).instant == now)
        #expect(FixedInstant(earlier).instant == earlier)
        #expect(FixedInstant(earlier) < FixedInstant(now))
        #expect(!(FixedInstant(now) < FixedInstant(now)))
        #expect(now - FixedInstant(earlier).instant == .milliseconds(1500))
    }
}
