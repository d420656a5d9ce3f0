import Foundation
import PluginProcess
import Testing

@testable import Supervisor

@Suite struct SettingsTests {
    let complete = [
        "KAFKA_BROKER": "localhost:9092", "INPUT_TOPIC": "in", "SUCCESS_TOPIC": "ok",
        "PERMANENT_FAILURE_TOPIC": "dead", "TRANSIENT_FAILURE_TOPIC": "retry", "GROUP_ID": "g", "PATH": "/usr/bin:/bin",
    ]

    func resolve(
        _ environment: [String: String], file: String? = nil, commandLine: [String: SettingValue.Raw] = ["plugin.command": .strings(["cat"])],
        kafka: [String] = []
    ) throws(SettingsError) -> Settings {
        var path: String?
        if let file {
            path = FileManager.default.temporaryDirectory.appendingPathComponent("sluice-\(UUID().uuidString).toml").path
            _ = FileManager.default.createFile(atPath: path!, contents: Data(file.utf8))
        }
        defer { path.map { try? FileManager.default.removeItem(atPath: $0) } }
        return try SettingsSources(configFile: path, environment: environment, commandLine: commandLine, commandLineKafka: kafka).resolve()
    }

    func error(_ environment: [String: String], file: String? = nil, commandLine: [String: SettingValue.Raw] = ["plugin.command": .strings(["cat"])], kafka: [String] = []) -> String? {
        do {
            _ = try resolve(environment, file: file, commandLine: commandLine, kafka: kafka)
            return nil
        } catch {
            return error.message
        }
    }

    @Test func readsTheDemoVariables() throws {
        let settings = try resolve(complete)
        #expect(settings.brokers == "localhost:9092" && settings.inputTopics.description == "in" && settings.groupID == "g")
        #expect(settings.successTopic == "ok" && settings.transientTopic == "retry" && settings.permanentTopic == "dead")
        #expect(settings.command.executable.hasSuffix("/cat") && settings.workers == 2)
    }

    @Test(arguments: Settings.environmentVariables)
    func eachMissingVariableIsNamed(variable: String) {
        var environment = complete
        environment[variable] = nil
        #expect(error(environment)?.hasPrefix("\(variable): not set") == true)
    }

    @Test(arguments: [
        ("KAFKA_BROKER", "localhost", "KAFKA_BROKER: \"localhost\" is not host:port"),
        ("KAFKA_BROKER", "a:1,b:99999", "KAFKA_BROKER: \"b:99999\" is not host:port"),
        ("INPUT_TOPIC", "bad topic", "INPUT_TOPIC: \"bad topic\" is not a valid topic name"),
        ("SUCCESS_TOPIC", "in", "INPUT_TOPIC: in is also an output topic"),
    ])
    func malformedValuesAreNamed(variable: String, value: String, message: String) {
        var environment = complete
        environment[variable] = value
        let failure = error(environment)
        #expect(failure?.hasPrefix(message) == true, "\(String(describing: failure))")
    }

    @Test func pluginCommandIsResolvedAtStart() throws {
        #expect(try PluginCommand(["sh", "-c", "true"], path: "/usr/bin:/bin").executable.hasSuffix("/sh"))
        #expect(throws: PluginCommand.Unresolved.self) { try PluginCommand(["no-such-plugin-xyz"], path: "/usr/bin:/bin") }
        #expect(throws: PluginCommand.Unresolved.self) { try PluginCommand([], path: "/usr/bin") }
        #expect(throws: PluginCommand.Unresolved.self) { try PluginCommand(["./README.md"], path: nil) }
        #expect(error(complete, commandLine: [:])?.hasPrefix("plugin command: missing") == true)
    }

    static let fileWithEverything = """
        [pipeline]
        brokers = "file:9092"
        group = "file-group"
        input_topic = "in"
        success_topic = "ok"
        transient_topic = "retry"
        permanent_topic = "dead"

        [plugin]
        command = ["sh", "-c", "cat"]
        workers = 7
        message_timeout = 2.5

        [retries]
        mode = "off"

        [log]
        level = "debug"

        [kafka]
        "client.id" = "from-file"
        "socket.keepalive.enable" = true
        "sasl.password" = { env = "SECRET_FOR_TEST" }

        [kafka.consumer]
        "fetch.max.bytes" = 1048576
        "client.id" = "consumer-side"

        [kafka.producer]
        "linger.ms" = 10
        """

    @Test func aFileGivesEverySetting() throws {
        let settings = try resolve(["PATH": "/usr/bin:/bin", "SECRET_FOR_TEST": "hunter2"], file: Self.fileWithEverything, commandLine: [:])
        #expect(settings.brokers == "file:9092" && settings.groupID == "file-group" && settings.workers == 7)
        #expect(settings.command.arguments == ["sh", "-c", "cat"] && settings.messageTimeout == .milliseconds(2500))
        #expect(settings.retrier == .off && settings.logLevel == .debug)
        #expect(settings.kafkaProperties.map { "\($0.0)=\($0.1)" } == ["client.id=from-file", "socket.keepalive.enable=true", "sasl.password=hunter2"])
        #expect(settings.consumerProperties.map(\.0) == ["fetch.max.bytes", "client.id"], "in the file's order")
        #expect(settings.producerProperties.map { "\($0.0)=\($0.1)" } == ["linger.ms=10"])
        let shown = settings.effectiveDescription
        #expect(shown.contains("\"sasl.password\" = \"(redacted)\"") && !shown.contains("hunter2"), "\(shown)")
        #expect(shown.contains("workers = 7  # ") && shown.contains(":11"), "each value says where it came from: \(shown)")
        try settings.checkKafkaProperties()
    }

    /// Command line > environment > file > defaults.
    @Test func precedence() throws {
        var environment = complete
        environment["SECRET_FOR_TEST"] = "x"
        let settings = try resolve(
            environment, file: Self.fileWithEverything,
            commandLine: ["plugin.workers": .integer(3), "plugin.command": .strings(["cat"])], kafka: ["client.id=from-cli"])
        #expect(settings.workers == 3, "command line over file")
        #expect(settings.brokers == "localhost:9092" && settings.groupID == "g", "environment over file")
        #expect(settings.messageTimeout == .milliseconds(2500), "file over default")
        #expect(settings.maxInFlight == 32, "default")
        #expect(settings.command.arguments == ["cat"])
        #expect(settings.kafkaProperties.filter { $0.0 == "client.id" }.map(\.1) == ["from-cli"])
        #expect(!settings.consumerProperties.contains { $0.0 == "client.id" }, "-X wins over a per-client override too")
        #expect(settings.origins["plugin.workers"] == .commandLine("--workers"))
        #expect(settings.origins["pipeline.brokers"] == .environment("KAFKA_BROKER"))
    }

    @Test(arguments: [
        ("[plugin]\nworkers = \"four\"\n", "line 2: plugin.workers: expected a whole number, got \"four\""),
        ("[plugin]\nworkers = 0\n", "line 2: plugin.workers: 0 is not between 1 and 1024"),
        ("\n[plugin]\nworkerz = 4\n", "line 3: plugin.workerz: unknown key (in [plugin]: command, protocol, workers,"),
        ("[plugins]\nworkers = 4\n", "line 1: unknown table plugins"),
        ("workers = 4\n", "line 1: unknown key workers"),
        ("[plugin]\ncommand = \"python3 x.py\"\n", "line 2: plugin.command: expected an array of strings"),
        ("[plugin]\ncommand = [\"no-such-plugin-xyz\"]\n", "line 2: plugin.command: no-such-plugin-xyz not found in PATH"),
        ("[plugin]\nmessage_timeout = -1\n", "line 2: plugin.message_timeout: -1 seconds is not between"),
        ("[retries]\nmode = \"sometimes\"\n", "line 2: retries.mode: \"sometimes\" is not one of on, off, only"),
        ("[log]\nlevel = \"loud\"\n", "line 2: log.level: \"loud\" is not one of trace, debug"),
        ("[daemon]\ncontrol_group = \"no-such-group-xyz\"\n", "line 2: daemon.control_group: no group \"no-such-group-xyz\""),
        ("[daemon]\nmax_buffered = 10\n", "line 2: daemon.max_buffered: 10 is below workers x max-in-flight (64)"),
        (
            "[daemon]\ndrain_timeout = 300\n",
            "line 2: daemon.drain_timeout: 300 s is not below the consumer's max.poll.interval.ms (300000 ms)"
        ),
        (
            "[daemon]\ndrain_timeout = 30\n[kafka.consumer]\n\"max.poll.interval.ms\" = 20000\n",
            "line 2: daemon.drain_timeout: 30 s is not below the consumer's max.poll.interval.ms (20000 ms)"
        ),
        ("[plugin]\nworkers =\n", "line 2: not valid TOML"),
        // toml++ fails an assertion (aborting the daemon) on these two unless they are caught first.
        ("[plugin]\n[{]\n", "line 2: not valid TOML: a table name cannot start with \"{\""),
        ("[plugin]\ncommand = [\"sh\", # comment\n}]\n", "line 3: not valid TOML: \"}\" where an array expects a value"),
        ("[kafka]\n\"group.id\" = \"x\"\n", "line 2: kafka.group.id: set group in [pipeline] (or GROUP_ID) instead"),
        ("[kafka]\n\"sasl.password\" = { env = \"NOT_SET_XYZ\" }\n", "line 2: kafka.sasl.password: the environment variable NOT_SET_XYZ is not set"),
        ("[kafka]\n\"sasl.password\" = { file = \"/nonexistent/secret\" }\n", "line 2: kafka.sasl.password: cannot read the secret file"),
        (
            "[kafka]\n\"sasl.password\" = { credential = \"kafka-password\" }\n",
            "line 2: kafka.sasl.password: the credential kafka-password needs systemd's CREDENTIALS_DIRECTORY"
        ),
        ("[kafka]\n\"sasl.password\" = { credential = \"../x\" }\n", "line 2: kafka.sasl.password: a credential is a name, not a path"),
        ("[kafka]\n\"ssl.ca.location\" = [\"a\"]\n", "line 2: kafka.ssl.ca.location: expected a string, number or boolean"),
    ])
    func fileErrorsNameFileKeyAndLine(file: String, message: String) {
        // A command on the command line would hide the file's.
        let commandLine: [String: SettingValue.Raw] = file.contains("command") ? [:] : ["plugin.command": .strings(["cat"])]
        let failure = error(complete, file: file, commandLine: commandLine) ?? "accepted"
        #expect(failure.hasSuffix(".toml " + message) || failure.contains(".toml " + message), "\(failure)")
    }

    /// Every key of the file, given a value of no setting's kind (a table), an empty string
    /// and a number beyond every range: refused with the file, line and key, never accepted
    /// or crashing.
    @Test(arguments: Settings.definitions.map(\.key))
    func everyKeyRefusesAWrongValue(key: String) {
        let table = key.prefix { $0 != "." }
        let name = key.dropFirst(table.count + 1)
        let commandLine: [String: SettingValue.Raw] = key == "plugin.command" ? [:] : ["plugin.command": .strings(["cat"])]
        // The file's value is the one in effect: its variable is not set.
        let environment = complete.filter { $0.key != Settings.definition(key)?.variable }
        for value in ["{ wrong = [1, 2] }", "\"\"", "1e308"] {
            let failure = error(environment, file: "[\(table)]\n\(name) = \(value)\n", commandLine: commandLine) ?? "accepted"
            #expect(failure.contains(".toml line 2: \(key): "), "\(key) = \(value): \(failure)")
        }
    }

    @Test func unreadableFileAndBadKafkaPropertiesAreClear() throws {
        #expect(error(complete, file: nil, kafka: ["enable.auto.commit=false"]) == "-X enable.auto.commit: Sluice sets enable.auto.commit itself: at-least-once delivery depends on it")
        #expect(error(complete, kafka: ["novalue"]) == "-X novalue: expected name=value")
        let missing = (try? SettingsSources(configFile: "/nonexistent/sluice.toml", environment: complete).resolve()) == nil
        #expect(missing)
        let settings = try resolve(complete, kafka: ["no.such.property=1"])
        #expect(throws: KafkaError.self) { try settings.checkKafkaProperties() }
    }

    /// Every key from `SLUICE_<TABLE>_<KEY>`: over the file, under the command line, over the
    /// demo's variable for the same key; a list as a TOML array or as words; the source is
    /// the variable, for --check-config; a bad value names the variable.
    @Test func everyKeyFromTheEnvironment() throws {
        var environment = complete
        environment["SLUICE_PLUGIN_WORKERS"] = "4"
        environment["SLUICE_PLUGIN_STOP_TIMEOUT"] = "2.5"
        environment["SLUICE_PIPELINE_GROUP"] = "from-sluice-variable"
        environment["SLUICE_PLUGIN_ENVIRONMENT"] = "A=1 B=two"
        environment["SLUICE_LOG_FORMAT"] = "json"
        let settings = try resolve(environment, file: "[plugin]\nworkers = 3\nmax_in_flight = 8\n")
        #expect(settings.workers == 4 && settings.origins["plugin.workers"] == .environment("SLUICE_PLUGIN_WORKERS"))
        #expect(settings.maxInFlight == 8, "the file still gives what the environment does not")
        #expect(settings.stopTimeout == .milliseconds(2500) && settings.logFormat == .json)
        #expect(settings.groupID == "from-sluice-variable", "over GROUP_ID")
        #expect(settings.pluginEnvironment == ["A=1", "B=two"])
        #expect(try resolve(environment, commandLine: ["plugin.command": .strings(["cat"]), "plugin.workers": .integer(6)]).workers == 6)
        environment["SLUICE_PLUGIN_COMMAND"] = #"["sh", "-c", "exec cat"]"#
        let command = try resolve(environment, commandLine: [:]).command
        #expect(command.arguments == ["sh", "-c", "exec cat"], "\(command)")
        environment["SLUICE_PLUGIN_WORKERS"] = "many"
        #expect(error(environment) == "SLUICE_PLUGIN_WORKERS: expected a whole number, got \"many\"")
        #expect(Settings.definitions.allSatisfy { $0.environmentVariable.hasPrefix("SLUICE_") && !$0.environmentVariable.contains(".") })
    }

    /// `{ credential = "NAME" }` reads `$CREDENTIALS_DIRECTORY/NAME`, where systemd puts what
    /// `LoadCredential=NAME:PATH` names, without its final newline.
    @Test func aSecretFromASystemdCredential() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("credentials-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try "s3cret\n".write(toFile: "\(directory)/kafka-password", atomically: true, encoding: .utf8)
        var environment = complete
        environment["CREDENTIALS_DIRECTORY"] = directory
        let settings = try resolve(environment, file: "[kafka]\n\"sasl.password\" = { credential = \"kafka-password\" }\n")
        #expect(settings.kafkaProperties.contains { $0 == ("sasl.password", "s3cret") })
        let missing = error(environment, file: "[kafka]\n\"sasl.password\" = { credential = \"other\" }\n") ?? "accepted"
        #expect(missing.contains("kafka.sasl.password: cannot read the secret file \(directory)/other"), "\(missing)")
    }

    /// A reload applies live settings and keeps the rest, listing what needs a restart.
    @Test func reloadAppliesLiveSettingsOnly() throws {
        let before = try resolve(complete)
        var environment = complete
        environment["INPUT_TOPIC"] = "other-in"
        let fresh = try resolve(environment, file: "[plugin]\nworkers = 5\nmessage_timeout = 9\n[kafka]\n\"linger.ms\" = 1\n")
        let reload = before.reloaded(from: fresh)
        #expect(reload.settings.workers == 5 && reload.settings.messageTimeout == .seconds(9))
        #expect(reload.settings.inputTopics.description == "in", "the input topic needs a restart")
        #expect(reload.applied == ["plugin.workers 2 -> 5", "plugin.message_timeout 30.0 -> 9.0"])
        #expect(reload.needsRestart == ["pipeline.input_topics", "kafka"])
        #expect(reload.settings.kafkaProperties.isEmpty)
        #expect(
            reload.summary(of: "/etc/sluice.toml", commandChanged: false)
                == "reloaded /etc/sluice.toml: applied plugin.workers 2 -> 5, plugin.message_timeout 30.0 -> 9.0; "
                + "changed but kept until sluiced restarts: pipeline.input_topics, kafka")
    }
}
