extension Settings {
    /// The environment variables of the original demo, in the order they are reported.
    public static let environmentVariables = [
        "KAFKA_BROKER", "INPUT_TOPIC", "SUCCESS_TOPIC", "PERMANENT_FAILURE_TOPIC",
        "TRANSIENT_FAILURE_TOPIC", "GROUP_ID",
    ]

    /// Reads the demo's variables from `environment`; fails on the first one missing or
    /// malformed, naming it.
    public static func fromEnvironment(_ environment: [String: String], command: PluginCommand) throws(SettingsError) -> Settings {
        func required(_ name: String) throws(SettingsError) -> String {
            guard let value = environment[name]?.trimmingWhitespace, !value.isEmpty else {
                throw SettingsError("\(name): not set (it is required; see README.md, Running against a cluster)")
            }
            return value
        }
        let settings = Settings(
            brokers: try required("KAFKA_BROKER"),
            inputTopic: try required("INPUT_TOPIC"),
            successTopic: try required("SUCCESS_TOPIC"),
            transientTopic: try required("TRANSIENT_FAILURE_TOPIC"),
            permanentTopic: try required("PERMANENT_FAILURE_TOPIC"),
            groupID: try required("GROUP_ID"),
            command: command)
        try settings.validate()
        return settings
    }

    /// Checks every field; the error names the first bad one.
    public func validate() throws(SettingsError) {
        try Self.validateBrokers(brokers)
        for (name, topic) in [
            ("INPUT_TOPIC", inputTopic), ("SUCCESS_TOPIC", successTopic),
            ("TRANSIENT_FAILURE_TOPIC", transientTopic), ("PERMANENT_FAILURE_TOPIC", permanentTopic),
        ] {
            try Self.validateTopic(topic, name: name)
        }
        let outputs = [successTopic, transientTopic, permanentTopic]
        if outputs.contains(inputTopic) {
            throw SettingsError("INPUT_TOPIC: \(inputTopic) is also an output topic, which would loop messages forever")
        }
        guard groupID.utf8.count <= 255 else { throw SettingsError("GROUP_ID: longer than 255 bytes") }
        guard (1...1024).contains(workers) else { throw SettingsError("--workers: \(workers) is not between 1 and 1024") }
        guard (1...100_000).contains(maxInFlight) else {
            throw SettingsError("--max-in-flight: \(maxInFlight) is not between 1 and 100000")
        }
        guard maxBufferedMessages >= workers * maxInFlight else {
            throw SettingsError("--max-buffered: \(maxBufferedMessages) is below workers x max-in-flight (\(workers * maxInFlight))")
        }
    }

    static func validateBrokers(_ brokers: String) throws(SettingsError) {
        for broker in brokers.split(separator: ",", omittingEmptySubsequences: false) {
            let address = broker.trimmingWhitespace
            // Accept host:port, [v6]:port and librdkafka's protocol://host:port forms.
            let hostPort = address.split(separator: "/").last.map(String.init) ?? address
            guard let colon = hostPort.lastIndex(of: ":"), colon != hostPort.startIndex,
                let port = Int(hostPort[hostPort.index(after: colon)...]), (1...65535).contains(port)
            else {
                throw SettingsError("KAFKA_BROKER: \"\(address)\" is not host:port (e.g. localhost:9092)")
            }
        }
    }

    static func validateTopic(_ topic: String, name: String) throws(SettingsError) {
        let allowed = topic.utf8.allSatisfy { byte in
            (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte) || (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(byte)
                || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) || byte == UInt8(ascii: ".")
                || byte == UInt8(ascii: "_") || byte == UInt8(ascii: "-")
        }
        guard allowed, topic.utf8.count <= 249, topic != ".", topic != ".." else {
            throw SettingsError("\(name): \"\(topic)\" is not a valid topic name (letters, digits, '.', '_', '-'; at most 249)")
        }
    }
}

extension StringProtocol {
    var trimmingWhitespace: String {
        String(drop { $0.isWhitespace }.reversed().drop { $0.isWhitespace }.reversed())
    }
}
