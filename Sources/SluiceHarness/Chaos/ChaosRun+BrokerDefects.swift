import Supervisor
/// What the broker did to the input itself, read from Kafka: the mock stores an idempotent
/// retry again when a connection drops with requests in flight, where Kafka answers it as
/// a duplicate (docs/RELIABILITY.md, the mock's limits). An input stored twice is rightly
/// done twice; the judge allows its repeat and fails the run on the broker's defect.
extension ChaosRun {
    /// How many times the input topic holds each id (the mock can store a retried write
    /// twice, or acknowledge one it never stored), or nil when part of it could not be read.
    func copiesInInput(count: Int) throws -> [UInt8]? {
        var copies = [UInt8](repeating: 0, count: count)
        let read = try reader.read([(input, options.partitions)], timeout: .seconds(170))
        for message in read {
            guard let id = message.integerHeader(BenchCluster.idHeader).map(Int.init), copies.indices.contains(id) else { continue }
            copies[id] = min(copies[id], 254) + 1
        }
        // The mock keeps 5 MiB a partition: what it dropped from the start was not read.
        let ends = try reader.ends([(input, options.partitions)])[input] ?? []
        return read.count == ends.reduce(0, { $0 + max(0, $1) }) ? copies : nil
    }
}
