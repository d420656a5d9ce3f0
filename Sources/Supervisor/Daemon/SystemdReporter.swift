/// What systemd is told, and when: READY=1 once the daemon is ready (`Readiness`),
/// WATCHDOG=1 every tick of the loop (when systemd asks for it), a STATUS= line every 5
/// ticks, and STOPPING=1 as the stop begins, with the time it may take.
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

    /// The ordered stop has begun, for good; it ends within `mayTake` (sluiced bounds every
    /// step of it). EXTEND_TIMEOUT_USEC asks systemd for that long when it is more than the
    /// unit's TimeoutStopSec (a drain_timeout raised above it), so a stop that is still
    /// finishing its messages is not cut short by SIGKILL; it never shortens the timeout.
    func stopping(status: String, mayTake: Duration) {
        readiness.stop()
        let microseconds = mayTake.components.seconds * 1_000_000 + mayTake.components.attoseconds / 1_000_000_000_000
        notifier.notify("STOPPING=1\nEXTEND_TIMEOUT_USEC=\(microseconds)\nSTATUS=\(status)")
    }
}
