import Testing

@testable import SluiceCore

/// The owned partitions and their moved commit positions, handed to librdkafka once each.
@Suite struct AssignedPartitionsTests {
    @Test func movedPositionsAreHandedOverOnceBySide() throws {
        var partitions = AssignedPartitions()
        partitions.add(topic: "in", partition: 0, isRetry: false)
        partitions.add(topic: "in", partition: 1, isRetry: false)
        partitions.add(topic: "retry", partition: 0, isRetry: true)
        #expect(partitions.count == 3)
        let first = try #require(partitions[TopicPartition(topic: "in", partition: 0)])
        let second = try #require(partitions[TopicPartition(topic: "in", partition: 1)])
        let retry = try #require(partitions[TopicPartition(topic: "retry", partition: 0)])
        #expect(partitions[TopicPartition(topic: "retry", partition: 1)] == nil)
        for offset in Int64(10)...12 { first.track(offset) }
        second.track(5)
        retry.track(7)
        // Out of order: 11 finished before 10 moves nothing.
        let movedEarly = partitions.finish(11, of: first)
        #expect(!movedEarly)
        var moved = AssignedPartitions.MovedPositions()
        partitions.takeMovedPositions(into: &moved)
        #expect(moved.input.isEmpty)
        let movedFirst = partitions.finish(10, of: first)
        let movedRetry = partitions.finish(7, of: retry)
        #expect(movedFirst && movedRetry)
        partitions.takeMovedPositions(into: &moved)
        #expect(moved.input.map { "\($0.topic)[\($0.partition)]@\($0.next)" } == ["in[0]@12"], "10 and 11 done: 12 is next")
        #expect(moved.retry.map { "\($0.topic)[\($0.partition)]@\($0.next)" } == ["retry[0]@8"])
        partitions.takeMovedPositions(into: &moved)
        #expect(moved.input.isEmpty && moved.retry.isEmpty, "each position is handed over once")
    }

    @Test func aRemovedPartitionStillHandsOverWhatMoved() throws {
        var partitions = AssignedPartitions()
        partitions.add(topic: "in", partition: 3, isRetry: false)
        let progress = try #require(partitions[TopicPartition(topic: "in", partition: 3)])
        progress.track(40)
        let finished = partitions.finish(40, of: progress)
        #expect(finished)
        partitions.remove(progress)
        #expect(partitions[TopicPartition(topic: "in", partition: 3)] == nil && partitions.count == 0)
        var moved = AssignedPartitions.MovedPositions()
        partitions.takeMovedPositions(into: &moved)
        #expect(moved.input.map(\.next) == [41], "finished work of a revoked partition is still stored")
    }
}
