import PluginProtocol
import Testing

@testable import SluiceCore

/// Revokes, losses and held retries: what has not started goes, started work finishes,
/// held failures are written back (revoke) or let go (loss), a partition let go stores
/// nothing more.
@Suite struct MessageFlowPartitionTests {
    @Test func aRevokeLetsGoOfWhatHasNotStartedAndFinishesTheRest() {
        var harness = FlowHarness()
        harness.poll(0)
        let queued = harness.poll(1)
        let send = harness.dispatch()[0]
        let revoked = harness.flow.beginRevoke([FlowHarness.input], isRetry: false, lost: false)
        let revokeActions = harness.actions()
        #expect(revokeActions.contains(.forget(slot: queued)))
        let token = harness.answer(send.request)[0]
        harness.flow.delivered(token, topic: { "out" }, .stored)
        let stored = harness.storedInput()
        #expect(stored == [1])
        let unfinished = harness.flow.finishRevoke(revoked)
        #expect(unfinished == 0)
    }

    @Test func aFinishAfterThePartitionWasLetGoStoresNothing() {
        var harness = FlowHarness()
        harness.poll(0)
        let send = harness.dispatch()[0]
        let revoked = harness.flow.beginRevoke([FlowHarness.input], isRetry: false, lost: true)
        let unfinished = harness.flow.finishRevoke(revoked)
        #expect(unfinished == 1)
        let token = harness.answer(send.request)[0]
        harness.flow.delivered(token, topic: { "out" }, .stored)
        let storedLate = harness.storedInput().isEmpty
        #expect(storedLate, "the partition is the next owner's")
    }

    @Test func heldRetriesAreRepublishedWhenDue() {
        var harness = FlowHarness()
        let slot = harness.flow.polledRetry(
            MessageFlow.Consumed(partition: FlowHarness.retries, offset: 0, keyHash: nil, bytes: 1, attempt: 1), due: 500)!
        harness.flow.republishDue()
        let beforeDue = harness.actions()
        #expect(FlowHarness.produced(beforeDue).isEmpty)
        harness.flow.advance(to: .origin + .milliseconds(500), wallMilliseconds: 500)
        harness.flow.republishDue()
        let token = FlowHarness.produced(harness.actions())
        #expect(token == [harness.flow.token(slot)] && harness.flow.table[slot].stage == .republishing)
        harness.flow.enqueued(token[0])
        harness.flow.delivered(token[0], topic: { "in" }, .stored)
        let storedRetries = harness.movedPositions().retry.map(\.next)
        #expect(storedRetries == [1])
    }

    @Test func aRevokeWritesHeldRetriesBackAndALossLetsThemGo() {
        var harness = FlowHarness()
        let held = harness.flow.polledRetry(
            MessageFlow.Consumed(partition: FlowHarness.retries, offset: 0, keyHash: nil, bytes: 1, attempt: 1), due: 60_000)!
        _ = harness.flow.beginRevoke([FlowHarness.retries], isRetry: true, lost: false)
        let handedBack = harness.actions()
        #expect(FlowHarness.produced(handedBack) == [harness.flow.token(held)])
        #expect(harness.flow.table[held].stage == .handingBack)

        var lost = FlowHarness()
        let gone = lost.flow.polledRetry(
            MessageFlow.Consumed(partition: FlowHarness.retries, offset: 0, keyHash: nil, bytes: 1, attempt: 1), due: 60_000)!
        _ = lost.flow.beginRevoke([FlowHarness.retries], isRetry: true, lost: true)
        let lossActions = lost.actions()
        #expect(lossActions.contains(.forget(slot: gone)))
    }

    @Test func aRetryWithNoInputTopicToGoBackToIsDeadLettered() {
        var harness = FlowHarness()
        let slot = harness.flow.polledRetry(
            MessageFlow.Consumed(partition: FlowHarness.retries, offset: 0, keyHash: nil, bytes: 1, attempt: 1), due: 0)!
        harness.flow.republishDue()
        let token = FlowHarness.produced(harness.actions())[0]
        harness.flow.noRetryHome(token, reason: "no input topic takes it")
        #expect(harness.flow.table[slot].producingOutput.verdict == .permanent)
    }
}
