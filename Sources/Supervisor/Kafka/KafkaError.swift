import CRdKafka

/// An error from librdkafka or from Sluice's use of it.
public struct KafkaError: Error, Sendable, CustomStringConvertible {
    /// What kind of failure this is.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        enum Value: Hashable, Sendable {
            case configuration, clientCreation, subscription, produce, offsets, mockCluster, broker
        }
        let value: Value

        /// A configuration property was rejected.
        public static let configuration = Code(value: .configuration)
        /// A client handle could not be created.
        public static let clientCreation = Code(value: .clientCreation)
        /// Subscribing or assigning failed.
        public static let subscription = Code(value: .subscription)
        /// A message could not be enqueued for production.
        public static let produce = Code(value: .produce)
        /// Storing or committing offsets failed.
        public static let offsets = Code(value: .offsets)
        /// The embedded mock cluster failed.
        public static let mockCluster = Code(value: .mockCluster)
        /// An error reported by a broker or the client.
        public static let broker = Code(value: .broker)

        public var description: String { "\(value)" }
    }

    /// The kind of failure.
    public var code: Code
    /// librdkafka's error code, when it gave one.
    var rdKafkaError: rd_kafka_resp_err_t?
    /// A readable explanation, librdkafka's own text where there is one.
    public var message: String

    init(_ code: Code, _ message: String, rdKafkaError: rd_kafka_resp_err_t?) {
        self.code = code
        self.message = message
        self.rdKafkaError = rdKafkaError
    }

    package init(_ code: Code, _ message: String) {
        self.init(code, message, rdKafkaError: nil)
    }

    init(_ code: Code, _ context: String, error: rd_kafka_resp_err_t) {
        self.init(code, "\(context): \(String(cString: rd_kafka_err2str(error)))", rdKafkaError: error)
    }

    public var description: String { message }

    /// The same error, its message saying what was being done (`context: reason`).
    package func withContext(_ context: String) -> KafkaError {
        KafkaError(code, "\(context): \(reason)", rdKafkaError: rdKafkaError)
    }

    /// librdkafka's own text for the error, without what Sluice was doing.
    package var reason: String {
        rdKafkaError.map { String(cString: rd_kafka_err2str($0)) } ?? message
    }

    /// Whether the broker gave no answer in time (rather than refusing).
    package var isTimeout: Bool { rdKafkaError == RD_KAFKA_RESP_ERR__TIMED_OUT }

    /// Whether the group refused because it is rebalancing: the same request can succeed
    /// once the rebalance has moved on.
    package var isRebalanceInProgress: Bool {
        rdKafkaError == RD_KAFKA_RESP_ERR_REBALANCE_IN_PROGRESS || rdKafkaError == RD_KAFKA_RESP_ERR_ILLEGAL_GENERATION
    }

    /// Whether the producer's queue is full: the message can be enqueued once delivery
    /// reports make room.
    package var isQueueFull: Bool { rdKafkaError == RD_KAFKA_RESP_ERR__QUEUE_FULL }

    /// Whether a message was refused for its size.
    package var isMessageTooLarge: Bool {
        rdKafkaError.map(Self.sizeErrors.contains) ?? false
    }

    /// Whether the broker or the client refuses a message for good: producing it again
    /// cannot help.
    package var refusesMessageForGood: Bool {
        rdKafkaError.map(Self.permanentProduceErrors.contains) ?? false
    }

    private static let sizeErrors: Set<rd_kafka_resp_err_t> = [
        RD_KAFKA_RESP_ERR_MSG_SIZE_TOO_LARGE, RD_KAFKA_RESP_ERR_INVALID_MSG_SIZE, RD_KAFKA_RESP_ERR_RECORD_LIST_TOO_LARGE,
    ]

    private static let permanentProduceErrors = sizeErrors.union([
        RD_KAFKA_RESP_ERR_INVALID_MSG, RD_KAFKA_RESP_ERR_INVALID_RECORD, RD_KAFKA_RESP_ERR_TOPIC_AUTHORIZATION_FAILED,
        RD_KAFKA_RESP_ERR_TOPIC_EXCEPTION,
    ])
}
