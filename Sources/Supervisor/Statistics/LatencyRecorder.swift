import Histogram
import SluiceControl

/// Latencies of one kind, in microseconds: since the start, and over the last minute in
/// six ten-second slices so that old values age out of the recent figures.
struct LatencyRecorder {
    private var total = Self.makeHistogram()
    private var slices = [Histogram<UInt32>](repeating: Self.makeHistogram(), count: 6)
    private var current = 0

    /// Two significant digits (1% resolution) keep each histogram a few KiB; values above
    /// an hour count as an hour.
    private static let highest: UInt64 = 3_600_000_000
    private static func makeHistogram() -> Histogram<UInt32> {
        Histogram(lowestDiscernibleValue: 1, highestTrackableValue: highest, numberOfSignificantValueDigits: .two)
    }

    /// Counts a duration of `nanoseconds` (below zero as zero).
    mutating func record(nanoseconds: Int64) {
        let microseconds = min(UInt64(max(0, nanoseconds / 1000)), Self.highest)
        total.record(microseconds)
        slices[current].record(microseconds)
    }

    /// Starts a new ten-second slice, dropping the oldest.
    mutating func rotate() {
        current = (current + 1) % slices.count
        slices[current].reset()
    }

    /// Percentiles over the last minute and since the start.
    func report(name: String) -> LatencyReport {
        var minute = slices[0]
        for slice in slices.dropFirst() { minute.add(slice) }
        return LatencyReport(name: name, lastMinute: LatencyReport.Percentiles(minute), sinceStart: LatencyReport.Percentiles(total))
    }
}

extension LatencyReport.Percentiles {
    package init(_ histogram: Histogram<UInt32>) {
        func milliseconds(_ percentile: Double) -> Double {
            histogram.totalCount == 0 ? 0 : Double(histogram.valueAtPercentile(percentile)) / 1000
        }
        self.init(
            count: Int(histogram.totalCount), p50: milliseconds(50), p90: milliseconds(90), p99: milliseconds(99),
            p999: milliseconds(99.9), max: histogram.totalCount == 0 ? 0 : Double(histogram.max) / 1000)
    }
}
