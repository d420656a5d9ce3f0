import Foundation
import Testing

@testable import Supervisor

extension SluicedTests {
    /// Protocol `lines` with examples/plugins/uppercase.awk: values in, new values or
    /// `!transient` / `!permanent` out, a value starting with `!` escaped both ways, and
    /// values a line cannot carry dead-lettered with the reason, never sent.
    @Test func linesProtocolWithTheAwkExample() async throws {
        let cluster = try TestCluster()
        func message(_ id: String, _ value: [UInt8]?, route: String) -> TestMessage {
            TestMessage(id: id, key: Array("k-\(id)".utf8), value: value, headers: [("route", Array(route.utf8))])
        }
        var sent = (0..<200).map { message("plain\($0)", Array("value \($0) é".utf8), route: "success") }
        sent += (0..<20).map { message("bad\($0)", Array(String(repeating: " ", count: $0).utf8), route: "permanent") }
        sent += (0..<20).map { message("later\($0)", Array("retry \($0)".utf8), route: "transient") }
        sent += [
            message("bang", Array("!bang".utf8), route: "success"),
            message("newline", Array("two\nlines".utf8), route: "permanent"),
            message("binary", [0xFF, 0x00, 0x41], route: "permanent"),
            message("null", nil, route: "permanent"),
        ]
        try cluster.produce(sent)
        let sluiced = try SluicedProcess(
            cluster: cluster, arguments: ["--protocol", "lines"],
            plugin: ["awk", "-W", "interactive", "-f", "\(SluicedProcess.repositoryRoot)/examples/plugins/uppercase.awk"])
        defer { sluiced.killIfRunning() }
        let outputs = try cluster.collectOutputs(expected: sent.count)
        Accounting(outputs).expectExactlyOnce(sent, cluster: cluster)
        let byID = Dictionary(grouping: outputs, by: { $0.id ?? "" }).mapValues { $0[0] }
        #expect(byID["plain7"]?.value == Array("VALUE 7 é".utf8), "awk's toupper leaves é alone")
        #expect(byID["bang"]?.value == Array("!BANG".utf8), "!! in the answer is a value starting with !")
        #expect(byID["bad3"]?.header("sluice.reason") == "empty value" && byID["bad3"]?.value == Array("   ".utf8))
        #expect(byID["later3"]?.header("sluice.reason") == "asked to retry")
        #expect(byID["newline"]?.header("sluice.source") == "unsupported-value")
        #expect(byID["newline"]?.header("sluice.reason")?.contains("newline") == true)
        #expect(byID["binary"]?.header("sluice.reason")?.contains("not UTF-8") == true)
        #expect(byID["null"]?.header("sluice.reason")?.contains("null") == true)
        sluiced.signal(SIGTERM)
        #expect(try await sluiced.waitForExit() == 0)
    }

    /// `sed -u` as a plugin: what the substitution does not touch round-trips, a value
    /// starting with `!` included.
    @Test func linesProtocolWithSed() async throws {
        let cluster = try TestCluster()
        let sent = (0..<300).map { index in
            TestMessage(
                id: "sed\(index)", key: nil, value: Array((index % 10 == 0 ? "!x \(index)" : "v \(index)").utf8),
                headers: [("route", Array("success".utf8))])
        }
        try cluster.produce(sent)
        let sed = try SluicedProcess(cluster: cluster, arguments: ["--protocol", "lines"], plugin: ["sed", "-u", "s/^v /w /"])
        defer { sed.killIfRunning() }
        let outputs = try cluster.collectOutputs(expected: sent.count)
        Accounting(outputs).expectExactlyOnce(sent, cluster: cluster)
        for output in outputs {
            let index = Int(output.id!.dropFirst(3))!
            #expect(output.value == Array((index % 10 == 0 ? "!x \(index)" : "w \(index)").utf8), "\(output.id!)")
        }
        sed.signal(SIGTERM)
        #expect(try await sed.waitForExit() == 0)
    }
}
