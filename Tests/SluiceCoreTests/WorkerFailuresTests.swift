import Testing

@testable import SluiceCore

/// A message in flight when its worker failed becomes a suspect; strikes count only the
/// failures of workers that had proved they can run; at the threshold it is poison.
@Suite struct WorkerFailuresTests {
    @Test func aStoppedWorkerBlamesNothing() {
        var failures = WorkerFailures()
        let poisoned = failures.workerExited(failed: false, strike: false, poisonThreshold: 1)
        #expect(!poisoned && failures == WorkerFailures())
    }

    @Test func anUnprovedWorkerMakesASuspectWithoutAStrike() {
        var failures = WorkerFailures()
        let poisoned = failures.workerExited(failed: true, strike: false, poisonThreshold: 1)
        #expect(!poisoned && failures.isSuspect && failures.strikes == 0)
    }

    @Test func poisonAtTheThresholdOfStrikes() {
        var failures = WorkerFailures()
        let first = failures.workerExited(failed: true, strike: true, poisonThreshold: 2)
        #expect(!first && failures.isSuspect && failures.strikes == 1)
        let second = failures.workerExited(failed: true, strike: true, poisonThreshold: 2)
        #expect(second && failures.strikes == 2)
    }

    @Test func aSuspectStaysOneWhenLaterStopped() {
        var failures = WorkerFailures()
        _ = failures.workerExited(failed: true, strike: true, poisonThreshold: 3)
        _ = failures.workerExited(failed: false, strike: false, poisonThreshold: 3)
        #expect(failures.isSuspect && failures.strikes == 1)
    }
}
