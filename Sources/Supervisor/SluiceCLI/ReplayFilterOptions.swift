import ArgumentParser
import Supervisor

/// The filters of a replay, shared by `sluicectl dlq replay` and `sluiced replay`.
public struct ReplayFilterOptions: ParsableArguments {
    @Option(help: "Only dead letters that failed at or after this time.")
    var from: String?

    @Option(help: "Only dead letters that failed at or before this time.")
    var to: String?

    @Option(help: "Only dead letters whose sluice.reason contains this text.")
    var reason: String?

    @Option(help: "Only dead letters with this sluice.source (plugin, crash, timeout, protocol-error, retries-exhausted, too-large, unproducible).")
    var source: String?

    @Flag(help: "Count what would be replayed; publish nothing.")
    public var dryRun = false

    public init() {}

    /// Times are milliseconds since the epoch or ISO 8601; a bad one is a usage error.
    public func filter() throws -> ReplayFilter {
        func time(_ text: String?, _ option: String) throws -> Int64? {
            guard let text else { return nil }
            do throws(SettingsError) {
                return try ReplayFilter.time(text, option: option)
            } catch {
                throw ValidationError(error.message)
            }
        }
        return ReplayFilter(from: try time(from, "--from"), to: try time(to, "--to"), reasonContains: reason, source: source)
    }
}
