import Glibc
import PluginProcess
import PluginProtocol
import SluiceSupport

/// One run of a plugin for `check-plugin`: writes requests, collects answer lines and
/// stderr, and notices when the child exits. Blocking, with a deadline on every wait.
final class PluginSession {
    private var process: ChildProcess
    private var pending: [UInt8] = []
    private let answerLines = LineBuffer(maximumLineLength: 16 * 1024 * 1024)
    private let stderrLines = LineBuffer(maximumLineLength: 64 * 1024)
    /// Answer lines in arrival order, with their arrival time.
    private(set) var answers: [(line: [UInt8], at: ContinuousClock.Instant)] = []
    private(set) var stderrCount = 0
    private(set) var stderrTail = StderrTail()
    /// Set once the child has exited.
    private(set) var termination: ChildProcess.Termination?

    init(command: PluginCommand, environment: [String]) throws(SpawnError) {
        process = try ChildProcess.spawn(executable: command.executable, arguments: command.arguments, environment: environment)
    }

    deinit {
        if termination == nil {
            process.signalGroup(SIGKILL)
            while process.reap() == nil { usleep(1000) }
        }
        process.closeDescriptors()
    }

    func send(_ bytes: [UInt8]) {
        pending += bytes
    }

    func closeStdin() {
        pending.removeAll()
        process.closeStdin()
    }

    /// Bytes of stdout after the last newline: an answer the plugin did not finish.
    var unfinishedAnswer: [UInt8]? {
        answerLines.takeRemainder()
    }

    /// Serves the pipes until `done()` holds, the child exits (its output collected), or
    /// the deadline passes; returns whether `done()` held.
    @discardableResult
    func pump(until done: () -> Bool, deadline: ContinuousClock.Instant) -> Bool {
        while !done() {
            guard termination == nil else { return false }
            let now = ContinuousClock.now
            guard now < deadline else { return false }
            var fds = [
                pollfd(fd: process.stdoutFD, events: Int16(POLLIN), revents: 0),
                pollfd(fd: process.stderrFD, events: Int16(POLLIN), revents: 0),
                pollfd(fd: process.pidFD, events: Int16(POLLIN), revents: 0),
                pollfd(fd: pending.isEmpty ? -1 : process.stdinFD, events: Int16(POLLOUT), revents: 0),
            ]
            _ = poll(&fds, nfds_t(fds.count), Int32(min(max((deadline - now).inMilliseconds, 1), 1000)))
            if fds[3].revents != 0 { flush() }
            readOutput()
            if fds[2].revents != 0 {
                readOutput(untilEnd: true)
                termination = process.reap()
            }
        }
        return true
    }

    private func flush() {
        let written = pending.withUnsafeBytes { write(process.stdinFD, $0.baseAddress, $0.count) }
        if written > 0 { pending.removeFirst(written) } else if errno == EPIPE { pending.removeAll() }
    }

    private func readOutput(untilEnd: Bool = false) {
        _ = answerLines.readAvailable(from: process.stdoutFD, maximumReads: untilEnd ? Int.max : 16)
        let now = ContinuousClock.now
        answerLines.drainLines { event in
            if case .line(let line) = event { answers.append((Array(line), now)) }
            return true
        }
        _ = stderrLines.readAvailable(from: process.stderrFD, maximumReads: untilEnd ? Int.max : 16)
        stderrLines.drainLines { event in
            stderrCount += 1
            if case .line(let line) = event { stderrTail.append(String(decoding: line, as: UTF8.self)) }
            return true
        }
    }
}
