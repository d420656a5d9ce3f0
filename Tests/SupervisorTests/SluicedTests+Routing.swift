import Foundation
import Testing

@testable import Supervisor

extension SluicedTests {
    /// Every payload kind through 3 workers: each id exactly once in the right topic, key
    /// and headers kept, reason and origin headers on failures, per-key order kept.
    @Test func mixedWorkloadIsRoutedExactlyOnce() async throws {
        let cluster = try TestCluster()
        var sent: [TestMessage] = []
        let routes = ["success", "transient", "permanent"]
        for index in 0..<400 {
            let kind: String
            let value: [UInt8]?
            var extra: [(String, [UInt8])] = []
            switch index % 8 {
            case 0: (kind, value) = ("value", Array(#"{"n":\#(index),"s":"x"}"#.utf8))
            case 1: (kind, value) = ("value", Array("{\n  \"n\": \(index),\r\n  \"list\": [1, 2]\n}\n".utf8))
            case 2: (kind, value) = ("value", Array("{\"s\":\"a\\nb\u{2028}c\u{2029}\",\"n\":\(index)}".utf8))
            case 3: (kind, value) = ("text", Array("héllo \(index) \u{2028} \"q\"".utf8))
            case 4: (kind, value) = ("base64", [0xFF, 0x00, UInt8(index % 256), 0x0A, 0xC3])
            case 5: (kind, value) = ("none", nil)
            case 6: (kind, value) = ("text", [])
            default:
                (kind, value) = ("text", Array("lower case \(index)".utf8))
                extra.append(("replace", Array("upper".utf8)))
            }
            let key: [UInt8]? = index % 4 == 0 ? nil : index % 4 == 3 ? [0xFE, UInt8(index % 5)] : Array("key-\(index % 7)".utf8)
            sent.append(
                TestMessage(
                    id: "mixed-\(index)", key: key, value: value,
                    headers: [("route", Array(routes[index % 3].utf8)), ("kind", Array(kind.utf8)), ("custom", Array("c\(index)".utf8))] + extra))
        }
        sent.append(
            TestMessage(
                id: "large", key: Array("big".utf8), value: [UInt8](repeating: UInt8(ascii: "z"), count: 900_000),
                headers: [("route", Array("permanent".utf8)), ("kind", Array("text".utf8))]))
        try cluster.produce(sent)

        let sluiced = try SluicedProcess(cluster: cluster, arguments: ["--workers", "3"], plugin: SluicedProcess.pythonPlugin("route_plugin.py"))
        defer { sluiced.killIfRunning() }
        let outputs = try cluster.collectOutputs(expected: sent.count)
        let accounting = Accounting(outputs)
        accounting.expectExactlyOnce(sent, cluster: cluster)
        let origins = try cluster.inputPositions()

        for message in sent {
            guard let output = accounting.byID[message.id]?.first else { continue }
            #expect(output.key == message.key, "\(message.id): key kept")
            for (name, value) in message.allHeaders {
                #expect(output.header(name) == String(decoding: value, as: UTF8.self), "\(message.id): header \(name) kept")
            }
            if message.route == "success" {
                #expect(output.header("plugin") == "route_plugin", "\(message.id): plugin header added")
                let expected = message.headers.contains { $0.0 == "replace" }
                    ? message.value.map { Array(String(decoding: $0, as: UTF8.self).uppercased().utf8) } : message.value
                #expect(output.value == expected, "\(message.id): value")
            } else {
                #expect(output.value == message.value, "\(message.id): original bytes on failure")
                #expect(output.header("sluice.reason") == "routed \(message.route) by header")
                #expect(output.header("sluice.verdict") == message.route)
                #expect(output.header("sluice.attempt") == "1")
                #expect(output.hasOrigin(origins[message.id], in: cluster), "\(message.id): its input's place")
            }
        }
        // Per-key order: within each output topic, a key's messages keep their input order.
        for topic in cluster.outputs {
            let byKey = Dictionary(grouping: outputs.filter { $0.topic == topic && $0.key != nil }, by: { $0.key! })
            for (key, messages) in byKey {
                let indexes = messages.sorted { ($0.partition, $0.offset) < ($1.partition, $1.offset) }
                    .compactMap { $0.id?.split(separator: "-").last.flatMap { Int($0) } }
                #expect(indexes == indexes.sorted(), "order of key \(key) in \(topic)")
            }
        }
        sluiced.signal(SIGTERM)
        #expect(try await sluiced.waitForExit() == 0)
    }

    /// Every example validator (Python with the standard library, line by line or in
    /// chunks, or the sluice_plugin.py helper, Node.js, bash + jq, the Swift kit) routes the
    /// demo's measurements the same.
    @Test(arguments: [
        ["python3", "examples/plugins/validator.py"], ["python3", "examples/plugins/validator_plain.py"],
        ["python3", "examples/plugins/validator_decorated.py"],
        ["node", "examples/plugins/validator.js"], ["bash", "examples/plugins/validator.sh"], ["measurement-validator"],
    ])
    func exampleValidatorsRouteMeasurements(example: [String]) async throws {
        let cluster = try TestCluster()
        let cases: [(String, String)] = [
            (#"{"sensor_id":"s1","type":"temperature","value":21.5,"unit":"C"}"#, "success"),
            (#"{"sensor_id":"s2","type":"humidity","value":140,"unit":"%"}"#, "permanent"),
            (#"{"sensor_id":"s3","type":"temperature","unit":"C"}"#, "permanent"),
            ("not json at all", "permanent"),
            (#"{"sensor_id":"s4","type":"pressure","value":1013.2,"unit":"hPa"}"#, "success"),
        ]
        let sent = (0..<100).map { index in
            let (value, route) = cases[index % cases.count]
            return TestMessage(id: "measurement-\(index)", key: Array("s\(index % 4)".utf8), value: Array(value.utf8), headers: [("route", Array(route.utf8))])
        }
        try cluster.produce(sent)
        let plugin = example.count == 1
            ? ["\(ProcessEnvironment.executableDirectory)/\(example[0])"]
            : [example[0], "\(SluicedProcess.repositoryRoot)/\(example[1])"]
        let sluiced = try SluicedProcess(
            cluster: cluster, arguments: ["--workers", "2"], plugin: plugin, pluginEnvironment: ["TRANSIENT_RATE": "0"])
        defer { sluiced.killIfRunning() }
        let accounting = Accounting(try cluster.collectOutputs(expected: sent.count))
        accounting.expectExactlyOnce(sent, cluster: cluster)
        let failures = accounting.byID.values.compactMap(\.first).filter { $0.topic == cluster.permanent }
        #expect(failures.allSatisfy { !($0.header("sluice.reason") ?? "").isEmpty }, "every dead letter says why")
        sluiced.signal(SIGTERM)
        #expect(try await sluiced.waitForExit() == 0)
    }
}

extension SluicedTests {
    /// The bash + jq plugin from docs/PROTOCOL.md, verbatim: objects succeed, the rest is
    /// dead-lettered.
    @Test func jqOneLinerFromTheProtocolPageWorks() async throws {
        let cluster = try TestCluster()
        let values: [([UInt8]?, String)] = [
            (Array(#"{"a":1}"#.utf8), "success"), (Array("[1,2]".utf8), "permanent"), (Array("plain".utf8), "permanent"),
            ([0xFF, 0xFE], "permanent"), (nil, "permanent"), (Array("{\n\"multi\": \"line\"\n}".utf8), "success"),
        ]
        let sent = (0..<60).map { index in
            let (value, route) = values[index % values.count]
            return TestMessage(id: "jq-\(index)", key: Array("k\(index % 3)".utf8), value: value, headers: [("route", Array(route.utf8))])
        }
        try cluster.produce(sent)
        let sluiced = try SluicedProcess(
            cluster: cluster,
            plugin: ["jq", "-c", "--unbuffered", #"{id, verdict: (if (.value | type) == "object" then "success" else "permanent" end)}"#])
        defer { sluiced.killIfRunning() }
        let accounting = Accounting(try cluster.collectOutputs(expected: sent.count))
        accounting.expectExactlyOnce(sent, cluster: cluster)
        #expect(accounting.byID["jq-0"]?.first?.header("sluice.reason") == nil)
        #expect(accounting.byID["jq-1"]?.first?.header("sluice.reason") == "plugin gave no reason")
        sluiced.signal(SIGTERM)
        #expect(try await sluiced.waitForExit() == 0)
    }
}

extension SluicedTests {
    /// A sluice_plugin.py handler returning what JSON cannot carry (a datetime, a Decimal,
    /// a set, NaN, infinity, a cycle, a UUID, an Enum) dead-letters that message alone,
    /// saying why; the plugin is never restarted and every other message succeeds, an
    /// integer beyond 64 bits too. The same with orjson kept out (a module of that name that
    /// refuses to load, first on PYTHONPATH) as with the python3 on PATH, which has orjson
    /// where it is installed: orjson writes NaN as null and takes a UUID or an Enum, and
    /// the helper must judge results alike either way.
    @Test(arguments: [false, true])
    func pythonHelperDeadLettersAResultJSONCannotCarry(withoutOrjson: Bool) async throws {
        let cluster = try TestCluster()
        let results = ["", "datetime", "decimal", "set", "nan", "infinity", "cycle", "uuid", "enum", "bigint"]
        let succeeding: Set = ["", "bigint"]
        let sent = (0..<100).map { index in
            let result = results[index % results.count]
            return TestMessage(
                id: "unencodable-\(index)", key: Array("k\(index % 5)".utf8), value: Array(#"{"n":\#(index)}"#.utf8),
                headers: [("result", Array(result.utf8)), ("route", Array((succeeding.contains(result) ? "success" : "permanent").utf8))])
        }
        try cluster.produce(sent)
        var pluginEnvironment: [String: String] = [:]
        if withoutOrjson {
            let blocked = try makeTemporaryDirectory("no-orjson")
            try #"raise ImportError("orjson is kept out of this test")"#.write(toFile: "\(blocked)/orjson.py", atomically: true, encoding: .utf8)
            pluginEnvironment["PYTHONPATH"] = blocked
        }
        let sluiced = try SluicedProcess(
            cluster: cluster, arguments: ["--workers", "2"], plugin: SluicedProcess.pythonPlugin("unencodable_plugin.py"),
            pluginEnvironment: pluginEnvironment)
        defer { sluiced.killIfRunning() }
        let accounting = Accounting(try cluster.collectOutputs(expected: sent.count))
        accounting.expectExactlyOnce(sent, cluster: cluster)
        let failures = accounting.byID.values.compactMap(\.first).filter { $0.topic == cluster.permanent }
        #expect(failures.count == 80)
        let bigInteger = accounting.byID["unencodable-9"]?.first.map { String(decoding: $0.value ?? [], as: UTF8.self) } ?? ""
        #expect(bigInteger.contains("1180591620717411303424"), "an integer beyond 64 bits, exact: \(bigInteger)")
        #expect(
            failures.allSatisfy { ($0.header("sluice.reason") ?? "").hasPrefix("the handler's result cannot be written as JSON: ") },
            "\(failures.prefix(2).map { $0.header("sluice.reason") ?? "-" })")
        #expect(failures.allSatisfy { $0.header("sluice.source") == "plugin" }, "the plugin's own verdict, not a crash")
        #expect(!sluiced.output.contains("worker exited"), "never restarted")
        sluiced.signal(SIGTERM)
        #expect(try await sluiced.waitForExit() == 0)
    }
}
