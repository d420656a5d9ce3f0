import Foundation
import Testing

@testable import Supervisor

extension SluicedTests {
    /// Under systemd (Type=notify): READY=1 once in the group with the workers running,
    /// STATUS= with the rates, WATCHDOG=1 while the loop runs, STOPPING=1 on SIGTERM with
    /// the time the stop may take (EXTEND_TIMEOUT_USEC); the plugins inherit neither
    /// NOTIFY_SOCKET nor a variable a secret was read from, and get the demo's variables
    /// with the values in effect (here GROUP_ID from the file).
    @Test func notifiesSystemd() async throws {
        let cluster = try TestCluster()
        let sent = simpleMessages(300, prefix: "notify")
        try cluster.produce(sent)
        let notify = try NotifySocket()
        let config = "\(try makeTemporaryDirectory("sluice-secret"))/sluice.toml"
        try "[pipeline]\ngroup = \"\(cluster.group)\"\n[kafka]\n\"sasl.password\" = { env = \"SLUICE_TEST_SECRET\" }\n"
            .write(toFile: config, atomically: true, encoding: .utf8)
        let plugin = "echo inherited=${NOTIFY_SOCKET:-none},${SLUICE_TEST_SECRET:-none},group=${GROUP_ID:-none} >&2; exec python3 \"$0\""
        let sluiced = try SluicedProcess(
            cluster: cluster, arguments: ["--config", config],
            plugin: ["sh", "-c", plugin, SluicedProcess.pythonPlugin("route_plugin.py")[1]],
            environment: ["NOTIFY_SOCKET": notify.path, "WATCHDOG_USEC": "2000000", "SLUICE_TEST_SECRET": "hunter2", "GROUP_ID": ""])
        defer { sluiced.killIfRunning() }
        #expect(try await notify.waitFor("READY=1") != nil)
        #expect(sluiced.output.contains("partitions assigned"), "READY comes after joining the group")
        #expect(try await notify.waitFor("WATCHDOG=1") != nil)
        let status = try await notify.waitFor("STATUS=")
        #expect(status?.contains("msg/s") == true && status?.contains("workers 2/2 running") == true, "\(String(describing: status))")
        Accounting(try cluster.collectOutputs(expected: sent.count)).expectExactlyOnce(sent, cluster: cluster)
        sluiced.signal(SIGTERM)
        #expect(try await sluiced.waitForExit() == 0)
        #expect(try await notify.waitFor("STOPPING=1") != nil)
        // The stop may take drain_timeout (30) + the brokers' 30 s + the plugins' 3 x 5 s + 7 s.
        #expect(try await notify.waitFor("EXTEND_TIMEOUT_USEC=") == "EXTEND_TIMEOUT_USEC=82000000")
        let ready = notify.messages.firstIndex { $0.contains("READY=1") } ?? .max
        #expect(ready < (notify.messages.firstIndex { $0.contains("STOPPING=1") } ?? -1))
        #expect(sluiced.output.contains("inherited=none,none,group=\(cluster.group)"), "\(sluiced.output.suffix(1000))")
        #expect(!sluiced.output.contains("hunter2"))
    }

    /// With stderr the journal, every line starts with its syslog priority, so
    /// `journalctl -p warning` works; a plugin's stderr line is logged at info unless it
    /// starts with its own `<N>`; the status line's figures are fields of their own.
    @Test func logsToTheJournalWithPriorities() async throws {
        let cluster = try TestCluster()
        let sent = simpleMessages(50, prefix: "journal")
        try cluster.produce(sent)
        let plugin = "echo '<3>plugin broke' >&2; echo 'just a note' >&2; exec python3 \"$0\""
        let sluiced = try SluicedProcess(
            cluster: cluster, arguments: ["--workers", "1"],
            plugin: ["sh", "-c", plugin, SluicedProcess.pythonPlugin("route_plugin.py")[1]], journal: true)
        defer { sluiced.killIfRunning() }
        Accounting(try cluster.collectOutputs(expected: sent.count)).expectExactlyOnce(sent, cluster: cluster)
        #expect(try await sluiced.waitForLog("msg=status "))
        sluiced.signal(SIGTERM)
        #expect(try await sluiced.waitForExit() == 0)
        let lines = sluiced.output.split(separator: "\n")
        #expect(lines.allSatisfy { $0.hasPrefix("<") && $0.dropFirst(2).hasPrefix(">ts=") }, "\(lines.prefix(5))")
        #expect(lines.contains { $0.hasPrefix("<3>") && $0.contains("level=error msg=\"plugin: plugin broke\" pid=") })
        #expect(lines.contains { $0.hasPrefix("<6>") && $0.contains("level=info msg=\"plugin: just a note\"") })
        #expect(lines.contains { $0.hasPrefix("<6>") && $0.contains("msg=status consumed=") && $0.contains(" success=") })
        #expect(lines.contains { $0.hasPrefix("<6>") && $0.contains("msg=stopped consumed=50 ") })
    }
}
