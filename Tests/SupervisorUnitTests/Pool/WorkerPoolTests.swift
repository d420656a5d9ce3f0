import SluiceCore
import Testing

@testable import Supervisor

/// `WorkerPool`: which slots a resize starts and retires, ids, and a pool without workers
/// (protocol exec); no process is started.
@Suite struct WorkerPoolTests {
    let now = ContinuousClock.now

    @Test func idsAreOneToTheSize() {
        let pool = WorkerPool(size: 3, keepsWorkers: true, maximumFrameBytes: 1024, childEnvironment: [])
        #expect(pool.workers.map(\.id) == [1, 2, 3] && pool.targetSize == 3)
        #expect(pool[1]?.id == 1 && pool[3]?.id == 3)
        #expect(pool[0] == nil && pool[4] == nil && pool[-1] == nil)
    }

    @Test func growingStartsNewSlotsAndShrinkingRetiresTheHighest() {
        let pool = WorkerPool(size: 2, keepsWorkers: true, maximumFrameBytes: 1024, childEnvironment: [])
        let grow = pool.resize(to: 4, at: now)
        #expect(grow.start.map(\.id) == [3, 4] && grow.retire.isEmpty && pool.targetSize == 4)
        let shrink = pool.resize(to: 1, at: now)
        #expect(shrink.start.isEmpty && shrink.retire.map(\.id) == [2, 3, 4])
        // Their children gone (none here), they retire and leave from the end.
        for worker in shrink.retire { _ = worker.life.stop(then: .retire, hasChild: false, at: Moment(now)) }
        pool.removeRetired()
        #expect(pool.workers.map(\.id) == [1])
    }

    @Test func aRetiringSlotBelowTheNewTargetStays() {
        let pool = WorkerPool(size: 3, keepsWorkers: true, maximumFrameBytes: 1024, childEnvironment: [])
        let shrink = pool.resize(to: 1, at: now)
        for worker in shrink.retire { _ = worker.life.stop(then: .retire, hasChild: false, at: Moment(now)) }
        let grow = pool.resize(to: 3, at: now)
        #expect(grow.start.isEmpty && grow.retire.isEmpty, "slots 2 and 3 still exist: they come back, none is added")
        #expect(pool.workers.allSatisfy { !$0.life.isRetiring })
        pool.removeRetired()
        #expect(pool.workers.count == 3)
    }

    @Test func withoutWorkersOnlyTheTargetChanges() {
        let pool = WorkerPool(size: 2, keepsWorkers: false, maximumFrameBytes: 1024, childEnvironment: [])
        #expect(pool.workers.isEmpty && pool[1] == nil)
        let resize = pool.resize(to: 5, at: now)
        #expect(resize.start.isEmpty && resize.retire.isEmpty && pool.workers.isEmpty && pool.targetSize == 5)
    }

    @Test func aRollingRestartSkipsWorkersWithoutAChild() {
        let pool = WorkerPool(size: 2, keepsWorkers: true, maximumFrameBytes: 1024, childEnvironment: [])
        pool.queueRestart([1, 2])
        #expect(pool.nextToRestart() == nil, "no child to drain: nothing to restart")
        #expect(!pool.canAnyRun && !pool.isUp, "none started yet")
        pool[1]?.life.started(at: Moment(now))
        #expect(pool.canAnyRun && !pool.isUp, "one of two up")
    }
}
