import Glibc
import Logging
import PluginProcess
import PluginProtocol
import SluiceControl

extension Settings {
    /// Every setting of the daemon, in the order `--check-config` prints them. Tables of the
    /// config file: [pipeline], [plugin], [retries], [daemon], [log], [metrics]; [kafka]
    /// holds librdkafka properties (see `KafkaProperties`).
    static let definitions: [SettingDefinition] = [
        .text("pipeline.brokers", variable: "KAFKA_BROKER", live: false, \.brokers, check: validateBrokers),
        .text("pipeline.group", variable: "GROUP_ID", live: false, \.groupID) { group throws(SettingsError) in
            guard !group.isEmpty, group.utf8.count <= 255 else { throw SettingsError("must be 1 to 255 bytes") }
        },
        .field(
            "pipeline.input_topics", variable: "INPUT_TOPIC", live: false, \.inputTopics,
            parse: { value throws(SettingsError) in
                let entries = try value.commaSeparated("pipeline.input_topics")
                do throws(SettingsError) {
                    return try InputTopics(entries: entries, checkName: validateTopic)
                } catch {
                    throw value.fail("pipeline.input_topics", error.message)
                }
            }, show: { "\"\($0)\"" }),
        .text("pipeline.success_topic", variable: "SUCCESS_TOPIC", live: false, \.successTopic, check: validateTopic),
        .text("pipeline.transient_topic", variable: "TRANSIENT_FAILURE_TOPIC", live: false, \.transientTopic, check: validateTopic),
        .text("pipeline.permanent_topic", variable: "PERMANENT_FAILURE_TOPIC", live: false, \.permanentTopic, check: validateTopic),
        SettingDefinition(
            key: "plugin.command", option: "-- COMMAND", variable: nil, live: true,
            apply: { settings, value throws(SettingsError) in
                let words = try value.strings("plugin.command")
                do throws(PluginCommand.Unresolved) {
                    settings.command = try PluginCommand(words, path: settings.programSearchPath)
                } catch {
                    // On the command line the error already names the plugin command.
                    guard case .file = value.origin else { throw SettingsError(error.message) }
                    throw value.fail("plugin.command", error.message.replacingAll("plugin command: ", with: ""))
                }
            }, show: { SettingValue.Raw.strings($0.command.arguments).description }, copy: { $0.command = $1.command }),
        .choice("plugin.protocol", option: "--protocol", live: false, \.protocolKind),
        .integer("plugin.workers", option: "--workers", live: true, range: 1...1024, \.workers),
        .integer("plugin.max_in_flight", option: "--max-in-flight", live: true, range: 1...100_000, \.maxInFlight),
        .seconds("plugin.message_timeout", option: "--message-timeout", live: true, range: 0.1...86_400, \.messageTimeout),
        .integer("plugin.start_retries", option: "--start-retries", live: true, range: 0...1000, \.startRetries),
        .seconds("plugin.start_seconds", option: "--start-seconds", live: true, range: 0...3600, \.startSeconds),
        .seconds("plugin.stop_timeout", option: "--stop-timeout", live: true, range: 0.1...3600, \.stopTimeout),
        .field(
            "plugin.stop_signal", option: "--stop-signal", live: true, \.stopSignal,
            parse: { value throws(SettingsError) in
                let text = try value.string("plugin.stop_signal")
                guard let name = SignalName.canonical(text.trimmingWhitespace) else {
                    throw value.fail("plugin.stop_signal", "\"\(text)\" is not a signal (\(SignalName.known))")
                }
                return name
            }, show: { "\"\($0)\"" }),
        .field(
            "plugin.environment", option: "--plugin-env", live: true, \.pluginEnvironment,
            parse: { value throws(SettingsError) in try PluginEnvironment.assignments(value) },
            show: { SettingValue.Raw.strings($0).description }),
        .field(
            "plugin.directory", option: "--plugin-directory", live: true, \.pluginDirectory,
            parse: { value throws(SettingsError) in
                let path = try value.string("plugin.directory")
                var status = stat()
                guard path.hasPrefix("/"), stat(path, &status) == 0, status.st_mode & S_IFMT == S_IFDIR else {
                    throw value.fail("plugin.directory", "\"\(path)\" is not an absolute path to a directory")
                }
                return path
            }, show: { $0.map { "\"\($0)\"" } ?? "(the daemon's)" }),
        .field(
            "plugin.umask", option: "--plugin-umask", live: true, \.pluginUmask,
            parse: { value throws(SettingsError) in
                let mask: mode_t? =
                    switch value.raw {
                    case .string(let text): mode_t(text.trimmingWhitespace, radix: 8)
                    case .integer(let number) where number >= 0: mode_t(number)
                    default: nil
                    }
                guard let mask, mask <= 0o777 else {
                    throw value.fail("plugin.umask", "expected an octal mask such as \"022\" or \"077\", got \(value.raw)")
                }
                return mask
            }, show: { $0.map { "\"0\(String($0, radix: 8))\"" } ?? "(the daemon's)" }),
        .integer("plugin.poison_threshold", option: "--poison-threshold", live: true, range: 1...100, \.poisonThreshold),
        .integer("plugin.max_frame_bytes", option: "--max-frame-bytes", live: false, range: 1024...(1 << 30), \.maxFrameBytes),
        .integer("plugin.max_outputs", option: "--max-outputs", live: true, range: 1...1_000_000, \.maxOutputs),
        .field(
            "plugin.request_fields", option: "--request-fields", live: true, \.requestFields,
            parse: { value throws(SettingsError) in
                let names = try value.commaSeparated("plugin.request_fields")
                do throws(RequestFields.UnknownName) {
                    return try RequestFields(names: names)
                } catch {
                    throw value.fail("plugin.request_fields", error.message)
                }
            }, show: { $0 == .all ? "\"all\"" : SettingValue.Raw.strings(["id"] + $0.names + ["value"]).description }),
        .choice("retries.mode", option: "--retrier", live: false, \.retrier),
        .integer("retries.max_attempts", option: "--max-attempts", live: true, range: 1...1000, \.retry.maxAttempts),
        .seconds("retries.delay", option: "--retry-delay", live: true, range: 0.001...86_400, \.retry.base),
        .seconds("retries.max_delay", option: "--retry-max-delay", live: true, range: 0.001...604_800, \.retry.maximum),
        .integer("daemon.max_buffered", option: "--max-buffered", live: true, range: 1...10_000_000, \.maxBufferedMessages),
        .integer(
            "daemon.max_buffered_bytes", option: "--max-buffered-bytes", live: true, range: (1 << 20)...(1 << 40), \.maxBufferedBytes),
        .seconds("daemon.drain_timeout", option: "--drain-timeout", live: true, range: 0...86_400, \.drainTimeout),
        .seconds("daemon.status_interval", option: "--status-interval", live: true, range: 1...86_400, \.statusInterval),
        .field(
            "daemon.control_socket", option: "--control-socket", live: false, \.controlSocket,
            parse: { value throws(SettingsError) in
                let path = try value.string("daemon.control_socket")
                guard !path.isEmpty, path.utf8.count < 108 else {
                    throw value.fail("daemon.control_socket", "\"\(path)\" is not a socket path (1 to 107 bytes)")
                }
                return path
            }, show: { $0.map { "\"\($0)\"" } ?? "(automatic: $RUNTIME_DIRECTORY/sluice.sock, else /run/sluice/sluice.sock)" }),
        .field(
            "daemon.control_group", option: "--control-group", live: true, \.controlGroup,
            parse: { value throws(SettingsError) in
                let name = try value.string("daemon.control_group")
                guard ControlAccess.groupID(named: name) != nil else { throw value.fail("daemon.control_group", "no group \"\(name)\"") }
                return name
            }, show: { $0.map { "\"\($0)\"" } ?? "(the daemon's own group)" }),
        .choice("log.level", option: "--log-level", live: true, \.logLevel),
        .choice("log.format", option: "--log-format", live: false, \.logFormat),
        .field(
            "metrics.address", option: "--metrics-address", live: false, \.metricsAddress,
            parse: { value throws(SettingsError) in
                let text = try value.string("metrics.address").trimmingWhitespace
                if text == "off" { return nil }
                // Port 0 picks a free port (logged at start).
                guard let colon = text.lastIndex(of: ":"), colon != text.startIndex,
                    let port = Int(text[text.index(after: colon)...]), (0...65535).contains(port)
                else {
                    throw value.fail("metrics.address", "\"\(text)\" is not host:port (e.g. 127.0.0.1:9464) or off")
                }
                return (String(text[..<colon].filter { $0 != "[" && $0 != "]" }), port)
            }, show: { $0.map { "\"\($0.host):\($0.port)\"" } ?? "\"off\"" }),
    ]

    /// The setting whose key is `key`.
    static func definition(_ key: String) -> SettingDefinition? {
        definitions.first { $0.key == key }
    }
}
