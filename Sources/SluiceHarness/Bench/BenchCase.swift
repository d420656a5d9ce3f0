import Foundation
import Supervisor
/// One row of `make bench`: what runs, as the processes to start (each reads the demo's
/// variables for its brokers, topics and group).
struct BenchCase {
    let name: String
    let commands: [[String]]
    /// Variables for this row on top of the demo's.
    var environment: [String: String] = [:]
}

/// What one row measured.
public struct BenchRow: Sendable {
    public var name: String
    /// The messages of the row's backlog (none for the latency rows, which are offered a rate).
    public var messages: Int?
    /// Steady throughput: the messages between 5% and 95% of the outputs over their time.
    public var messagesPerSecond: Double?
    /// CPU seconds of the subject's own processes and of its plugins, per 100,000 messages.
    public var cpuPer100k: (own: Double, plugins: Double)?
    public var peakResidentBytes: Int?
    /// Outputs per topic kind, and the ids missing or repeated.
    public var outputs: (success: Int, transient: Int, permanent: Int, missing: Int, duplicates: Int)?
    /// Added latency in milliseconds (p50, p99, p99.9, max) at the offered rate.
    public var latency: (p50: Double, p99: Double, p999: Double, max: Double, missing: Int)?
    /// Why the row has no figures, when it failed.
    public var failure: String?
}

extension BenchRow {
    /// One line about a finished row, for progress output.
    var brief: String {
        if let failure { return "FAILED: \(failure)" }
        let rate = messagesPerSecond.map { "\(Int($0).formatted) msg/s" } ?? "rate not measured"
        let cpu = cpuPer100k.map { String(format: "CPU s/100k %.2f + %.2f", $0.own, $0.plugins) } ?? ""
        let tally = outputs.map { "missing \($0.missing), dups \($0.duplicates)" } ?? ""
        return [rate, cpu, tally].filter { !$0.isEmpty }.joined(separator: ", ")
    }
}
