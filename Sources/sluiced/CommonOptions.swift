import ArgumentParser
import Glibc
import Logging
import Supervisor

/// Options every sluiced command takes.
struct CommonOptions: ParsableArguments {
    @Option(help: ArgumentHelp("The config file (TOML); see config/sluice.toml. The command line and the environment override it.", valueName: "file"))
    var config: String?

    @Option(
        name: [.customShort("X"), .customLong("kafka-property")],
        help: ArgumentHelp(
            "A librdkafka property for both clients, e.g. -X security.protocol=SASL_SSL (repeatable).",
            valueName: "name=value"))
    var kafkaProperties: [String] = []

    @Option(help: "Log level: trace, debug, info, notice, warning, error, critical (default: info).")
    var logLevel: String?

    @Option(help: "Log lines as logfmt, json or console (for a person); default auto: console on a terminal, else logfmt.")
    var logFormat: String?

    /// The settings sources with `values` from the command's own options.
    func sources(_ values: [String: SettingValue.Raw], needsPlugin: Bool) -> SettingsSources {
        var values = values
        values["log.level"] = logLevel.map { .string($0) }
        values["log.format"] = logFormat.map { .string($0) }
        return SettingsSources(
            configFile: config, environment: ProcessEnvironment.variables, commandLine: values,
            commandLineKafka: kafkaProperties, needsPlugin: needsPlugin)
    }
}

/// Sets up logging to stderr, one line per event, written for where stderr goes.
func bootstrapLogging(_ settings: Settings) {
    let destination = LogDestination.of(fd: 2, environment: ProcessEnvironment.variables)
    LoggingSystem.bootstrap { _ in LineLogHandler(format: settings.logFormat, level: settings.logLevel, destination: destination) }
    ProcessEnvironment.ignoreBrokenPipes()
}

/// Resolves the settings, or prints the one line naming the bad setting and exits 78.
func resolvedOrExit(_ sources: SettingsSources) -> Settings {
    do {
        return try sources.resolve()
    } catch {
        exitForBadSetting(error.message)
    }
}

/// Runs a command's body: a bad setting exits 78 with its one line, any other failure is
/// logged and exits 1.
func reportingFailures(logger: Logger, _ body: () async throws -> Void) async throws {
    do {
        try await body()
    } catch let error as SettingsError {
        exitForBadSetting(error.message)
    } catch let error as KafkaError where error.code == .configuration {
        exitForBadSetting(error.message)
    } catch {
        logger.critical("\(error)")
        throw ExitCode.failure
    }
}

/// Prints one line naming the bad setting and exits with EX_CONFIG.
func exitForBadSetting(_ message: String) -> Never {
    var line = Array("sluiced: \(message)\n".utf8)
    _ = write(2, &line, line.count)
    Glibc.exit(78)
}
