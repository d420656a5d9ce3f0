import Foundation
import Testing

@testable import Supervisor

/// Protocol 1.1 answers that write other than one output per input: fan-out, re-key,
/// header merge and removal, and the limits on them. Every output is accounted for by its
/// own id (`<input id>/<i>`).
extension SluicedTests {
    /// A message for fanout_plugin.py: `fanout` outputs (0 drops it), keyed `key`.
    func fanOutMessage(_ id: String, fanout: Int, key: String, headers: [(String, String)] = []) -> TestMessage {
        TestMessage(
            id: id, key: Array(key.utf8), value: Array("in \(id)".utf8),
            headers: ([("fanout", String(fanout))] + headers).map { ($0.0, Array($0.1.utf8)) })
    }

    /// The output ids an input fanning out to `count` outputs writes.
    func outputIDs(of message: TestMessage, count: Int) -> [String] {
        (0..<count).map { "\(message.id)/\($0)" }
    }

    /// Fan-outs of 0, 1, 10 (over three keys) and 1,000 outputs: each output once, in the
    /// success topic, with its own value and id header over the input's headers, and in
    /// the order the plugin gave them within each output key; fan-outs of 0 are drops.
    @Test func fanOutsAreWrittenInOrderAndAccountedFor() async throws {
        let cluster = try TestCluster()
        var sent: [(message: TestMessage, count: Int)] = []
        for (index, count) in [0, 1, 1000, 0, 1, 10, 1000, 10, 1].enumerated() {
            let spread = count == 10 ? [("spread", "1")] : []
            sent.append((fanOutMessage("fo\(index)", fanout: count, key: "k\(index % 3)", headers: [("kept", "yes")] + spread), count))
        }
        try cluster.produce(sent.map(\.message))
        let expected = sent.flatMap { outputIDs(of: $0.message, count: $0.count) }
        let sluiced = try SluicedProcess(cluster: cluster, arguments: ["--workers", "2"], plugin: SluicedProcess.pythonPlugin("fanout_plugin.py"))
        defer { sluiced.killIfRunning() }
        let outputs = try cluster.collectOutputs(expected: expected.count)
        let accounting = Accounting(outputs)
        #expect(accounting.unidentified == 0)
        #expect(Set(accounting.byID.keys) == Set(expected), "missing: \(Set(expected).subtracting(accounting.byID.keys).sorted().prefix(10))")
        #expect(accounting.duplicated.isEmpty, "duplicated: \(accounting.duplicated.prefix(10))")
        for output in outputs {
            let id = output.id ?? ""
            #expect(output.topic == cluster.success)
            #expect(output.value == Array(id.utf8), "output \(id) carries its own value")
            #expect(output.headers.filter { $0.0 == "id" }.count == 1, "the plugin's id header replaced the input's")
            #expect(output.header("kept") == "yes" && output.header("fanout") != nil, "the input's headers stay")
        }
        // Within one output key (so one partition), the outputs of an input are in order.
        for (message, count) in sent where count > 1 {
            let mine = outputs.filter { $0.id?.hasPrefix("\(message.id)/") == true }
            for (_, sameKey) in Dictionary(grouping: mine, by: { $0.key ?? [] }) {
                let parts = sameKey.sorted { $0.offset < $1.offset }.map { Int($0.header("part") ?? "") ?? -1 }
                #expect(parts == parts.sorted(), "\(message.id): outputs out of order: \(parts.prefix(20))")
            }
            let keys = Set(mine.map { String(decoding: $0.key ?? [], as: UTF8.self) })
            let input = String(decoding: message.key ?? [], as: UTF8.self)
            #expect(keys == (count == 10 ? [input + "-0", input + "-1", input + "-2"] : [input]))
        }
        sluiced.signal(SIGTERM)
        #expect(try await sluiced.waitForExit() == 0)
        #expect(sluiced.figures("dropped", inLinesContaining: "msg=stopped ") == [2])
        #expect(sluiced.figures("success", inLinesContaining: "msg=stopped ") == [7])
    }

    /// A single answer re-keys its output (or drops the key) and sets, replaces and removes
    /// headers over the input's.
    @Test func singleAnswersReKeyAndMergeHeaders() async throws {
        let cluster = try TestCluster()
        let sent = (0..<30).map { index in
            TestMessage(
                id: "rk\(index)", key: Array("old-\(index % 3)".utf8), value: Array("v\(index)".utf8),
                headers: [
                    ("rekey", Array((index % 2 == 0 ? "new-\(index % 5)" : "null").utf8)), ("replaced", Array("old".utf8)),
                    ("removed", Array("x".utf8)), ("kept", Array("y".utf8)),
                ])
        }
        try cluster.produce(sent)
        let sluiced = try SluicedProcess(cluster: cluster, arguments: ["--workers", "2"], plugin: SluicedProcess.pythonPlugin("fanout_plugin.py"))
        defer { sluiced.killIfRunning() }
        let accounting = Accounting(try cluster.collectOutputs(expected: sent.count))
        accounting.expectExactlyOnce(sent, cluster: cluster)
        for (index, message) in sent.enumerated() {
            guard let output = accounting.byID[message.id]?.first else { continue }
            #expect(output.key == (index % 2 == 0 ? Array("new-\(index % 5)".utf8) : nil), "\(message.id) key")
            #expect(output.value == message.value)
            let names = output.headers.map(\.0)
            #expect(output.header("added") == "yes" && output.header("kept") == "y")
            #expect(output.header("replaced") == "new" && names.filter { $0 == "replaced" }.count == 1)
            #expect(!names.contains("removed"), "\(message.id): a header set to null is removed")
        }
        sluiced.signal(SIGTERM)
        #expect(try await sluiced.waitForExit() == 0)
    }

    /// More outputs than --max-outputs, or an answer longer than --max-frame-bytes: the
    /// input is dead-lettered with the reason, the worker goes on (no protocol error), and
    /// the messages around it are written as usual.
    @Test func answersOverTheLimitsDeadLetterTheirInput() async throws {
        let cluster = try TestCluster()
        let within = (0..<6).map { fanOutMessage("ok\($0)", fanout: 40, key: "k\($0 % 2)") }
        let tooMany = (0..<3).map { fanOutMessage("many\($0)", fanout: 41, key: "k\($0 % 2)") }
        let tooLong = (0..<3).map { fanOutMessage("long\($0)", fanout: 2, key: "k\($0 % 2)", headers: [("pad", "5000")]) }
        let sent = zip(zip(within.prefix(3), tooMany), zip(within.suffix(3), tooLong)).flatMap { [$0.0, $0.1, $1.0, $1.1] }
        try cluster.produce(sent)
        let sluiced = try SluicedProcess(
            cluster: cluster, arguments: ["--workers", "1", "--max-outputs", "40", "--max-frame-bytes", "4096"],
            plugin: SluicedProcess.pythonPlugin("fanout_plugin.py"))
        defer { sluiced.killIfRunning() }
        let expected = within.count * 40 + tooMany.count + tooLong.count
        let accounting = Accounting(try cluster.collectOutputs(expected: expected))
        #expect(accounting.unidentified == 0 && accounting.duplicated.isEmpty)
        for message in within {
            #expect(outputIDs(of: message, count: 40).allSatisfy { accounting.byID[$0]?.first?.topic == cluster.success }, "\(message.id)")
        }
        for (messages, source, reason) in [
            (tooMany, "too-many-outputs", "the plugin answered with 41 outputs, more than --max-outputs (40)"),
            (tooLong, "too-large", "the plugin's answer is longer than the frame limit of 4096 bytes"),
        ] {
            for message in messages {
                let dead = accounting.byID[message.id]?.first
                #expect(dead?.topic == cluster.permanent, "\(message.id) is dead-lettered")
                #expect(dead?.header("sluice.source") == source && dead?.header("sluice.reason")?.hasPrefix(reason) == true)
                #expect(dead?.value == message.value && dead?.key == message.key, "the dead letter is the input")
            }
        }
        #expect(!sluiced.output.contains("protocol error"), "the worker was not restarted")
        sluiced.signal(SIGTERM)
        #expect(try await sluiced.waitForExit() == 0)
    }

    /// A message a worker crashed on runs again alone on the restarted worker; when that
    /// answer is too long, the input is dead-lettered and the worker takes the rest. Before,
    /// the worker stayed isolating after such an answer and was never given work again.
    @Test func aSuspectAnsweredTooLongFreesItsWorker() async throws {
        let cluster = try TestCluster(inputPartitions: 1)
        let suspect = fanOutMessage("suspect", fanout: 2, key: "k", headers: [("crash-once", "1"), ("pad", "5000")])
        let rest = (0..<20).map { fanOutMessage("after\($0)", fanout: 1, key: "k\($0 % 3)") }
        try cluster.produce([suspect] + rest)
        let sluiced = try SluicedProcess(
            cluster: cluster, arguments: ["--workers", "1", "--max-frame-bytes", "4096"],
            plugin: SluicedProcess.pythonPlugin("fanout_plugin.py"), pluginEnvironment: ["TRAP_DIR": try makeTemporaryDirectory("suspect")])
        defer { sluiced.killIfRunning() }
        let accounting = Accounting(try cluster.collectOutputs(expected: 1 + rest.count))
        let dead = accounting.byID[suspect.id]
        #expect(dead?.count == 1 && dead?.first?.topic == cluster.permanent && dead?.first?.header("sluice.source") == "too-large")
        let missing = rest.flatMap { outputIDs(of: $0, count: 1) }.filter { accounting.byID[$0] == nil }
        #expect(missing.isEmpty, "the worker took nothing after the suspect: missing \(missing.prefix(5))")
        #expect(accounting.duplicated.isEmpty)
        sluiced.signal(SIGTERM)
        #expect(try await sluiced.waitForExit() == 0)
    }

    /// sluiced killed mid-fan-out: the broker leading one success partition answers after
    /// 30 s, so each fan-out of 1,000 has outputs acknowledged in the other partitions and
    /// outputs pending in that one when the daemon dies. After a restart every output is
    /// there, none more than twice. (With an input finished at its first output's delivery
    /// instead of its last, inputs are committed early and this finds outputs missing.)
    @Test func daemonKilledMidFanOutRepeatsAtMostAndLosesNothing() async throws {
        let cluster = try TestCluster(brokers: 2)
        for topic in [cluster.input] + cluster.outputs {
            for partition in 0..<(topic == cluster.input ? cluster.inputPartitions : 3) {
                try cluster.cluster.setLeader(topic: topic, partition: partition, broker: topic == cluster.success && partition == 2 ? 2 : 1)
            }
        }
        try cluster.cluster.setGroupCoordinator(group: cluster.group, broker: 1)
        let sent = (0..<12).map { fanOutMessage("crash\($0)", fanout: 1000, key: "k\($0 % 4)", headers: [("spread", "1")]) }
        try cluster.produce(sent)
        let expected = Set(sent.flatMap { outputIDs(of: $0, count: 1000) })
        try cluster.cluster.setRoundTripTime(broker: 2, milliseconds: 30_000)
        let plugin = SluicedProcess.pythonPlugin("fanout_plugin.py")
        let first = try SluicedProcess(cluster: cluster, arguments: ["--workers", "2"], plugin: plugin)
        defer { first.killIfRunning() }
        #expect(try await first.waitForLog("partitions assigned"))
        // Outputs are being written (on broker 1; broker 2's partitions answer in 30 s);
        // 3 s more give the commits of 1 s a chance to carry anything finished too early.
        #expect(try await cluster.waitForOutputs(atLeast: 1, timeout: .seconds(60)) >= 1, "outputs in Kafka")
        try await Task.sleep(for: .seconds(3))
        first.signal(SIGKILL)
        #expect(try await first.waitForExit() == SIGKILL)
        try cluster.cluster.setRoundTripTime(broker: 2, milliseconds: 0)
        let byFirst = Accounting(try cluster.outputsNow())
        let partial = sent.filter { message in
            let written = outputIDs(of: message, count: 1000).filter { byFirst.byID[$0] != nil }.count
            return written > 0 && written < 1000
        }
        #expect(!partial.isEmpty, "fan-outs were cut: \(partial.map(\.id))")
        let second = try SluicedProcess(cluster: cluster, arguments: ["--workers", "2"], plugin: plugin)
        defer { second.killIfRunning() }
        let accounting = Accounting(try cluster.collectOutputs(coveringIDs: expected, timeout: .seconds(120)))
        #expect(accounting.unidentified == 0)
        #expect(expected.subtracting(accounting.byID.keys).isEmpty, "missing: \(expected.subtracting(accounting.byID.keys).sorted().prefix(10))")
        #expect(accounting.byID.values.allSatisfy { $0.count <= 2 }, "an output repeats at most once after one crash")
        // Per output key (each is one input key's), first copies in the order of their
        // inputs and, within one, of the plugin's outputs.
        var rank: [String: Int64] = [:]
        for (index, message) in sent.enumerated() {
            for (output, id) in outputIDs(of: message, count: 1000).enumerated() { rank[id] = Int64(index * 1000 + output) }
        }
        let outOfOrder = keyOrderViolations(accounting.byID.values.joined()) { id in
            guard let rank = rank[id], let key = accounting.byID[id]?.first?.key else { return nil }
            return (key, rank)
        }
        #expect(outOfOrder.isEmpty, "key order broken: \(outOfOrder.prefix(10))")
        second.signal(SIGTERM)
        #expect(try await second.waitForExit() == 0)
    }

    /// examples/plugins/splitter.py: a JSON array in, one output per element keyed by its
    /// sensor_id, in order; an empty array writes nothing; what is not an array of
    /// measurements is dead-lettered.
    @Test func exampleSplitterFansOutArrays() async throws {
        let cluster = try TestCluster()
        let sent = (0..<40).map { index in
            let elements = (0..<(index % 6)).map { #"{"sensor_id":"s\#($0 % 3)","n":"\#(index)-\#($0)"}"# }
            let value = index % 10 == 9 ? #"{"not":"an array"}"# : "[\(elements.joined(separator: ","))]"
            return TestMessage(id: "split\(index)", key: Array("batch-\(index % 4)".utf8), value: Array(value.utf8))
        }
        try cluster.produce(sent)
        let sluiced = try SluicedProcess(
            cluster: cluster, arguments: ["--workers", "2"], plugin: ["python3", "\(SluicedProcess.repositoryRoot)/examples/plugins/splitter.py"])
        defer { sluiced.killIfRunning() }
        let elementCount = sent.enumerated().reduce(0) { $0 + ($1.offset % 10 == 9 ? 0 : $1.offset % 6) }
        let rejected = sent.enumerated().filter { $0.offset % 10 == 9 }.map(\.element)
        let outputs = try cluster.collectOutputs(expected: elementCount + rejected.count)
        let accounting = Accounting(outputs)
        #expect(accounting.unidentified == 0)
        for (index, message) in sent.enumerated() {
            let written = (accounting.byID[message.id] ?? []).sorted { $0.offset < $1.offset }
            if index % 10 == 9 {
                #expect(written.count == 1 && written.first?.topic == cluster.permanent, "\(message.id) is dead-lettered")
                continue
            }
            #expect(written.count == index % 6, "\(message.id): one output per element, once: \(written.count)")
            for output in written {
                let element = try JSONSerialization.jsonObject(with: Data(output.value ?? [])) as? [String: String]
                #expect(output.topic == cluster.success && output.key == element?["sensor_id"].map { Array($0.utf8) })
            }
            for sensor in ["s0", "s1", "s2"] {
                let numbers = written.filter { $0.key == Array(sensor.utf8) }.compactMap { output in
                    (try? JSONSerialization.jsonObject(with: Data(output.value ?? [])) as? [String: String])?["n"]
                }
                let ordered = (0..<(index % 6)).filter { $0 % 3 == Int(sensor.dropFirst())! }.map { "\(index)-\($0)" }
                #expect(numbers == ordered, "\(message.id) \(sensor): in order")
            }
        }
        sluiced.signal(SIGTERM)
        #expect(try await sluiced.waitForExit() == 0)
        let empty = sent.indices.filter { $0 % 6 == 0 && $0 % 10 != 9 }.count
        #expect(sluiced.figures("dropped", inLinesContaining: "msg=stopped ") == [empty], "the empty arrays are drops")
    }

    /// examples/plugins/only_temperatures.jq under protocol lines: temperatures pass
    /// unchanged, the rest is dropped with `!drop` (nothing written, all committed).
    @Test func exampleJqFilterDropsWithLines() async throws {
        let cluster = try TestCluster()
        let values = [
            #"{"sensor_id":"a","type":"temperature","value":21.5}"#, #"{"sensor_id":"b","type":"humidity","value":40}"#,
            "not json", #"!{"type":"temperature"}"#,
        ]
        let sent = (0..<60).map { TestMessage(id: "jq\($0)", key: Array("k\($0 % 3)".utf8), value: Array(values[$0 % values.count].utf8)) }
        try cluster.produce(sent)
        let kept = sent.enumerated().filter { $0.offset % values.count == 0 }.map(\.element)
        let sluiced = try SluicedProcess(
            cluster: cluster, arguments: ["--workers", "2", "--protocol", "lines"],
            plugin: ["jq", "-R", "-r", "--unbuffered", "-f", "\(SluicedProcess.repositoryRoot)/examples/plugins/only_temperatures.jq"])
        defer { sluiced.killIfRunning() }
        let accounting = Accounting(try cluster.collectOutputs(expected: kept.count))
        accounting.expectExactlyOnce(kept, cluster: cluster)
        #expect(kept.allSatisfy { accounting.byID[$0.id]?.first?.value == $0.value }, "kept unchanged")
        #expect(accounting.byID.count == kept.count, "the rest is written nowhere")
        sluiced.signal(SIGTERM)
        #expect(try await sluiced.waitForExit() == 0)
        #expect(sluiced.figures("dropped", inLinesContaining: "msg=stopped ") == [sent.count - kept.count])
    }

    /// examples/plugins/rekey.js: each measurement re-keyed by its site, value unchanged,
    /// the old key in a header; what is not a JSON object is dead-lettered.
    @Test func exampleNodeReKeyer() async throws {
        let cluster = try TestCluster()
        let sent = (0..<50).map { index in
            let value = index % 10 == 7 ? "plain text" : #"{"sensor_id":"site\#(index % 4)-\#(index)","value":\#(index)}"#
            return TestMessage(
                id: "rekey\(index)", key: Array("sensor-\(index)".utf8), value: Array(value.utf8),
                headers: [("route", Array((index % 10 == 7 ? "permanent" : "success").utf8))])
        }
        try cluster.produce(sent)
        let sluiced = try SluicedProcess(
            cluster: cluster, arguments: ["--workers", "2"], plugin: ["node", "\(SluicedProcess.repositoryRoot)/examples/plugins/rekey.js"])
        defer { sluiced.killIfRunning() }
        let accounting = Accounting(try cluster.collectOutputs(expected: sent.count))
        accounting.expectExactlyOnce(sent, cluster: cluster)
        for (index, message) in sent.enumerated() where index % 10 != 7 {
            let output = accounting.byID[message.id]?.first
            #expect(output?.key == Array("site\(index % 4)".utf8) && output?.value == message.value)
            #expect(output?.header("rekeyed-from") == "sensor-\(index)")
        }
        sluiced.signal(SIGTERM)
        #expect(try await sluiced.waitForExit() == 0)
    }
}
