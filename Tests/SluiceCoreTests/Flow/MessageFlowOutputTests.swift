import PluginProtocol
import Testing

@testable import SluiceCore

/// Outputs and the commit rule: an offset is stored once everything up to it is finished;
/// a fan-out is finished at its last delivery; failed writes go again in their turn; a
/// report for a slot reused since is ignored.
@Suite struct MessageFlowOutputTests {
    @Test func anOffsetIsStoredOnlyOnceEverythingBelowIsDelivered() {
        var harness = FlowHarness(maxInFlight: 2)
        harness.poll(0)
        harness.poll(1)
        let sends = harness.dispatch()
        let second = harness.answer(sends[1].request)
        harness.flow.delivered(second[0], topic: { "out" }, .stored)
        let storedEarly = harness.storedInput().isEmpty
        #expect(storedEarly, "offset 0 is not finished")
        let first = harness.answer(sends[0].request)
        harness.flow.delivered(first[0], topic: { "out" }, .stored)
        let stored = harness.storedInput()
        #expect(stored == [2])
    }

    @Test func aFanOutIsFinishedAtItsLastDelivery() {
        var harness = FlowHarness()
        harness.poll(0)
        let send = harness.dispatch()[0]
        let outputs = (0..<3).map { _ in ResponseFrame.Output(payload: nil) }
        let tokens = harness.answer(send.request, VerdictOutput(verdict: .success, outputs: outputs))
        #expect(tokens.map(\.index) == [0, 1, 2])
        harness.flow.delivered(tokens[2], topic: { "out" }, .stored)
        harness.flow.delivered(tokens[0], topic: { "out" }, .stored)
        let storedEarly = harness.storedInput().isEmpty
        #expect(storedEarly)
        harness.flow.delivered(tokens[1], topic: { "out" }, .stored)
        let stored = harness.storedInput()
        #expect(stored == [1])
    }

    @Test func aLateReportForAReusedSlotIsIgnored() {
        var harness = FlowHarness()
        let slot = harness.poll(0)
        let token = harness.answer(harness.dispatch()[0].request)[0]
        harness.flow.delivered(token, topic: { "out" }, .stored)
        _ = harness.actions()
        let reused = harness.poll(1)
        #expect(reused == slot, "the slot is reused")
        harness.flow.delivered(token, topic: { "out" }, .stored)  // the old report again
        #expect(harness.flow.table.contains(reused) && harness.flow.table[reused].stage == .queued)
        #expect(!harness.flow.holds(token) && harness.flow.holds(harness.flow.token(reused)))
    }

    @Test func outputsRefusedForRoomGoAgainInTheirTurn() {
        var harness = FlowHarness(maxInFlight: 2)
        harness.poll(0)
        harness.poll(1)
        let sends = harness.dispatch()
        for send in sends { precondition(harness.flow.answered(worker: 0, .id(send.request), VerdictOutput(verdict: .success))) }
        let first = FlowHarness.produced(harness.actions())
        #expect(first.count == 2)
        for token in first { harness.flow.enqueueFailed(token, topic: "out", ProduceFailure(.queueFull)) }
        harness.flow.producerHasRoom()
        let again = FlowHarness.produced(harness.actions())
        #expect(again == [first[0]], "one at a time, oldest first")
        harness.flow.enqueued(again[0])
        let afterEnqueue = harness.actions()
        #expect(FlowHarness.produced(afterEnqueue) == [first[1]])
    }

    @Test func anOutputRefusedForGoodDeadLettersTheOriginal() {
        var harness = FlowHarness()
        let slot = harness.poll(0)
        let token = harness.answer(harness.dispatch()[0].request)[0]
        harness.flow.delivered(token, topic: { "out" }, .failed(ProduceFailure(.refused(tooLarge: false), reason: "invalid")))
        #expect(harness.flow.table[slot].producingOutput.verdict == .permanent)
        #expect(harness.flow.table[slot].producingOutput.source == .unproducible)
        let deadLetter = harness.enqueueAll()
        harness.flow.delivered(deadLetter[0], topic: { "dead" }, .stored)
        let stored = harness.storedInput()
        #expect(stored == [1])
    }

    @Test func aFailedDeliveryGoesAgainAfterASecond() {
        var harness = FlowHarness()
        harness.poll(0)
        let token = harness.answer(harness.dispatch()[0].request)[0]
        harness.flow.delivered(token, topic: { "out" }, .failed(ProduceFailure(.retriable, reason: "timed out")))
        harness.flow.produceDueOutputs()
        let atOnce = harness.actions()
        #expect(FlowHarness.produced(atOnce).isEmpty)
        harness.flow.advance(to: .origin + .seconds(1), wallMilliseconds: 1000)
        harness.flow.produceDueOutputs()
        let afterASecond = harness.actions()
        #expect(FlowHarness.produced(afterASecond) == [token])
    }

    @Test func aTransientVerdictOnTheLastAttemptIsDeadLettered() {
        var harness = FlowHarness()
        let slot = harness.flow.polled(MessageFlow.Consumed(partition: FlowHarness.input, offset: 0, keyHash: nil, bytes: 1, attempt: 3))!
        _ = harness.answer(harness.dispatch()[0].request, VerdictOutput(verdict: .transient, reason: "later"))
        #expect(harness.flow.table[slot].producingOutput.verdict == .permanent)
        #expect(harness.flow.table[slot].producingOutput.source == .retriesExhausted)
    }
}
