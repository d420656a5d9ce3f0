import CRdKafka
import Glibc

/// A consumed message, owned: librdkafka's message is freed in `deinit`. Key, value and
/// header values are borrowed from librdkafka's buffers (no copy) and stay valid while the
/// message lives. librdkafka's destroy waits for every message still held, so none may
/// outlive its consumer.
package final class KafkaMessage {
    private let pointer: UnsafeMutablePointer<rd_kafka_message_t>

    /// Takes ownership of a message without an error.
    init(taking pointer: UnsafeMutablePointer<rd_kafka_message_t>) {
        self.pointer = pointer
    }

    deinit {
        rd_kafka_message_destroy(pointer)
    }

    package var topic: String { String(cString: rd_kafka_topic_name(pointer.pointee.rkt)) }
    package var partition: Int32 { pointer.pointee.partition }
    package var offset: Int64 { pointer.pointee.offset }
    /// Milliseconds since the epoch, as the producer or the broker set it (-1 when unknown).
    package var timestamp: Int64 { rd_kafka_message_timestamp(pointer, nil) }

    /// The key, nil for a null key.
    package var key: UnsafeRawBufferPointer? {
        pointer.pointee.key.map { UnsafeRawBufferPointer(start: $0, count: pointer.pointee.key_len) }
    }

    /// The value, nil for a null value.
    package var value: UnsafeRawBufferPointer? {
        pointer.pointee.payload.map { UnsafeRawBufferPointer(start: $0, count: pointer.pointee.len) }
    }

    /// The bytes of key and value it keeps in memory.
    package var heldBytes: Int { pointer.pointee.len + pointer.pointee.key_len }

    /// The last value of header `name` as text; nil when absent or null.
    package func header(_ name: String) -> String? {
        guard let headers = borrowedHeaders else { return nil }
        var value: UnsafeRawPointer?
        var size = 0
        // Explicitly: passed as an argument, a name of up to 15 bytes (held inline, with no
        // terminating zero) was copied into a new array on every call.
        let found = name.withCString { rd_kafka_header_get_last(headers, $0, &value, &size) }
        guard found == RD_KAFKA_RESP_ERR_NO_ERROR, let value else { return nil }
        return String(decoding: UnsafeRawBufferPointer(start: value, count: size), as: UTF8.self)
    }

    /// Calls `body` with each header's name and value (nil for a null value), in order;
    /// not at all for a message without headers.
    package func forEachHeader(_ body: (_ name: UnsafeRawBufferPointer, _ value: UnsafeRawBufferPointer?) -> Void) {
        guard let headers = borrowedHeaders else { return }
        var index = 0
        var name: UnsafePointer<CChar>?
        var value: UnsafeRawPointer?
        var size = 0
        while rd_kafka_header_get_all(headers, index, &name, &value, &size) == RD_KAFKA_RESP_ERR_NO_ERROR {
            body(UnsafeRawBufferPointer(start: name, count: strlen(name!)), value.map { UnsafeRawBufferPointer(start: $0, count: size) })
            index += 1
        }
    }

    /// A copy of its headers (or an empty list with room for `capacity`), for an output.
    package func copyOfHeaders(capacity: Int) -> KafkaHeaders {
        guard let headers = borrowedHeaders else { return KafkaHeaders(capacity: capacity) }
        return KafkaHeaders(owning: rd_kafka_headers_copy(headers))
    }

    private var borrowedHeaders: OpaquePointer? {
        var headers: OpaquePointer?
        guard rd_kafka_message_headers(pointer, &headers) == RD_KAFKA_RESP_ERR_NO_ERROR else { return nil }
        return headers
    }
}
