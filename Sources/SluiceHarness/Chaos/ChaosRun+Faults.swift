import Supervisor
import Foundation
import Glibc

/// The faults a scenario's script injects. Each heals what it broke before it returns,
/// except a member kill or stop, which `restartMember` undoes.
extension ChaosRun {
    /// Moves every partition's leadership off `broker`, and the group's coordinator if it
    /// is there (the mock moves neither when a broker goes down), takes it down for
    /// `seconds`, then brings it back and puts leadership where it was.
    func brokerOutage(_ broker: Int32, seconds: Double) throws {
        try placeLeaders(avoiding: broker)
        let movesCoordinator = broker == coordinator
        if movesCoordinator { try setCoordinator(brokers.first { $0 != broker }!) }
        try cluster.mock.setBroker(broker, up: false)
        // A write in flight when its broker goes down can be stored twice by the mock (see
        // docs/RELIABILITY.md, the mock's limits): a repeat above the committed offsets.
        try note(
            "broker \(broker) down for \(seconds.formatted()) s, its leaders\(movesCoordinator ? " and the coordinator" : "") moved",
            allowsRepeats: true)
        pause(seconds)
        try cluster.mock.setBroker(broker, up: true)
        try placeLeaders()
    }

    /// Makes sluiced's next `times` × `errors.count` requests of a kind fail, cycling
    /// through `errors`: pushed onto the broker that leads its outputs (Produce) or
    /// coordinates its group (OffsetCommit), which no other client sends them to. Waits
    /// until every one has met a request.
    func failRequests(_ request: MockCluster.Request, _ errors: [MockCluster.BrokerError], times: Int) throws {
        let broker: Int32
        switch request {
        case .produce: broker = outputBroker
        case .offsetCommit: broker = coordinator
        }
        try cluster.mock.failNext(request, on: broker, with: (0..<times).flatMap { _ in errors })
        try waitFor("the \(request) errors to meet sluiced's requests", timeout: .seconds(120)) {
            cluster.mock.pendingErrors(request, on: broker) == 0
        }
        let names = errors.map(\.description).joined(separator: ", ")
        try note("\(times * errors.count) of sluiced's \(request) requests failed (\(names))")
    }

    func moveCoordinator(to broker: Int32) throws {
        try setCoordinator(broker)
        try note("group coordinator moved to broker \(broker)")
    }

    /// Delays every broker's responses by `milliseconds` for `seconds`. Noted as it
    /// begins: read during the spike, the snapshot would outlast it.
    func latencySpike(milliseconds: Int32, seconds: Double) throws {
        try note("every broker \(milliseconds) ms slower for \(seconds.formatted()) s")
        for broker in brokers { try cluster.mock.setRoundTripTime(broker: broker, milliseconds: milliseconds) }
        pause(seconds)
        for broker in brokers { try cluster.mock.setRoundTripTime(broker: broker, milliseconds: 0) }
    }

    /// Kills a member with SIGKILL: what it finished since its last commit is what its
    /// death may repeat.
    func killMember(_ index: Int) throws {
        members[index].kill()
        try note("sluiced \(members[index].name) killed (SIGKILL)", allowsRepeats: true)
    }

    /// Stops a member with SIGTERM, as systemd would. Its stop may fall short (exit 1):
    /// during a rebalance the mock refuses its last commit, and what it leaves is redone
    /// above the committed offsets this fault's snapshot reads.
    func stopMember(_ index: Int) throws {
        members[index].stop(mayFallShort: true)
        try note("sluiced \(members[index].name) stopped (SIGTERM)", allowsRepeats: true)
    }

    /// Restarts a member: its joining moves partitions between the members, and the mock
    /// refuses their commits while the group rebalances.
    func restartMember(_ index: Int) throws {
        try members[index].restart()
        try note("sluiced \(members[index].name) restarted", allowsRepeats: true)
    }

    /// Kills one plugin worker (of a member chosen in turn) with SIGKILL every `interval`
    /// seconds, `count` times; a kill counts only when it met a live process, and at least
    /// one must.
    func killWorkers(count: Int, interval: Double) throws {
        var killed = 0
        for round in 0..<count {
            if let pid = members[round % members.count].workerPIDs.filter(ProcessUsage.isLive).randomElement(), kill(pid, SIGKILL) == 0 {
                killed += 1
            }
            pause(interval)
        }
        guard killed > 0 else { throw ChaosError("no plugin worker was alive to kill") }
        try note("\(killed) plugin workers killed (SIGKILL), one every \(interval.formatted()) s")
    }

    /// Freezes every plugin worker (SIGSTOP) for `seconds`, then lets the survivors go on:
    /// a plugin hung or slower than anything sluiced waits for. At least one must be frozen.
    func freezeWorkers(seconds: Double) throws {
        let frozen = members.flatMap(\.workerPIDs).filter { ProcessUsage.isLive($0) && kill($0, SIGSTOP) == 0 }
        guard !frozen.isEmpty else { throw ChaosError("no plugin worker was alive to freeze") }
        try note("all \(frozen.count) plugin workers frozen (SIGSTOP) for \(seconds.formatted()) s")
        pause(seconds)
        for pid in frozen { kill(pid, SIGCONT) }
    }
}
