import CProcess
import Glibc

/// A non-blocking pipe used as a doorbell: librdkafka writes to it when a queue fills, and
/// other threads write to it to wake the pipeline. Reading empties it.
package final class NotificationPipe: @unchecked Sendable {
    package let readFD: Int32
    package let writeFD: Int32

    package init() {
        var fds: [Int32] = [0, 0]
        precondition(sluice_pipe2(&fds, O_CLOEXEC | O_NONBLOCK) == 0, "pipe2 failed: \(String(cString: strerror(errno)))")
        readFD = fds[0]
        writeFD = fds[1]
    }

    deinit {
        close(readFD)
        close(writeFD)
    }

    /// Wakes the reader; safe from any thread. A full pipe already means "wake up".
    package func ring() {
        var byte: UInt8 = 1
        _ = write(writeFD, &byte, 1)
    }

    /// Empties the pipe.
    package func drain() {
        var scratch = [UInt8](repeating: 0, count: 256)
        while read(readFD, &scratch, scratch.count) > 0 {}
    }
}
