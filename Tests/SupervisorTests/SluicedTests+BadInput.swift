import Foundation
import Testing

@testable import SluiceHarness
@testable import Supervisor
import SluiceCore

extension SluicedTests {
    /// Kafka messages that are hostile or odd, among ordinary ones: a JSON bomb (400,000
    /// levels of nesting), a value larger than a frame may be, empty and null values and
    /// keys, keys and headers that are not UTF-8, NUL bytes, numbers out of any range. Each
    /// ends in its route's topic or is dead-lettered with the reason; sluiced keeps running
    /// in bounded memory.
    @Test func hostileMessagesAreAccountedFor() async throws {
        let cluster = try TestCluster()
        let depth = 400_000
        let bomb = Array(repeating: UInt8(ascii: "["), count: depth) + Array(repeating: UInt8(ascii: "]"), count: depth)
        var sent = simpleMessages(30, prefix: "plain", routes: ["success"])
        let odd: [(String, [UInt8]?, [UInt8]?, [(String, [UInt8])], String)] = [
            // id, key, value, headers, route: where it must end
            ("bomb", Array("k1".utf8), bomb, [], "success"),
            ("huge", Array("k2".utf8), Array(repeating: UInt8(ascii: "x"), count: 1_500_000), [], "permanent"),
            ("empty-value", Array("k3".utf8), [], [], "success"),
            ("null-value", Array("k4".utf8), nil, [], "success"),
            ("null-key", nil, Array("v".utf8), [], "success"),
            ("empty-key", [], Array("v".utf8), [], "success"),
            ("binary-key", [0xff, 0xfe, 0x00], Array("v".utf8), [], "success"),
            ("binary-header", Array("k5".utf8), Array("v".utf8), [("bin", [0xc0, 0x80, 0x00])], "success"),
            ("nul-value", Array("k6".utf8), Array("a\u{0}b".utf8), [], "success"),
            ("invalid-utf8-value", Array("k7".utf8), [0x7b, 0xff, 0x7d], [], "success"),
            ("number-out-of-range", Array("k8".utf8), Array(#"{"n":1e400,"m":-123456789012345678901234567890}"#.utf8), [], "success"),
        ]
        for (id, key, value, headers, route) in odd {
            sent.append(TestMessage(id: id, key: key, value: value, headers: headers + [("route", Array(route.utf8))]))
        }
        try cluster.produce(sent)
        let sluiced = try SluicedProcess(
            cluster: cluster, arguments: ["--workers", "2", "--max-frame-bytes", "1048576", "-X", "message.max.bytes=4000000"],
            plugin: SluicedProcess.pythonPlugin("route_plugin.py"))
        defer { sluiced.killIfRunning() }
        let accounting = Accounting(try cluster.collectOutputs(expected: sent.count))
        accounting.expectExactlyOnce(sent, cluster: cluster)
        // Nested deeper than JSONValidator.maximumDepth, the bomb reaches the plugin as text,
        // which no JSON parser reads; the frame for the huge value would exceed
        // --max-frame-bytes.
        #expect(accounting.byID["bomb"]?.first?.value == bomb)
        #expect(accounting.byID["huge"]?.first?.header(OutputHeaders.source) == FailureSource.tooLarge.rawValue)
        #expect(accounting.byID["binary-key"]?.first?.key == [0xff, 0xfe, 0x00], "the key travels unchanged")
        #expect(accounting.byID["binary-header"]?.first?.headers.contains { $0.0 == "bin" && $0.1 == [0xc0, 0x80, 0x00] } == true)
        #expect(accounting.byID["null-value"]?.first?.value == nil && accounting.byID["null-key"]?.first?.key == nil)
        #expect(sluiced.process.isRunning)
        #expect(ProcessUsage.sample(sluiced.pid).peakResidentBytes < 256 << 20, "bounded memory")
        sluiced.signal(SIGTERM)
        #expect(try await sluiced.waitForExit() == 0)
    }
}
