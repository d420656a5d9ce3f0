import CRdKafka
import Logging

/// What librdkafka's callbacks reach through the handle's opaque pointer. The handlers are
/// set before the first poll and called on the polling thread only (delivery reports and
/// rebalances), except `log` and `error`, which librdkafka may call from its own threads.
package final class KafkaClientContext: @unchecked Sendable {
    package let logger: Logger
    /// Delivery report for one produced message (producer).
    package var onDelivery: ((UnsafePointer<rd_kafka_message_t>) -> Void)?
    /// Assignment change (consumer): the error tells assign from revoke.
    package var onRebalance: ((OpaquePointer, rd_kafka_resp_err_t, UnsafeMutablePointer<rd_kafka_topic_partition_list_t>) -> Void)?
    /// A fatal client error: the handle can no longer be used.
    package let onFatalError: @Sendable (String) -> Void

    package init(logger: Logger, onFatalError: @escaping @Sendable (String) -> Void) {
        self.logger = logger
        self.onFatalError = onFatalError
    }

    /// An assignment change, from the rebalance callback or a rebalance event: to the
    /// handler, else applied as it is.
    package func rebalance(
        _ handle: OpaquePointer, error: rd_kafka_resp_err_t, partitions: UnsafeMutablePointer<rd_kafka_topic_partition_list_t>
    ) {
        if let onRebalance {
            onRebalance(handle, error, partitions)
        } else {
            _ = KafkaConsumer.applyRebalance(handle, assigning: error == RD_KAFKA_RESP_ERR__ASSIGN_PARTITIONS, partitions: partitions)
        }
    }

    package static func from(_ handle: OpaquePointer?) -> KafkaClientContext {
        Unmanaged<KafkaClientContext>.fromOpaque(rd_kafka_opaque(handle)!).takeUnretainedValue()
    }
}
