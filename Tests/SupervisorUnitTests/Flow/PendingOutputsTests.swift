import Testing

@testable import Supervisor

/// Outputs waiting to be produced again: room-waiters keep their order across a queue that
/// fills up again, timed retries come out when due and only then.
@Suite struct PendingOutputsTests {
    @Test func waitersForRoomKeepTheirTurn() {
        var pending = PendingOutputs()
        #expect(!pending.isWaitingForRoom)
        for slot in [4, 2, 9, 7] { pending.waitForRoom(OutputID(slot: slot)) }
        var waiting = pending.takeWaitingForRoom()
        #expect(!pending.isWaitingForRoom)
        // 4 goes through; 2 is refused again (queue full): it and the rest wait, in order.
        #expect(waiting.popFirst() == OutputID(slot: 4))
        let refused = waiting.popFirst()
        pending.waitForRoom(refused!)
        pending.putBack(waiting)
        pending.waitForRoom(OutputID(slot: 11, index: 3))  // newer: behind them
        #expect(pending.takeWaitingForRoom().map(\.slot) == [2, 9, 7, 11])
    }

    @Test func retriesComeOutWhenDue() {
        var pending = PendingOutputs()
        let start = ContinuousClock.now
        #expect(pending.nextRetry == nil && pending.takeDueRetries(at: start).isEmpty)
        pending.retry(OutputID(slot: 1), at: start + .seconds(5))
        pending.retry(OutputID(slot: 2), at: start + .seconds(1))
        pending.retry(OutputID(slot: 3), at: start + .seconds(1))
        #expect(pending.nextRetry == start + .seconds(1))
        #expect(pending.takeDueRetries(at: start).isEmpty)
        #expect(pending.takeDueRetries(at: start + .seconds(1)).map(\.slot) == [2, 3])
        #expect(pending.nextRetry == start + .seconds(5))
        #expect(pending.takeDueRetries(at: start + .seconds(4)).isEmpty)
        #expect(pending.takeDueRetries(at: start + .seconds(9)).map(\.slot) == [1])
        #expect(pending.nextRetry == nil)
    }

    /// A delivery report's token names the slot and the output within its verdict, and is
    /// never zero (librdkafka's "no opaque").
    @Test func outputIDsRoundTripThroughTokens() {
        for (slot, index) in [(0, 0), (1, 0), (0, 999), (70_000, 1_000_000), (Int(UInt32.max) - 1, 5)] {
            let id = OutputID(slot: slot, index: index)
            #expect(id.token != 0)
            #expect(OutputID(token: id.token) == id)
        }
        #expect(OutputID(slot: 6).token == 7)  // a single output's token is the slot + 1, as before fan-out
    }
}
