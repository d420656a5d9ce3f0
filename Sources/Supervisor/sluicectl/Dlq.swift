import ArgumentParser
import Supervisor

struct Dlq: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Work with the dead letters (the permanent-failure topic).", subcommands: [DlqReplay.self])
}

struct DlqReplay: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "replay",
        abstract: "Publish dead letters back to the input topic, after a plugin fix.",
        discussion: """
            sluiced takes the dead letters that match every filter given, resets their attempt
            count and publishes them to its input topic, reading the permanent topic up to where
            it ended at the start; sluicectl waits and prints the counts. Running the same
            filter again resumes where it stopped. Times are milliseconds since the epoch or
            ISO 8601 (2026-11-27T08:00:00Z). One replay runs at a time.
            """)

    @Option(help: "Only dead letters that failed at or after this time.")
    var from: String?

    @Option(help: "Only dead letters that failed at or before this time.")
    var to: String?

    @Option(help: "Only dead letters whose sluice.reason contains this text.")
    var reason: String?

    @Option(help: "Only dead letters with this sluice.source (plugin, crash, timeout, protocol-error, retries-exhausted, too-large, unproducible).")
    var source: String?

    @Flag(help: "Count what would be replayed; publish nothing.")
    var dryRun = false

    @OptionGroup var connection: ConnectionOptions

    func run() throws {
        func time(_ text: String?, _ option: String) throws -> Int64? {
            guard let text else { return nil }
            do throws(SettingsError) {
                return try ReplayFilter.time(text, option: option)
            } catch {
                throw ValidationError(error.message)
            }
        }
        let filter = ReplayFilter(from: try time(from, "--from"), to: try time(to, "--to"), reasonContains: reason, source: source)
        try connection.run(ControlRequest(command: "replay", filter: filter, dryRun: dryRun)) { $0.message ?? "" }
    }
}
