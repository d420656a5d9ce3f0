import CRdKafka

/// An owned `rd_kafka_topic_partition_list_t`, freed in `deinit`.
final class TopicPartitionList {
    let pointer: UnsafeMutablePointer<rd_kafka_topic_partition_list_t>

    init(capacity: Int = 1) {
        pointer = rd_kafka_topic_partition_list_new(Int32(capacity))
    }

    deinit {
        rd_kafka_topic_partition_list_destroy(pointer)
    }

    /// Adds a partition, with an offset when given.
    func add(topic: String, partition: Int32, offset: Int64? = nil) {
        // Explicitly, as in `KafkaMessage.header(_:)`: a name of up to 15 bytes passed as an
        // argument was copied into a new array.
        let element = topic.withCString { rd_kafka_topic_partition_list_add(pointer, $0, partition)! }
        if let offset { element.pointee.offset = offset }
    }
}

extension UnsafeMutablePointer where Pointee == rd_kafka_topic_partition_list_t {
    /// The (topic, partition, offset, error) entries of a borrowed list.
    var entries: [(topic: String, partition: Int32, offset: Int64, error: rd_kafka_resp_err_t)] {
        (0..<Int(pointee.cnt)).map { index in
            let element = pointee.elems[index]
            return (String(cString: element.topic), element.partition, element.offset, element.err)
        }
    }
}
