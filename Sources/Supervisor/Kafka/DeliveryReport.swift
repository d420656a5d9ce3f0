import CRdKafka

/// The outcome of producing one message, handed to `KafkaClientContext.onDelivery` while
/// the producer serves its reports. It reads librdkafka's report in place: valid only
/// during that call.
package struct DeliveryReport {
    private let message: UnsafePointer<rd_kafka_message_t>

    init(_ message: UnsafePointer<rd_kafka_message_t>) {
        self.message = message
    }

    /// The token given to `KafkaProducer.produce`.
    package var token: UInt { UInt(bitPattern: message.pointee._private) }

    /// Why it was not delivered; nil when it was.
    package var error: KafkaError? {
        let code = message.pointee.err
        guard code != RD_KAFKA_RESP_ERR_NO_ERROR else { return nil }
        return KafkaError(.produce, "delivery to \(topic) failed", error: code)
    }

    package var topic: String { String(cString: rd_kafka_topic_name(message.pointee.rkt)) }
    package var partition: Int32 { message.pointee.partition }

    /// Where the broker stored it; nil when the broker answered without an offset (the
    /// idempotent producer's "duplicate of a write already stored").
    package var offset: Int64? { message.pointee.offset >= 0 ? message.pointee.offset : nil }
}
