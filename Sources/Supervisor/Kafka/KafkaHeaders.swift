import CRdKafka

/// A header list for a message to produce, owned until `KafkaProducer.produce` takes it
/// (then librdkafka frees it with the message); freed in `deinit` otherwise.
package final class KafkaHeaders {
    /// Nil once the producer took the list.
    private var pointer: OpaquePointer?

    package init(capacity: Int) {
        pointer = rd_kafka_headers_new(capacity)
    }

    init(owning pointer: OpaquePointer) {
        self.pointer = pointer
    }

    deinit {
        if let pointer { rd_kafka_headers_destroy(pointer) }
    }

    /// The list, for a produce call; `handOver` once librdkafka accepted it.
    var list: OpaquePointer { pointer! }

    /// librdkafka took the list with a message: it frees it.
    func handOver() {
        pointer = nil
    }

    // Names go to librdkafka through `withCString`: passed as arguments, the names of up
    // to 15 bytes (`sluice.attempt`, held inline with no terminating zero) were copied into
    // a new array on every call.

    /// Removes every value of `name`.
    package func remove(_ name: String) {
        _ = name.withCString { rd_kafka_header_remove(list, $0) }
    }

    /// Replaces every value of `name` with `value`.
    package func set(_ name: String, _ value: String) {
        remove(name)
        add(name, value)
    }

    /// Replaces every value of `name` with `value`.
    package func set(_ name: String, _ value: [UInt8]) {
        remove(name)
        add(name, value)
    }

    /// Adds `name` unless it is there already.
    package func addIfAbsent(_ name: String, _ value: @autoclosure () -> String) {
        var existing: UnsafeRawPointer?
        var size = 0
        let found = name.withCString { rd_kafka_header_get_last(list, $0, &existing, &size) }
        guard found == RD_KAFKA_RESP_ERR__NOENT else { return }
        add(name, value())
    }

    package func add(_ name: String, _ value: String) {
        var value = value
        value.withUTF8 { add(name, UnsafeRawBufferPointer($0)) }
    }

    package func add(_ name: String, _ value: [UInt8]) {
        value.withUnsafeBytes { add(name, $0) }
    }

    private func add(_ name: String, _ bytes: UnsafeRawBufferPointer) {
        _ = name.withCString { rd_kafka_header_add(list, $0, -1, bytes.baseAddress, bytes.count) }
    }
}
