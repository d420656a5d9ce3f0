import CProcess
import Glibc

extension Pipeline {
    /// Makes this process a subreaper, before the pipeline starts: the plugins' orphans then
    /// come to it, which reaps them, rather than to an init that may not (or to nobody's
    /// notice). Returns what went wrong, if anything.
    public static func adoptOrphans() -> String? {
        guard sluice_become_subreaper() != 0 else { return nil }
        return "cannot become a subreaper, the plugins' orphans go to init: \(String(cString: strerror(errno)))"
    }

    /// Reaps the plugins' orphans: processes a plugin started and left behind when it
    /// ended. They come to sluiced when it is a subreaper (sluiced makes itself one) or
    /// PID 1 in a container; unreaped, each would stay a zombie for the daemon's life.
    /// A worker's or an exec run's own child is left to the code that watches it, which
    /// wants its exit status. Checked once a second, at most `limit` per check.
    func reapOrphans(limit: Int = 64) {
        guard reapsOrphans else { return }
        for _ in 0..<limit {
            let pid = sluice_exited_child()
            guard pid > 0, !isOwnChild(pid) else { return }
            waitpid(pid, nil, WNOHANG)
        }
    }

    private func isOwnChild(_ pid: pid_t) -> Bool {
        pool.isChild(pid) || execRuns.all.contains { $0.process.pid == pid }
    }
}
