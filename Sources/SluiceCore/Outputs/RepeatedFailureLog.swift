/// Which of a run of failed writes to a topic get a log line: the first, then at most one
/// an `interval`, saying how many were left out. A missing output topic, or a broker that
/// refuses every write, fails every held message again each second (locally and in
/// delivery reports, with different errors); one line per message per retry would bury
/// everything else in the journal.
package struct RepeatedFailureLog {
    private struct Run {
        var loggedAt: Moment
        var unlogged: Int
    }

    package let interval: Duration
    private var runs: [String: Run] = [:]

    package init(interval: Duration = .seconds(30)) {
        self.interval = interval
    }

    /// Records a failed write to `topic`: nil when it goes unlogged, else how many went
    /// unlogged since the topic's last line (0 for the first of a run).
    package mutating func record(topic: String, at now: Moment) -> Int? {
        guard var run = runs[topic] else {
            runs[topic] = Run(loggedAt: now, unlogged: 0)
            return 0
        }
        guard now - run.loggedAt >= interval else {
            run.unlogged += 1
            runs[topic] = run
            return nil
        }
        let unlogged = run.unlogged
        runs[topic] = Run(loggedAt: now, unlogged: 0)
        return unlogged
    }

    /// Whether no run is going on: the usual case, checked once per delivery.
    package var isEmpty: Bool { runs.isEmpty }

    /// An output to `topic` went through: its run ends, so the next failure there is the
    /// first of a new run and is logged. Returns how many failures went unlogged since the
    /// run's last line, or nil when the topic had no run.
    package mutating func succeeded(topic: String) -> Int? {
        runs.removeValue(forKey: topic)?.unlogged
    }
}
