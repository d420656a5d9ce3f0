import PluginProtocol
import Testing

@testable import SluiceCore

/// Dispatch: the least busy workers up to max-in-flight, one message per key at a time in
/// consumption order, suspects alone on a proved idle worker.
@Suite struct MessageFlowDispatchTests {
    @Test func spreadsOverTheLeastBusyUpToMaxInFlight() {
        var harness = FlowHarness(maxInFlight: 2, workers: 2)
        for offset in Int64(0)..<5 { harness.poll(offset) }
        let sends = harness.dispatch()
        #expect(sends.map(\.worker).sorted() == [0, 0, 1, 1])
        let moreSent = harness.dispatch().isEmpty
        #expect(moreSent, "both workers are full")
    }

    @Test func aKeyGoesOneAtATimeInOrder() {
        var harness = FlowHarness(maxInFlight: 4, workers: 1)
        let first = harness.poll(0, key: 7)
        let second = harness.poll(1, key: 7)
        let other = harness.poll(2, key: 8)
        let sends = harness.dispatch()
        #expect(sends.map(\.slot) == [first, other])
        // The key is free once the first's output is enqueued, not before.
        precondition(harness.flow.answered(worker: 0, .id(sends[0].request), VerdictOutput(verdict: .success)))
        let produce = FlowHarness.produced(harness.actions())
        let sentEarly = harness.dispatch().isEmpty
        #expect(sentEarly, "the key waits for the output's enqueue")
        harness.flow.enqueued(produce[0])
        let sentOnce = harness.dispatch().map(\.slot)
        #expect(sentOnce == [second])
    }

    @Test func aSuspectRunsAloneOnAProvedIdleWorker() {
        var harness = FlowHarness(maxInFlight: 3, workers: 2)
        let suspect = harness.poll(0)
        let sends = harness.dispatch()
        harness.flow.workerExited(
            sends[0].worker, MessageFlow.Exit(workerFailed: true, strike: false, deadLetter: VerdictOutput(verdict: .permanent)))
        harness.flow.worker(sends[0].worker, isAccepting: true, hasProved: false)  // restarted, not yet proved
        for offset in Int64(1)..<4 { harness.poll(offset) }
        let next = harness.dispatch()
        let alone = next.first { $0.slot == suspect }!
        #expect(alone.worker != sends[0].worker, "only a proved worker takes a suspect")
        #expect(!next.contains { $0.worker == alone.worker && $0.slot != suspect }, "it runs alone")
        #expect(harness.flow.isIsolating(alone.worker))
    }

    @Test func aRequestThatCannotBeFramedIsDeadLetteredAndTheWorkerGoesOn() {
        var harness = FlowHarness()
        let slot = harness.poll(0)
        let send = harness.dispatch()[0]
        harness.flow.requestRefused(
            slot: slot, worker: 0, requestID: send.request, VerdictOutput(verdict: .permanent, reason: "too large", source: .tooLarge))
        #expect(harness.flow.table[slot].producingOutput.source == .tooLarge)
        #expect(harness.flow.requests(of: 0) == 0)
    }
}
