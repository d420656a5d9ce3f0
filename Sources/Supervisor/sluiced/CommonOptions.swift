import ArgumentParser
import Glibc
import Logging
import Supervisor

/// Options every sluiced command takes.
struct CommonOptions: ParsableArguments {
    @Option(
        name: [.customShort("X"), .customLong("kafka-property")],
        help: ArgumentHelp(
            "A librdkafka property for both clients, e.g. -X security.protocol=SASL_SSL (repeatable).",
            valueName: "name=value"))
    var kafkaProperties: [String] = []

    @Option(help: "Log level: trace, debug, info, notice, warning, error, critical.")
    var logLevel: String = "info"

    /// Sets up logging to stderr at the chosen level; a bad level is a bad setting.
    func bootstrapLogging() {
        guard let level = Logger.Level(rawValue: logLevel) else {
            exitForBadSetting("--log-level: \"\(logLevel)\" is not one of trace, debug, info, notice, warning, error, critical")
        }
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = level
            return handler
        }
        ProcessEnvironment.ignoreBrokenPipes()
    }

    /// The `-X` properties as (name, value) pairs.
    func parsedKafkaProperties() throws(SettingsError) -> [(String, String)] {
        try kafkaProperties.map { (property) throws(SettingsError) in
            guard let equals = property.firstIndex(of: "="), equals != property.startIndex else {
                throw SettingsError("-X \(property): expected name=value")
            }
            return (String(property[..<equals]), String(property[property.index(after: equals)...]))
        }
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
