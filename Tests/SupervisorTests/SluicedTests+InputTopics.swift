import Foundation
import Testing

@testable import Supervisor

extension SluicedTests {
    /// INPUT_TOPIC with two names and a pattern: every message of the topics it takes is
    /// processed once, a transient failure is retried in the topic it came from, and a
    /// topic the pattern does not take is left alone.
    @Test func twoInputTopicsAndAPattern() async throws {
        let cluster = try TestCluster()
        let second = "\(cluster.input)2"
        let matched = ["\(cluster.input)-sensors-a", "\(cluster.input)-sensors-b"]
        let unmatched = "\(cluster.input)-other"
        try cluster.cluster.createTopic(second, partitions: 2)
        for topic in matched + [unmatched] { try cluster.cluster.createTopic(topic, partitions: 2) }
        var sent: [(topic: String, message: TestMessage)] = []
        for (number, topic) in ([cluster.input, second] + matched).enumerated() {
            let messages = simpleMessages(30, prefix: "t\(number)-", routes: ["success", "transient-until-2", "permanent"])
            try cluster.produce(messages, to: topic)
            sent += messages.map { (topic, $0) }
        }
        let ignored = TestMessage.routedToSuccess(10, prefix: "other")
        try cluster.produce(ignored, to: unmatched)
        let sluiced = try SluicedProcess(
            cluster: cluster, arguments: ["--retry-delay", "0.2"], plugin: SluicedProcess.pythonPlugin("route_plugin.py"),
            environment: ["INPUT_TOPIC": "\(cluster.input),\(second),^\(cluster.input)-sensors-.*"], retrier: true)
        defer { sluiced.killIfRunning() }
        let retried = sent.filter { $0.message.route == "transient-until-2" }
        let outputs = try cluster.collectOutputs(expected: sent.count + retried.count)
        let byID = Dictionary(grouping: outputs, by: { $0.id ?? "" })
        #expect(outputs.allSatisfy { $0.id != nil })
        for (topic, message) in sent {
            let final = byID[message.id]?.filter { $0.topic != cluster.transient } ?? []
            let expected = message.route == "permanent" ? cluster.permanent : cluster.success
            #expect(final.count == 1 && final.first?.topic == expected, "\(message.id) from \(topic): \(final.map(\.topic))")
            #expect(final.first?.header("sluice.original.topic") == (message.route == "success" ? nil : topic))
        }
        #expect(ignored.allSatisfy { byID[$0.id] == nil }, "a topic the pattern does not take is not read")
        // Each retry went back to the topic its message came from, and only there.
        for (topic, count) in [(cluster.input, 4), (second, 2)] + matched.map({ ($0, 2) }) {
            // Each retried copy was read as input before its final output was written: the
            // topic's ends, as they stand, hold them all.
            let copies = try cluster.reader.read([(topic, Int32(count))]).filter { $0.header("sluice.attempt") == "2" }
            let mine = Set(retried.filter { $0.topic == topic }.map(\.message.id))
            #expect(Set(copies.compactMap(\.id)) == mine, "retries in \(topic)")
        }
        #expect(sluiced.figures("partitions", inLinesContaining: "msg=status ").contains(13), "4 + 2 + 2 + 2 input partitions and 3 of the retrier")
        sluiced.signal(SIGTERM)
        #expect(try await sluiced.waitForExit() == 0)
    }
}
