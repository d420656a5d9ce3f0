import CProcess
import Foundation
import Glibc
import Testing

@testable import Supervisor

/// Writes to a real non-blocking pipe: what fits goes at once; a full pipe registers for
/// EPOLLOUT, and once the reader takes some, the rest follows, in order and whole.
@Suite struct StdinBufferTests {
    @Test func whatFitsIsWrittenAtOnce() throws {
        let pipe = try NonBlockingPipe()
        let poller = Poller()
        var buffer = StdinBuffer(Array("frame\n".utf8))
        #expect(buffer.write(to: pipe.writeFD, poller: poller, token: EventToken(.workerStdin)) == .written)
        #expect(!buffer.hasPending && buffer.bytes.isEmpty && !buffer.isWaitingForWritable)
        #expect(pipe.readAll() == Array("frame\n".utf8))
    }

    @Test func aFullPipeWaitsForEPOLLOUTThenTheRestFollows() throws {
        let pipe = try NonBlockingPipe()
        let poller = Poller()
        let token = EventToken(.workerStdin, worker: 3, generation: 7)
        let sent = (0..<(1 << 20)).map { UInt8(truncatingIfNeeded: $0 &* 31) }
        var buffer = StdinBuffer(sent)
        #expect(buffer.write(to: pipe.writeFD, poller: poller, token: token) == .pipeFull)
        #expect(buffer.hasPending && buffer.isWaitingForWritable)
        var received: [UInt8] = []
        var events = [epoll_event](repeating: epoll_event(), count: 4)
        var outcome = StdinBuffer.Outcome.pipeFull
        while outcome == .pipeFull {
            received += pipe.readAll()
            let ready = poller.wait(timeoutMilliseconds: 1000, into: &events)
            #expect(ready.map { EventToken(rawValue: $0.data.u64) } == [token])
            outcome = buffer.write(to: pipe.writeFD, poller: poller, token: token)
        }
        received += pipe.readAll()
        #expect(outcome == .written && !buffer.isWaitingForWritable)
        #expect(received == sent)
        #expect(poller.wait(timeoutMilliseconds: 0, into: &events).isEmpty, "no longer registered")
    }
}

/// A pipe with both ends non-blocking.
private final class NonBlockingPipe {
    let readFD: Int32
    let writeFD: Int32

    init() throws {
        var fds: [Int32] = [0, 0]
        guard pipe(&fds) == 0 else { throw POSIXError(.EMFILE) }
        readFD = fds[0]
        writeFD = fds[1]
        for fd in fds { _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK) }
    }

    deinit {
        close(readFD)
        close(writeFD)
    }

    /// Everything the pipe holds now.
    func readAll() -> [UInt8] {
        var all: [UInt8] = []
        forEachAvailableRead(from: readFD) { all += $0 }
        return all
    }
}
