import Foundation
import Testing

@testable import Supervisor

extension SluicedTests {
    /// Credentials given to sluiced (a config-file secret read from the environment, and a
    /// `-X` property) reach librdkafka only: the plugins' environment, the log at debug
    /// level, `sluicectl status` and /metrics never show them.
    @Test func secretsStayOutOfPluginsLogsStatusAndMetrics() async throws {
        let cluster = try TestCluster()
        let sent = simpleMessages(30, prefix: "secret")
        try cluster.produce(sent)
        let directory = try makeTemporaryDirectory("sluice-secret")
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let config = "\(directory)/sluice.toml"
        try """
            [kafka]
            "sasl.username" = "sluice"
            "sasl.password" = { env = "SLUICE_TEST_SECRET" }
            """.write(toFile: config, atomically: true, encoding: .utf8)
        let secrets = ["file-secret-4f1c", "cli-secret-9a7e"]
        let environmentDump = "\(directory)/plugin-environment"
        let plugin = ["sh", "-c", "env > \(environmentDump); exec \(SluicedProcess.pythonPlugin("route_plugin.py").joined(separator: " "))"]
        let socket = try controlSocketPath()
        let sluiced = try SluicedProcess(
            cluster: cluster,
            arguments: [
                "--config", config, "-X", "ssl.key.password=\(secrets[1])", "--log-level", "debug", "--control-socket", socket,
                "--metrics-address", "127.0.0.1:0",
            ],
            plugin: plugin, environment: ["SLUICE_TEST_SECRET": secrets[0]])
        defer { sluiced.killIfRunning() }
        Accounting(try cluster.collectOutputs(expected: sent.count)).expectExactlyOnce(sent, cluster: cluster)
        let port = try #require(try await sluiced.metricsPort())
        let pluginEnvironment = try String(contentsOfFile: environmentDump, encoding: .utf8)
        #expect(pluginEnvironment.contains("INPUT_TOPIC=\(cluster.input)"), "the plugin got the demo's variables")
        #expect(!pluginEnvironment.contains("SLUICE_TEST_SECRET"), "the secret's variable is withheld from plugins")
        let status = try sluicectl(["status", "--socket", socket, "--json"])
        #expect(status.status == 0)
        let metrics = try httpGet(port: port, path: "/metrics").body
        sluiced.signal(SIGTERM)
        #expect(try await sluiced.waitForExit() == 0)
        for secret in secrets {
            for (place, text) in [("plugin environment", pluginEnvironment), ("log", sluiced.output), ("status", status.output), ("metrics", metrics)] {
                #expect(!text.contains(secret), "\(secret) in the \(place)")
            }
        }
    }
}
