import Glibc
import SluiceControl

/// sd_notify(3) without libsystemd: state lines sent as datagrams to `$NOTIFY_SOCKET`.
/// Does nothing when systemd did not start sluiced as `Type=notify`.
final class SystemdNotifier {
    private let path: String?
    private let fd: Int32
    /// How often systemd wants WATCHDOG=1 at the latest (`WatchdogSec=`), when it does.
    let watchdogInterval: Duration?

    init(environment: [String: String]) {
        path = environment["NOTIFY_SOCKET"].flatMap { $0.isEmpty ? nil : $0 }
        fd = path == nil ? -1 : socket(AF_UNIX, Int32(SOCK_DGRAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        let forThisProcess = environment["WATCHDOG_PID"].map { Int32($0) == getpid() } ?? true
        if forThisProcess, let microseconds = environment["WATCHDOG_USEC"].flatMap(Int64.init), microseconds > 0 {
            watchdogInterval = .microseconds(microseconds)
        } else {
            watchdogInterval = nil
        }
    }

    deinit {
        if fd >= 0 { close(fd) }
    }

    /// Sends newline-separated assignments such as `READY=1` or `STATUS=…`.
    func notify(_ state: String) {
        guard let path, fd >= 0 else { return }
        let bytes = Array(state.utf8)
        _ = withUnixSocketAddress(path) { address, length in
            bytes.withUnsafeBytes { sendto(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL), address, length) }
        }
    }
}
