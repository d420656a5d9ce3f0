/// The headers Sluice adds to failure outputs. Documented in docs/PROTOCOL.md.
package enum OutputHeaders {
    package static let reason = "sluice.reason"
    package static let verdict = "sluice.verdict"
    package static let source = "sluice.source"
    package static let attempt = "sluice.attempt"
    package static let failureTime = "sluice.failure.time"
    package static let firstFailureTime = "sluice.first-failure.time"
    package static let retryDue = "sluice.retry.due"
    package static let group = "sluice.group"
    package static let worker = "sluice.worker"
    package static let plugin = "sluice.plugin"
    package static let exit = "sluice.exit"
    package static let stderr = "sluice.stderr"
    package static let originalTopic = "sluice.original.topic"
    package static let originalPartition = "sluice.original.partition"
    package static let originalOffset = "sluice.original.offset"
    package static let originalTimestamp = "sluice.original.timestamp"
    package static let replayedTime = "sluice.replayed.time"
    package static let valueRemoved = "sluice.value.removed"
    package static let deliveryFailed = "sluice.delivery.failed"

    /// Headers that describe one failure; a retry drops them, the next failure sets them.
    package static let perFailure = [reason, verdict, source, failureTime, retryDue, group, worker, plugin, exit, stderr, deliveryFailed]

    /// The input partition a failure output came from, when it came from `topic`: a retry
    /// or a replay goes back there, beside the newer messages with its key, whichever
    /// partitioner the producer of the input used.
    package static func originalPartition(of message: KafkaMessage, in topic: String) -> Int32? {
        guard message.header(originalTopic) == topic, let partition = integer(originalPartition, of: message) else { return nil }
        return Int32(exactly: partition).flatMap { $0 >= 0 ? $0 : nil }
    }

    /// The attempt number a message carries (1 when it has none or it is malformed).
    package static func attempt(of message: KafkaMessage) -> Int {
        integer(attempt, of: message).map { Int(clamping: max(1, $0)) } ?? 1
    }

    /// A header's value as a decimal integer, nil when absent or malformed.
    package static func integer(_ name: String, of message: KafkaMessage) -> Int64? {
        message.header(name).flatMap { $0.utf8.count <= 20 ? Int64($0) : nil }
    }
}
