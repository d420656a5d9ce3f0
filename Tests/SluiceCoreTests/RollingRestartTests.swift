import Testing

@testable import SluiceCore

/// `RollingRestart`: one worker at a time, the next only once the current one is back.
struct RollingRestartTests {
    @Test func oneAtATimeInTheOrderAsked() {
        var restart = RollingRestart()
        restart.queue([2, 1, 2, 3])
        #expect(restart.waiting == [2, 1, 3], "a worker already waiting keeps its place")
        var back: Set<Int> = []
        #expect(restart.next(isDone: back.contains, canRestart: { _ in true }) == 2)
        #expect(restart.next(isDone: back.contains, canRestart: { _ in true }) == nil, "2 is still draining")
        back.insert(2)
        #expect(restart.next(isDone: back.contains, canRestart: { _ in true }) == 1)
        back.insert(1)
        #expect(restart.next(isDone: back.contains, canRestart: { _ in true }) == 3)
        back.insert(3)
        #expect(restart.next(isDone: back.contains, canRestart: { _ in true }) == nil)
        #expect(restart.current == nil && restart.waiting.isEmpty)
    }

    @Test func workersThatCannotRestartAreSkipped() {
        var restart = RollingRestart()
        restart.queue([1, 2, 3])
        // 1 has no child (stopped), 2 is retiring: 3 is next.
        #expect(restart.next(isDone: { _ in true }, canRestart: { $0 == 3 }) == 3)
        restart.queue([1])
        #expect(restart.next(isDone: { _ in false }, canRestart: { _ in true }) == nil, "3 first")
        #expect(restart.next(isDone: { _ in true }, canRestart: { _ in true }) == 1)
    }

    /// The pool stopping cancels the restarts: none waiting is drained to start again.
    @Test func theStopCancelsWhatWaits() {
        var restart = RollingRestart()
        restart.queue([1, 2])
        #expect(restart.next(isDone: { _ in true }, canRestart: { _ in true }) == 1)
        restart.cancel()
        #expect(restart.next(isDone: { _ in true }, canRestart: { _ in true }) == nil)
    }

    /// How a worker stands decides: the one draining is done once it runs again; one with
    /// no child, or retiring, is skipped.
    @Test func workersLivesSayWhenTheNextGoes() {
        let t0 = Moment.origin
        var running = WorkerLife()
        running.started(at: t0)
        _ = running.tick(at: t0 + .seconds(1), startSeconds: .seconds(1))
        var draining = running
        _ = draining.stop(then: .restart(reason: "operator"), hasChild: true, at: t0 + .seconds(2))
        var retiring = running
        _ = retiring.stop(then: .retire, hasChild: true, at: t0 + .seconds(2))
        var lives: [Int: (life: WorkerLife, hasChild: Bool)] = [1: (draining, true), 2: (running, false), 3: (retiring, true), 4: (running, true)]
        var restart = RollingRestart()
        restart.queue([2, 3, 4])
        #expect(restart.next(worker: { lives[$0] }) == 4, "2 has no child, 3 retires")
        lives[4] = (draining, true)  // the pool drains it
        restart.queue([1])
        #expect(restart.next(worker: { lives[$0] }) == nil, "4 drains to restart")
        lives[4] = (running, true)
        #expect(restart.next(worker: { lives[$0] }) == 1, "4 runs again")
    }
}
