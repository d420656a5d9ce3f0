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
    /// Where each kind of request goes, so that an error pushed onto one broker meets only
    /// the requests it is meant for: the feeder writes the input to `inputBroker`, sluiced
    /// writes its outputs to `outputBroker` and commits to `coordinator`, which faults move.
    let inputBroker: Int32 = 1
    let outputBroker: Int32 = 2
    private(set) var coordinator: Int32 = 3
    private(set) var members: [ChaosMember] = []
    let feeder: ChaosFeeder
    /// What was injected, in order, for the report.
    private(set) var faults: [String] = []
    /// At each fault, read from the broker: the group's committed offsets, below which
    /// nothing may repeat, the input's end offsets and how many outputs Kafka held, which
    /// show the fault came mid-stream. `allowsRepeats` says whether the fault may repeat
    /// what is above the committed offsets.
    private(set) var faultSnapshots: [(fault: String, allowsRepeats: Bool, committed: [Int64], inputEnds: [Int64], outputs: Int64)] = []
    let logger: Logger
    /// What the judge reads Kafka with: not sluiced's client.
    let reader: KafkaReader

    init(options: Chaos.Options, slug: String, logger: Logger) throws {
        self.options = options
        self.logger = logger
        group = "chaos-\(slug)"
        cluster = try BenchCluster(brokers: brokers.count, logger: logger)
        try cluster.createTopics([input] + outputs, partitions: options.partitions)
        feeder = ChaosFeeder(count: options.messages)
        reader = KafkaReader(brokers: cluster.brokers, script: options.reader)
        try placeLeaders()
        try setCoordinator(coordinator)
    }

    /// Makes `broker` the group's coordinator.
    func setCoordinator(_ broker: Int32) throws {
        try cluster.mock.setGroupCoordinator(group: group, broker: broker)
        coordinator = broker
    }

    /// Puts the input's leaders on `inputBroker` and the outputs' on `outputBroker`, or on
    /// `fallback` while that one is down.
    func placeLeaders(avoiding down: Int32? = nil) throws {
        for (topic, home) in [(input, inputBroker)] + outputs.map({ ($0, outputBroker) }) {
            let broker = home == down ? brokers.first { $0 != down }! : home
            for partition in 0..<options.partitions { try cluster.mock.setLeader(topic: topic, partition: partition, broker: broker) }
        }
    }

    /// Starts the scenario's members and waits until each has partitions.
    func startMembers(_ scenario: ChaosScenario, slug: String) throws {
        let environment = [
            "KAFKA_BROKER": cluster.brokers, "INPUT_TOPIC": input, "SUCCESS_TOPIC": outputs[0],
            "TRANSIENT_FAILURE_TOPIC": outputs[1], "PERMANENT_FAILURE_TOPIC": outputs[2], "GROUP_ID": group,
        ]
        // One Produce request in flight: the mock checks no sequence numbers, so behind a
        // failed request it stores the next ones, and librdkafka takes their success as
        // proof the failed one was stored (docs/RELIABILITY.md, the mock's limits). Kafka
        // refuses them, and keeps order by default. The producer's alone: the consumer's
        // heartbeats must not wait behind its other requests.
        let config = "\(options.logDirectory)/\(slug).toml"
        try "[kafka.producer]\n\"max.in.flight.requests.per.connection\" = 1\n".write(toFile: config, atomically: true, encoding: .utf8)
        for index in 0..<scenario.members {
            let name = "\(slug)-\(index + 1)"
            let command =
                ["\(options.binDirectory)/sluiced", "--config", config, "--workers", String(scenario.workers), "--retrier", "off",
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

    /// Records an injected fault for the report, with what the broker holds right after
    /// it: the group's committed offsets and the outputs written. Only a fault that
    /// `allowsRepeats` (one that ends a member's work in a partition) may repeat messages.
    func note(_ fault: String, allowsRepeats: Bool = false) throws {
        faults.append(fault)
        logger.info("chaos: \(fault)")
        let committed = try reader.committed(group: group, topic: input, partitions: options.partitions)
        let ends = try reader.ends(([input] + outputs).map { ($0, options.partitions) })
        let written = outputs.flatMap { ends[$0] ?? [] }.reduce(0) { $0 + max(0, $1) }
        faultSnapshots.append((fault, allowsRepeats, committed, ends[input] ?? [], written))
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
