import Testing

@testable import SluiceCore

/// `HeldRetries`: failures come out when due, soonest first, whatever order they were held in.
struct HeldRetriesTests {
    @Test func dueOnesComeOutSoonestFirst() {
        var held = HeldRetries()
        held.hold(1, due: 5_000)
        held.hold(2, due: 1_000)
        held.hold(3, due: 3_000)
        #expect(held.count == 3)
        #expect(held.timeUntilNext(at: 0) == .milliseconds(1_000), "a long delay does not hold back a shorter one")
        #expect(held.takeDue(at: 999) == [])
        #expect(held.takeDue(at: 3_000) == [2, 3])
        #expect(held.timeUntilNext(at: 6_000) == .zero, "overdue: at once")
        #expect(held.takeDue(at: 6_000) == [1])
        #expect(held.count == 0 && held.timeUntilNext(at: 0) == nil)
    }

    @Test func takingSomeLeavesTheOthersInOrder() {
        var held = HeldRetries()
        for (slot, due) in [(10, 400), (11, 100), (12, 300), (13, 200)] { held.hold(slot, due: Int64(due)) }
        // A revoke takes the even slots (their partition), soonest first.
        #expect(held.take { $0 % 2 == 0 } == [12, 10])
        #expect(held.take { _ in false } == [] && held.count == 2, "taking none leaves both")
        #expect(held.takeDue(at: 1_000) == [11, 13])
    }
}
