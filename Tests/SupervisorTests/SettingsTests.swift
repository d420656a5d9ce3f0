import Testing

@testable import Supervisor

@Suite struct SettingsTests {
    let complete = [
        "KAFKA_BROKER": "localhost:9092", "INPUT_TOPIC": "in", "SUCCESS_TOPIC": "ok",
        "PERMANENT_FAILURE_TOPIC": "dead", "TRANSIENT_FAILURE_TOPIC": "retry", "GROUP_ID": "g",
    ]
    let command = try! PluginCommand(["cat"], path: "/usr/bin:/bin")

    @Test func readsTheDemoVariables() throws {
        let settings = try Settings.fromEnvironment(complete, command: command)
        #expect(settings.brokers == "localhost:9092" && settings.inputTopic == "in" && settings.groupID == "g")
        #expect(settings.successTopic == "ok" && settings.transientTopic == "retry" && settings.permanentTopic == "dead")
    }

    @Test(arguments: Settings.environmentVariables)
    func eachMissingVariableIsNamed(variable: String) {
        var environment = complete
        environment[variable] = nil
        #expect(throws: SettingsError.self) { try Settings.fromEnvironment(environment, command: command) }
        do {
            _ = try Settings.fromEnvironment(environment, command: command)
        } catch {
            #expect(error.message.hasPrefix("\(variable): not set"))
        }
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
        do {
            _ = try Settings.fromEnvironment(environment, command: command)
            Issue.record("accepted \(variable)=\(value)")
        } catch {
            #expect(error.message.hasPrefix(message), "\(error.message)")
        }
    }

    @Test func pluginCommandIsResolvedAtStart() throws {
        #expect(try PluginCommand(["sh", "-c", "true"], path: "/usr/bin:/bin").executable.hasSuffix("/sh"))
        #expect(throws: SettingsError.self) { try PluginCommand(["no-such-plugin-xyz"], path: "/usr/bin:/bin") }
        #expect(throws: SettingsError.self) { try PluginCommand([], path: "/usr/bin") }
        #expect(throws: SettingsError.self) { try PluginCommand(["./README.md"], path: nil) }
    }
}
