import Testing

@testable import Supervisor

/// Outputs waiting to be produced again: room-waiters keep their order across a queue that
/// fills up again, timed retries come out when due and only then.
@Suite struct PendingOutputsTests {
    @Test func waitersForRoomKeepTheirTurn() {
        var pending = PendingOutputs()
        #expect(!pending.isWaitingForRoom)
        for slot in [4, 2, 9, 7] { pending.waitForRoom(slot) }
        var waiting = pending.takeWaitingForRoom()
        #expect(!pending.isWaitingForRoom)
        // 4 goes through; 2 is refused again (queue full): it and the rest wait, in order.
        #expect(waiting.popFirst() == 4)
        let refused = waiting.popFirst()
        pending.waitForRoom(refused!)
        pending.putBack(waiting)
        pending.waitForRoom(11)  // newer: behind them
        #expect(Array(pending.takeWaitingForRoom()) == [2, 9, 7, 11])
    }

    @Test func retriesComeOutWhenDue() {
        var pending = PendingOutputs()
        let start = ContinuousClock.now
        #expect(pending.nextRetry == nil && pending.takeDueRetries(at: start).isEmpty)
        pending.retry(1, at: start + .seconds(5))
        pending.retry(2, at: start + .seconds(1))
        pending.retry(3, at: start + .seconds(1))
        #expect(pending.nextRetry == start + .seconds(1))
        #expect(pending.takeDueRetries(at: start).isEmpty)
        #expect(pending.takeDueRetries(at: start + .seconds(1)) == [2, 3])
        #expect(pending.nextRetry == start + .seconds(5))
        #expect(pending.takeDueRetries(at: start + .seconds(4)).isEmpty)
        #expect(pending.takeDueRetries(at: start + .seconds(9)) == [1])
        #expect(pending.nextRetry == nil)
    }
}
