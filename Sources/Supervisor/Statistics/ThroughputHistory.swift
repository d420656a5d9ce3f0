import DequeModule
import SluiceControl
import SluiceSupport

/// Counter snapshots taken once a second for the last minute, from which rates over 1, 10
/// and 60 seconds are read.
struct ThroughputHistory {
    private struct Sample {
        let at: ContinuousClock.Instant
        let consumed: Int
        let delivered: Int
    }
    private var samples: Deque<Sample> = []

    mutating func sample(_ statistics: PipelineStatistics, at now: ContinuousClock.Instant) {
        samples.append(Sample(at: now, consumed: statistics.consumed, delivered: statistics.delivered))
        while samples.count > 61 { samples.removeFirst() }
    }

    /// Rates over each window that the history covers (a window is cut short after a start).
    func rates(windows: [Int] = [1, 10, 60]) -> [RateReport] {
        guard let last = samples.last else { return [] }
        return windows.compactMap { window in
            guard samples.count > 1 else { return nil }
            let first = samples[max(0, samples.count - 1 - window)]
            let seconds = (last.at - first.at).inSeconds
            guard seconds > 0 else { return nil }
            return RateReport(
                windowSeconds: window, consumedPerSecond: Double(last.consumed - first.consumed) / seconds,
                deliveredPerSecond: Double(last.delivered - first.delivered) / seconds)
        }
    }
}
