/// What systemd is told, and when: READY=1 once the daemon is ready (`Readiness`),
/// WATCHDOG=1 every tick of the loop (when systemd asks for it), a STATUS= line every 5
/// ticks, and STOPPING=1 as the stop begins.
final class SystemdReporter {
    private let notifier: SystemdNotifier
    /// Starting, ready (READY=1 sent) or stopping; also what /readyz says.
    private(set) var readiness = Readiness()

    init(_ notifier: SystemdNotifier) {
        self.notifier = notifier
    }

    /// The group was joined (the first assignment came).
    func joinedGroup() {
        readiness.joinedGroup()
    }

    /// Once a second, with `status` the STATUS= line. Returns true the once READY=1 is sent.
    func tick(_ tick: Int, pluginsJoinTheGroup: Bool, workersRunning: Bool, status: () -> String) -> Bool {
        let becameReady = readiness.becomeReady(pluginsJoinTheGroup: pluginsJoinTheGroup, workersRunning: workersRunning)
        if becameReady { notifier.notify("READY=1\nSTATUS=\(status())") }
        if notifier.watchdogInterval != nil { notifier.notify("WATCHDOG=1") }
        if tick % 5 == 0 { notifier.notify("STATUS=\(status())") }
        return becameReady
    }

    /// The ordered stop has begun, for good.
    func stopping(status: String) {
        readiness.stop()
        notifier.notify("STOPPING=1\nSTATUS=\(status)")
    }
}
