import Testing

@testable import SluiceCore

/// `RepeatedFailureLog`: the first failed write to a topic is logged, the rest at most
/// once an interval with their count, and a success on the topic starts a new run.
struct RepeatedFailureLogTests {
    let start = Moment.origin

    @Test func logsTheFirstThenOnceAnInterval() {
        var log = RepeatedFailureLog(interval: .seconds(30))
        #expect(log.record(topic: "out", at: start) == 0)
        for second in 1...29 {
            #expect(log.record(topic: "out", at: start + .seconds(second)) == nil, "second \(second)")
        }
        #expect(log.record(topic: "out", at: start + .seconds(30)) == 29, "the next line counts what was left out")
        #expect(log.record(topic: "out", at: start + .seconds(31)) == nil)
    }

    @Test func topicsAreCountedApart() {
        var log = RepeatedFailureLog(interval: .seconds(30))
        #expect(log.record(topic: "out", at: start) == 0)
        #expect(log.record(topic: "dead", at: start) == 0)
        #expect(log.record(topic: "out", at: start + .seconds(1)) == nil)
        #expect(log.record(topic: "dead", at: start + .seconds(1)) == nil)
    }

    @Test func aSuccessEndsTheTopicsRuns() {
        var log = RepeatedFailureLog(interval: .seconds(30))
        #expect(log.record(topic: "out", at: start) == 0)
        #expect(log.record(topic: "out", at: start + .seconds(1)) == nil)
        #expect(log.record(topic: "out", at: start + .seconds(2)) == nil)
        #expect(log.record(topic: "dead", at: start) == 0)
        #expect(log.succeeded(topic: "out") == 2)
        #expect(log.succeeded(topic: "out") == nil, "ended already")
        #expect(log.record(topic: "out", at: start + .seconds(3)) == 0, "a new run is logged at once")
        #expect(log.record(topic: "dead", at: start + .seconds(3)) == nil, "another topic's run goes on")
        #expect(log.succeeded(topic: "nowhere") == nil)
    }
}
