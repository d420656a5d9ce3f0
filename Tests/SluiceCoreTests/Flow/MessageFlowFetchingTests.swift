import PluginProtocol
import Testing

@testable import SluiceCore

/// Which partitions are fetched: the flow holds fetching back for each reason and asks
/// for the pauses and resumes.
@Suite struct MessageFlowFetchingTests {
    /// The fetch changes among `harness`'s actions.
    private static func changes(_ harness: inout FlowHarness) -> [MessageFlow.FetchChange] {
        harness.actions().compactMap { $0 == .fetch ? harness.flow.nextFetchChange() : nil }
    }

    @Test func anOperatorsPauseHoldsTheInputUntilResumed() {
        var harness = FlowHarness()
        harness.flow.hold(.operatorRequest, isRetry: false)
        let changes1 = Self.changes(&harness)
        #expect(changes1 == [.init(isRetry: false, action: .pause([FlowHarness.input]))])
        #expect(harness.flow.isInputHeldBack)
        harness.flow.release(.operatorRequest, isRetry: false)
        let changes2 = Self.changes(&harness)
        #expect(changes2 == [.init(isRetry: false, action: .resume([FlowHarness.input]))])
        #expect(!harness.flow.isInputHeldBack)
    }

    @Test func aFullRetrierPausesUntilHalfEmpty() {
        var harness = FlowHarness(bufferMessages: 4)
        var slots: [Int] = []
        for offset in 0..<4 {
            slots.append(
                harness.flow.polledRetry(
                    MessageFlow.Consumed(partition: FlowHarness.retries, offset: Int64(offset), keyHash: nil, bytes: 1, attempt: 1),
                    due: 0)!)
        }
        let changes3 = Self.changes(&harness)
        #expect(changes3 == [.init(isRetry: true, action: .pause([FlowHarness.retries]))])
        harness.flow.republishDue()
        let tokens = harness.enqueueAll()
        harness.flow.delivered(tokens[0], topic: { "in" }, .stored)
        let changes4 = Self.changes(&harness)
        #expect(changes4.isEmpty, "three of four held: not yet half empty")
        harness.flow.delivered(tokens[1], topic: { "in" }, .stored)
        let changes5 = Self.changes(&harness)
        #expect(changes5 == [.init(isRetry: true, action: .resume([FlowHarness.retries]))])
    }

    @Test func aFullInputUnpolledTooLongPausesAndStaysInTheGroup() {
        var harness = FlowHarness(bufferMessages: 2)
        harness.flow.advance(to: .origin + .seconds(3), wallMilliseconds: 3000)
        harness.flow.inputPolled()
        harness.poll(0)
        harness.poll(1)
        #expect(!harness.flow.inputTakesMore)
        #expect(harness.flow.nextForcedInputPoll == .origin + .seconds(3) + MessageFlow.longestUnpolled)
        harness.flow.advance(to: .origin + .seconds(7), wallMilliseconds: 7000)
        let pollsAt7 = harness.flow.pollsInput(hasEvents: true)
        #expect(!pollsAt7, "full, and polled 4 s ago")
        harness.flow.advance(to: .origin + .seconds(8), wallMilliseconds: 8000)
        let pollsAt8 = harness.flow.pollsInput(hasEvents: true)
        #expect(pollsAt8, "polled again, paused, to stay in the group")
        let changes1 = Self.changes(&harness)
        #expect(changes1 == [.init(isRetry: false, action: .pause([FlowHarness.input]))])
        #expect(harness.said.contains(.saturated(after: MessageFlow.longestUnpolled)))
        #expect(harness.flow.inputTakesMore, "paused: what was fetched before is taken")
        let sent = harness.dispatch()
        let tokens = harness.answer(sent[0].request)
        harness.flow.delivered(tokens[0], topic: { "out" }, .stored)
        let changes7 = Self.changes(&harness)
        #expect(changes7 == [.init(isRetry: false, action: .resume([FlowHarness.input]))])
    }

    @Test func noWorkerThatCanRunHoldsTheInputAndSaysSoOnce() {
        var harness = FlowHarness()
        harness.flow.workers(canRun: false)
        harness.flow.workers(canRun: false)
        let changes8 = Self.changes(&harness)
        #expect(changes8 == [.init(isRetry: false, action: .pause([FlowHarness.input]))])
        harness.flow.workers(canRun: true)
        let changes9 = Self.changes(&harness)
        #expect(changes9 == [.init(isRetry: false, action: .resume([FlowHarness.input]))])
        #expect(harness.said == [.noWorkerCanRun, .aWorkerCanRunAgain])
    }

    @Test func theStopPausesBothConsumersForGood() {
        var harness = FlowHarness()
        harness.flow.hold(.operatorRequest, isRetry: false)
        _ = Self.changes(&harness)
        harness.flow.beginStop(drainTimeout: .seconds(1))
        let paused = Self.changes(&harness)
        #expect(paused == [.init(isRetry: true, action: .pause([FlowHarness.retries]))], "the input was paused already")
        #expect(harness.flow.holds(.stopping, isRetry: false) && harness.flow.holds(.stopping, isRetry: true))
        harness.flow.release(.operatorRequest, isRetry: false)
        let afterResume = Self.changes(&harness)
        #expect(afterResume.isEmpty, "a resume during the stop resumes nothing")
    }

    /// librdkafka keeps an application's pause across revoke and re-assign: a paused
    /// partition is resumed as it leaves, and comes back paused only while a reason holds.
    @Test func aPausedPartitionLeavesResumedAndComesBackAsTheReasonsSay() {
        var harness = FlowHarness()
        harness.flow.hold(.operatorRequest, isRetry: false)
        _ = Self.changes(&harness)
        let revoked = harness.flow.beginRevoke([FlowHarness.input], isRetry: false, lost: false)
        _ = harness.flow.finishRevoke(revoked)
        let changes11 = Self.changes(&harness)
        #expect(changes11 == [.init(isRetry: false, action: .resume([FlowHarness.input]))])
        harness.flow.assigned([FlowHarness.input], isRetry: false)
        let changes12 = Self.changes(&harness)
        #expect(changes12 == [.init(isRetry: false, action: .pause([FlowHarness.input]))])
        harness.flow.release(.operatorRequest, isRetry: false)
        _ = Self.changes(&harness)
        let again = harness.flow.beginRevoke([FlowHarness.input], isRetry: false, lost: true)
        _ = harness.flow.finishRevoke(again)
        let changes13 = Self.changes(&harness)
        #expect(changes13.isEmpty, "a partition not paused is not resumed (librdkafka #4637)")
    }

    /// A reload that raises the limit ends a hold for being full at once.
    @Test func aReloadRaisingTheLimitEndsTheHoldForBeingFull() {
        var harness = FlowHarness(bufferMessages: 2)
        for offset in 0..<2 {
            _ = harness.flow.polledRetry(
                MessageFlow.Consumed(partition: FlowHarness.retries, offset: Int64(offset), keyHash: nil, bytes: 1, attempt: 1), due: 60_000)
        }
        let paused = Self.changes(&harness)
        #expect(paused == [.init(isRetry: true, action: .pause([FlowHarness.retries]))])
        harness.flow.settings.bufferLimit.messages = 100
        let resumed = Self.changes(&harness)
        #expect(resumed == [.init(isRetry: true, action: .resume([FlowHarness.retries]))])
    }
}
