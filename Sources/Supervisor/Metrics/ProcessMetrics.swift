import Glibc
import Metrics
import SluiceControl
import Synchronization

/// What Prometheus clients export about their own process, read from /proc when
/// `/metrics` is scraped (as client_golang's process collector does), and
/// `sluice_build_info{version}`.
final class ProcessMetrics: Sendable {
    private let cpu = FloatingPointCounter(label: "process_cpu_seconds_total")
    private let residentMemory = Gauge(label: "process_resident_memory_bytes")
    private let openFileDescriptors = Gauge(label: "process_open_fds")
    private let build = Gauge(label: "sluice_build_info", dimensions: [("version", SluiceVersion.current)])
    /// CPU seconds already counted: the counter only goes up by what was used since.
    private let countedCPU = Mutex(0.0)

    init() {
        build.record(1)
    }

    /// Reads /proc/self now; called before each exposition.
    func collect() {
        if let seconds = Self.cpuSeconds() {
            let delta = countedCPU.withLock { counted in
                defer { counted = max(counted, seconds) }
                return seconds - counted
            }
            if delta > 0 { cpu.increment(by: delta) }
        }
        if let pages = Self.residentPages() { residentMemory.record(pages * Int64(sysconf(Int32(_SC_PAGESIZE)))) }
        if let count = Self.openFileDescriptorCount() { openFileDescriptors.record(count) }
    }

    /// utime + stime of /proc/self/stat, in seconds.
    static func cpuSeconds() -> Double? {
        guard let stat = read("/proc/self/stat"), let end = stat.lastIndex(of: ")") else { return nil }
        // After "pid (comm) ": state is field 3; utime and stime are fields 14 and 15.
        let fields = stat[stat.index(after: end)...].split(separator: " ")
        guard fields.count > 13, let user = Double(fields[11]), let system = Double(fields[12]) else { return nil }
        return (user + system) / Double(sysconf(Int32(_SC_CLK_TCK)))
    }

    /// The second field of /proc/self/statm: resident pages.
    static func residentPages() -> Int64? {
        guard let statm = read("/proc/self/statm") else { return nil }
        let fields = statm.split(separator: " ")
        return fields.count > 1 ? Int64(fields[1]) : nil
    }

    /// The entries of /proc/self/fd, less the one reading it.
    static func openFileDescriptorCount() -> Int64? {
        guard let directory = opendir("/proc/self/fd") else { return nil }
        defer { closedir(directory) }
        var count: Int64 = 0
        while let entry = readdir(directory) {
            if entry.pointee.d_name.0 != 0x2E { count += 1 }  // not "." or ".."
        }
        return count - 1
    }

    private static func read(_ path: String) -> String? {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var buffer = [UInt8](repeating: 0, count: 4096)
        let count = Glibc.read(fd, &buffer, buffer.count)
        return count > 0 ? String(decoding: buffer[0..<count], as: UTF8.self) : nil
    }
}
