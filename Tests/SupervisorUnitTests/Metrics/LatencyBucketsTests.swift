import Prometheus
import Testing

@testable import Supervisor

/// The latency histograms sluiced keeps outside the Prometheus registry read exactly as
/// swift-prometheus's own histogram would for the same values.
@Suite struct LatencyBucketsTests {
    /// Values on, between, below and above the bounds, and negative (a clock that stepped).
    static let values: [Duration] = [
        .zero, .microseconds(1), .microseconds(500), .microseconds(501), .milliseconds(3), .milliseconds(25),
        .milliseconds(25) + .nanoseconds(1), .milliseconds(999), .seconds(7), .seconds(30), .seconds(31), .seconds(3_600),
    ]

    @Test func writesWhatSwiftPrometheusWrites() {
        let registry = PrometheusCollectorRegistry()
        let reference = registry.makeDurationHistogram(name: "sluice_plugin_seconds", buckets: LatencyBuckets.defaultBounds)
        var buckets = LatencyBuckets(name: "sluice_plugin_seconds")
        for value in Self.values {
            reference.record(value)
            buckets.record(nanoseconds: value.inNanoseconds)
        }
        var exposition: [UInt8] = []
        buckets.appendExposition(to: &exposition)
        #expect(String(decoding: exposition, as: UTF8.self) == registry.emitToString())
        #expect(buckets.count == Self.values.count)
    }

    @Test func aNegativeDurationCountsAsZero() {
        var buckets = LatencyBuckets(name: "x", bounds: [.milliseconds(1)])
        buckets.record(nanoseconds: Duration.milliseconds(-5).inNanoseconds)
        var exposition: [UInt8] = []
        buckets.appendExposition(to: &exposition)
        #expect(
            String(decoding: exposition, as: UTF8.self) == """
                # TYPE x histogram
                x_bucket{le="0.001"} 1
                x_bucket{le="+Inf"} 1
                x_sum 0.0
                x_count 1

                """)
    }

    @Test func anEmptyHistogramHasEveryBucket() {
        var exposition: [UInt8] = []
        LatencyBuckets(name: "x").appendExposition(to: &exposition)
        let lines = String(decoding: exposition, as: UTF8.self).split(separator: "\n")
        #expect(lines.count == 1 + LatencyBuckets.defaultBounds.count + 3)
        #expect(lines.filter { $0.hasPrefix("x_bucket") }.allSatisfy { $0.hasSuffix(" 0") })
    }
}
