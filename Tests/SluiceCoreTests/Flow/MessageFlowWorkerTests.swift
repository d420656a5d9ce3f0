import PluginProtocol
import Testing

@testable import SluiceCore

/// Answers and workers: an answer only for a request the worker holds; a dead worker's
/// messages go back in order, as suspects; poison after enough strikes.
@Suite struct MessageFlowWorkerTests {
    @Test func anAnswerForNoRequestOfTheWorkersIsRefused() {
        var harness = FlowHarness(workers: 2)
        harness.poll(0)
        let send = harness.dispatch()[0]
        let takenFromAnother = harness.flow.answered(worker: 1 - send.worker, .id(send.request), VerdictOutput(verdict: .success))
        #expect(!takenFromAnother)
        let taken = harness.flow.answered(worker: send.worker, .id(send.request), VerdictOutput(verdict: .success))
        #expect(taken)
        let takenTwice = harness.flow.answered(worker: send.worker, .id(send.request), VerdictOutput(verdict: .success))
        #expect(!takenTwice, "twice")
    }

    @Test func answersInOrderNameTheOldestRequest() {
        var harness = FlowHarness(delivery: .inOrder, maxInFlight: 2)
        let first = harness.poll(0)
        harness.poll(1)
        _ = harness.dispatch()
        let taken = harness.flow.answered(worker: 0, .oldest, VerdictOutput(verdict: .drop))
        #expect(taken)
        #expect(!harness.flow.table.contains(first), "a drop is finished at once")
    }

    @Test func aDeadWorkersMessagesGoBackInOrderAsSuspects() {
        var harness = FlowHarness(maxInFlight: 3)
        let slots = (Int64(0)..<3).map { harness.poll($0) }
        _ = harness.dispatch()
        harness.flow.workerExited(0, MessageFlow.Exit(workerFailed: true, strike: true, deadLetter: VerdictOutput(verdict: .permanent)))
        harness.flow.worker(0, isAccepting: true, hasProved: true)
        // Each runs alone, in the order sent.
        for slot in slots {
            let send = harness.dispatch()
            #expect(send.map(\.slot) == [slot])
            _ = harness.answer(send[0].request)
        }
    }

    /// A suspect whose frame cannot be made (a request id one digit longer than at its
    /// first send can push a frame at the limit over it) is dead-lettered, and its worker
    /// takes work again: left isolating, it would never be given any.
    @Test func aSuspectWhoseFrameIsRefusedFreesItsWorker() {
        var harness = FlowHarness()
        let suspect = harness.poll(0)
        let next = harness.poll(1)
        _ = harness.dispatch()
        harness.flow.workerExited(0, MessageFlow.Exit(workerFailed: true, strike: false, deadLetter: VerdictOutput(verdict: .permanent)))
        harness.flow.worker(0, isAccepting: true, hasProved: true)
        let alone = harness.dispatch()
        #expect(alone.map(\.slot) == [suspect])
        harness.flow.requestRefused(
            slot: suspect, worker: 0, requestID: alone[0].request, VerdictOutput(verdict: .permanent, source: .tooLarge))
        #expect(harness.flow.table[suspect].stage == .producing)
        let after = harness.dispatch()
        #expect(after.map(\.slot) == [next])
    }

    @Test func aMessageThatKeepsKillingWorkersIsDeadLettered() {
        var harness = FlowHarness(poisonThreshold: 2)
        let slot = harness.poll(0)
        for strike in 1...2 {
            _ = harness.dispatch()
            harness.flow.workerExited(
                0, MessageFlow.Exit(workerFailed: true, strike: true, deadLetter: VerdictOutput(verdict: .permanent, source: .crash)))
            harness.flow.worker(0, isAccepting: true, hasProved: true)
            #expect(harness.flow.table[slot].failures.strikes == strike)
        }
        #expect(harness.flow.table[slot].stage == .producing)
        #expect(harness.flow.table[slot].producingOutput.source == .crash)
    }

    @Test func aStoppedWorkersMessagesRunOnWithoutBlame() {
        var harness = FlowHarness()
        let slot = harness.poll(0)
        _ = harness.dispatch()
        harness.flow.workerExited(0, MessageFlow.Exit(workerFailed: false, strike: false, deadLetter: VerdictOutput(verdict: .permanent)))
        #expect(!harness.flow.table[slot].failures.isSuspect)
        harness.flow.worker(0, isAccepting: true, hasProved: false)
        let sent = harness.dispatch().map(\.slot)
        #expect(sent == [slot])
    }

    @Test func theOldestRequestOfAWorkerTheFlowDoesNotKnowIsNone() {
        let harness = FlowHarness(workers: 1)
        #expect(harness.flow.oldestRequest(of: 5) == nil)
    }
}
