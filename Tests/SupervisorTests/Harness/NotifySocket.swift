import Foundation
import Glibc
import SluiceControl
import Synchronization

@testable import Supervisor

/// A datagram socket standing in for systemd's NOTIFY_SOCKET: collects what sluiced sends.
final class NotifySocket: Sendable {
    let path: String
    private let fd: Int32
    private let received = Mutex<[String]>([])

    init() throws {
        path = "\(try makeTemporaryDirectory("sluice-notify"))/notify.sock"
        fd = socket(AF_UNIX, Int32(SOCK_DGRAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0, withUnixSocketAddress(path, { bind(fd, $0, $1) }) == 0 else {
            throw POSIXError(.EADDRINUSE)
        }
        var timeout = timeval(tv_sec: 0, tv_usec: 100_000)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
    }

    deinit {
        close(fd)
    }

    /// Every datagram so far, as text.
    var messages: [String] {
        var buffer = [UInt8](repeating: 0, count: 4096)
        while true {
            let count = recv(fd, &buffer, buffer.count, 0)
            guard count > 0 else { break }
            let text = String(decoding: buffer[0..<count], as: UTF8.self)
            received.withLock { $0.append(text) }
        }
        return received.withLock { $0 }
    }

    /// Waits until a datagram has a line that starts with `prefix`; returns that line.
    func waitFor(_ prefix: String, timeout: Duration = .seconds(30)) async throws -> String? {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            if let line = messages.flatMap({ $0.split(separator: "\n") }).last(where: { $0.hasPrefix(prefix) }) { return String(line) }
            try await Task.sleep(for: .milliseconds(100))
        }
        return nil
    }
}
