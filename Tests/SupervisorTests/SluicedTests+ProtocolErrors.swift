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
