import Foundation
import Testing

@testable import Supervisor

extension SluicedTests {
    /// `--check-config` prints the effective settings with their sources (a key given by
    /// `SLUICE_<TABLE>_<KEY>` names its variable) and secrets redacted, and exits 0; a broken
    /// file exits 78 naming the file, key and line.
    @Test func checkConfigPrintsEffectiveSettingsWithoutSecrets() throws {
        let directory = try makeTemporaryDirectory("sluice-config")
        let config = "\(directory)/sluice.toml"
        try """
            [pipeline]
            group = "from-file"
            [plugin]
            command = ["cat"]
            workers = 3
            [kafka]
            "sasl.password" = { env = "SLUICE_TEST_SECRET" }
            """.write(toFile: config, atomically: true, encoding: .utf8)
        var environment = ProcessInfo.processInfo.environment
        for (name, value) in [
            ("KAFKA_BROKER", "localhost:9092"), ("INPUT_TOPIC", "in"), ("SUCCESS_TOPIC", "ok"), ("TRANSIENT_FAILURE_TOPIC", "retry"),
            ("PERMANENT_FAILURE_TOPIC", "dead"), ("SLUICE_TEST_SECRET", "hunter2"), ("SLUICE_PLUGIN_START_RETRIES", "9"),
        ] {
            environment[name] = value
        }
        environment["GROUP_ID"] = nil
        let checked = try runBuilt("sluiced", ["--config", config, "--check-config", "--max-in-flight", "8"], environment: environment)
        #expect(checked.status == 0, "\(checked)")
        for line in [
            "brokers = \"localhost:9092\"  # environment KAFKA_BROKER", "group = \"from-file\"  # \(config):2",
            "workers = 3  # \(config):5", "max_in_flight = 8  # command line --max-in-flight", "max_attempts = 5  # default",
            "start_retries = 9  # environment SLUICE_PLUGIN_START_RETRIES",
            "\"sasl.password\" = \"(redacted)\"",
        ] {
            #expect(checked.output.contains(line), "missing \(line) in \(checked.output)")
        }
        #expect(!checked.output.contains("hunter2") && !checked.error.contains("hunter2"))

        try "[pipeline]\ngroup = \"g\"\n[plugin]\nmax_in_flight = \"lots\"\n".write(toFile: config, atomically: true, encoding: .utf8)
        let broken = try runBuilt("sluiced", ["--config", config, "--check-config", "--", "cat"], environment: environment)
        #expect(broken.status == 78 && broken.error == "sluiced: \(config) line 4: plugin.max_in_flight: expected a whole number, got \"lots\"\n", "\(broken)")
        let missing = try runBuilt("sluiced", ["--config", "\(directory)/none.toml", "--", "cat"], environment: environment)
        #expect(missing.status == 78 && missing.error.contains("none.toml: cannot read the config file: No such file or directory"))
    }
}

extension SluicedTests {
    /// Every option of sluiced given an empty value: an error whose first line names the
    /// option, exit 78 (or 64 with the usage, for what the argument parser itself refuses),
    /// never accepted or crashing.
    @Test func everyOptionRefusesAnEmptyValue() throws {
        let environment = ProcessInfo.processInfo.environment.merging([
            "KAFKA_BROKER": "localhost:9092", "INPUT_TOPIC": "in", "SUCCESS_TOPIC": "ok", "TRANSIENT_FAILURE_TOPIC": "retry",
            "PERMANENT_FAILURE_TOPIC": "dead", "GROUP_ID": "g",
        ]) { $1 }
        let options = Settings.definitions.compactMap(\.option).filter { $0.hasPrefix("--") } + ["-X", "--config"]
        #expect(options.count > 20)
        for option in options {
            let result = try runBuilt("sluiced", ["--check-config", option, "", "--", "cat"], environment: environment)
            #expect(result.status == 78 || result.status == 64, "\(option): \(result)")
            let firstLine = result.error.prefix { $0 != "\n" }
            #expect(firstLine.contains(option) && (result.status == 64 || firstLine.hasPrefix("sluiced: ")), "\(option): \(result.error)")
        }
    }
}

