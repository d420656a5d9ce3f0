import Foundation
import SluiceHarness
import Testing

@testable import Supervisor

/// End-to-end tests: a real sluiced process against librdkafka's mock cluster over TCP,
/// with real plugin processes. Every test counts each message by id in and out.
/// Serialized: each test runs a broker, a daemon and its workers on a 2-core machine.
@Suite(.serialized) struct SluicedTests {}

/// The outputs of a run, by message id.
struct Accounting {
    let byID: [String: [OutputMessage]]
    let unidentified: Int

    init(_ outputs: [OutputMessage]) {
        byID = Dictionary(grouping: outputs.filter { $0.id != nil }, by: { $0.id! })
        unidentified = outputs.count - outputs.filter { $0.id != nil }.count
    }

    func missing(_ sent: [TestMessage]) -> [String] {
        sent.map(\.id).filter { byID[$0] == nil }
    }

    var duplicated: [String] {
        byID.filter { $0.value.count > 1 }.map(\.key).sorted()
    }

    /// Asserts every message arrived at least once, every output names its message, and
    /// per key the first copies keep the order in which `sent` was written.
    func expectNoneMissing(_ sent: [TestMessage], sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(missing(sent).isEmpty, "missing: \(missing(sent).prefix(20))", sourceLocation: sourceLocation)
        #expect(unidentified == 0, sourceLocation: sourceLocation)
        expectKeyOrder(sent, sourceLocation: sourceLocation)
    }

    /// In each output partition, the first copies of a key's messages come in the order
    /// `sent` wrote them to one input partition (a message written to a partition of its
    /// own choosing is ordered only with its key's messages there). A retried message
    /// comes back through the transient topic, after later ones by design: left out.
    func expectKeyOrder(_ sent: [TestMessage], sourceLocation: SourceLocation = #_sourceLocation) {
        var places: [String: (scope: [UInt8], rank: Int64)] = [:]
        for (index, message) in sent.enumerated() where !message.route.hasPrefix("transient") {
            guard let key = message.key else { continue }
            places[message.id] = (message.partition.map { key + Array(":\($0)".utf8) } ?? key, Int64(index))
        }
        let outOfOrder = keyOrderViolations(byID.values.joined()) { places[$0] }
        #expect(outOfOrder.isEmpty, "key order broken: \(outOfOrder.prefix(10))", sourceLocation: sourceLocation)
    }

    /// Asserts every message arrived exactly once, in the topic its route names.
    func expectExactlyOnce(_ sent: [TestMessage], cluster: TestCluster, sourceLocation: SourceLocation = #_sourceLocation) {
        expectNoneMissing(sent, sourceLocation: sourceLocation)
        #expect(duplicated.isEmpty, "duplicated: \(duplicated.prefix(20))", sourceLocation: sourceLocation)
        let topics = ["success": cluster.success, "transient": cluster.transient, "permanent": cluster.permanent]
        for message in sent {
            guard let output = byID[message.id]?.first else { continue }
            #expect(output.topic == topics[message.route], "\(message.id) went to \(output.topic)", sourceLocation: sourceLocation)
        }
    }
}

/// `count` simple messages with text values, keyed over a few keys, routed in turn.
func simpleMessages(_ count: Int, prefix: String = "m", routes: [String] = ["success", "transient", "permanent"]) -> [TestMessage] {
    (0..<count).map { index in
        TestMessage(
            id: "\(prefix)\(index)", key: Array("key-\(index % 5)".utf8), value: Array("payload \(index)".utf8),
            headers: [("route", Array(routes[index % routes.count].utf8))])
    }
}
