import Foundation
import Testing

@testable import Supervisor

extension SluicedTests {
    /// What docs/PROTOCOL.md promises of a plugin's start: its own process group, every
    /// signal at its default and unblocked, no descriptor but 0, 1 and 2, death with
    /// sluiced (even by SIGKILL); and a plugin that cannot be executed is reported with
    /// the system's reason. Pins sluice_spawn, which starts children vfork-style.
    @Test func pluginsStartIsolatedAndDieWithSluiced() async throws {
        let cluster = try TestCluster()
        let directory = try makeTemporaryDirectory("spawn")
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let pidFile = "\(directory)/plugin.pid"
        let sent = TestMessage.routedToSuccess(20, prefix: "s")
        try cluster.produce(sent)
        // `cat` as a lines plugin (each value comes back as it was) changes nothing about
        // itself, so what /proc shows of it is what sluiced gave it.
        let sluiced = try SluicedProcess(
            cluster: cluster, arguments: ["--workers", "1", "--protocol", "lines"],
            plugin: ["sh", "-c", "echo $$ > \(pidFile).tmp && mv \(pidFile).tmp \(pidFile) && exec cat"])
        defer { sluiced.killIfRunning() }
        let outputs = try cluster.collectOutputs(expected: sent.count)
        Accounting(outputs).expectExactlyOnce(sent, cluster: cluster)
        let pid = try #require(pid_t(String(contentsOfFile: pidFile, encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)))
        let stat = try String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8)
        let processGroup = stat[stat.range(of: ") ")!.upperBound...].split(separator: " ")[2]
        #expect(processGroup == "\(pid)", "its own process group: \(stat)")
        let status = try String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8).split(separator: "\n")
        for field in ["SigBlk", "SigIgn"] {
            let mask = status.first { $0.hasPrefix("\(field):") }.flatMap { UInt64($0.split(separator: "\t").last ?? "", radix: 16) }
            // Signals 1 to 31; glibc keeps 32 and 33 for itself.
            #expect(mask.map { $0 & 0x7FFF_FFFF } == 0, "\(field): \(String(mask ?? 0, radix: 16))")
        }
        let descriptors = try FileManager.default.contentsOfDirectory(atPath: "/proc/\(pid)/fd").compactMap(Int.init).sorted()
        #expect(descriptors == [0, 1, 2])
        // SIGKILL leaves sluiced no say: the kernel ends the plugin (PR_SET_PDEATHSIG).
        kill(sluiced.pid, SIGKILL)
        _ = try await sluiced.waitForExit()
        let deadline = ContinuousClock.now + .seconds(10)
        while kill(pid, 0) == 0 && ContinuousClock.now < deadline { try await Task.sleep(for: .milliseconds(50)) }
        #expect(kill(pid, 0) != 0, "the plugin outlived sluiced")

        // Executable, but no program the kernel can run: exec itself fails.
        let unrunnable = "\(directory)/plugin"
        try Data([0x7F, 0x45, 0x4C, 0x46, 0, 0, 0, 0]).write(to: URL(fileURLWithPath: unrunnable))
        chmod(unrunnable, 0o755)
        let refused = try SluicedProcess(cluster: cluster, arguments: ["--workers", "1"], plugin: [unrunnable])
        defer { refused.killIfRunning() }
        #expect(try await refused.waitForLog("cannot start plugin: exec \(unrunnable): Exec format error", timeout: .seconds(30)), "\(refused.output)")
        refused.signal(SIGTERM)
        _ = try await refused.waitForExit()
    }
}
