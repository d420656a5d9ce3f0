import SluiceControl

extension Pipeline {
    /// Once a second: READY=1 the first time the group is joined and the workers run,
    /// WATCHDOG=1 while this loop keeps ticking (when systemd asks for it), and a STATUS=
    /// line with the rates every 5 seconds.
    func reportToSystemd(tick: Int) {
        // Kafka-native instances join their group themselves: their running is enough.
        let inGroup = joinedGroup || settings.protocolKind == .kafkaNative
        if !notifiedReady && inGroup && (settings.retrier == .only || workers.allSatisfy { $0.life.state == .running || $0.life.isRetiring }) {
            notifiedReady = true
            notifier.notify("READY=1\nSTATUS=\(systemdStatus)")
            logger.info("ready: in the group with \(workers.count) workers running")
        }
        if notifier.watchdogInterval != nil { notifier.notify("WATCHDOG=1") }
        if tick % 5 == 0 { notifier.notify("STATUS=\(systemdStatus)") }
    }

    /// Tells systemd the stop has begun.
    func reportStoppingToSystemd() {
        notifier.notify("STOPPING=1\nSTATUS=stopping: finishing \(table.count) messages")
    }

    private var systemdStatus: String {
        let rate = throughput.rates(windows: [10]).first.map { Int($0.deliveredPerSecond.rounded()) } ?? 0
        let running = workers.filter { $0.life.state == .running }.count
        let lag = PartitionReport.totalLag(of: partitionReports()).map(String.init) ?? "unknown"
        return "\(rate) msg/s, \(counters.delivered) done, \(table.count) in flight, lag \(lag), "
            + "workers \(running)/\(targetWorkers) running\(fetchGate.isHeldBack ? ", fetching paused" : "")"
    }
}
