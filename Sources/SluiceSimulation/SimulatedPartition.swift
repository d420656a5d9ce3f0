/// A partition of the simulated Kafka: the log of messages written to it, the offset the
/// group committed, and, while assigned, where the consumer fetches next.
struct SimulatedPartition {
    /// Topic 0 is the input, topic 1 the transient-failure topic the retrier reads.
    struct ID: Hashable {
        let topic: Int
        let partition: Int32
    }

    struct Entry {
        let messageID: Int
        let key: Int?
        let attempt: Int
        /// For a transient failure: when it is due (wall-clock milliseconds).
        let due: Int64?
    }

    let id: ID
    var log: [Entry] = []
    /// The group's committed offset: where a new owner starts.
    var committed: Int64 = 0
    /// Whether this member owns it now, and since which assignment.
    var epoch: Int?
    /// Whether librdkafka has it paused: kept across revoke and re-assign, as librdkafka
    /// keeps an application's pause.
    var paused = false
    /// The next offset the consumer hands over.
    var fetchPosition: Int64 = 0
    /// Which offsets are finished: their outputs are in Kafka (or they were dropped).
    var finished: [Bool] = []
    /// The last first-enqueued output of each key in the current epoch: (offset, index).
    var lastEnqueuedByKey: [Int: (offset: Int64, index: Int)] = [:]
    /// The instance of each key that holds it now, in the current epoch.
    var keyHolder: [Int: Int] = [:]
    /// The last output of each key stored in each output topic partition in the current
    /// epoch: (offset, index).
    var lastStoredByKey: [KeyInTopic: (offset: Int64, index: Int)] = [:]

    /// A key of this partition, and the output topic partition (`SimulatedWrite.lane`).
    struct KeyInTopic: Hashable {
        let key: Int
        let lane: Int
    }

    init(id: ID) {
        self.id = id
    }

    mutating func append(_ entry: Entry) {
        log.append(entry)
        finished.append(false)
    }
}
