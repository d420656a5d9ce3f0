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
        #expect(pending.takeDueRetries(at: start + .seconds(1)).map(\.output.slot) == [2, 3])
        #expect(pending.nextRetry == start + .seconds(5))
        #expect(pending.takeDueRetries(at: start + .seconds(4)).isEmpty)
        #expect(pending.takeDueRetries(at: start + .seconds(9)).map(\.output.slot) == [1])
        #expect(pending.nextRetry == nil)
    }

    /// A key's retries go in input order whatever their due times: one refused again goes
    /// back before the later ones of its key, a later one due first waits for it, and a
    /// newer output of the key sees that it must wait (`retrying`).
    @Test func aKeysRetriesKeepInputOrder() {
        var pending = PendingOutputs()
        let start = ContinuousClock.now
        func turn(_ offset: Int64, key: Int = 7) -> PendingOutputs.Turn { .init(keyHash: key, offset: offset, index: 0) }
        #expect(pending.retrying(keyHash: 7) == 0 && pending.retrying(keyHash: nil) == 0)
        pending.retry(OutputID(slot: 1), turn: turn(10), at: start + .seconds(1))
        pending.retry(OutputID(slot: 2), turn: turn(20), at: start)  // a newer output, due at once
        pending.retry(OutputID(slot: 3), turn: turn(5, key: 8), at: start)  // another key goes its way
        pending.retry(OutputID(slot: 4), at: start)  // no key
        #expect(pending.retrying(keyHash: 7) == 2 && pending.retrying(keyHash: 8) == 1)
        #expect(pending.nextRetry == start)
        #expect(pending.takeDueRetries(at: start).map(\.output.slot) == [3, 4], "slot 2 waits for slot 1")
        #expect(pending.nextRetry == start + .seconds(1), "slot 1's due, which slot 2 waits for")
        // Slot 1 refused again: it goes back before slot 2.
        #expect(pending.takeDueRetries(at: start + .seconds(1)).map(\.output.slot) == [1, 2])
        pending.retry(OutputID(slot: 1), turn: turn(10), at: start + .seconds(2))
        pending.retry(OutputID(slot: 2), turn: turn(20), at: start + .seconds(1))
        pending.retry(OutputID(slot: 5), turn: turn(15), at: start + .seconds(1))  // a failed delivery from between them
        #expect(pending.takeDueRetries(at: start + .seconds(1)).isEmpty)
        #expect(pending.takeDueRetries(at: start + .seconds(2)).map(\.output.slot) == [1, 5, 2])
        #expect(pending.retrying(keyHash: 7) == 0 && pending.nextRetry == nil)
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
