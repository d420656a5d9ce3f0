import CProcess
import Glibc

/// A thin epoll(7) wrapper. The pipeline sleeps here until a pipe, a child or librdkafka
/// has something for it, so no work is done on a timer.
package struct Poller: ~Copyable {
    package let fd: Int32

    package init() {
        fd = epoll_create1(Int32(EPOLL_CLOEXEC))
        precondition(fd >= 0, "epoll_create1 failed: \(String(cString: strerror(errno)))")
    }

    deinit {
        close(fd)
    }

    package func add(_ target: Int32, events: UInt32, token: EventToken) {
        var event = epoll_event(events: events, data: epoll_data_t(u64: token.rawValue))
        epoll_ctl(fd, EPOLL_CTL_ADD, target, &event)
    }

    package func remove(_ target: Int32) {
        epoll_ctl(fd, EPOLL_CTL_DEL, target, nil)
    }

    /// Waits up to `timeoutMilliseconds` and returns the ready tokens.
    package func wait(timeoutMilliseconds: Int32, into events: inout [epoll_event]) -> ArraySlice<epoll_event> {
        let count = events.withUnsafeMutableBufferPointer { buffer in
            epoll_wait(fd, buffer.baseAddress, Int32(buffer.count), timeoutMilliseconds)
        }
        return events[0..<max(0, Int(count))]
    }
}

/// What an epoll registration stands for: the kind, the worker slot and the child's
/// generation, packed into the 64-bit user data.
package struct EventToken: Equatable {
    package enum Kind: UInt64 {
        case wakeup, consumer, retryConsumer, producer, workerStdout, workerStdin, workerStderr, workerExit
        case controlListener, controlClient, signal, execStdin, execStdout, execStderr, execExit
    }

    package let kind: Kind
    package let worker: Int
    package let generation: UInt32

    package init(_ kind: Kind, worker: Int = 0, generation: UInt32 = 0) {
        self.kind = kind
        self.worker = worker
        self.generation = generation
    }

    package init?(rawValue: UInt64) {
        guard let kind = Kind(rawValue: rawValue >> 56) else { return nil }
        self.kind = kind
        worker = Int(rawValue >> 32 & 0xFF_FFFF)
        generation = UInt32(truncatingIfNeeded: rawValue)
    }

    package var rawValue: UInt64 {
        kind.rawValue << 56 | UInt64(worker) << 32 | UInt64(generation)
    }
}
