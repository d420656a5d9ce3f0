import CProcess
import Glibc

/// One running plugin process: its pid, a pidfd that becomes readable when it exits, and
/// the daemon's ends of its stdin, stdout and stderr pipes (non-blocking, close-on-exec).
package struct ChildProcess {
    package let pid: pid_t
    package let pidFD: Int32
    package private(set) var stdinFD: Int32
    package let stdoutFD: Int32
    package let stderrFD: Int32

    /// How a child ended.
    package enum Termination: Equatable, CustomStringConvertible {
        case exited(Int32)
        case signaled(Int32)

        package var description: String {
            switch self {
            case .exited(let code): return "exit status \(code)"
            case .signaled(let signal): return "signal \(signal) (\(String(cString: strsignal(signal))))"
            }
        }
    }

    /// Starts `executable` (an absolute path) with `arguments` (argv[0] first) and
    /// `environment`. Fails with the errno text, such as "Permission denied".
    /// Starts `executable` in `directory` (nil: the daemon's) with `umask` (nil: the daemon's).
    package static func spawn(
        executable: String, arguments: [String], environment: [String], directory: String? = nil, umask: mode_t? = nil
    ) throws(SpawnError) -> ChildProcess {
        var stdinPipe: [Int32] = [0, 0]
        var stdoutPipe: [Int32] = [0, 0]
        var stderrPipe: [Int32] = [0, 0]
        guard sluice_pipe2(&stdinPipe, O_CLOEXEC) == 0 else { throw SpawnError(errno: errno, step: "pipe") }
        guard sluice_pipe2(&stdoutPipe, O_CLOEXEC) == 0 else {
            closeAll(stdinPipe)
            throw SpawnError(errno: errno, step: "pipe")
        }
        guard sluice_pipe2(&stderrPipe, O_CLOEXEC) == 0 else {
            closeAll(stdinPipe + stdoutPipe)
            throw SpawnError(errno: errno, step: "pipe")
        }
        // Bigger pipes mean fewer wake-ups per batch of frames; the kernel may refuse.
        _ = sluice_set_pipe_size(stdinPipe[1], 1 << 20)
        _ = sluice_set_pipe_size(stdoutPipe[0], 1 << 20)
        var spawnError: Int32 = 0
        let pid = withCStringArray(arguments) { argv in
            withCStringArray(environment) { envp in
                sluice_spawn(
                    executable, argv, envp, stdinPipe[0], stdoutPipe[1], stderrPipe[1], directory, umask.map { Int32($0) } ?? -1,
                    &spawnError)
            }
        }
        closeAll([stdinPipe[0], stdoutPipe[1], stderrPipe[1]])
        guard pid > 0 else {
            closeAll([stdinPipe[1], stdoutPipe[0], stderrPipe[0]])
            throw SpawnError(errno: spawnError, step: "exec \(executable)")
        }
        let pidFD = sluice_pidfd_open(pid)
        guard pidFD >= 0 else {
            let error = errno
            kill(-pid, SIGKILL)
            waitpid(pid, nil, 0)
            closeAll([stdinPipe[1], stdoutPipe[0], stderrPipe[0]])
            throw SpawnError(errno: error, step: "pidfd_open")
        }
        for fd in [stdinPipe[1], stdoutPipe[0], stderrPipe[0]] {
            _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK)
        }
        return ChildProcess(
            pid: pid, pidFD: pidFD, stdinFD: stdinPipe[1], stdoutFD: stdoutPipe[0], stderrFD: stderrPipe[0])
    }

    /// Closes the child's stdin: the protocol's request to finish and exit.
    package mutating func closeStdin() {
        guard stdinFD >= 0 else { return }
        close(stdinFD)
        stdinFD = -1
    }

    /// Sends `signal` to the child's whole process group, so a plugin's own children get it.
    package func signalGroup(_ signal: Int32) {
        kill(-pid, signal)
    }

    /// Reaps the child if it has exited.
    package func reap() -> Termination? {
        var status: Int32 = 0
        let result = waitpid(pid, &status, WNOHANG)
        guard result == pid else { return nil }
        // WIFEXITED / WEXITSTATUS / WTERMSIG, which Swift does not import as macros.
        if status & 0x7F == 0 { return .exited((status >> 8) & 0xFF) }
        return .signaled(status & 0x7F)
    }

    /// Closes every descriptor the daemon holds for this child.
    package mutating func closeDescriptors() {
        closeStdin()
        Self.closeAll([stdoutFD, stderrFD, pidFD])
    }

    private static func closeAll(_ fds: [Int32]) {
        for fd in fds where fd >= 0 { close(fd) }
    }
}

/// Why a plugin process could not be started.
package struct SpawnError: Error, CustomStringConvertible {
    package let errno: Int32
    package let step: String

    package init(errno: Int32, step: String) {
        self.errno = errno
        self.step = step
    }

    package var description: String { "\(step): \(String(cString: strerror(errno)))" }
}

/// Calls `body` with a NULL-terminated array of C strings.
package func withCStringArray<R>(_ strings: [String], _ body: (UnsafePointer<UnsafeMutablePointer<CChar>?>) -> R) -> R {
    var pointers: [UnsafeMutablePointer<CChar>?] = strings.map { strdup($0) }
    pointers.append(nil)
    defer { for pointer in pointers { free(pointer) } }
    return pointers.withUnsafeBufferPointer { body($0.baseAddress!) }
}
