import CRdKafka
import Logging

/// librdkafka's in-process mock cluster: real Kafka protocol on loopback TCP, for tests and
/// `sluiced --demo`. Destroyed (and its listeners closed) in `deinit`.
public final class MockCluster: @unchecked Sendable {
    private let client: KafkaClient
    let cluster: OpaquePointer
    /// The `bootstrap.servers` string for clients of this cluster.
    public let bootstrapServers: String

    /// Starts a cluster of `brokers` brokers.
    public init(brokers: Int = 1, logger: Logger = Logger(label: "sluice.mock")) throws(KafkaError) {
        let context = KafkaClientContext(logger: logger, onFatalError: { _ in })
        client = try KafkaClient(
            kind: .producer, configuration: KafkaConfiguration([("log_level", "3")]), context: context)
        guard let cluster = rd_kafka_mock_cluster_new(client.handle, Int32(brokers)) else {
            throw KafkaError(.mockCluster, "cannot start the mock cluster")
        }
        self.cluster = cluster
        bootstrapServers = String(cString: rd_kafka_mock_cluster_bootstraps(cluster))
    }

    deinit {
        rd_kafka_mock_cluster_destroy(cluster)
    }

    /// Creates a topic (the mock has no CreateTopics API).
    public func createTopic(_ name: String, partitions: Int32, replicationFactor: Int32 = 1) throws(KafkaError) {
        let error = rd_kafka_mock_topic_create(cluster, name, partitions, replicationFactor)
        guard error == RD_KAFKA_RESP_ERR_NO_ERROR else {
            throw KafkaError(.mockCluster, "cannot create topic \(name)", error: error)
        }
    }
}
