import ArgumentParser
import SluiceControl

/// `sluiced`: consumes a topic, runs each message through a pool of plugin processes and
/// routes the verdicts to the success, transient and permanent topics.
@main
struct Sluiced: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sluiced",
        abstract: "Run Kafka stream-processing plugins, written in any language, as a supervised pool.",
        discussion: """
            Settings come from, in order of precedence: the command line, the environment
            (SLUICE_<TABLE>_<KEY> for every key of the file, e.g. SLUICE_PLUGIN_WORKERS,
            and KAFKA_BROKER, INPUT_TOPIC, SUCCESS_TOPIC, PERMANENT_FAILURE_TOPIC,
            TRANSIENT_FAILURE_TOPIC, GROUP_ID), the --config file (TOML, see
            config/sluice.toml), the defaults. --check-config prints the result.

            Exit status: 0 after a clean stop, 78 for a bad setting, 64 for bad usage,
            1 for a runtime failure.
            """,
        version: SluiceVersion.current,
        subcommands: [RunCommand.self, ReplayCommand.self],
        defaultSubcommand: RunCommand.self)
}

extension Sluiced {
    /// `sluiced --help` shows the run options too: `run` is the default command, and an
    /// operator reading the help of the daemon expects its options there, not behind
    /// `sluiced help run`.
    static func main() async {
        let arguments = Array(CommandLine.arguments.dropFirst())
        guard arguments == ["--help"] || arguments == ["-h"] else {
            await main(nil)
            return
        }
        let runHelp = RunCommand.helpMessage(for: RunCommand.self)
        let runOptions = runHelp.range(of: "ARGUMENTS:").map { runHelp[$0.lowerBound...] } ?? Substring(runHelp)
        print(helpMessage(), "\n\nRUN OPTIONS (sluiced [run] [<options>] -- <command> ...):\n\n", runOptions, separator: "")
    }
}
