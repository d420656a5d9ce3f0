import CRdKafka

/// librdkafka properties for one client, applied in order onto a fresh `rd_kafka_conf_t`.
package struct KafkaConfiguration: Sendable {
    package var properties: [(String, String)]

    package init(_ properties: [(String, String)]) {
        self.properties = properties
    }

    /// A new librdkafka configuration object; the caller owns it until it is passed to
    /// `rd_kafka_new`. Fails with librdkafka's own message for an invalid property.
    func makeHandle() throws(KafkaError) -> OpaquePointer {
        let conf = rd_kafka_conf_new()!
        var errorText = [CChar](repeating: 0, count: 512)
        for (name, value) in properties {
            let result = rd_kafka_conf_set(conf, name, value, &errorText, errorText.count)
            guard result == RD_KAFKA_CONF_OK else {
                rd_kafka_conf_destroy(conf)
                let text = String(cBuffer: errorText)
                throw KafkaError(.configuration, "kafka property \(name): \(text)")
            }
        }
        return conf
    }

    /// Fails with librdkafka's own message if it refuses a property, without connecting.
    package func validate() throws(KafkaError) {
        rd_kafka_conf_destroy(try makeHandle())
    }

    /// Whether the librdkafka loaded at run time knows `property` (newer releases add some).
    package static func supports(_ property: String) -> Bool {
        let conf = rd_kafka_conf_new()!
        defer { rd_kafka_conf_destroy(conf) }
        var value = [CChar](repeating: 0, count: 256)
        var size = value.count
        return rd_kafka_conf_get(conf, property, &value, &size) != RD_KAFKA_CONF_UNKNOWN
    }
}
