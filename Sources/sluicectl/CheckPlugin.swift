import ArgumentParser
import Foundation
import PluginCheck
import PluginProcess

struct CheckPlugin: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check-plugin",
        abstract: "Check a plugin before deploying it: starts it as sluiced would and runs a battery of requests.",
        discussion: """
            Every payload kind, unicode and escapes, a 1 MiB value, 1000 requests written
            ahead (answers may come in any order), 200 round trips one at a time, and a clean
            exit when stdin closes; each check runs in a fresh process. Prints PASS or FAIL per
            check with the offending line, the plugin's latency and throughput. Needs no
            running sluiced. Exit status: 0 all passed, 1 a check failed, 64 bad usage.
            """)

    @Option(help: "json (the default) or lines.")
    var `protocol` = "json"

    @Option(help: "Seconds each check waits for answers.")
    var timeout: Double = 5

    @Argument(parsing: .postTerminator, help: "The plugin command and its arguments, after --.")
    var command: [String] = []

    func run() throws {
        guard let kind = PluginChecker.CheckedProtocol(rawValue: `protocol`) else {
            throw ValidationError(
                "--protocol: \"\(`protocol`)\" is not json or lines (an exec tool is checked by hand: printf %s VALUE | COMMAND; echo $?; a kafka-native plugin needs Kafka: try it on sluiced --demo)")
        }
        guard timeout > 0, timeout <= 3600 else { throw ValidationError("--timeout: must be between 0 and 3600 seconds") }
        let environment = ProcessInfo.processInfo.environment
        let plugin: PluginCommand
        do throws(PluginCommand.Unresolved) {
            plugin = try PluginCommand(command, path: environment["PATH"])
        } catch {
            throw ValidationError(error.message)
        }
        print("check-plugin: \(plugin) (protocol \(kind.rawValue))")
        let report = PluginChecker(
            command: plugin, protocolKind: kind, environment: environment, timeout: .milliseconds(Int64(timeout * 1000))
        ).run()
        print(report.text)
        if !report.passed { throw ExitCode(1) }
    }
}
