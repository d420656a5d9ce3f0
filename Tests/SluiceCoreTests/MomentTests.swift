import Testing

@testable import SluiceCore

/// Moments order and subtract as the durations since their origin do.
@Suite struct MomentTests {
    @Test func ordersAndMeasuresAsDurations() {
        let later = Moment.origin + .milliseconds(2500)
        let earlier = later - .milliseconds(1500)
        #expect(earlier < later)
        #expect(!(later < later))
        #expect(later - earlier == .milliseconds(1500))
        #expect(earlier.sinceOrigin == .seconds(1))
    }
}
