import Supervisor
import Foundation
import Glibc

/// The faults a scenario's script injects. Each heals what it broke before it returns,
/// except a member kill or stop, which `restartMember` undoes.
extension ChaosRun {
    /// Moves every partition's leadership and the group's coordinator off `broker` (the
    /// mock does not move them when a broker goes down), takes it down for `seconds`, then
    /// brings it back and spreads leadership over all brokers again.
    func brokerOutage(_ broker: Int32, seconds: Double) throws {
        let others = brokers.filter { $0 != broker }
        try spreadLeadership(over: others)
        try cluster.mock.setGroupCoordinator(group: group, broker: others[0])
        try cluster.mock.setBroker(broker, up: false)
        note("broker \(broker) down for \(seconds.formatted()) s, its leaders and the coordinator moved")
        pause(seconds)
        try cluster.mock.setBroker(broker, up: true)
        try spreadLeadership(over: brokers)
    }

    private func spreadLeadership(over candidates: [Int32]) throws {
        for (index, topic) in ([input] + outputs).enumerated() {
            for partition in 0..<options.partitions {
                let broker = candidates[(Int(partition) + index) % candidates.count]
                try cluster.mock.setLeader(topic: topic, partition: partition, broker: broker)
            }
        }
    }

    /// Makes the next `times` × `errors.count` requests of a kind fail, cycling through
    /// `errors`, from whichever client sends them (sluiced's or the feeder's).
    func failRequests(_ request: MockCluster.Request, _ errors: [MockCluster.BrokerError], times: Int) {
        cluster.mock.failNext(request, with: (0..<times).flatMap { _ in errors })
        let names = errors.map(\.description).joined(separator: ", ")
        note("\(times * errors.count) \(request) requests failed (\(names))")
    }

    func moveCoordinator(to broker: Int32) throws {
        try cluster.mock.setGroupCoordinator(group: group, broker: broker)
        note("group coordinator moved to broker \(broker)")
    }

    /// Delays every broker's responses by `milliseconds` for `seconds`.
    func latencySpike(milliseconds: Int32, seconds: Double) throws {
        for broker in brokers { try cluster.mock.setRoundTripTime(broker: broker, milliseconds: milliseconds) }
        note("every broker \(milliseconds) ms slower for \(seconds.formatted()) s")
        pause(seconds)
        for broker in brokers { try cluster.mock.setRoundTripTime(broker: broker, milliseconds: 0) }
    }

    /// Kills a member with SIGKILL, then notes what it had finished but not committed: the
    /// only messages its death may repeat.
    func killMember(_ index: Int) throws {
        members[index].kill()
        note("sluiced \(members[index].name) killed (SIGKILL)")
        let reader = try KafkaConsumer(
            configuration: KafkaConfiguration([
                ("bootstrap.servers", cluster.brokers), ("group.id", group), ("enable.auto.commit", "false"),
            ]),
            context: KafkaClientContext(logger: logger, onFatalError: { _ in }))
        let committed = try reader.committed(topic: input, partitions: Array(0..<options.partitions))
        _ = reader.close()
        var output = Set<Int>()
        _ = try cluster.readAll(topics: outputs, partitions: options.partitions) { message in
            if let id = OutputHeaders.integer(BenchCluster.idHeader, of: message) { output.insert(Int(id)) }
        }
        killSnapshots.append((committed, output))
    }

    /// Stops a member with SIGTERM, as systemd would.
    func stopMember(_ index: Int) {
        members[index].stop()
        note("sluiced \(members[index].name) stopped (SIGTERM)")
    }

    func restartMember(_ index: Int) throws {
        try members[index].restart()
        note("sluiced \(members[index].name) restarted")
    }

    /// Kills one plugin worker (of a member chosen in turn) with SIGKILL every `interval`
    /// seconds, `count` times.
    func killWorkers(count: Int, interval: Double) {
        var killed = 0
        for round in 0..<count {
            if let pid = members[round % members.count].workerPIDs.randomElement(), kill(pid, SIGKILL) == 0 { killed += 1 }
            pause(interval)
        }
        note("\(killed) plugin workers killed (SIGKILL), one every \(interval.formatted()) s")
    }

    /// Freezes every plugin worker (SIGSTOP) for `seconds`, then lets the survivors go on:
    /// a plugin hung or slower than anything sluiced waits for.
    func freezeWorkers(seconds: Double) {
        let frozen = members.flatMap(\.workerPIDs)
        for pid in frozen { kill(pid, SIGSTOP) }
        note("all \(frozen.count) plugin workers frozen (SIGSTOP) for \(seconds.formatted()) s")
        pause(seconds)
        for pid in frozen { kill(pid, SIGCONT) }
    }
}
