import Testing

@testable import SluiceCore

/// `WorkerLife`: every path through a worker's life, with no process.
struct WorkerLifeTests {
    typealias Machine = WorkerLife
    let t0 = Moment.origin + .seconds(100)
    let startSeconds = Duration.seconds(1)
    let startRetries = 3

    private func running() -> Machine {
        var machine = Machine()
        machine.started(at: t0)
        _ = machine.tick(at: t0 + .seconds(1), startSeconds: startSeconds)
        return machine
    }

    @Test func aChildProvesItselfAfterStartSeconds() {
        var machine = Machine()
        #expect(machine.isDown && machine.canBeStartedByHand)
        machine.started(at: t0)
        #expect(machine.isUp && !machine.hasProved && machine.name == "starting")
        #expect(machine.nextDeadline(startSeconds: startSeconds) == t0 + startSeconds)
        let tickResult1 = machine.tick(at: t0 + .milliseconds(999), startSeconds: startSeconds)
        #expect(!tickResult1)
        #expect(!machine.hasProved)
        let tickResult2 = machine.tick(at: t0 + startSeconds, startSeconds: startSeconds)
        #expect(!tickResult2)
        #expect(machine.state == .running && machine.hasProved && machine.name == "running")
        #expect(machine.nextDeadline(startSeconds: startSeconds) == nil)
    }

    @Test func aCrashAfterProvingBlamesItsMessagesAndRestartsSoon() {
        var machine = running()
        #expect(machine.blameForExit == .init(cause: .init(source: .crash, reason: "plugin crashed while processing"), strike: true))
        let exit = t0 + .seconds(5)
        let exitedResult1 = machine.exited(at: exit, startSeconds: startSeconds, startRetries: startRetries)
        #expect(exitedResult1 == .backoff(until: exit + .milliseconds(100), reason: "exited"))
        #expect(machine.consecutiveFailures == 0 && machine.name == "backoff")
        let tickResult3 = machine.tick(at: exit + .milliseconds(99), startSeconds: startSeconds)
        #expect(!tickResult3)
        let tickResult4 = machine.tick(at: exit + .milliseconds(100), startSeconds: startSeconds)
        #expect(tickResult4, "due: start it")
    }

    @Test func failingToStayUpBacksOffLongerThenGoesFatal() {
        var machine = Machine()
        var now = t0
        var delays: [Duration] = []
        for _ in 0..<startRetries {
            machine.started(at: now)
            #expect(machine.blameForExit?.strike == false, "a child that never proved itself blames no message")
            guard case .backoff(let until, _) = machine.exited(at: now + .milliseconds(10), startSeconds: startSeconds, startRetries: startRetries)
            else {
                Issue.record("expected a backoff, got \(machine.state)")
                return
            }
            delays.append(until - (now + .milliseconds(10)))
            now = until
        }
        #expect(delays == [.milliseconds(200), .milliseconds(400), .milliseconds(800)])
        machine.started(at: now)
        let exitedResult2 = machine.exited(at: now, startSeconds: startSeconds, startRetries: startRetries)
        #expect(exitedResult2 == .fatal(failures: 4))
        #expect(machine.state == .fatal && machine.isDown && machine.canBeStartedByHand)
        machine.startByHand()
        #expect(machine.consecutiveFailures == 0)
    }

    @Test func aSpawnThatFailsBacksOffThenGoesFatal() {
        var machine = Machine()
        for attempt in 1...startRetries {
            let startFailedResult1 = machine.startFailed(at: t0, startRetries: startRetries)
            #expect(startFailedResult1 == .backoff(until: t0 + .milliseconds(100 << attempt), reason: "exited"))
        }
        let startFailedResult2 = machine.startFailed(at: t0, startRetries: startRetries)
        #expect(startFailedResult2 == .fatal(failures: startRetries + 1))
    }

    @Test func aKilledChildBlamesItsCauseAndIsRestarted() {
        var machine = running()
        let timeout = Machine.KillCause(source: .timeout, reason: "timed out")
        #expect(machine.kill(timeout) == .kill)
        #expect(machine.kill(.init(source: .protocolError, reason: "later")) == .kill, "killed again, to be sure")
        #expect(machine.isKilled && !machine.isUp && machine.name == "restarting")
        #expect(machine.blameForExit == .init(cause: timeout, strike: true), "the first cause stands")
        let next = machine.exited(at: t0 + .seconds(9), startSeconds: startSeconds, startRetries: startRetries)
        #expect(next == .backoff(until: t0 + .seconds(9) + .milliseconds(100), reason: "timeout"))
    }

    @Test func anOperatorStopDrainsBlamesNobodyAndStaysDown() {
        var machine = running()
        #expect(machine.stop(then: .stayDown, hasChild: true, at: t0 + .seconds(2)) == .closeStdin)
        #expect(!machine.isUp && machine.name == "stopping" && machine.hasProved)
        #expect(machine.blameForExit == nil)
        let exitedResult3 = machine.exited(at: t0 + .seconds(3), startSeconds: startSeconds, startRetries: startRetries)
        #expect(exitedResult3 == .stayDown)
        #expect(machine.state == .stopped && machine.canBeStartedByHand)
        var idle = Machine()
        #expect(idle.stop(then: .stayDown, hasChild: false, at: t0) == [])
        #expect(idle.state == .stopped, "without a child the stop is done at once")
    }

    @Test func aStopEscalatesToTheStopSignalThenSigkill() {
        var machine = running()
        let stopTimeout = Duration.seconds(5)
        _ = machine.stop(then: .stayDown, hasChild: true, at: t0)
        let escalateResult1 = machine.escalate(at: t0 + .seconds(4), stopTimeout: stopTimeout)
        #expect(escalateResult1 == nil)
        let escalateResult2 = machine.escalate(at: t0 + .seconds(5), stopTimeout: stopTimeout)
        #expect(escalateResult2 == .stopSignal)
        let escalateResult3 = machine.escalate(at: t0 + .seconds(6), stopTimeout: stopTimeout)
        #expect(escalateResult3 == nil)
        let escalateResult4 = machine.escalate(at: t0 + .seconds(10), stopTimeout: stopTimeout)
        #expect(escalateResult4 == .kill)
        let escalateResult5 = machine.escalate(at: t0 + .seconds(60), stopTimeout: stopTimeout)
        #expect(escalateResult5 == nil, "nothing after SIGKILL")
        var signalled = running()
        // A kafka-native plugin reads no stdin: the stop signal is the request.
        #expect(signalled.stop(then: .stayDown, hasChild: true, readsStdin: false, at: t0) == [.closeStdin, .stopSignal])
        let escalateResult6 = signalled.escalate(at: t0 + .seconds(5), stopTimeout: stopTimeout)
        #expect(escalateResult6 == nil)
        let escalateResult7 = signalled.escalate(at: t0 + .seconds(10), stopTimeout: stopTimeout)
        #expect(escalateResult7 == .kill)
    }

    @Test func aRetiredSlotIsGoneOnceDrainedUnlessScaleTakesItBack() {
        var machine = running()
        _ = machine.stop(then: .retire, hasChild: true, at: t0)
        #expect(machine.isRetiring && machine.name == "retiring")
        let exitedResult4 = machine.exited(at: t0 + .seconds(1), startSeconds: startSeconds, startRetries: startRetries)
        #expect(exitedResult4 == .retired)
        #expect(machine.state == .retired && machine.isDown && !machine.canBeStartedByHand)
        machine.unretire(at: t0 + .seconds(2))
        #expect(machine.state == .backoff(until: t0 + .seconds(2)))
        let tickResult5 = machine.tick(at: t0 + .seconds(2), startSeconds: startSeconds)
        #expect(tickResult5, "taken back: starts at once")

        var draining = running()
        _ = draining.stop(then: .retire, hasChild: true, at: t0)
        draining.unretire(at: t0)
        #expect(!draining.isRetiring && draining.isDrainingForRestart)
        let exitedResult5 = draining.exited(at: t0 + .seconds(1), startSeconds: startSeconds, startRetries: startRetries)
        #expect(exitedResult5 == .start(reason: "scale"))
    }

    @Test func aRollingRestartDrainsThenStartsAtOnce() {
        var machine = running()
        _ = machine.stop(then: .restart(reason: "operator"), hasChild: true, at: t0)
        #expect(machine.isDrainingForRestart && machine.blameForExit == nil)
        let exitedResult6 = machine.exited(at: t0 + .seconds(1), startSeconds: startSeconds, startRetries: startRetries)
        #expect(exitedResult6 == .start(reason: "operator"))
        machine.started(at: t0 + .seconds(1))
        #expect(machine.name == "starting" && !machine.isDrainingForRestart)
    }

    @Test func aKillDuringAStopKeepsWhatFollowsAndAStopDuringAKillToo() {
        var retiring = running()
        _ = retiring.stop(then: .retire, hasChild: true, at: t0)
        _ = retiring.kill(.init(source: .protocolError, reason: "bad line"))
        #expect(retiring.isKilled && retiring.isRetiring)
        #expect(retiring.blameForExit?.cause.source == .protocolError, "killed for a cause: its messages are blamed")
        let exitedResult7 = retiring.exited(at: t0 + .seconds(1), startSeconds: startSeconds, startRetries: startRetries)
        #expect(exitedResult7 == .retired)

        var killed = running()
        _ = killed.kill(.init(source: .timeout, reason: "timed out"))
        #expect(killed.stop(then: .stayDown, hasChild: true, at: t0) == .closeStdin, "the pool stops meanwhile")
        #expect(killed.isKilled)
        let exitedResult8 = killed.exited(at: t0 + .seconds(1), startSeconds: startSeconds, startRetries: startRetries)
        #expect(exitedResult8 == .stayDown)
    }
}
