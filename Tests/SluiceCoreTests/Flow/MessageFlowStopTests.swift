import PluginProtocol
import Testing

@testable import SluiceCore

/// The ordered stop: the drain, its end, and what the stop leaves.
@Suite struct MessageFlowStopTests {
    @Test func aStopWithNothingHeldEndsItsDrainAtOnce() {
        var harness = FlowHarness()
        harness.flow.beginStop(drainTimeout: .seconds(30))
        #expect(harness.flow.stopPhase == .closing(drainEnded: .origin))
        #expect(harness.flow.closed() == 0)
        #expect(harness.flow.stopPhase == .stopped(left: 0))
    }

    @Test func theStopLetsGoOfWhatHasNotStartedAndWritesHeldRetriesBack() {
        var harness = FlowHarness()
        harness.poll(0)
        harness.poll(1)
        let held = harness.flow.polledRetry(
            MessageFlow.Consumed(partition: FlowHarness.retries, offset: 0, keyHash: nil, bytes: 1, attempt: 1), due: 60_000)!
        harness.flow.beginStop(drainTimeout: .seconds(30))
        let actions = harness.actions()
        #expect(actions.filter { if case .forget = $0 { true } else { false } }.count == 2)
        #expect(FlowHarness.produced(actions) == [harness.flow.token(held)])
        #expect(harness.flow.isDraining, "the hand-back is not delivered yet")
    }

    @Test func theDrainEndsWhenTheLastMessageFinishes() {
        var harness = FlowHarness()
        harness.poll(0)
        let sent = harness.dispatch()
        harness.flow.beginStop(drainTimeout: .seconds(30))
        _ = harness.actions()
        harness.flow.advance(to: .origin + .seconds(1), wallMilliseconds: 1000)
        #expect(harness.flow.isDraining)
        let tokens = harness.answer(sent[0].request)
        harness.flow.delivered(tokens[0], topic: { "out" }, .stored)
        #expect(harness.flow.stopPhase == .closing(drainEnded: .origin + .seconds(1)))
        #expect(harness.storedInput() == [1], "what the drain finished is stored")
        #expect(harness.flow.closed() == 0)
    }

    @Test func theDrainEndsAtItsTimeoutWithWorkUnfinished() {
        var harness = FlowHarness()
        harness.poll(0)
        _ = harness.dispatch()
        #expect(harness.flow.stopDrainEnds == nil)
        harness.flow.beginStop(drainTimeout: .seconds(30))
        #expect(harness.flow.stopDrainEnds == .origin + .seconds(30), "a revoke during the stop waits no longer")
        harness.flow.advance(to: .origin + .seconds(29), wallMilliseconds: 29_000)
        #expect(harness.flow.isDraining)
        harness.flow.advance(to: .origin + .seconds(30), wallMilliseconds: 30_000)
        #expect(harness.flow.stopPhase == .closing(drainEnded: .origin + .seconds(30)))
        #expect(harness.flow.stopDrainEnds == .origin + .seconds(30))
        _ = harness.actions()
        #expect(harness.said.contains(.drainTimedOut(unfinished: 1)))
        #expect(harness.flow.closed() == 1)
        #expect(harness.flow.table.count == 0)
        #expect(harness.storedInput().isEmpty, "the unfinished message is redone after a restart")
    }

    /// Leaving the group revokes the partitions after the drain: a message still at a
    /// worker then is counted once, as the revoke takes it, not again as the stop lets it go.
    @Test func aMessageRevokedAfterTheDrainCountsOnce() {
        var harness = FlowHarness()
        harness.poll(0)
        _ = harness.dispatch()
        harness.flow.beginStop(drainTimeout: .seconds(1))
        harness.flow.advance(to: .origin + .seconds(1), wallMilliseconds: 1000)
        let revoked = harness.flow.beginRevoke([FlowHarness.input], isRetry: false, lost: false)
        #expect(harness.flow.finishRevoke(revoked) == 1)
        #expect(harness.flow.closed() == 1)
        _ = harness.actions()
        #expect(harness.said.last == .leftUnfinished(count: 1, byPartition: "in[0]=1"), "named by partition, as it was taken")
    }

    /// A rebalance during the drain hands its partitions over as during the run: what they
    /// held is the next owner's, not the stop's shortfall.
    @Test func aRevokeDuringTheDrainIsNotTheStopsShortfall() {
        var harness = FlowHarness()
        harness.poll(0)
        _ = harness.dispatch()
        harness.flow.beginStop(drainTimeout: .seconds(30))
        let revoked = harness.flow.beginRevoke([FlowHarness.input], isRetry: false, lost: false)
        #expect(harness.flow.finishRevoke(revoked) == 1)
        harness.flow.advance(to: .origin + .seconds(30), wallMilliseconds: 30_000)
        #expect(harness.flow.closed() == 0)
    }
}
