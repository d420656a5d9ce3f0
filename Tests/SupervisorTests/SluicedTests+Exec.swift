import Foundation
import Testing

@testable import SluiceHarness
@testable import Supervisor

extension SluicedTests {
    /// Protocol `exec`: a process per message, the value on stdin, stdout as the new value;
    /// exit 0 success, 75 transient, others permanent with stderr as the reason; a run past
    /// the message timeout is killed and fails as transient.
    @Test func execRunsOneProcessPerMessage() async throws {
        let cluster = try TestCluster()
        func message(_ id: String, _ value: String, route: String) -> TestMessage {
            TestMessage(id: id, key: Array("k-\(id)".utf8), value: Array(value.utf8), headers: [("route", Array(route.utf8))])
        }
        let sent = (0..<60).map { message("ok\($0)", "ok \($0)", route: "success") }
            + (0..<10).map { message("retry\($0)", "retry \($0)", route: "transient") }
            + (0..<10).map { message("bad\($0)", "bad \($0)", route: "permanent") }
            + (0..<2).map { message("slow\($0)", "slow \($0)", route: "transient") }
        try cluster.produce(sent)
        let script = """
            value=$(cat)
            case "$value" in
              ok*) printf '%s' "$value" | tr a-z A-Z ;;
              retry*) echo "service busy" >&2; exit 75 ;;
              bad*) echo "cannot parse $value" >&2; exit 2 ;;
              slow*) sleep 30 ;;
            esac
            """
        let socket = try controlSocketPath()
        let sluiced = try SluicedProcess(
            cluster: cluster, arguments: ["--protocol", "exec", "--workers", "3", "--message-timeout", "1", "--control-socket", socket],
            plugin: ["sh", "-c", script])
        defer { sluiced.killIfRunning() }
        let outputs = try cluster.collectOutputs(expected: sent.count)
        Accounting(outputs).expectExactlyOnce(sent, cluster: cluster)
        let byID = Dictionary(grouping: outputs, by: { $0.id ?? "" }).mapValues { $0[0] }
        #expect(byID["ok7"]?.value == Array("OK 7".utf8), "stdout, byte for byte, is the new value")
        #expect(byID["retry3"]?.header("sluice.reason") == "exit status 75 (temporary failure): service busy")
        #expect(byID["bad3"]?.header("sluice.reason") == "exit status 2: cannot parse bad 3")
        #expect(byID["bad3"]?.header("sluice.stderr") == "cannot parse bad 3")
        #expect(byID["slow1"]?.header("sluice.source") == "timeout")
        #expect(byID["slow1"]?.header("sluice.reason")?.hasPrefix("timed out") == true)
        let status = try statusReport(socket)
        #expect(status?.protocolKind == "exec" && status?.execRunning == 0 && status?.targetWorkers == 3, "\(String(describing: status))")
        #expect(try sluicectl(["status", "--socket", socket]).output.contains("processes: 0 running (at most 3 at once)"))
        // No pool, so no worker ids: each per-worker command is refused with the reason
        // (it once crashed sluiced on an empty id range) and the daemon answers on.
        for command in [["stop", "1"], ["start", "1"], ["restart", "1"]] {
            let refused = try sluicectl(command + ["--socket", socket])
            #expect(refused.status == 1 && refused.error.contains("no worker 1: this sluiced keeps no pool"), "\(command): \(refused)")
        }
        #expect(try statusReport(socket)?.protocolKind == "exec")
        sluiced.signal(SIGTERM)
        #expect(try await sluiced.waitForExit() == 0)
    }

    /// examples/plugins/to_celsius.jq under `exec`: jq run once per message, its output the
    /// new value, its errors the reason of the dead letter.
    @Test func execWithTheJqExample() async throws {
        let cluster = try TestCluster()
        let cases: [(String, String)] = [(#"{"fahrenheit":212}"#, "success"), ("not json", "permanent"), (#"{"kelvin":3}"#, "permanent")]
        let sent = (0..<30).map { index in
            TestMessage(
                id: "jq\(index)", key: nil, value: Array(cases[index % 3].0.utf8), headers: [("route", Array(cases[index % 3].1.utf8))])
        }
        try cluster.produce(sent)
        let sluiced = try SluicedProcess(
            cluster: cluster, arguments: ["--protocol", "exec", "--workers", "4"],
            plugin: ["jq", "-c", "-f", "\(SluicedProcess.repositoryRoot)/examples/plugins/to_celsius.jq"])
        defer { sluiced.killIfRunning() }
        let outputs = try cluster.collectOutputs(expected: sent.count)
        Accounting(outputs).expectExactlyOnce(sent, cluster: cluster)
        let byID = Dictionary(grouping: outputs, by: { $0.id ?? "" }).mapValues { $0[0] }
        #expect(byID["jq0"]?.value == Array("{\"fahrenheit\":212,\"celsius\":100}\n".utf8))
        #expect(byID["jq1"]?.header("sluice.reason")?.contains("parse error") == true, "\(String(describing: byID["jq1"]?.header("sluice.reason")))")
        #expect(byID["jq2"]?.header("sluice.reason")?.contains("no fahrenheit field") == true)
        sluiced.signal(SIGTERM)
        #expect(try await sluiced.waitForExit() == 0)
    }
}

extension SluicedTests {
    /// An exec run that closes its stdout and stderr long before it exits: the ends of the
    /// streams leave epoll, so sluiced sleeps while the run lives, and the message still
    /// gets its verdict from the exit. Before, both descriptors stayed ready in epoll and
    /// the loop spun: a full core (10.0 CPU-seconds in 10 s) for as long as the run lived.
    @Test func execRunClosingItsOutputEarlyDoesNotSpin() async throws {
        let cluster = try TestCluster()
        let sent = TestMessage.routedToSuccess(2, prefix: "quiet")
        try cluster.produce(sent)
        let sluiced = try SluicedProcess(
            cluster: cluster, arguments: ["--protocol", "exec", "--workers", "2"],
            plugin: ["sh", "-c", "cat >/dev/null; exec 1>&- 2>&-; sleep 6"])
        defer { sluiced.killIfRunning() }
        #expect(try await sluiced.waitForLog("partitions assigned"))
        // Both runs have started and closed their output once two sleeps run under sluiced.
        let deadline = ContinuousClock.now + .seconds(30)
        while ContinuousClock.now < deadline && ProcessUsage.children(of: sluiced.pid).count < 2 {
            try await Task.sleep(for: .milliseconds(50))
        }
        try await Task.sleep(for: .milliseconds(500))
        let before = ProcessUsage.sample(sluiced.pid).cpuSeconds
        try await Task.sleep(for: .seconds(3))
        let used = ProcessUsage.sample(sluiced.pid).cpuSeconds - before
        #expect(used < 1.0, "sluiced used \(used) CPU-seconds in 3 s while its runs slept")
        let outputs = try cluster.collectOutputs(expected: sent.count)
        Accounting(outputs).expectExactlyOnce(sent, cluster: cluster)
        #expect(outputs.allSatisfy { $0.value == [] }, "an empty stdout is an empty new value")
        sluiced.signal(SIGTERM)
        #expect(try await sluiced.waitForExit() == 0)
    }
}
