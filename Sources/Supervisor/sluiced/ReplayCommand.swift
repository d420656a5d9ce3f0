import ArgumentParser
import Foundation
import Logging
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

    @OptionGroup var common: CommonOptions

    func run() async throws {
        let settings = resolvedOrExit(common.sources([:], needsPlugin: false))
        bootstrapLogging(level: settings.logLevel)
        let logger = Logger(label: "sluiced")
        try await reportingFailures(logger: logger) {
            let filter = ReplayFilter(
                from: try from.map { try ReplayFilter.time($0, option: "--from") },
                to: try to.map { try ReplayFilter.time($0, option: "--to") }, reasonContains: reason, source: source)
            let replayer = try Replayer(settings: settings, filter: filter, dryRun: dryRun, logger: logger)
            logger.info("replay \(dryRun ? "(dry run) " : "")of \(settings.permanentTopic) to \(settings.inputTopic): \(filter)")
            let result = try await replayer.runOffThread { progress in logger.info("replay \(progress)") }
            print("replay \(dryRun ? "dry run " : "")done: \(result)")
        }
    }
}
