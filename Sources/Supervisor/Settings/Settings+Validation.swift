import SluiceSupport

extension Settings {
    /// The environment variables of the original demo, in the order they are reported.
    public static let environmentVariables = definitions.compactMap(\.variable)

    /// The original demo's variables with these settings' values.
    var demoVariables: [String: String] {
        [
            "KAFKA_BROKER": brokers, "GROUP_ID": groupID, "INPUT_TOPIC": inputTopics.description, "SUCCESS_TOPIC": successTopic,
            "TRANSIENT_FAILURE_TOPIC": transientTopic, "PERMANENT_FAILURE_TOPIC": permanentTopic,
        ]
    }

    /// Checks what involves several settings (each one alone was checked as it was read);
    /// the error names the first setting at fault where it was given.
    public func validate() throws(SettingsError) {
        for output in [successTopic, transientTopic, permanentTopic] {
            guard let entry = inputTopics.entry(including: output) else { continue }
            let what = entry == output ? "\(output) is also an output topic" : "\(entry) takes the output topic \(output) too"
            throw SettingsError("\(name("pipeline.input_topics")): \(what), which would loop messages forever")
        }
        guard maxBufferedMessages >= workers * maxInFlight else {
            throw SettingsError(
                "\(name("daemon.max_buffered")): \(maxBufferedMessages) is below workers x max-in-flight (\(workers * maxInFlight))")
        }
        // A revoke drains inside librdkafka's poll, and a stop drains without polling: a
        // drain as long as max.poll.interval.ms would get this member dropped from its group.
        let maxPollProperty = (kafkaProperties + consumerProperties).last { $0.0 == "max.poll.interval.ms" }
        let maxPoll = maxPollProperty.flatMap { Int64($0.1) } ?? 300_000
        guard drainTimeout.inMilliseconds < maxPoll else {
            throw SettingsError(
                "\(name("daemon.drain_timeout")): \(drainTimeout.inMilliseconds / 1000) s is not below the consumer's max.poll.interval.ms "
                    + "(\(maxPoll) ms): the group would drop this member while it drains")
        }
        guard retry.base <= retry.maximum else {
            throw SettingsError("\(name("retries.delay")): the first retry delay is above the longest (retries.max_delay, --retry-max-delay)")
        }
    }

    /// How an error names a setting: where it was given, else its option or key.
    func name(_ key: String) -> String {
        origins[key]?.label(key: key) ?? Self.definition(key)?.option ?? Self.definition(key)?.variable ?? key
    }

    static func validateBrokers(_ brokers: String) throws(SettingsError) {
        for broker in brokers.split(separator: ",", omittingEmptySubsequences: false) {
            let address = broker.trimmingWhitespace
            // Accept host:port, [v6]:port and librdkafka's protocol://host:port forms.
            let hostPort = address.split(separator: "/").last.map(String.init) ?? address
            guard let colon = hostPort.lastIndex(of: ":"), colon != hostPort.startIndex,
                let port = Int(hostPort[hostPort.index(after: colon)...]), (1...65535).contains(port)
            else {
                throw SettingsError("\"\(address)\" is not host:port (e.g. localhost:9092)")
            }
        }
    }

    static func validateTopic(_ topic: String) throws(SettingsError) {
        let allowed = topic.utf8.allSatisfy { byte in
            (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte) || (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(byte)
                || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) || byte == UInt8(ascii: ".")
                || byte == UInt8(ascii: "_") || byte == UInt8(ascii: "-")
        }
        guard allowed, !topic.isEmpty, topic.utf8.count <= 249, topic != ".", topic != ".." else {
            throw SettingsError("\"\(topic)\" is not a valid topic name (letters, digits, '.', '_', '-'; at most 249)")
        }
    }
}

extension StringProtocol {
    var trimmingWhitespace: String {
        String(drop { $0.isWhitespace }.reversed().drop { $0.isWhitespace }.reversed())
    }
}
