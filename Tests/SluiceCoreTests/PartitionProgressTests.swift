import Testing

@testable import SluiceCore

/// `PartitionProgress`: the commit position is the first unfinished offset, whatever order
/// the messages finish in.
struct PartitionProgressTests {
    @Test func positionIsTheFirstUnfinishedOffset() {
        let progress = PartitionProgress(topic: "in", partition: 0)
        #expect(progress.position == nil, "nothing consumed yet")
        for offset in Int64(10)..<15 { progress.track(offset) }
        #expect(progress.position == 10)
        #expect(!progress.finish(12), "finishing a later one moves nothing")
        #expect(!progress.finish(11))
        #expect(progress.storable == nil)
        #expect(progress.finish(10), "the first one moves the position past every finished one")
        #expect(progress.storable == 13 && progress.position == 13)
        progress.markStored()
        #expect(progress.storable == nil)
        #expect(progress.finish(13) && progress.finish(14))
        #expect(progress.storable == 15 && progress.position == 15, "all finished: the next to consume")
    }

    @Test func gapsInOffsetsAreFine() {
        // Compacted topics and transaction markers leave gaps. The stored offset is the
        // one after the last finished message: a restart there reads the next that exists.
        let progress = PartitionProgress(topic: "in", partition: 0)
        for offset: Int64 in [3, 7, 8, 20] { progress.track(offset) }
        #expect(!progress.finish(8))
        #expect(progress.finish(3) && progress.storable == 4 && progress.position == 7)
        #expect(progress.finish(7) && progress.storable == 9 && progress.position == 20)
        #expect(progress.finish(20) && progress.storable == 21 && progress.position == 21)
    }

    @Test func unknownOrRepeatedOffsetsChangeNothing() {
        let progress = PartitionProgress(topic: "in", partition: 0)
        for offset in Int64(0)..<3 { progress.track(offset) }
        #expect(!progress.finish(5), "never consumed")
        #expect(progress.finish(0) && progress.storable == 1)
        #expect(!progress.finish(0), "already finished and gone")
        #expect(progress.position == 1)
    }

    /// A commit position standing still while messages are held is reported once, from the
    /// threshold on; its end is reported once; a partition that held nothing did not stand
    /// still, however long it waited.
    @Test func aStandStillIsReportedOnceAndItsEndOnce() {
        let start = Moment.origin
        let threshold = Duration.seconds(10)
        let progress = PartitionProgress(topic: "in", partition: 0)
        progress.take(0, at: start + .seconds(100))  // idle until then: the clock starts now
        progress.take(1, at: start + .seconds(101))
        #expect(progress.held == 2 && progress.position == 0)
        #expect(progress.stallToReport(at: start + .seconds(109), threshold: threshold) == nil)
        #expect(progress.stallToReport(at: start + .seconds(110), threshold: threshold) == .seconds(10))
        #expect(progress.stallToReport(at: start + .seconds(130), threshold: threshold) == nil, "reported once")
        #expect(progress.stall(at: start + .seconds(130), threshold: threshold) == .seconds(30), "still shown")
        let moved = progress.finish(0)
        #expect(moved)
        #expect(progress.positionMoved(at: start + .seconds(131)) == .seconds(31))
        #expect(progress.positionMoved(at: start + .seconds(132)) == nil, "an unreported move is no news")
        #expect(progress.stallToReport(at: start + .seconds(141), threshold: threshold) == nil)
        #expect(progress.stallToReport(at: start + .seconds(142), threshold: threshold) == .seconds(10), "a new stand-still")
    }

    @Test func aRevokedOrEmptyPartitionDoesNotStandStill() {
        let start = Moment.origin
        let progress = PartitionProgress(topic: "in", partition: 0)
        #expect(progress.stall(at: start + .seconds(60), threshold: .seconds(10)) == nil, "holds nothing")
        progress.take(0, at: start)
        progress.isRevoked = true
        #expect(progress.stall(at: start + .seconds(60), threshold: .seconds(10)) == nil, "the next owner's now")
    }
}
