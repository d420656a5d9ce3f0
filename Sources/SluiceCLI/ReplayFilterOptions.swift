import ArgumentParser
import Foundation
import SluiceControl

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

    /// Times are milliseconds since the epoch or ISO 8601 (2026-11-27T08:00:00Z); a bad one
    /// is a usage error.
    public func filter() throws -> ReplayFilter {
        func time(_ text: String?, _ option: String) throws -> Int64? {
            guard let text else { return nil }
            if let value = Int64(text) { return value }
            guard let date = ISO8601DateFormatter().date(from: text) else {
                throw ValidationError("\(option): \"\(text)\" is neither milliseconds since the epoch nor an ISO 8601 time")
            }
            return Int64(date.timeIntervalSince1970 * 1000)
        }
        return ReplayFilter(from: try time(from, "--from"), to: try time(to, "--to"), reasonContains: reason, source: source)
    }
}
