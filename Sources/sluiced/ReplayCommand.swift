import ArgumentParser
import Foundation
import Logging
import SluiceCLI
import SluiceControl
import Supervisor

/// `sluiced replay`: publishes dead letters back to the input topic after a plugin fix.
struct ReplayCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "replay",
        abstract: "Publish messages from the permanent-failure topic back to the input topic.",
        discussion: """
            Takes the dead letters that match every filter given, resets their attempt count
            and publishes them to INPUT_TOPIC. Reads PERMANENT_FAILURE_TOPIC up to where it
            ended at the start; running the same command again resumes where it stopped.
            Times are milliseconds since the epoch or ISO 8601 (2026-11-27T08:00:00Z).
            """)

    @OptionGroup var filters: ReplayFilterOptions

    @OptionGroup var common: CommonOptions

    func run() async throws {
        let filter = try filters.filter()
        let dryRun = filters.dryRun
        let settings = resolvedOrExit(common.sources([:], needsPlugin: false))
        bootstrapLogging(settings)
        let logger = Logger(label: "sluiced")
        try await reportingFailures(logger: logger) {
            let replayer = try Replayer(settings: settings, filter: filter, dryRun: dryRun, logger: logger)
            logger.info("replay \(dryRun ? "(dry run) " : "")of \(settings.permanentTopic) to \(settings.inputTopics): \(filter)")
            let result = try await replayer.runOffThread { progress in logger.info("replay \(progress)") }
            print("replay \(dryRun ? "dry run " : "")done: \(result)")
        }
    }
}
