import Foundation
import Testing

@testable import Supervisor

extension SluicedTests {
    /// A plugin that answers whole batches in one write and breaks the protocol in the
    /// middle of some (`batch_breaker.py`): each child it replaces starts with empty
    /// buffers, so every other message gets its own answer, only the offending messages
    /// are dead-lettered (as poison, after failing alone), and no worker becomes fatal.
    /// Before each child got fresh buffers, the replacement was fed the dead child's
    /// leftover answers ("response to an unknown or already answered id"), killed before
    /// it could prove itself, and the whole pool went fatal with most messages stuck.
    @Test(arguments: ["lines", "json"])
    func protocolErrorMidBatchCostsOnlyTheOffendingMessages(protocolKind: String) async throws {
        let cluster = try TestCluster()
        let sent = (0..<3000).map { index in
            let bad = index % 300 == 150
            return TestMessage(
                id: "\(protocolKind)\(index)", key: Array("key-\(index % 64)".utf8),
                value: Array((bad ? "BAD \(index)" : "value \(index)").utf8),
                headers: [("route", Array((bad ? "permanent" : "success").utf8))])
        }
        try cluster.produce(sent)
        let sluiced = try SluicedProcess(
            cluster: cluster, arguments: ["--protocol", protocolKind, "--workers", "2"],
            plugin: SluicedProcess.pythonPlugin("batch_breaker.py"))
        defer { sluiced.killIfRunning() }
        let outputs = try cluster.collectOutputs(expected: sent.count, timeout: .seconds(120))
        Accounting(outputs).expectExactlyOnce(sent, cluster: cluster)
        let byID = Dictionary(grouping: outputs, by: { $0.id ?? "" }).mapValues { $0[0] }
        for message in sent where message.route == "success" {
            #expect(byID[message.id]?.value == Array("seen ".utf8) + message.value!, "\(message.id) got another's answer")
        }
        for message in sent where message.route == "permanent" {
            #expect(byID[message.id]?.header("sluice.source") == "protocol-error", "\(message.id)")
        }
        #expect(sluiced.output.contains("plugin protocol error"), "the fault happened")
        #expect(!sluiced.output.contains("unknown or already answered id"), "a child read another child's answers")
        #expect(!sluiced.output.contains("is fatal"), "log: \(sluiced.output.suffix(3000))")
        sluiced.signal(SIGTERM)
        #expect(try await sluiced.waitForExit() == 0)
    }
}

extension SluicedTests {
    /// The messages a crashed worker held run alone on a proved worker while a backlog is
    /// still queued: one proved worker takes nothing new until it is idle, then isolates
    /// them. Before, every dispatch pass refilled every worker, so the suspects waited
    /// until the whole backlog was done (their outputs came last) and their partitions'
    /// commits stood still meanwhile.
    @Test func suspectsRunBeforeTheBacklogIsDone() async throws {
        let cluster = try TestCluster()
        // One partition, so the trap (the 101st message) is among the first dispatched; over
        // several, its partition could be fetched last and the suspect come last by rights.
        var sent = (0..<3000).map { index in
            TestMessage(
                id: "backlog\(index)", key: nil, value: Array("payload \(index)".utf8), headers: [("route", Array("success".utf8))], partition: 0)
        }
        sent[100].headers.append(("trap", Array("yes".utf8)))
        try cluster.produce(sent)
        let trapDirectory = try makeTemporaryDirectory("sluice-trap")
        defer { try? FileManager.default.removeItem(atPath: trapDirectory) }
        let sluiced = try SluicedProcess(
            cluster: cluster, arguments: ["--workers", "2", "--max-in-flight", "8"], plugin: SluicedProcess.pythonPlugin("route_plugin.py"),
            pluginEnvironment: ["TRAP_MODE": "crash", "TRAP_DIR": trapDirectory, "DELAY_MS": "5"])
        defer { sluiced.killIfRunning() }
        let outputs = try cluster.collectOutputs(expected: sent.count, timeout: .seconds(120))
        Accounting(outputs).expectExactlyOnce(sent, cluster: cluster)
        #expect(sluiced.output.contains("worker exited"), "the trap crashed a worker")
        // The trapped message ran as a suspect; its output is written well before the last.
        let byTime = outputs.sorted { ($0.timestamp, $0.partition, $0.offset) < ($1.timestamp, $1.partition, $1.offset) }
        let position = byTime.firstIndex { $0.id == "backlog100" }
        #expect(position != nil && position! < sent.count * 3 / 4, "the suspect's output came at \(String(describing: position)) of \(sent.count)")
        sluiced.signal(SIGTERM)
        #expect(try await sluiced.waitForExit() == 0)
    }
}
