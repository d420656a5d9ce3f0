import SluiceControl

extension Pipeline {
    /// Once a second: READY=1 the first time the group is joined and the workers run,
    /// WATCHDOG=1 while this loop keeps ticking (when systemd asks for it), and a STATUS=
    /// line with the rates every 5 seconds.
    func reportToSystemd(tick: Int) {
        let workersRunning = settings.retrier == .only || pool.isUp
        if readiness.becomeReady(pluginsJoinTheGroup: settings.protocolKind == .kafkaNative, workersRunning: workersRunning) {
            notifier.notify("READY=1\nSTATUS=\(systemdStatus)")
            logger.info("ready: in the group with \(pool.workers.count) workers running")
        }
        if notifier.watchdogInterval != nil { notifier.notify("WATCHDOG=1") }
        if tick % 5 == 0 { notifier.notify("STATUS=\(systemdStatus)") }
    }

    /// Tells systemd the stop has begun.
    func reportStoppingToSystemd() {
        notifier.notify("STOPPING=1\nSTATUS=stopping: finishing \(table.count) messages")
    }

    private var systemdStatus: String {
        let rate = figures.rates(windows: [10]).first.map { Int($0.deliveredPerSecond.rounded()) } ?? 0
        let lag = PartitionReport.totalLag(of: partitionReports()).map(String.init) ?? "unknown"
        return "\(rate) msg/s, \(figures.counters.delivered) done, \(table.count) in flight, lag \(lag), "
            + "workers \(pool.runningCount)/\(pool.targetSize) running\(input.isHeldBack ? ", fetching paused" : "")"
    }
}
