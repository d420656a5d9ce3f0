import Testing

@testable import SluiceCore

/// Outputs waiting to be produced again: room-waiters keep their order across a queue that
/// fills up again, timed retries come out when due and only then.
@Suite struct PendingOutputsTests {
    @Test func waitersForRoomKeepTheirTurn() {
        var pending = PendingOutputs()
        #expect(!pending.isWaitingForRoom)
        for slot in [4, 2, 9, 7] { pending.waitForRoom(DeliveryToken(slot: slot, generation: 0)) }
        // 4 goes through; 2 is refused again (queue full): it keeps its turn ahead of the rest.
        #expect(pending.takeFirstWaitingForRoom()?.slot == 4)
        let refused = pending.takeFirstWaitingForRoom()!
        pending.waitForRoomFirst(refused)
        pending.waitForRoom(DeliveryToken(slot: 11, index: 3, generation: 0))  // newer: behind them
        var order: [Int] = []
        while let next = pending.takeFirstWaitingForRoom() { order.append(next.slot) }
        #expect(order == [2, 9, 7, 11])
        #expect(!pending.isWaitingForRoom)
    }

    @Test func retriesComeOutWhenDue() {
        var pending = PendingOutputs()
        let start = Moment.origin
        #expect(pending.nextRetry == nil && pending.takeDueRetries(at: start).isEmpty)
        pending.retry(DeliveryToken(slot: 1, generation: 0), at: start + .seconds(5))
        pending.retry(DeliveryToken(slot: 2, generation: 0), at: start + .seconds(1))
        pending.retry(DeliveryToken(slot: 3, generation: 0), at: start + .seconds(1))
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
        let start = Moment.origin
        func turn(_ offset: Int64, key: Int = 7) -> PendingOutputs.Turn { .init(keyHash: key, offset: offset, index: 0) }
        #expect(pending.retrying(keyHash: 7) == 0 && pending.retrying(keyHash: nil) == 0)
        pending.retry(DeliveryToken(slot: 1, generation: 0), turn: turn(10), at: start + .seconds(1))
        pending.retry(DeliveryToken(slot: 2, generation: 0), turn: turn(20), at: start)  // a newer output, due at once
        pending.retry(DeliveryToken(slot: 3, generation: 0), turn: turn(5, key: 8), at: start)  // another key goes its way
        pending.retry(DeliveryToken(slot: 4, generation: 0), at: start)  // no key
        #expect(pending.retrying(keyHash: 7) == 2 && pending.retrying(keyHash: 8) == 1)
        #expect(pending.nextRetry == start)
        #expect(pending.takeDueRetries(at: start).map(\.output.slot) == [3, 4], "slot 2 waits for slot 1")
        #expect(pending.nextRetry == start + .seconds(1), "slot 1's due, which slot 2 waits for")
        // Slot 1 refused again: it goes back before slot 2.
        #expect(pending.takeDueRetries(at: start + .seconds(1)).map(\.output.slot) == [1, 2])
        pending.retry(DeliveryToken(slot: 1, generation: 0), turn: turn(10), at: start + .seconds(2))
        pending.retry(DeliveryToken(slot: 2, generation: 0), turn: turn(20), at: start + .seconds(1))
        pending.retry(DeliveryToken(slot: 5, generation: 0), turn: turn(15), at: start + .seconds(1))  // a failed delivery from between them
        #expect(pending.takeDueRetries(at: start + .seconds(1)).isEmpty)
        #expect(pending.takeDueRetries(at: start + .seconds(2)).map(\.output.slot) == [1, 5, 2])
        #expect(pending.retrying(keyHash: 7) == 0 && pending.nextRetry == nil)
    }

    /// A keyed output refused with the queue full waits in its key's line: a later output
    /// of the key, even one due at once, goes only after it; it is tried at each pass and
    /// sets no timer.
    @Test func aKeyedOutputWaitingForRoomHoldsItsKeysLine() {
        var pending = PendingOutputs()
        let start = Moment.origin
        func turn(_ offset: Int64, index: Int = 0) -> PendingOutputs.Turn { .init(keyHash: 7, offset: offset, index: index) }
        pending.retry(DeliveryToken(slot: 2, generation: 0), turn: turn(20), at: start)
        pending.waitForRoom(DeliveryToken(slot: 1, generation: 0), turn: turn(10))
        #expect(pending.retrying(keyHash: 7) == 2)
        #expect(pending.nextRetry == nil, "the key's first waits for room: no timer")
        #expect(!pending.isWaitingForRoom, "only outputs with no key wait in the room queue")
        #expect(pending.takeDueRetries(at: start).map(\.output.slot) == [1, 2], "in the key's order")
    }

    /// A delivery report's token names the slot, the output within its verdict and the
    /// slot's generation, and is never zero (librdkafka's "no opaque").
    @Test func tokensRoundTripThroughLibrdkafkasOpaque() {
        for (slot, index, generation) in [(0, 0, 0), (1, 0, 7), (0, 999, 1), (70_000, 1_000_000, 524_287), ((1 << 25) - 2, 5, 3)] {
            let token = DeliveryToken(slot: slot, index: index, generation: UInt32(generation))
            #expect(token.rawValue != 0)
            #expect(DeliveryToken(rawValue: token.rawValue) == token)
            #expect(DeliveryToken(rawValue: token.rawValue).isOf(generation: UInt32(generation)))
            #expect(!DeliveryToken(rawValue: token.rawValue).isOf(generation: UInt32(generation) + 1))
        }
        // The generation wraps at 19 bits: the slot's full count is compared by its low bits.
        #expect(DeliveryToken(rawValue: DeliveryToken(slot: 3, generation: 524_288 + 2).rawValue).isOf(generation: 524_288 + 2))
    }
}
