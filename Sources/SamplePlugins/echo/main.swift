import Glibc
import PluginProtocol

// Answers success for every message, forwarding it unchanged: the benchmark baseline.
// Stand-ins for plugins with work to do, for make bench's worker sweeps:
//   --spin-ms N   spends N ms of CPU on each message (a computation);
//   --sleep-ms N  waits N ms on each message (a call to another service).
let arguments = Array(CommandLine.arguments.dropFirst())
func milliseconds(after flag: String) -> Double {
    guard let index = arguments.firstIndex(of: flag) else { return 0 }
    guard index + 1 < arguments.count, let value = Double(arguments[index + 1]), value >= 0 else {
        let message = "echo-plugin: \(flag) takes a number of milliseconds\n"
        _ = message.withCString { write(2, $0, strlen($0)) }
        exit(2)
    }
    return value
}
let spinMilliseconds = milliseconds(after: "--spin-ms")
let sleepMilliseconds = milliseconds(after: "--sleep-ms")

/// This thread's CPU time in milliseconds.
func cpuMilliseconds() -> Double {
    var now = timespec()
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &now)
    return Double(now.tv_sec) * 1000 + Double(now.tv_nsec) / 1_000_000
}

Plugin.run { _ in
    if spinMilliseconds > 0 {
        let until = cpuMilliseconds() + spinMilliseconds
        while cpuMilliseconds() < until {}
    }
    if sleepMilliseconds > 0 { usleep(useconds_t(sleepMilliseconds * 1000)) }
    return .success()
}
