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
}
