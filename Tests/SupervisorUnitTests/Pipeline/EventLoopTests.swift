import Foundation
import Glibc
import Testing

@testable import Supervisor

/// The loop's wait: what rings it, and that a wait nested in the handling of an earlier
/// one (a revoke letting started work finish) leaves the earlier events alone.
@Suite struct EventLoopTests {
    @Test func aWakeupFromAnotherThreadEndsTheWait() {
        let loop = EventLoop()
        let before = loop.time
        let wakeup = loop.wakeup
        let ringer = Thread { wakeup.ring() }
        ringer.start()
        let ready = loop.wait(timeoutMilliseconds: 10_000)
        #expect(ready.map { EventToken(rawValue: $0.data.u64)?.kind } == [.wakeup])
        #expect(loop.time > before)
    }

    @Test func aNestedWaitLeavesTheOuterEventsAlone() {
        let loop = EventLoop()
        loop.wakeup.ring()
        let outer = loop.wait(timeoutMilliseconds: 1000)
        loop.wakeup.drain()
        loop.signalBell.ring()
        let inner = loop.wait(timeoutMilliseconds: 1000)
        #expect(inner.map { EventToken(rawValue: $0.data.u64)?.kind } == [.signal])
        #expect(outer.map { EventToken(rawValue: $0.data.u64)?.kind } == [.wakeup])
    }

    @Test func nothingReadyTimesOut() {
        let loop = EventLoop()
        #expect(loop.wait(timeoutMilliseconds: 10).isEmpty)
    }
}
