import Prometheus
import SluiceSupport

/// A Prometheus histogram of durations that the pipeline thread fills without a lock: the
/// scrape renders a copy published once a second. swift-prometheus's own histogram takes a
/// lock and walks every bucket for each value, and two values a message (the plugin's
/// answer, the verdict's delivery) cost the pipeline thread about 5 % of its time.
struct LatencyBuckets: Sendable {
    /// The family's name, e.g. `sluice_plugin_seconds`.
    let name: String
    /// Upper bounds in nanoseconds, ascending; a value counts in the first it does not exceed.
    private let bounds: [Int64]
    /// Values per bucket (not cumulative); the last entry counts those above every bound.
    private var counts: [Int]
    private var sumNanoseconds: Int64 = 0
    private(set) var count = 0

    /// From half a millisecond (an in-process plugin) to the default message timeout.
    static let defaultBounds: [Duration] = [
        .microseconds(500), .milliseconds(1), .milliseconds(2), .milliseconds(5), .milliseconds(10), .milliseconds(25),
        .milliseconds(50), .milliseconds(100), .milliseconds(250), .milliseconds(500), .seconds(1), .seconds(2),
        .seconds(5), .seconds(10), .seconds(30),
    ]

    init(name: String, bounds: [Duration] = Self.defaultBounds) {
        self.name = name
        self.bounds = bounds.map(\.inNanoseconds)
        counts = Array(repeating: 0, count: bounds.count + 1)
    }

    /// Counts a duration of `nanoseconds` (below zero as zero).
    mutating func record(nanoseconds: Int64) {
        let nanoseconds = max(0, nanoseconds)
        var bucket = 0
        while bucket < bounds.count && bounds[bucket] < nanoseconds { bucket += 1 }
        counts[bucket] += 1
        sumNanoseconds &+= nanoseconds
        count += 1
    }

    /// The family in Prometheus's text format, as swift-prometheus writes a histogram:
    /// cumulative buckets, `+Inf`, the sum in seconds, the count.
    func appendExposition(to buffer: inout [UInt8]) {
        buffer += Array("# TYPE \(name) histogram\n".utf8)
        var cumulative = 0
        for (bound, bucketCount) in zip(bounds, counts) {
            cumulative += bucketCount
            buffer += Array("\(name)_bucket{le=\"\(Duration.nanoseconds(bound).bucketRepresentation)\"} \(cumulative)\n".utf8)
        }
        buffer += Array("\(name)_bucket{le=\"+Inf\"} \(count)\n".utf8)
        buffer += Array("\(name)_sum \(Duration.nanoseconds(sumNanoseconds).bucketRepresentation)\n".utf8)
        buffer += Array("\(name)_count \(count)\n".utf8)
    }
}
