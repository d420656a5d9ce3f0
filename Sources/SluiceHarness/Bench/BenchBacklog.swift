/// What a throughput row reads: a topic preloaded with `messages` messages with `keys`
/// distinct keys over `partitions` partitions. The values are the demo's measurements, or
/// JSON objects of exactly `valueBytes` bytes when it is set.
struct BenchBacklog: Hashable {
    var messages: Int
    var partitions: Int32
    var keys: Int
    var valueBytes: Int?

    /// Each backlog has a topic of its own, named by its shape.
    var topic: String {
        "bench-input-\(messages)m-\(partitions)p-\(keys)k" + (valueBytes.map { "-\($0)b" } ?? "")
    }

    /// The mock broker keeps at most 5 MiB a partition: the most messages of `valueBytes`
    /// (with their record overhead) that `partitions` hold with a margin. Keys spread
    /// unevenly over several partitions, so those get half the room each.
    static func mostRetained(partitions: Int32, valueBytes: Int) -> Int {
        Int(partitions) * (partitions > 1 ? 2 << 20 : 4 << 20) / (valueBytes + 64)
    }
}
