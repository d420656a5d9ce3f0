/// What `sluicectl check-plugin` found.
public struct PluginCheckReport: Sendable {
    /// One check of the battery.
    public struct Check: Sendable {
        public var name: String
        public var passed: Bool
        /// What went wrong (with the offending line), or a note on a pass.
        public var detail: String?
    }

    public var checks: [Check] = []
    /// Round-trip latencies of one request at a time, in milliseconds: p50, p99.
    public var latency: (p50: Double, p99: Double)?
    /// Answers per second with many requests written ahead.
    public var throughput: Double?

    public var passed: Bool { checks.allSatisfy(\.passed) }

    /// The report as printed: a line per check, then the figures.
    public var text: String {
        var lines = checks.map { "\($0.passed ? "PASS" : "FAIL")  \($0.name)\($0.detail.map { ": \($0)" } ?? "")" }
        if let latency {
            lines.append("latency, one request at a time: p50 \(Self.format(latency.p50)) ms, p99 \(Self.format(latency.p99)) ms")
        }
        if let throughput { lines.append("throughput, requests written ahead: \(Int(throughput.rounded())) msg/s") }
        let failed = checks.filter { !$0.passed }.count
        lines.append(failed == 0 ? "all \(checks.count) checks passed" : "\(failed) of \(checks.count) checks failed")
        return lines.joined(separator: "\n")
    }

    private static func format(_ value: Double) -> String {
        let hundredths = Int((value * 100).rounded())
        return "\(hundredths / 100).\(hundredths % 100 < 10 ? "0" : "")\(hundredths % 100)"
    }
}
