import Supervisor
import Foundation

extension ChaosRun {
    /// After the script: waits for the feeder and for the group to commit the whole input,
    /// stops every member with SIGTERM, then reads every output back and judges each input.
    func account(for scenario: ChaosScenario, into figure: inout ChaosFigure) throws {
        try waitFor("the feeder to finish", timeout: .seconds(600)) { feeder.isFinished }
        if let failure = feeder.failure { throw ChaosError("the feeder failed: \(failure)") }
        let positions = feeder.positions
        figure.messages = positions.count { $0 != nil }
        figure.unacknowledged = positions.count - figure.messages
        if figure.unacknowledged > 0 { figure.problems.append("\(figure.unacknowledged) inputs never acknowledged to the feeder") }
        // Mid-stream: outputs written, and input the group had yet to commit.
        for snapshot in faultSnapshots where !(snapshot.outputs > 0 && zip(snapshot.committed, snapshot.inputEnds).contains { $0 < $1 }) {
            figure.problems.append(
                "not mid-stream: \(snapshot.outputs) outputs, committed \(snapshot.committed) of \(snapshot.inputEnds) at \"\(snapshot.fault)\"")
        }
        try drain(figure: &figure)
        // Read before the final stop, which revokes every partition.
        let logs = members.map(\.log)
        for member in members {
            if !member.isRunning { figure.problems.append("\(member.name) was not running at the end") }
            member.stop()
            if member.uncleanStops > 0 { figure.problems.append("\(member.name) exited otherwise than 0 on SIGTERM (or 1, stopped short, during a fault)") }
        }
        try judgeOutputs(positions: positions, scenario: scenario, figure: &figure)
        for text in scenario.expectedLog where !logs.contains(where: { $0.contains(text) }) {
            figure.problems.append("no member logged \"\(text)\"")
        }
        for text in scenario.forbiddenLog where logs.contains(where: { $0.contains(text) }) {
            figure.problems.append("a member logged \"\(text)\"")
        }
    }

    /// Waits until the group has committed the whole input, read from the broker: only
    /// then is every output delivered (a count of outputs can reach the input's with
    /// repeats while some input is still to do). A minute without a commit is a stall.
    private func drain(figure: inout ChaosFigure) throws {
        let ends = try reader.ends([(input, options.partitions)])[input] ?? []
        var last: [Int64] = []
        var lastProgress = ContinuousClock.now
        while true {
            let committed = try reader.committed(group: group, topic: input, partitions: options.partitions)
            if committed == ends { return }
            if committed != last {
                last = committed
                lastProgress = .now
            }
            if ContinuousClock.now - lastProgress >= .seconds(60) {
                figure.problems.append("stalled: committed \(committed) of \(ends)")
                return
            }
            pause(0.5)
        }
    }

    /// Reads every output and counts, per acknowledged input: missing, repeated beyond
    /// what the faults allow, in the wrong topic, out of order. Only what Kafka holds
    /// counts: the input topic's copies, the outputs, and the group's committed offsets at
    /// each fault. A repeat is allowed only for an input at or above its partition's
    /// committed offset at a fault that may repeat (a member killed, stopped or restarted,
    /// a broker down), once per such fault (and once more per extra copy the input topic
    /// holds); a dead letter or an output out of order only in a scenario
    /// whose faults make them by design.
    private func judgeOutputs(positions: [ChaosFeeder.Position?], scenario: ChaosScenario, figure: inout ChaosFigure) throws {
        let keys = options.keys
        var copies = [UInt8](repeating: 0, count: positions.count)
        // The topic of each id's first output.
        var firstTopic = [Int8](repeating: -1, count: positions.count)
        var unexplained: [String] = []
        // Nil when the input could not be read whole: then nothing is put on the broker.
        let inputCopies = try copiesInInput(count: positions.count)
        var withoutID = 0
        var latestPerKey = [Int](repeating: -1, count: outputs.count * keys)
        for message in try reader.read(outputs.map { ($0, options.partitions) }, timeout: .seconds(170)) {
            figure.outputs += 1
            guard let id = message.integerHeader(BenchCluster.idHeader).map(Int.init), positions.indices.contains(id),
                let topic = outputs.firstIndex(of: message.topic)
            else {
                withoutID += 1
                continue
            }
            copies[id] = min(copies[id], 254) + 1
            guard firstTopic[id] < 0 else {
                figure.duplicates += 1
                if Int(firstTopic[id]) != topic { figure.wrongTopic += 1 }
                continue
            }
            firstTopic[id] = Int8(topic)
            if topic != ChaosFeeder.expectedTopic(of: id) {
                if topic == 2 && scenario.deadLetters { figure.deadLettered += 1 } else { figure.wrongTopic += 1 }
            }
            let slot = topic * keys + id % keys
            if id < latestPerKey[slot] {
                if scenario.reorders { figure.producedAgain += 1 } else { figure.outOfOrder += 1 }
            }
            latestPerKey[slot] = max(latestPerKey[slot], id)
        }
        for (id, count) in copies.enumerated() where count > 1 {
            guard let position = positions[id] else { continue }
            let storedAgain = max(0, Int(inputCopies?[id] ?? 1) - 1)
            let allowed = storedAgain + faultSnapshots.count { $0.allowsRepeats && position.offset >= $0.committed[Int(position.partition)] }
            if Int(count) - 1 > allowed {
                figure.unexplainedDuplicates += Int(count) - 1 - allowed
                unexplained.append("\(id) x\(count) (\(inputPosition(position)))")
            }
        }
        figure.storedTwice = inputCopies?.reduce(0) { $0 + max(0, Int($1) - 1) } ?? 0
        if figure.storedTwice > 0 { figure.problems.append("the broker stored \(figure.storedTwice) inputs twice") }
        if !unexplained.isEmpty {
            figure.problems.append("repeats the faults do not allow, e.g. \(unexplained.prefix(5).joined(separator: ", "))")
        }
        if withoutID > 0 { figure.problems.append("\(withoutID) outputs without a valid id") }
        // An acknowledged input the input topic does not hold was lost by the broker.
        let notOutput = positions.indices.filter { positions[$0] != nil && firstTopic[$0] < 0 }
        let missing = notOutput.filter { id in inputCopies.map { $0[id] > 0 } ?? true }
        figure.lostByBroker = notOutput.count - missing.count
        if figure.lostByBroker > 0 { figure.problems.append("the broker lost \(figure.lostByBroker) acknowledged inputs") }
        figure.missing = missing.count
        if !missing.isEmpty {
            let examples = missing.prefix(5).map { "\($0) (\(inputPosition(positions[$0])))" }
            figure.problems.append("missing, e.g. \(examples.joined(separator: ", "))")
        }
    }

    /// An input's place (`topic[partition]@offset`), as sluiced's log lines name it.
    private func inputPosition(_ position: ChaosFeeder.Position?) -> String {
        position.map { "\(input)[\($0.partition)]@\($0.offset)" } ?? "\(input)[-1]@-1"
    }
}
