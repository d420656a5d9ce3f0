import Supervisor

/// Where each input id ended up after a bench run.
struct OutputTally {
    /// Outputs per topic.
    var perTopic: [String: Int] = [:]
    /// Input ids found in no output topic.
    var missing = 0
    /// Outputs beyond the first for an id.
    var duplicates = 0
    /// Outputs that could not be read back (dropped by the mock's retention) or carry no id.
    var unreadable = 0

    var isComplete: Bool { missing == 0 && unreadable == 0 }

    /// The ids not accounted for, for a row that stalled.
    var shortfall: String {
        "\(missing.formatted) ids not read back, \(unreadable.formatted) outputs unreadable, \(duplicates.formatted) repeated"
    }
}

/// Counts where the ids 0..<expected came out, reading each output once however often it
/// is asked (`TopicReader`).
final class OutputCounter {
    private let reader: TopicReader
    private var seen: [UInt8]
    private var tally = OutputTally()

    init(_ cluster: BenchCluster, topics: [String], partitions: Int32, expected: Int) throws(KafkaError) {
        reader = try TopicReader(cluster, topics: topics, partitions: partitions)
        seen = [UInt8](repeating: 0, count: expected)
    }

    /// The reader's last error, if it had one.
    var readerError: KafkaError? { reader.lastError }

    /// Reads what came out since the last call and returns the tally of everything so far.
    func update() throws(KafkaError) -> OutputTally {
        let expected = seen.count
        let dropped = try reader.readToEnd { message in
            tally.perTopic[message.topic, default: 0] += 1
            guard let id = OutputHeaders.integer(BenchCluster.idHeader, of: message), id >= 0, id < expected else {
                tally.unreadable += 1
                return
            }
            if seen[Int(id)] > 0 { tally.duplicates += 1 }
            seen[Int(id)] = min(seen[Int(id)], 254) + 1
        }
        tally.unreadable += dropped
        tally.missing = seen.reduce(0) { $1 == 0 ? $0 + 1 : $0 }
        return tally
    }
}
