import Supervisor
import Foundation
import Glibc

/// CPU time and peak memory of a process and its descendants, read from /proc while they
/// run (after exit the kernel folds children into their parent's figures).
struct ProcessUsage {
    /// User plus system CPU seconds of the process itself.
    var cpuSeconds: Double
    /// Its peak resident set size (VmHWM) in bytes.
    var peakResidentBytes: Int
    /// CPU seconds of its descendants (plugin processes).
    var descendantCPUSeconds: Double

    static func sample(_ pid: pid_t) -> ProcessUsage {
        ProcessUsage(
            cpuSeconds: cpuSeconds(pid), peakResidentBytes: peakResidentBytes(pid),
            descendantCPUSeconds: descendants(of: pid).reduce(0) { $0 + cpuSeconds($1) })
    }

    /// The sum of several processes' usage (peak memory: the largest).
    static func combined(_ usages: [ProcessUsage]) -> ProcessUsage {
        ProcessUsage(
            cpuSeconds: usages.reduce(0) { $0 + $1.cpuSeconds },
            peakResidentBytes: usages.map(\.peakResidentBytes).max() ?? 0,
            descendantCPUSeconds: usages.reduce(0) { $0 + $1.descendantCPUSeconds })
    }

    private static func cpuSeconds(_ pid: pid_t) -> Double {
        // Fields after the parenthesised command name: state is field 3, utime 14, stime 15.
        guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
            let close = stat.lastIndex(of: ")")
        else { return 0 }
        let fields = stat[stat.index(after: close)...].split(separator: " ")
        guard fields.count > 12, let user = Double(fields[11]), let system = Double(fields[12]) else { return 0 }
        return (user + system) / Double(sysconf(Int32(_SC_CLK_TCK)))
    }

    /// Whether `pid` is a process that can still take a signal's effect: not gone and not
    /// a zombie its parent has yet to reap (to which kill(2) also answers 0).
    static func isLive(_ pid: pid_t) -> Bool {
        guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8), let close = stat.lastIndex(of: ")") else {
            return false
        }
        return stat[stat.index(after: close)...].split(separator: " ").first.map { $0 != "Z" && $0 != "X" } ?? false
    }

    private static func peakResidentBytes(_ pid: pid_t) -> Int {
        guard let status = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8),
            let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmHWM:") }),
            let kilobytes = Int(line.split(separator: " ", omittingEmptySubsequences: true)[1])
        else { return 0 }
        return kilobytes * 1024
    }

    private static func descendants(of pid: pid_t) -> [pid_t] {
        let direct = children(of: pid)
        return direct + direct.flatMap { descendants(of: $0) }
    }

    /// A process's children (sluiced's plugins). They are listed per thread: sluiced forks
    /// its plugins from the pipeline thread.
    static func children(of pid: pid_t) -> [pid_t] {
        let threads = (try? FileManager.default.contentsOfDirectory(atPath: "/proc/\(pid)/task")) ?? []
        return threads.flatMap { thread in
            ((try? String(contentsOfFile: "/proc/\(pid)/task/\(thread)/children", encoding: .utf8)) ?? "")
                .split(separator: " ").compactMap { pid_t($0) }
        }
    }
}
