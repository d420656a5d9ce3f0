import CRdKafka
import Logging
import SluiceCore

/// What librdkafka's callbacks reach through the handle's opaque pointer. The handlers are
/// set before the first poll and called on the polling thread only (delivery reports and
/// rebalances), except `log` and `error`, which librdkafka may call from its own threads.
package final class KafkaClientContext: @unchecked Sendable {
    package let logger: Logger
    /// Delivery report for one produced message (producer).
    package var onDelivery: ((DeliveryReport) -> Void)?
    /// Assignment change (consumer), applied before an assignment's handler and after a
    /// revoke's.
    package var onRebalance: ((RebalanceEvent) -> Void)?
    /// A fatal client error: the handle can no longer be used.
    package let onFatalError: @Sendable (String) -> Void

    package init(logger: Logger, onFatalError: @escaping @Sendable (String) -> Void) {
        self.logger = logger
        self.onFatalError = onFatalError
    }

    /// An assignment change, from the rebalance callback or a rebalance event: applied,
    /// and handed to the handler after an assignment, before a revoke.
    func rebalance(
        _ handle: OpaquePointer, error: rd_kafka_resp_err_t, partitions: UnsafeMutablePointer<rd_kafka_topic_partition_list_t>
    ) {
        let entries = partitions.entries.map { TopicPartition(topic: $0.topic, partition: $0.partition) }
        let assigning = error == RD_KAFKA_RESP_ERR__ASSIGN_PARTITIONS
        if assigning {
            apply(handle, assigning: true, partitions: partitions)
            onRebalance?(.assigned(entries))
        } else {
            let lost = KafkaConsumer.assignmentLost(handle) || error != RD_KAFKA_RESP_ERR__REVOKE_PARTITIONS
            onRebalance?(.revoked(entries, lost: lost))
            apply(handle, assigning: false, partitions: partitions)
        }
    }

    private func apply(_ handle: OpaquePointer, assigning: Bool, partitions: UnsafeMutablePointer<rd_kafka_topic_partition_list_t>) {
        if let failure = KafkaConsumer.applyRebalance(handle, assigning: assigning, partitions: partitions) {
            logger.error("\(failure)")
        }
    }

    static func from(_ handle: OpaquePointer?) -> KafkaClientContext {
        Unmanaged<KafkaClientContext>.fromOpaque(rd_kafka_opaque(handle)!).takeUnretainedValue()
    }
}
