import CProcess
import Glibc

extension WorkerPool {
    /// Reaps the plugins' orphans: processes a plugin started and left behind when it
    /// ended. They come to sluiced when it is a subreaper (sluiced makes itself one,
    /// `Pipeline.adoptOrphans`) or PID 1 in a container; unreaped, each would stay a zombie
    /// for the daemon's life. A worker's or an exec run's own child is left to the code
    /// that watches it, which wants its exit status. Checked once a second, at most
    /// `limit` per check.
    func reapOrphans(limit: Int = 64) {
        guard reapsOrphans else { return }
        for _ in 0..<limit {
            let pid = sluice_exited_child()
            guard pid > 0, !isChild(pid) else { return }
            waitpid(pid, nil, WNOHANG)
        }
    }
}
