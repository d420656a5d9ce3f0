import CRdKafka

/// Fault injection on the mock cluster (rdkafka_mock.h), for `make chaos` and the tests.
/// Each call is a synchronous request to the mock's thread.
extension MockCluster {
    /// Kafka protocol request kinds (ApiKey) that faults target.
    public enum Request: Int16, Sendable {
        case produce = 0
        case offsetCommit = 8
    }

    /// Errors a broker answers with, that faults inject.
    public enum BrokerError: Sendable, CaseIterable, CustomStringConvertible {
        case unknownTopicOrPartition, notLeaderForPartition, requestTimedOut, notEnoughReplicas,
            notEnoughReplicasAfterAppend, policyViolation, topicAuthorizationFailed, coordinatorNotAvailable,
            notCoordinator, offsetMetadataTooLarge, groupAuthorizationFailed, fencedInstanceID

        var code: rd_kafka_resp_err_t {
            switch self {
            case .unknownTopicOrPartition: RD_KAFKA_RESP_ERR_UNKNOWN_TOPIC_OR_PART
            case .notLeaderForPartition: RD_KAFKA_RESP_ERR_NOT_LEADER_FOR_PARTITION
            case .requestTimedOut: RD_KAFKA_RESP_ERR_REQUEST_TIMED_OUT
            case .notEnoughReplicas: RD_KAFKA_RESP_ERR_NOT_ENOUGH_REPLICAS
            case .notEnoughReplicasAfterAppend: RD_KAFKA_RESP_ERR_NOT_ENOUGH_REPLICAS_AFTER_APPEND
            case .policyViolation: RD_KAFKA_RESP_ERR_POLICY_VIOLATION
            case .topicAuthorizationFailed: RD_KAFKA_RESP_ERR_TOPIC_AUTHORIZATION_FAILED
            case .coordinatorNotAvailable: RD_KAFKA_RESP_ERR_COORDINATOR_NOT_AVAILABLE
            case .notCoordinator: RD_KAFKA_RESP_ERR_NOT_COORDINATOR
            case .offsetMetadataTooLarge: RD_KAFKA_RESP_ERR_OFFSET_METADATA_TOO_LARGE
            case .groupAuthorizationFailed: RD_KAFKA_RESP_ERR_GROUP_AUTHORIZATION_FAILED
            case .fencedInstanceID: RD_KAFKA_RESP_ERR_FENCED_INSTANCE_ID
            }
        }

        /// Kafka's name for it, such as NOT_COORDINATOR.
        public var description: String { String(cString: rd_kafka_err2name(code)) }

        /// The error Kafka calls `name`.
        public static func named(_ name: String) -> BrokerError? {
            allCases.first { $0.description == name }
        }
    }

    /// Makes the next `errors.count` requests of `request` that reach `broker` fail with
    /// these errors, in order: aimed at one client's requests where only that client talks
    /// to the broker about them (a topic's leader, a group's coordinator).
    public func failNext(_ request: Request, on broker: Int32, with errors: [BrokerError]) throws(KafkaError) {
        for error in errors {
            try check(sluice_mock_broker_push_error(cluster, broker, request.rawValue, error.code), "errors of broker \(broker)")
        }
    }

    /// How many errors pushed with `failNext(_:on:with:)` are still waiting for a request.
    public func pendingErrors(_ request: Request, on broker: Int32) -> Int {
        var count = 0
        _ = rd_kafka_mock_broker_error_stack_cnt(cluster, broker, request.rawValue, &count)
        return count
    }

    /// Makes every metadata answer about `topic` carry `error` (such as
    /// `.unknownTopicOrPartition`: the topic is missing), or clears it with nil.
    public func setTopicError(_ topic: String, _ error: BrokerError?) {
        rd_kafka_mock_topic_set_error(cluster, topic, error?.code ?? RD_KAFKA_RESP_ERR_NO_ERROR)
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
