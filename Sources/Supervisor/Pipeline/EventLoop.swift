import CProcess
import Glibc

/// The pipeline thread's wait: one epoll set over every pipe, child and librdkafka queue,
/// and the two bells other threads and signal handlers ring. The pipeline hands each event
/// it returns to the part it belongs to.
final class EventLoop {
    let poller = Poller()
    /// Rung from other threads: a stop request, a fatal Kafka error, a finished replay.
    let wakeup = NotificationPipe()
    /// Written by the signal handlers (`sluice_signal_to_fd`).
    let signalBell = NotificationPipe()
    /// When the last wait returned: the time stamp of the events it brought.
    private(set) var time = ContinuousClock.now
    private var events = [epoll_event](repeating: epoll_event(), count: 256)

    init() {
        poller.add(wakeup.readFD, events: UInt32(EPOLLIN.rawValue), token: EventToken(.wakeup))
        poller.add(signalBell.readFD, events: UInt32(EPOLLIN.rawValue), token: EventToken(.signal))
    }

    /// Sleeps until something is ready or `timeoutMilliseconds` pass. A wait nested in the
    /// handling of an earlier one (a revoke letting work finish) writes into a copy of the
    /// buffer: the slice the outer wait returned keeps its own.
    func wait(timeoutMilliseconds: Int32) -> ArraySlice<epoll_event> {
        let ready = poller.wait(timeoutMilliseconds: timeoutMilliseconds, into: &events)
        time = .now
        return ready
    }

    /// SIGHUP (a reload) is written to `signalBell` from now on.
    func installSignalHandlers() {
        _ = sluice_signal_to_fd(SIGHUP, signalBell.writeFD)
    }
}
