import CRdKafka
import PluginProtocol

/// A consumed message the daemon is responsible for until its verdict is delivered.
struct MessageRecord {
    /// Where the message is in its journey.
    enum Stage {
        /// Waiting for a worker (or for its key).
        case queued
        /// Written to worker `worker` as request `requestID`.
        case dispatched(worker: Int, requestID: UInt64)
        /// Verdict enqueued to the producer; waiting for the delivery report.
        case producing(VerdictOutput)
    }

    /// The librdkafka message, owned: destroyed when the record is freed.
    let message: UnsafeMutablePointer<rd_kafka_message_t>
    let progress: PartitionProgress
    let offset: Int64
    let keyHash: Int?
    let attempt: Int
    var stage: Stage = .queued

    /// The message value, nil for a null value.
    var value: UnsafeRawBufferPointer? {
        guard let payload = message.pointee.payload else { return nil }
        return UnsafeRawBufferPointer(start: payload, count: message.pointee.len)
    }

    /// The message key, nil for a null key.
    var key: UnsafeRawBufferPointer? {
        guard let key = message.pointee.key else { return nil }
        return UnsafeRawBufferPointer(start: key, count: message.pointee.key_len)
    }
}

/// What a verdict sends to Kafka, kept until delivered so a failed delivery can be retried.
struct VerdictOutput {
    let verdict: Verdict
    /// A replacement value (success only); nil sends the original bytes.
    let payload: [UInt8]?
    let reason: String?
    let headers: [ResponseFrame.Header]
}
