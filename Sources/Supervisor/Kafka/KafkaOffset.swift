import CRdKafka

/// Logical offsets to start reading a partition from.
package enum KafkaOffset {
    package static let beginning = Int64(RD_KAFKA_OFFSET_BEGINNING)
    package static let end = Int64(RD_KAFKA_OFFSET_END)
}
