import Foundation
import Testing

@testable import Supervisor

extension SluicedTests {
    /// A plugin that leaves a process behind (here a shell's background `sleep`): the
    /// orphan comes to sluiced, a subreaper, and is reaped once it ends, as an init would.
    /// Before, it went to whatever init there was; as PID 1 in a container, sluiced would
    /// have kept every such orphan as a zombie for its whole life.
    @Test func pluginOrphansAreAdoptedAndReaped() async throws {
        let cluster = try TestCluster()
        let directory = try makeTemporaryDirectory("orphans")
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let pidFile = "\(directory)/orphan.pid"
        let sent = TestMessage.routedToSuccess(20, prefix: "o")
        try cluster.produce(sent)
        let plugin = SluicedProcess.pythonPlugin("route_plugin.py").joined(separator: " ")
        let sluiced = try SluicedProcess(
            cluster: cluster, arguments: ["--workers", "1"],
            plugin: ["sh", "-c", "( sleep 5 & echo $! > \(pidFile) ); exec \(plugin)"])
        defer { sluiced.killIfRunning() }
        var orphan: Int32?
        let started = ContinuousClock.now + .seconds(30)
        while orphan == nil && ContinuousClock.now < started {
            try await Task.sleep(for: .milliseconds(50))
            orphan = (try? String(contentsOfFile: pidFile, encoding: .utf8)).flatMap { Int32($0.trimmingCharacters(in: .whitespacesAndNewlines)) }
        }
        let pid = try #require(orphan, "the plugin never started")
        // The shell that started it ends a moment after writing the pid.
        func parent() -> String? {
            (try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8))?
                .split(separator: "\n").first { $0.hasPrefix("PPid:") }?.split(separator: "\t").last.map(String.init)
        }
        let adopted = ContinuousClock.now + .seconds(3)
        while parent() != String(sluiced.pid) && ContinuousClock.now < adopted {
            try await Task.sleep(for: .milliseconds(20))
        }
        #expect(parent() == String(sluiced.pid), "the orphan's parent is \(parent() ?? "unknown"), not sluiced (\(sluiced.pid))")
        let outputs = try cluster.collectOutputs(expected: sent.count)
        Accounting(outputs).expectExactlyOnce(sent, cluster: cluster)
        // Gone once it has ended and sluiced's once-a-second check has reaped it; a zombie
        // would keep its /proc entry.
        let deadline = ContinuousClock.now + .seconds(20)
        while ContinuousClock.now < deadline && FileManager.default.fileExists(atPath: "/proc/\(pid)") {
            try await Task.sleep(for: .milliseconds(100))
        }
        let state = (try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8))?
            .split(separator: "\n").first { $0.hasPrefix("State:") }
        #expect(state == nil, "the orphan is still there: \(state ?? "")")
        sluiced.signal(SIGTERM)
        #expect(try await sluiced.waitForExit() == 0)
    }
}
