import Testing

@testable import Supervisor

/// `FetchGate`: the partitions are paused while any reason holds, resumed when the last
/// ends, paused on assignment while closed, and cleared as they are revoked.
struct FetchGateTests {
    let assigned = [0, 1, 2]

    @Test func theFirstReasonPausesAndTheLastResumes() {
        var gate = FetchGate<Int>()
        #expect(!gate.isClosed && !gate.partitionsPaused)
        #expect(gate.hold(.operatorRequest, assigned: assigned) == .pause([0, 1, 2]))
        #expect(gate.hold(.saturated, assigned: assigned) == nil, "paused already")
        #expect(gate.release(.operatorRequest, assigned: assigned) == nil, "saturation still holds")
        #expect(gate.isClosed && gate.holds(.saturated) && !gate.holds(.operatorRequest))
        #expect(gate.release(.saturated, assigned: [0, 1]) == .resume([0, 1]), "the partitions assigned now")
        #expect(!gate.isClosed && !gate.partitionsPaused)
    }

    @Test func holdingOrReleasingTwiceDoesNothingMore() {
        var gate = FetchGate<Int>()
        #expect(gate.release(.noWorkerCanRun, assigned: assigned) == nil, "nothing held")
        #expect(gate.hold(.noWorkerCanRun, assigned: assigned) == .pause(assigned))
        #expect(gate.hold(.noWorkerCanRun, assigned: assigned) == nil)
        #expect(gate.release(.noWorkerCanRun, assigned: assigned) == .resume(assigned))
        #expect(gate.release(.noWorkerCanRun, assigned: assigned) == nil)
    }

    @Test func newPartitionsArePausedOnlyWhileClosed() {
        var gate = FetchGate<Int>()
        #expect(gate.assigned([3, 4]) == nil)
        _ = gate.hold(.saturated, assigned: assigned)
        #expect(gate.assigned([3, 4]) == .pause([3, 4]))
        #expect(gate.assigned([]) == nil)
        _ = gate.release(.saturated, assigned: assigned)
        #expect(gate.assigned([5]) == nil)
    }

    /// Robustness item 7: librdkafka keeps a pause across revoke and re-assign. A partition
    /// revoked while paused is resumed as it leaves, and comes back fetched once the reason
    /// is gone (paused again if it still holds).
    @Test func aPartitionRevokedWhilePausedComesBackFetched() {
        var gate = FetchGate<Int>()
        _ = gate.hold(.operatorRequest, assigned: assigned)
        #expect(gate.revoked([1, 2]) == .resume([1, 2]))
        #expect(gate.release(.operatorRequest, assigned: [0]) == .resume([0]))
        #expect(gate.assigned([1, 2]) == nil, "assigned again: fetched")
        _ = gate.hold(.operatorRequest, assigned: [0, 1, 2])
        #expect(gate.revoked([2]) == .resume([2]))
        #expect(gate.assigned([2]) == .pause([2]), "the reason still holds: paused again")
        #expect(gate.revoked([]) == nil)
    }

    @Test func theStopIsNotShownAsHeldBack() {
        var gate = FetchGate<Int>()
        #expect(gate.hold(.stopping, assigned: assigned) == .pause(assigned))
        #expect(gate.isClosed && !gate.isHeldBack, "stopping is shown as stopping, not as paused")
        _ = gate.hold(.operatorRequest, assigned: assigned)
        #expect(gate.isHeldBack)
        #expect(gate.release(.operatorRequest, assigned: assigned) == nil, "the stop still holds")
    }
}
