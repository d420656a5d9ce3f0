import Testing

@testable import SluiceCore

/// `KeyScheduler`: one message per key at a time, in consumed order; no key, no waiting.
struct KeySchedulerTests {
    /// Takes every ready message, in order.
    private func drain(_ scheduler: inout KeyScheduler) -> [Int] {
        var taken: [Int] = []
        while let slot = scheduler.next() { taken.append(slot) }
        return taken
    }

    @Test func messagesWithoutAKeyAreAllReady() {
        var scheduler = KeyScheduler()
        for slot in 0..<5 { scheduler.enqueue(slot, keyHash: nil) }
        #expect(drain(&scheduler) == [0, 1, 2, 3, 4])
        #expect(scheduler.waitingCount == 0)
    }

    @Test func aKeyRunsOneMessageAtATimeInOrder() {
        var scheduler = KeyScheduler()
        for slot in 0..<3 { scheduler.enqueue(slot, keyHash: 7) }
        #expect(drain(&scheduler) == [0], "the others wait behind the first")
        #expect(scheduler.waitingCount == 2)
        scheduler.release(keyHash: 7)
        #expect(drain(&scheduler) == [1])
        scheduler.release(keyHash: 7)
        #expect(drain(&scheduler) == [2])
        scheduler.release(keyHash: 7)
        #expect(drain(&scheduler) == [] && scheduler.waitingCount == 0)
        scheduler.enqueue(3, keyHash: 7)
        #expect(drain(&scheduler) == [3], "a key released for good is free again")
    }

    @Test func differentKeysRunInParallel() {
        var scheduler = KeyScheduler()
        scheduler.enqueue(0, keyHash: 1)
        scheduler.enqueue(1, keyHash: 2)
        scheduler.enqueue(2, keyHash: 1)
        scheduler.enqueue(3, keyHash: nil)
        #expect(drain(&scheduler) == [0, 1, 3])
        scheduler.release(keyHash: 2)
        #expect(drain(&scheduler) == [], "releasing another key frees nothing of key 1")
        scheduler.release(keyHash: 1)
        #expect(drain(&scheduler) == [2])
    }

    @Test func aRetriedMessageGoesFirstAndKeepsItsKey() {
        var scheduler = KeyScheduler()
        scheduler.enqueue(0, keyHash: 1)
        scheduler.enqueue(1, keyHash: nil)
        scheduler.enqueue(2, keyHash: 1)
        #expect(scheduler.next() == 0)
        scheduler.retryFirst(0)  // its worker died before answering
        #expect(drain(&scheduler) == [0, 1], "first again; the key still holds 2 back")
        scheduler.release(keyHash: 1)
        #expect(drain(&scheduler) == [2])
    }

    @Test func dropRemovesReadyAndWaitingAndFreesTheirKeys() {
        var scheduler = KeyScheduler()
        let keys: [Int: Int?] = [0: 1, 1: 1, 2: 1, 3: 2, 4: nil, 5: 2]
        for slot in 0..<6 { scheduler.enqueue(slot, keyHash: keys[slot]!) }
        // 0, 3, 4 ready; 1, 2 wait behind key 1; 5 behind key 2. Drop every even slot:
        // 0 (ready, key 1) goes, which promotes 1; 2 (waiting) goes; 4 (ready) goes.
        let dropped = scheduler.drop(where: { $0 % 2 == 0 }, keyHash: { keys[$0]! })
        #expect(Set(dropped) == [0, 2, 4])
        #expect(drain(&scheduler) == [3, 1])
        #expect(scheduler.waitingCount == 1, "5 still waits behind 3")
        scheduler.release(keyHash: 2)
        #expect(drain(&scheduler) == [5])
    }

    @Test func dropRepeatsThroughPromotedMessagesToDropToo() {
        var scheduler = KeyScheduler()
        for slot in 0..<4 { scheduler.enqueue(slot, keyHash: 9) }
        // Every message of the key goes (a lost partition): each release promotes the next,
        // which must go as well, and the key ends free.
        let dropped = scheduler.drop(where: { _ in true }, keyHash: { _ in 9 })
        #expect(Set(dropped) == [0, 1, 2, 3] && dropped.count == 4)
        #expect(scheduler.waitingCount == 0 && drain(&scheduler) == [])
        scheduler.enqueue(4, keyHash: 9)
        #expect(drain(&scheduler) == [4])
    }
}
