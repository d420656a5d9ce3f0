import CRdKafka

/// Fault injection on the mock cluster (rdkafka_mock.h), for `make chaos` and the tests.
/// Each call is a synchronous request to the mock's thread.
extension MockCluster {
    /// Kafka protocol request kinds (ApiKey) that faults target.
    public enum Request: Int16, Sendable {
        case produce = 0
        case offsetCommit = 8
    }

    /// Makes the next `errors.count` requests of `request` to any broker fail with these
    /// errors, in order.
    public func failNext(_ request: Request, with errors: [rd_kafka_resp_err_t]) {
        errors.withUnsafeBufferPointer {
            rd_kafka_mock_push_request_errors_array(cluster, request.rawValue, $0.count, $0.baseAddress)
        }
    }

    /// Makes every metadata answer about `topic` carry `error` (such as
    /// UNKNOWN_TOPIC_OR_PART: the topic is missing), or clears it with NO_ERROR.
    public func setTopicError(_ topic: String, _ error: rd_kafka_resp_err_t) {
        rd_kafka_mock_topic_set_error(cluster, topic, error)
    }

    /// Takes a broker down (its connections close, new ones are refused) or up again.
    /// Partition leadership does not move by itself: see `setLeader`.
    public func setBroker(_ broker: Int32, up: Bool) throws(KafkaError) {
        try check(up ? rd_kafka_mock_broker_set_up(cluster, broker) : rd_kafka_mock_broker_set_down(cluster, broker), "broker \(broker) \(up ? "up" : "down")")
    }

    /// Makes `broker` the leader of a topic's partition.
    public func setLeader(topic: String, partition: Int32, broker: Int32) throws(KafkaError) {
        try check(rd_kafka_mock_partition_set_leader(cluster, topic, partition, broker), "leader of \(topic)[\(partition)]")
    }

    /// Delays every response of `broker` by `milliseconds` (0 restores it).
    public func setRoundTripTime(broker: Int32, milliseconds: Int32) throws(KafkaError) {
        try check(rd_kafka_mock_broker_set_rtt(cluster, broker, milliseconds), "round-trip time of broker \(broker)")
    }

    /// Moves a consumer group's coordinator to `broker`.
    public func setGroupCoordinator(group: String, broker: Int32) throws(KafkaError) {
        try check(rd_kafka_mock_coordinator_set(cluster, "group", group, broker), "coordinator of \(group)")
    }

    private func check(_ error: rd_kafka_resp_err_t, _ what: String) throws(KafkaError) {
        guard error == RD_KAFKA_RESP_ERR_NO_ERROR else { throw KafkaError(.mockCluster, "cannot set \(what)", error: error) }
    }
}
