import CRdKafka

extension KafkaConsumer {
    /// Whether the group uses the cooperative (incremental) rebalance protocol.
    static func isCooperative(_ handle: OpaquePointer) -> Bool {
        String(cString: rd_kafka_rebalance_protocol(handle)) == "COOPERATIVE"
    }

    /// Applies an assignment change from the rebalance callback, for either protocol.
    static func applyRebalance(
        _ handle: OpaquePointer, assigning: Bool,
        partitions: UnsafeMutablePointer<rd_kafka_topic_partition_list_t>
    ) -> KafkaError? {
        if isCooperative(handle) {
            let error = assigning
                ? rd_kafka_incremental_assign(handle, partitions)
                : rd_kafka_incremental_unassign(handle, partitions)
            if let error {
                defer { rd_kafka_error_destroy(error) }
                return KafkaError(.subscription, "incremental rebalance: \(String(cString: rd_kafka_error_string(error)))")
            }
            return nil
        }
        let error = rd_kafka_assign(handle, assigning ? partitions : nil)
        guard error == RD_KAFKA_RESP_ERR_NO_ERROR else {
            return KafkaError(.subscription, "assign", error: error)
        }
        return nil
    }

    /// Whether the current assignment was lost (session timed out) rather than revoked.
    static func assignmentLost(_ handle: OpaquePointer) -> Bool {
        rd_kafka_assignment_lost(handle) != 0
    }
}
