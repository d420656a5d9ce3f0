import CRdKafka

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

    /// A copy of the message's own headers (or an empty list), which the caller adds to and
    /// hands to the producer.
    package static func copyOfHeaders(_ message: UnsafeMutablePointer<rd_kafka_message_t>, extra: Int) -> OpaquePointer {
        var existing: OpaquePointer?
        if rd_kafka_message_headers(message, &existing) == RD_KAFKA_RESP_ERR_NO_ERROR, let existing {
            return rd_kafka_headers_copy(existing)
        }
        return rd_kafka_headers_new(extra)
    }

    /// Replaces every value of `name` with `value`.
    package static func set(_ headers: OpaquePointer, _ name: String, _ value: String) {
        _ = rd_kafka_header_remove(headers, name)
        add(headers, name, value)
    }

    /// Adds `name` unless the message already carries it (the first failure's context
    /// survives its retries).
    package static func addIfAbsent(_ headers: OpaquePointer, _ name: String, _ value: @autoclosure () -> String) {
        var existing: UnsafeRawPointer?
        var size = 0
        guard rd_kafka_header_get_last(headers, name, &existing, &size) == RD_KAFKA_RESP_ERR__NOENT else { return }
        add(headers, name, value())
    }

    package static func add(_ headers: OpaquePointer, _ name: String, _ value: String) {
        var value = value
        value.withUTF8 { bytes in
            _ = rd_kafka_header_add(headers, name, -1, bytes.baseAddress, bytes.count)
        }
    }

    package static func add(_ headers: OpaquePointer, _ name: String, _ value: [UInt8]) {
        value.withUnsafeBytes { bytes in
            _ = rd_kafka_header_add(headers, name, -1, bytes.baseAddress, bytes.count)
        }
    }

    /// The input partition a failure output came from, when it came from `topic`: a retry
    /// or a replay goes back there, beside the newer messages with its key, whichever
    /// partitioner the producer of the input used.
    package static func originalPartition(of message: UnsafeMutablePointer<rd_kafka_message_t>, in topic: String) -> Int32? {
        guard text(originalTopic, of: message) == topic, let partition = integer(originalPartition, of: message) else { return nil }
        return Int32(exactly: partition).flatMap { $0 >= 0 ? $0 : nil }
    }

    /// The attempt number a message carries (1 when it has none or it is malformed).
    package static func attempt(of message: UnsafeMutablePointer<rd_kafka_message_t>) -> Int {
        integer(attempt, of: message).map { Int(clamping: max(1, $0)) } ?? 1
    }

    /// A header's value as a decimal integer, nil when absent or malformed.
    package static func integer(_ name: String, of message: UnsafeMutablePointer<rd_kafka_message_t>) -> Int64? {
        text(name, of: message).flatMap { $0.utf8.count <= 20 ? Int64($0) : nil }
    }

    /// A header's last value as text, nil when absent.
    package static func text(_ name: String, of message: UnsafeMutablePointer<rd_kafka_message_t>) -> String? {
        var headers: OpaquePointer?
        guard rd_kafka_message_headers(message, &headers) == RD_KAFKA_RESP_ERR_NO_ERROR else { return nil }
        var value: UnsafeRawPointer?
        var size = 0
        guard rd_kafka_header_get_last(headers, name, &value, &size) == RD_KAFKA_RESP_ERR_NO_ERROR, let value else {
            return nil
        }
        return String(decoding: UnsafeRawBufferPointer(start: value, count: size), as: UTF8.self)
    }
}
