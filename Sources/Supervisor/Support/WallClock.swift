import Glibc

/// Wall-clock time for timestamps that travel in headers (due times, failure times).
enum WallClock {
    /// Milliseconds since the Unix epoch.
    static var milliseconds: Int64 {
        var now = timespec()
        clock_gettime(CLOCK_REALTIME, &now)
        return Int64(now.tv_sec) * 1000 + Int64(now.tv_nsec) / 1_000_000
    }
}
