import CProcess
import Glibc

/// Bytes on their way to a child's stdin, a non-blocking pipe: written as far as the pipe
/// takes them; when it is full, the loop waits for EPOLLOUT on it and writes on. A
/// worker's request frames and an exec run's value both go this way.
struct StdinBuffer {
    /// What is written from `offset` on; frames are appended here.
    var bytes: [UInt8]
    private(set) var offset = 0
    /// Whether stdin is registered for EPOLLOUT because the pipe was full.
    private(set) var isWaitingForWritable = false

    init(_ bytes: [UInt8] = []) {
        self.bytes = bytes
    }

    /// Whether bytes wait to be written.
    var hasPending: Bool { offset < bytes.count }

    enum Outcome: Equatable {
        /// Everything is written; the buffer is empty.
        case written
        /// The pipe is full: the rest waits for EPOLLOUT, registered under the token.
        case pipeFull
        /// The child stopped reading (EPIPE): the rest is dropped, its exit decides.
        case closed
    }

    /// Writes what the pipe `fd` takes.
    mutating func write(to fd: Int32, poller: borrowing Poller, token: EventToken) -> Outcome {
        while offset < bytes.count {
            let written = bytes.withUnsafeBytes { Glibc.write(fd, $0.baseAddress! + offset, $0.count - offset) }
            if written > 0 {
                offset += written
                continue
            }
            let error = errno
            if error == EINTR { continue }
            if error == EAGAIN {
                if !isWaitingForWritable {
                    isWaitingForWritable = true
                    poller.add(fd, events: UInt32(EPOLLOUT.rawValue), token: token)
                }
                return .pipeFull
            }
            empty(fd: fd, poller: poller)
            return .closed
        }
        empty(fd: fd, poller: poller)
        return .written
    }

    /// Stops waiting for EPOLLOUT on `fd` (before it is closed, or once all is written).
    mutating func stopWaiting(fd: Int32, poller: borrowing Poller) {
        guard isWaitingForWritable else { return }
        isWaitingForWritable = false
        poller.remove(fd)
    }

    private mutating func empty(fd: Int32, poller: borrowing Poller) {
        bytes.removeAll(keepingCapacity: true)
        offset = 0
        stopWaiting(fd: fd, poller: poller)
    }
}
