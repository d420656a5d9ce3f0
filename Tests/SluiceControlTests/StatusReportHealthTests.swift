import SluiceControl
import Testing

/// `sluicectl status` as a health check: which worker states count as down, and the uptime
/// an operator reads.
@Suite struct StatusReportHealthTests {
    @Test func aWorkerStoppedFatalOrInBackoffIsDown() {
        let states = ["starting", "running", "backoff", "restarting", "retiring", "stopping", "stopped", "fatal"]
        let workers = states.enumerated().map { index, state in
            WorkerReport(id: index, pid: nil, state: state, uptimeSeconds: nil, handled: 0, inFlight: 0, restarts: 0, lastExit: nil)
        }
        #expect(workers.filter(\.isDown).map(\.state) == ["backoff", "stopped", "fatal"])
    }

    @Test(arguments: [
        (0, "0:00:00"), (59, "0:00:59"), (61, "0:01:01"), (3_600, "1:00:00"), (86_399, "23:59:59"), (86_400, "1 day, 0:00:00"),
        (93_784, "1 day, 2:03:04"), (2 * 86_400 + 5, "2 days, 0:00:05"), (-3, "0:00:00"),
    ])
    func uptimeReadsLikeUptime(seconds: Int, text: String) {
        #expect(Uptime.text(seconds: seconds) == text)
    }
}
