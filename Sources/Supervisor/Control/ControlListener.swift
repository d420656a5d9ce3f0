import CProcess
import Glibc
import SluiceControl

/// The control socket's listening end: a Unix stream socket, mode 0660, never TCP.
final class ControlListener {
    let path: String
    let fd: Int32

    /// Binds `path`, replacing a stale socket left by a daemon that died, but refusing to
    /// take over one that a running daemon still answers on.
    init(path: String) throws(SettingsError) {
        self.path = path
        if Self.isAnswering(path) {
            throw SettingsError("--control-socket: another sluiced is running at \(path)")
        }
        unlink(path)
        let fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_NONBLOCK.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { throw SettingsError("--control-socket: socket: \(String(cString: strerror(errno)))") }
        let bound = withUnixSocketAddress(path) { bind(fd, $0, $1) }
        guard bound == 0, chmod(path, 0o660) == 0, listen(fd, 16) == 0 else {
            let reason = bound == nil ? "path too long" : String(cString: strerror(errno))
            close(fd)
            throw SettingsError("--control-socket: cannot listen at \(path): \(reason)")
        }
        self.fd = fd
    }

    deinit {
        close(fd)
        unlink(path)
    }

    private static func isAnswering(_ path: String) -> Bool {
        let probe = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        defer { close(probe) }
        return withUnixSocketAddress(path) { connect(probe, $0, $1) } == 0
    }
}
