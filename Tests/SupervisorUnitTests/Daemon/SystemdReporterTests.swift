import Foundation
import Glibc
import SluiceControl
import Testing

@testable import Supervisor

/// What systemd receives, read from a datagram socket standing in for `$NOTIFY_SOCKET`.
@Suite struct SystemdReporterTests {
    @Test func readyOnceThenWatchdogEveryTickAndStatusEveryFifth() throws {
        let socket = try NotifySocket()
        let reporter = SystemdReporter(SystemdNotifier(environment: ["NOTIFY_SOCKET": socket.path, "WATCHDOG_USEC": "2000000"]))
        let early = reporter.tick(1, pluginsJoinTheGroup: false, workersRunning: true, status: { "s1" })
        #expect(!early, "not in the group yet")
        #expect(socket.received() == ["WATCHDOG=1"])
        reporter.joinedGroup()
        let ready = reporter.tick(2, pluginsJoinTheGroup: false, workersRunning: true, status: { "s2" })
        #expect(ready)
        #expect(socket.received() == ["READY=1\nSTATUS=s2", "WATCHDOG=1"])
        let again = reporter.tick(5, pluginsJoinTheGroup: false, workersRunning: true, status: { "s5" })
        #expect(!again, "READY=1 goes once")
        #expect(socket.received() == ["WATCHDOG=1", "STATUS=s5"])
        reporter.stopping(status: "stopping: finishing 3 messages", mayTake: .seconds(95) + .milliseconds(500))
        #expect(socket.received() == ["STOPPING=1\nEXTEND_TIMEOUT_USEC=95500000\nSTATUS=stopping: finishing 3 messages"])
        #expect(reporter.readiness.state == .stopping)
    }

    @Test func noWatchdogUnlessSystemdAsks() throws {
        let socket = try NotifySocket()
        let reporter = SystemdReporter(SystemdNotifier(environment: ["NOTIFY_SOCKET": socket.path]))
        _ = reporter.tick(1, pluginsJoinTheGroup: false, workersRunning: false, status: { "s" })
        #expect(socket.received().isEmpty)
    }
}

/// A bound, non-blocking AF_UNIX datagram socket in a temporary directory.
private final class NotifySocket {
    let path: String
    private let fd: Int32

    init() throws {
        path = FileManager.default.temporaryDirectory.appendingPathComponent("notify-\(UUID().uuidString.prefix(8))").path
        fd = socket(AF_UNIX, Int32(SOCK_DGRAM.rawValue) | Int32(SOCK_NONBLOCK.rawValue), 0)
        let bound = withUnixSocketAddress(path) { address, length in bind(fd, address, length) }
        guard fd >= 0, bound == 0 else { throw POSIXError(.EADDRNOTAVAIL) }
    }

    deinit {
        close(fd)
        unlink(path)
    }

    /// The datagrams waiting, in order.
    func received() -> [String] {
        var messages: [String] = []
        forEachAvailableRead(from: fd) { messages.append(String(decoding: $0, as: UTF8.self)) }
        return messages
    }
}
