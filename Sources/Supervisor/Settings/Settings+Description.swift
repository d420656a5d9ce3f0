
extension Settings {
    /// The effective settings as a config file, each with where it came from, secrets
    /// redacted: what `sluiced --check-config` prints.
    public var effectiveDescription: String {
        var lines: [String] = []
        var table = ""
        for definition in Self.definitions {
            let (name, key) = definition.key.splitOnce(".")
            if name != table {
                lines.append((lines.isEmpty ? "" : "\n") + "[\(name)]")
                table = name
            }
            let value = definition.show(self)
            // A default without a value of its own (chosen at start) is shown as a comment.
            lines.append(value.hasPrefix("(") ? "# \(key): \(value)" : "\(key) = \(value)  # \(origins[definition.key]?.source ?? "default")")
        }
        for (name, properties) in [("kafka", kafkaProperties), ("kafka.consumer", consumerProperties), ("kafka.producer", producerProperties)]
        where !properties.isEmpty {
            lines.append("\n[\(name)]")
            lines += properties.map { KafkaProperties.display($0.0, $0.1) }
        }
        return lines.joined(separator: "\n")
    }

    /// Fails with librdkafka's own message if it refuses a property, without connecting.
    public func checkKafkaProperties() throws(KafkaError) {
        for properties in [kafkaProperties + consumerProperties, kafkaProperties + producerProperties] {
            try KafkaConfiguration(properties).validate()
        }
    }
}

extension String {
    /// The parts before and after the first `separator`.
    func splitOnce(_ separator: Character) -> (String, String) {
        guard let index = firstIndex(of: separator) else { return (self, "") }
        return (String(self[..<index]), String(self[index...].dropFirst()))
    }
}
