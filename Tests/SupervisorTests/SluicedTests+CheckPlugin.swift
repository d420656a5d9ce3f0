import Foundation
import Testing

@testable import Supervisor

/// Runs `sluicectl check-plugin` with a 2 s timeout per check.
private func checkPlugin(_ arguments: [String], environment: [String: String] = [:]) throws -> (status: Int32, output: String, error: String) {
    try runBuilt(
        "sluicectl", ["check-plugin", "--timeout", "2"] + arguments,
        environment: ProcessInfo.processInfo.environment.merging(environment) { $1 })
}

/// `sluicectl check-plugin` passes the examples and catches each kind of broken plugin
/// with a message that says what is wrong. In the serialized suite: it runs many plugin
/// processes, which would load the machine under the other end-to-end tests.
extension SluicedTests {
    @Test(arguments: [
        ["--", "python3", "examples/plugins/validator.py"], ["--", "python3", "examples/plugins/validator_plain.py"],
        ["--", "python3", "examples/plugins/validator_decorated.py"],
        ["--", "node", "examples/plugins/validator.js"], ["--", "bash", "examples/plugins/validator.sh"],
        ["--protocol", "lines", "--", "awk", "-W", "interactive", "-f", "examples/plugins/uppercase.awk"],
        ["--protocol", "lines", "--", "sed", "-u", "s/a/b/"],
        ["--", "python3", "examples/plugins/splitter.py"], ["--", "node", "examples/plugins/rekey.js"],
        ["--protocol", "lines", "--", "jq", "-R", "-r", "--unbuffered", "-f", "examples/plugins/only_temperatures.jq"],
    ])
    func checkPluginPassesTheExamples(arguments: [String]) throws {
        let absolute = arguments.map { $0.hasPrefix("examples/") ? "\(SluicedProcess.repositoryRoot)/\($0)" : $0 }
        let result = try checkPlugin(absolute)
        #expect(result.status == 0 && result.output.contains("all 7 checks passed"), "\(result)")
        #expect(result.output.contains("latency, one request at a time: p50") && result.output.contains("msg/s"))
    }

    @Test(arguments: [
        ("wrong-id", #"FAIL  answers every payload kind: an answer to an unknown or already answered id: "{"id": "wrong-1""#),
        ("no-newline", "without a newline at the end (end each answer with \\n and flush)"),
        ("hang", "FAIL  answers every payload kind: 9 of 9 requests unanswered after 2.0 seconds"),
        ("crash", "the plugin ended (exit status 3) with 9 of 9 requests unanswered; its stderr ended with: giving up on request 1"),
        ("linger", "FAIL  exits when stdin closes: still running 5 s after stdin closed"),
    ])
    func checkPluginFailsBrokenPluginsWithTheReason(mode: String, expected: String) throws {
        let result = try checkPlugin(
            ["--", "python3", "\(SluicedProcess.repositoryRoot)/Tests/SupervisorTests/Plugins/broken_plugin.py"], environment: ["BROKEN": mode])
        #expect(result.status == 1, "\(result)")
        #expect(result.output.contains(expected), "\(result.output)")
        #expect(result.output.contains("checks failed"))
    }

    @Test func checkPluginBadUsage() throws {
        #expect(try checkPlugin(["--", "no-such-plugin-xyz"]).status == 64)
        #expect(try checkPlugin(["--protocol", "xml", "--", "cat"]).status == 64)
    }
}
