import CRdKafka

/// The headers Sluice adds to failure outputs. Documented in docs/PROTOCOL.md.
enum OutputHeaders {
    static let reason = "sluice.reason"
    static let verdict = "sluice.verdict"
    static let attempt = "sluice.attempt"
    static let originalTopic = "sluice.original.topic"
    static let originalPartition = "sluice.original.partition"
    static let originalOffset = "sluice.original.offset"
    static let originalTimestamp = "sluice.original.timestamp"

    /// A copy of the message's own headers (or an empty list), which the caller adds to and
    /// hands to the producer.
    static func copyOfHeaders(_ message: UnsafeMutablePointer<rd_kafka_message_t>, extra: Int) -> OpaquePointer {
        var existing: OpaquePointer?
        if rd_kafka_message_headers(message, &existing) == RD_KAFKA_RESP_ERR_NO_ERROR, let existing {
            return rd_kafka_headers_copy(existing)
        }
        return rd_kafka_headers_new(extra)
    }

    static func add(_ headers: OpaquePointer, _ name: String, _ value: String) {
        var value = value
        value.withUTF8 { bytes in
            _ = rd_kafka_header_add(headers, name, -1, bytes.baseAddress, bytes.count)
        }
    }

    static func add(_ headers: OpaquePointer, _ name: String, _ value: [UInt8]) {
        value.withUnsafeBytes { bytes in
            _ = rd_kafka_header_add(headers, name, -1, bytes.baseAddress, bytes.count)
        }
    }

    /// The attempt number a message carries (1 when it has none or it is malformed).
    static func attempt(of message: UnsafeMutablePointer<rd_kafka_message_t>) -> Int {
        var headers: OpaquePointer?
        guard rd_kafka_message_headers(message, &headers) == RD_KAFKA_RESP_ERR_NO_ERROR else { return 1 }
        var value: UnsafeRawPointer?
        var size = 0
        guard rd_kafka_header_get_last(headers, attempt, &value, &size) == RD_KAFKA_RESP_ERR_NO_ERROR,
            let value, size > 0, size < 10
        else { return 1 }
        let text = String(decoding: UnsafeRawBufferPointer(start: value, count: size), as: UTF8.self)
        return Int(text).map { max(1, $0) } ?? 1
    }
}
