import SluiceControl

extension Pipeline {
    /// Once a second: READY=1 the first time the group is joined and the workers run,
    /// WATCHDOG=1 while this loop keeps ticking, and a STATUS= line with the rates.
    func reportToSystemd(tick: Int) {
        let becameReady = systemd.tick(
            tick, pluginsJoinTheGroup: settings.protocolKind == .kafkaNative,
            workersRunning: settings.retrier == .only || pool.isUp, status: { systemdStatus })
        if becameReady { logger.info("ready: in the group with \(pool.workers.count) workers running") }
    }

    private var systemdStatus: String {
        let rate = figures.rates(windows: [10]).first.map { Int($0.deliveredPerSecond.rounded()) } ?? 0
        let lag = PartitionReport.totalLag(of: partitionReports()).map(String.init) ?? "unknown"
        return "\(rate) msg/s, \(figures.counters.delivered) done, \(table.count) in flight, lag \(lag), "
            + "workers \(pool.runningCount)/\(pool.targetSize) running\(input.isHeldBack ? ", fetching paused" : "")"
    }
}
