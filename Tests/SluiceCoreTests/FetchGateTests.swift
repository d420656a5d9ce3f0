import Testing

@testable import SluiceCore

/// `FetchGate`: the assigned partitions are paused while any reason holds, resumed when
/// the last ends, paused on assignment while closed, and cleared as they are revoked.
struct FetchGateTests {
    /// A gate over partitions 0, 1 and 2.
    private func gateWithThree() -> FetchGate<Int> {
        var gate = FetchGate<Int>()
        let action = gate.assign([0, 1, 2])
        #expect(action == nil, "open: assigned partitions are fetched")
        return gate
    }

    @Test func theFirstReasonPausesAndTheLastResumes() {
        var gate = gateWithThree()
        #expect(!gate.isClosed && !gate.partitionsPaused)
        #expect(gate.hold(.operatorRequest) == .pause([0, 1, 2]))
        #expect(gate.hold(.saturated) == nil, "paused already")
        #expect(gate.release(.operatorRequest) == nil, "saturation still holds")
        #expect(gate.isClosed && gate.holds(.saturated) && !gate.holds(.operatorRequest))
        #expect(gate.revoke([2]) == .resume([2]))
        #expect(gate.release(.saturated) == .resume([0, 1]), "the partitions assigned now")
        #expect(!gate.isClosed && !gate.partitionsPaused)
    }

    @Test func holdingOrReleasingTwiceDoesNothingMore() {
        var gate = gateWithThree()
        #expect(gate.release(.noWorkerCanRun) == nil, "nothing held")
        #expect(gate.hold(.noWorkerCanRun) == .pause([0, 1, 2]))
        #expect(gate.hold(.noWorkerCanRun) == nil)
        #expect(gate.release(.noWorkerCanRun) == .resume([0, 1, 2]))
        #expect(gate.release(.noWorkerCanRun) == nil)
    }

    @Test func newPartitionsArePausedOnlyWhileClosed() {
        var gate = gateWithThree()
        #expect(gate.assign([3, 4]) == nil)
        _ = gate.hold(.saturated)
        #expect(gate.assign([5, 6]) == .pause([5, 6]))
        #expect(gate.assign([]) == nil)
        #expect(gate.release(.saturated) == .resume([0, 1, 2, 3, 4, 5, 6]), "every partition assigned, old and new")
        #expect(gate.assign([7]) == nil)
        #expect(gate.assigned == [0, 1, 2, 3, 4, 5, 6, 7])
    }

    /// Robustness item 7: librdkafka keeps a pause across revoke and re-assign. A partition
    /// revoked while paused is resumed as it leaves, and comes back fetched once the reason
    /// is gone (paused again if it still holds).
    @Test func aPartitionRevokedWhilePausedComesBackFetched() {
        var gate = gateWithThree()
        _ = gate.hold(.operatorRequest)
        #expect(gate.revoke([1, 2]) == .resume([1, 2]))
        #expect(gate.assigned == [0])
        #expect(gate.release(.operatorRequest) == .resume([0]), "only what is still assigned")
        #expect(gate.assign([1, 2]) == nil, "assigned again: fetched")
        _ = gate.hold(.operatorRequest)
        #expect(gate.revoke([2]) == .resume([2]))
        #expect(gate.assign([2]) == .pause([2]), "the reason still holds: paused again")
        #expect(gate.revoke([]) == nil)
    }

    /// Partitions revoked or lost while fetched are not resumed: librdkafka before 2.4 can
    /// restart such a partition's fetching from a stale position after a resume that finds
    /// it not paused (#4637, #4686), which skipped messages after a loss and re-assignment.
    @Test func aPartitionRevokedWhileFetchedIsNotResumed() {
        var gate = gateWithThree()
        #expect(gate.revoke([1]) == nil, "not paused: nothing to clear")
        #expect(gate.assigned == [0, 2])
        _ = gate.hold(.saturated)
        _ = gate.release(.saturated)
        #expect(gate.revoke([2]) == nil, "paused once, fetched again: nothing to clear")
        #expect(gate.assign([1, 2]) == nil)
    }

    @Test func theStopIsNotShownAsHeldBack() {
        var gate = gateWithThree()
        #expect(gate.hold(.stopping) == .pause([0, 1, 2]))
        #expect(gate.isClosed && !gate.isHeldBack, "stopping is shown as stopping, not as paused")
        _ = gate.hold(.operatorRequest)
        #expect(gate.isHeldBack)
        #expect(gate.release(.operatorRequest) == nil, "the stop still holds")
    }
}
