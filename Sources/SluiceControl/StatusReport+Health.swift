extension WorkerReport {
    /// Whether the worker is down and stays so until something happens: stopped by hand,
    /// fatal (too many failed starts), or waiting out a backoff after a crash. A worker
    /// starting, running or on its way through a restart or a scale-down is not.
    public var isDown: Bool { ["stopped", "fatal", "backoff"].contains(state) }
}

extension StatusReport {
    /// The workers that are down: `sluicectl status` exits 3 when there is one, as
    /// supervisorctl does, so a health check can run it.
    public var workersDown: [WorkerReport] { workers.filter(\.isDown) }
}
