import Supervisor
import Foundation
import Logging

/// One scenario under way: a mock cluster of three brokers of its own, the topics, the
/// sluiced members of one group, the feeder, and what the fault script did.
final class ChaosRun {
    let options: Chaos.Options
    let cluster: BenchCluster
    let input = "chaos-input"
    let outputs = ["chaos-success", "chaos-transient", "chaos-dead"]
    let group: String
    let brokers: [Int32] = [1, 2, 3]
    private(set) var members: [ChaosMember] = []
    let feeder: ChaosFeeder
    /// What was injected, in order, for the report.
    private(set) var faults: [String] = []
    /// At each member kill: the group's committed offsets and the ids output so far.
    var killSnapshots: [(committed: [Int32: Int64], output: Set<Int>)] = []
    let logger: Logger

    init(options: Chaos.Options, slug: String, logger: Logger) throws {
        self.options = options
        self.logger = logger
        group = "chaos-\(slug)"
        cluster = try BenchCluster(brokers: brokers.count, logger: logger)
        try cluster.createTopics([input] + outputs, partitions: options.partitions)
        feeder = ChaosFeeder(count: options.messages)
    }

    /// Starts the scenario's members and waits until each has partitions.
    func startMembers(_ scenario: ChaosScenario, slug: String) throws {
        let environment = [
            "KAFKA_BROKER": cluster.brokers, "INPUT_TOPIC": input, "SUCCESS_TOPIC": outputs[0],
            "TRANSIENT_FAILURE_TOPIC": outputs[1], "PERMANENT_FAILURE_TOPIC": outputs[2], "GROUP_ID": group,
        ]
        for index in 0..<scenario.members {
            let name = "\(slug)-\(index + 1)"
            let command =
                ["\(options.binDirectory)/sluiced", "--workers", String(scenario.workers), "--retrier", "off",
                 "--metrics-address", "off", "--control-socket", "\(options.logDirectory)/\(name).sock", "--status-interval", "1",
                 // A member that dies is noticed after the session timeout; keep it short.
                 "-X", "session.timeout.ms=6000", "-X", "heartbeat.interval.ms=1000"]
                + scenario.arguments + ["--"] + options.plugin
            members.append(
                try ChaosMember(name: name, command: command, environment: environment, logPath: "\(options.logDirectory)/\(name).log"))
            try waitFor("\(name) to join the group", timeout: .seconds(60)) { members[index].log.contains("partitions assigned") }
        }
    }

    /// Waits until the feeder has handed `fraction` of the messages to its producer.
    func waitUntilFed(_ fraction: Double) throws {
        let target = Int(Double(feeder.count) * fraction)
        try waitFor("the feeder to reach \(target)", timeout: .seconds(600)) { feeder.sent >= target || feeder.isFinished }
    }

    func pause(_ seconds: Double) {
        Thread.sleep(forTimeInterval: seconds)
    }

    /// Records an injected fault for the report.
    func note(_ fault: String) {
        faults.append(fault)
        logger.info("chaos: \(fault)")
    }

    func waitFor(_ what: String, timeout: Duration, _ condition: () throws -> Bool) throws {
        let deadline = ContinuousClock.now + timeout
        while try !condition() {
            guard ContinuousClock.now < deadline else { throw ChaosError("timed out waiting for \(what)") }
            Thread.sleep(forTimeInterval: 0.02)
        }
    }
}

/// A scenario that could not be carried out (as opposed to one that lost messages).
struct ChaosError: Error, CustomStringConvertible {
    let description: String

    init(_ description: String) {
        self.description = description
    }
}
