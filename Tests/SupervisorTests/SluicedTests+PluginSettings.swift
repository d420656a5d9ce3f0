import Foundation
import Testing

@testable import Supervisor

extension SluicedTests {
    /// `[plugin]` as supervisord's `[program:x]`: the plugin runs in `directory` with `umask`
    /// and gets `environment` on top of an allow-list of sluiced's variables (a variable
    /// sluiced has but did not pass on stays out); a plugin that does not exit when its
    /// stdin closes gets `stop_signal` (here INT, which its trap reports) after
    /// `stop_timeout`, not SIGTERM.
    @Test func pluginSettingsShapeTheProcess() async throws {
        let cluster = try TestCluster()
        let directory = try makeTemporaryDirectory("sluice-plugin-dir")
        let config = "\(directory)/sluice.toml"
        try """
            [plugin]
            workers = 1
            directory = "\(directory)"
            umask = "027"
            stop_signal = "SIGINT"
            stop_timeout = 0.5
            environment = { GREETING = "hello there", PATH = "/usr/bin:/bin" }
            """.write(toFile: config, atomically: true, encoding: .utf8)
        let script = """
            trap 'echo stopped by INT >&2; exit 0' INT TERM
            echo "greeting=$GREETING path=$PATH cwd=$(pwd) umask=$(umask) unlisted=${UNLISTED_VARIABLE:-none} home=${HOME:-none} worker=$SLUICE_WORKER_ID" >&2
            trap 'echo stopped by TERM >&2; exit 0' TERM
            while :; do sleep 0.1; done
            """
        let sluiced = try SluicedProcess(
            cluster: cluster, arguments: ["--config", config], plugin: ["sh", "-c", script],
            environment: ["UNLISTED_VARIABLE": "from sluiced", "HOME": "/home/tester"])
        defer { sluiced.killIfRunning() }
        // "plugin: greeting=", the plugin's line: the command in "sluiced started" holds
        // "greeting=" too, and waiting for that raced the plugin's start.
        #expect(try await sluiced.waitForLog("plugin: greeting="))
        let expected = "greeting=hello there path=/usr/bin:/bin cwd=\(directory) umask=0027 unlisted=none home=/home/tester worker=1"
        #expect(sluiced.output.contains(expected), "\(sluiced.output.split(separator: "\n").filter { $0.contains("greeting=") })")
        sluiced.signal(SIGTERM)
        #expect(try await sluiced.waitForExit() == 0)
        #expect(sluiced.output.contains("msg=\"plugin: stopped by INT\""), "\(sluiced.output.suffix(1500))")
        #expect(sluiced.output.contains("sending Interrupt"), "the log names the signal")
    }
}

extension SluicedTests {
    /// `--request-fields offset,value`: each request holds the id, the offset and the value
    /// (`text` here) and nothing else; every message still comes out once, its headers kept.
    @Test func requestFieldsLeaveOutWhatThePluginDoesNotRead() async throws {
        let cluster = try TestCluster()
        let sent = TestMessage.routedToSuccess(60, prefix: "fields-")
        try cluster.produce(sent)
        let sluiced = try SluicedProcess(
            cluster: cluster, arguments: ["--request-fields", "offset,value"], plugin: SluicedProcess.pythonPlugin("fields_plugin.py"))
        defer { sluiced.killIfRunning() }
        let accounting = Accounting(try cluster.collectOutputs(covering: sent))
        accounting.expectExactlyOnce(sent, cluster: cluster)
        for message in sent {
            guard let output = accounting.byID[message.id]?.first else { continue }
            #expect(output.value.map { String(decoding: $0, as: UTF8.self) } == "id,offset,text", "\(message.id)")
            #expect(output.header("route") == "success", "\(message.id): the input's headers still go on the output")
        }
    }
}
