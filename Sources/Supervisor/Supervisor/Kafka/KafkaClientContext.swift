import CRdKafka
import Logging

/// What librdkafka's callbacks reach through the handle's opaque pointer. The handlers are
/// set before the first poll and called on the polling thread only (delivery reports and
/// rebalances), except `log` and `error`, which librdkafka may call from its own threads.
final class KafkaClientContext: @unchecked Sendable {
    let logger: Logger
    /// Delivery report for one produced message (producer).
    var onDelivery: ((UnsafePointer<rd_kafka_message_t>) -> Void)?
    /// Assignment change (consumer): the error tells assign from revoke.
    var onRebalance: ((OpaquePointer, rd_kafka_resp_err_t, UnsafeMutablePointer<rd_kafka_topic_partition_list_t>) -> Void)?
    /// A fatal client error: the handle can no longer be used.
    let onFatalError: @Sendable (String) -> Void

    init(logger: Logger, onFatalError: @escaping @Sendable (String) -> Void) {
        self.logger = logger
        self.onFatalError = onFatalError
    }

    /// An assignment change, from the rebalance callback or a rebalance event: to the
    /// handler, else applied as it is.
    func rebalance(
        _ handle: OpaquePointer, error: rd_kafka_resp_err_t, partitions: UnsafeMutablePointer<rd_kafka_topic_partition_list_t>
    ) {
        if let onRebalance {
            onRebalance(handle, error, partitions)
        } else {
            _ = KafkaConsumer.applyRebalance(handle, assigning: error == RD_KAFKA_RESP_ERR__ASSIGN_PARTITIONS, partitions: partitions)
        }
    }

    static func from(_ handle: OpaquePointer?) -> KafkaClientContext {
        Unmanaged<KafkaClientContext>.fromOpaque(rd_kafka_opaque(handle)!).takeUnretainedValue()
    }
}
