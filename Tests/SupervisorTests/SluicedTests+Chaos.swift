import Foundation
import Testing

@testable import SluiceHarness
@testable import Supervisor

/// `make chaos` in its short form: every scenario, fewer messages. Each scenario injects its
/// faults while messages flow (the outputs in Kafka at each fault show it) and must end,
/// judged from Kafka alone, with nothing missing, no repeat below the group's committed
/// offsets at the faults, every output in its verdict's topic and per-key order kept
/// where it is promised. A message the broker lost or stored twice fails it too, so no
/// sluiced fault passes as the mock's. `make chaos` runs the same with more messages.
extension SluicedTests {
    @Test func chaosScenariosLoseNothing() throws {
        let logs = try makeTemporaryDirectory("chaos")
        defer { try? FileManager.default.removeItem(atPath: logs) }
        let document = "\(logs)/RELIABILITY.md"
        try "# Reliability\n\nWritten by hand.\n".write(toFile: document, atomically: true, encoding: .utf8)
        let result = try runBuilt(
            "sluice-chaos",
            [
                "--messages", "4000", "--rate", "500", "--logs", logs, "--document", document,
                "--plugin", "\(SluicedProcess.repositoryRoot)/Tests/SupervisorTests/Plugins/route_plugin.py",
                "--reader", "\(SluicedProcess.repositoryRoot)/Tests/SupervisorTests/Readers/kafka_reader.py",
            ],
            environment: ProcessInfo.processInfo.environment)
        #expect(result.status == 0, "\(result.output)\n\(result.error)")
        let rows = result.output.split(separator: "\n").filter { line in
            ChaosScenario.catalog.contains { line.hasPrefix($0.name + " ") }
        }
        #expect(rows.count == ChaosScenario.catalog.count, "\(result.output)")
        for row in rows {
            let cells = row.split(separator: " ", omittingEmptySubsequences: true)
            #expect(cells.last == "pass", "\(row)")
        }
        let written = try String(contentsOfFile: document, encoding: .utf8)
        #expect(written.hasPrefix("# Reliability\n\nWritten by hand.\n"), "the hand-written part stays")
        #expect(written.contains(GeneratedSection(command: "make chaos").beginMarker) && written.contains("| broker down and up"))
    }
}
