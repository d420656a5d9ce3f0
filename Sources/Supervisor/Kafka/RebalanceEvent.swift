import SluiceCore

/// A change of a group consumer's assignment, handed to `KafkaClientContext.onRebalance`
/// inside the consumer's poll or close. librdkafka applies an assignment before the
/// handler runs and a revoke after it returns, so the handler can finish the revoked
/// partitions' work first.
package enum RebalanceEvent {
    case assigned([TopicPartition])
    /// `lost`: the group took the partitions away (session timeout, fenced) and another
    /// member may own them already; work on them can no longer be committed.
    case revoked([TopicPartition], lost: Bool)
}
