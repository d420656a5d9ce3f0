import Testing

@testable import Supervisor

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
}
