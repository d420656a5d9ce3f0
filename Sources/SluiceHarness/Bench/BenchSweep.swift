/// One sweep of `make bench`: the same subjects measured at several points along one
/// dimension (message size, keys, partitions, workers), to show how the cost grows.
struct BenchSweep {
    /// The table's and the plot's title, e.g. "Message size".
    let title: String
    /// Names the plot's file: docs/bench-<slug>.svg.
    let slug: String
    /// What the points vary, for the plot's x axis.
    let axis: String
    /// The series every other is compared with at the same point (the raw relay); nil
    /// compares each series with its own first point.
    var reference: String?
    /// Whether the plot's y axis is logarithmic (rates spanning orders of magnitude).
    var logarithmicRates = false
    var points: [Point]

    /// One point: its backlog and the rows measured on it, each a series of the plot.
    struct Point {
        let label: String
        let x: Double
        let backlog: BenchBacklog
        /// Each case's name is its series' name.
        let cases: [BenchCase]
    }
}

/// What a sweep measured: a row per point and series.
public struct SweepResult: Sendable {
    public let title: String
    let slug: String
    let axis: String
    let reference: String?
    let logarithmicRates: Bool
    public var measurements: [Measurement] = []

    public struct Measurement: Sendable {
        let point: String
        let x: Double
        let series: String
        let valueBytes: Int?
        let row: BenchRow
    }

    init(_ sweep: BenchSweep) {
        title = sweep.title
        slug = sweep.slug
        axis = sweep.axis
        reference = sweep.reference
        logarithmicRates = sweep.logarithmicRates
    }

    /// The series in the order they first appear.
    var series: [String] {
        measurements.map(\.series).reduce(into: []) { names, name in if !names.contains(name) { names.append(name) } }
    }

    /// A measurement's rate against the reference at its point, or against its series'
    /// first point.
    func ratio(_ measurement: Measurement) -> Double? {
        let base: Measurement?
        if let reference {
            base = measurements.first { $0.point == measurement.point && $0.series == reference }
        } else {
            base = measurements.first { $0.series == measurement.series }
        }
        guard let rate = measurement.row.messagesPerSecond, let baseRate = base?.row.messagesPerSecond, baseRate > 0 else { return nil }
        return rate / baseRate
    }

    /// What the ratio column compares with.
    var ratioHeading: String { reference.map { "x \($0)" } ?? "x first point" }
}
