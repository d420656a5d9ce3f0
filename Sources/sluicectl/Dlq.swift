import ArgumentParser
import SluiceCLI
import SluiceControl

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

    @OptionGroup var filter: ReplayFilterOptions
    @OptionGroup var connection: ConnectionOptions

    func run() throws {
        let request = ControlRequest.replay(filter: try filter.filter(), dryRun: filter.dryRun)
        try connection.run(request) { $0.message ?? "" }
    }
}
