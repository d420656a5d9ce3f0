import Supervisor
import Foundation

extension ChaosRun {
    /// After the script: waits for the feeder and for the outputs to stop growing, stops
    /// every member with SIGTERM, then reads every output back and judges each input.
    func account(for scenario: ChaosScenario, into figure: inout ChaosFigure) throws {
        try waitFor("the feeder to finish", timeout: .seconds(600)) { feeder.isFinished }
        if let failure = feeder.failure { throw ChaosError("the feeder failed: \(failure)") }
        let positions = feeder.positions
        figure.messages = positions.count { $0 != nil }
        figure.unacknowledged = positions.count - figure.messages
        try drain(expected: figure.messages, figure: &figure)
        // Judged on the logs before the final stop, which revokes every partition.
        let logs = members.map(\.log)
        let acknowledgedUnstored = acknowledgedAsDuplicates(logs: logs)
        for member in members {
            if !member.isRunning { figure.problems.append("\(member.name) was not running at the end") }
            member.stop()
            if member.uncleanStops > 0 { figure.problems.append("\(member.name) did not exit 0 on SIGTERM") }
        }
        let finalLogs = members.map(\.log)
        try judgeOutputs(
            positions: positions, moved: movedPartitions(logs: logs), acknowledgedAsDuplicates: acknowledgedUnstored,
            delivered: delivered(logs: finalLogs), figure: &figure)
        if options.strict && figure.lostByBroker + figure.storedTwice > 0 {
            figure.problems.append(
                "\(figure.lostByBroker) lost and \(figure.storedTwice) stored twice by the broker: none may be excused in a strict run")
        }
        for text in scenario.expectedLog where !logs.contains(where: { $0.contains(text) }) {
            figure.problems.append("no member logged \"\(text)\"")
        }
        for text in scenario.forbiddenLog where logs.contains(where: { $0.contains(text) }) {
            figure.problems.append("a member logged \"\(text)\"")
        }
    }

    /// Waits until the outputs hold at least `expected` messages (less those the broker
    /// acknowledged as duplicates of writes it does not hold) and grew no more for two
    /// seconds; a minute without growth is a stall.
    private func drain(expected: Int, figure: inout ChaosFigure) throws {
        var last = -1
        var lastGrowth = ContinuousClock.now
        while true {
            let count = try cluster.messageCount(topics: outputs, partitions: options.partitions)
            if count != last {
                last = count
                lastGrowth = .now
            }
            let quiet = ContinuousClock.now - lastGrowth
            if quiet >= .seconds(2) {
                // Short of `expected`: only then are the members' logs read.
                let expected = count >= expected ? expected : expected - acknowledgedAsDuplicates(logs: members.map(\.log)).count
                if count >= expected { return }
                if quiet >= .seconds(60) {
                    figure.problems.append("stalled at \(count) outputs of \(expected)")
                    return
                }
            }
            pause(0.2)
        }
    }

    /// Reads every output and counts, per acknowledged input: missing, repeated (and
    /// whether a kill, a moved partition or the broker storing a write twice explains it), in
    /// the wrong topic, out of order. What excuses a message is what the topics hold: the
    /// input topic's copies, an output identical to the first (the broker stored one write
    /// twice), the headers sluiced puts on an output it had to produce again.
    private func judgeOutputs(
        positions: [ChaosFeeder.Position?], moved: Set<Int32>, acknowledgedAsDuplicates: Set<String>, delivered: Int?,
        figure: inout ChaosFigure
    ) throws {
        let keys = options.keys
        // Where each id's first output is: its topic, partition and timestamp.
        var first = [(topic: Int8, partition: Int32, timestamp: Int64)](repeating: (-1, -1, 0), count: positions.count)
        var unexplained: [String] = []
        var identicalRepeats = 0
        // Nil when the input could not be read whole: then nothing is put on the broker.
        var inputCopies = try copiesInInput(count: positions.count)
        var withoutID = 0
        var latestPerKey = [Int](repeating: -1, count: outputs.count * keys)
        let exposed = exposedByKills(positions: positions)
        figure.exposedByKills = exposed.count
        let unreadable = try cluster.readAll(topics: outputs, partitions: options.partitions) { message in
            figure.outputs += 1
            guard let id = OutputHeaders.integer(BenchCluster.idHeader, of: message).map(Int.init), positions.indices.contains(id),
                let topic = outputs.firstIndex(of: message.topic)
            else {
                withoutID += 1
                return
            }
            let timestamp = message.timestamp
            guard first[id].topic < 0 else {
                figure.duplicates += 1
                let partition = positions[id]?.partition
                if let copies = inputCopies?[id], copies > 1 {
                    inputCopies?[id] = copies - 1  // the input holds it twice: sluiced rightly did it twice
                    figure.storedTwice += 1
                } else if !exposed.contains(id) && !moved.contains(partition ?? -1) {
                    // The same write stored again has the first copy's partition and timestamp;
                    // sluiced producing it again would give it a new timestamp.
                    if first[id] == (Int8(topic), message.partition, timestamp) { identicalRepeats += 1 }
                    figure.unexplainedDuplicates += 1
                    unexplained.append("\(id) (\(inputPosition(positions[id])))")
                }
                if Int(first[id].topic) != topic { figure.wrongTopic += 1 }
                return
            }
            first[id] = (Int8(topic), message.partition, timestamp)
            let source = message.header(OutputHeaders.source)
            if topic != ChaosFeeder.expectedTopic(of: id) {
                let byDesign = topic == 2 && [FailureSource.crash, .timeout, .unproducible].map(\.rawValue).contains(source ?? "")
                if byDesign { figure.deadLettered += 1 } else { figure.wrongTopic += 1 }
            }
            let slot = topic * keys + id % keys
            if id < latestPerKey[slot] {
                // An output whose first delivery failed for good, produced again (or
                // dead-lettered) after later ones: the documented exception, which the
                // output's own headers record.
                let producedAgain =
                    message.header(OutputHeaders.deliveryFailed) != nil || source == FailureSource.unproducible.rawValue
                if producedAgain { figure.producedAgain += 1 } else { figure.outOfOrder += 1 }
            }
            latestPerKey[slot] = max(latestPerKey[slot], id)
        }
        if withoutID > 0 { figure.problems.append("\(withoutID) outputs without a valid id") }
        // Identical copies beyond every delivery sluiced was told of were stored twice by
        // the broker (both conditions: sluiced's count alone would excuse its own repeats).
        let surplus = delivered.map { max(0, figure.outputs - $0) } ?? 0
        let storedTwiceByBroker = min(surplus, identicalRepeats)
        figure.storedTwice += storedTwiceByBroker
        figure.unexplainedDuplicates -= storedTwiceByBroker
        if storedTwiceByBroker < unexplained.count {
            figure.problems.append("unexplained repeats, e.g. \(unexplained.prefix(5).joined(separator: ", "))")
        }
        if unreadable > 0 { figure.problems.append("\(unreadable) outputs dropped by the mock's retention before they were read") }
        // An acknowledged input the input topic does not hold was never there to process;
        // an output the broker acknowledged as a duplicate, with no output holding it, was
        // never stored (sluiced logs each such acknowledgement with its input).
        let notOutput = positions.indices.filter { positions[$0] != nil && first[$0].topic < 0 }
        let missing = notOutput.filter { id in
            (inputCopies.map { $0[id] > 0 } ?? true) && !acknowledgedAsDuplicates.contains(inputPosition(positions[id]))
        }
        figure.lostByBroker = notOutput.count - missing.count
        figure.missing = missing.count
        if !missing.isEmpty {
            let examples = missing.prefix(5).map { "\($0) (\(inputPosition(positions[$0])))" }
            figure.problems.append("missing, e.g. \(examples.joined(separator: ", "))")
        }
    }

    /// Ids that were output before a kill from offsets at or beyond the group's committed
    /// position at that moment: finished but not committed, so the next owner redoes them.
    private func exposedByKills(positions: [ChaosFeeder.Position?]) -> Set<Int> {
        var exposed = Set<Int>()
        for snapshot in killSnapshots {
            for id in snapshot.output {
                guard let position = positions.indices.contains(id) ? positions[id] : nil else { continue }
                if position.offset >= snapshot.committed[position.partition] ?? 0 { exposed.insert(id) }
            }
        }
        return exposed
    }

    /// The inputs (`topic[partition]@offset`) whose output the broker acknowledged as a
    /// duplicate of an earlier write, with no offset: Kafka holds such a write already; the
    /// mock can say so of a write it lost when its leader moved.
    private func acknowledgedAsDuplicates(logs: [String]) -> Set<String> {
        var inputs = Set<String>()
        for log in logs {
            for line in log.split(separator: "\n") where line.contains("acknowledged an output as a duplicate") {
                guard let range = line.range(of: " input=") else { continue }
                inputs.insert(String(line[range.upperBound...].prefix { $0 != " " }))
            }
        }
        return inputs
    }

    /// An input's place as sluiced's log lines name it (`topic[partition]@offset`).
    private func inputPosition(_ position: ChaosFeeder.Position?) -> String {
        position.map { "\(input)[\($0.partition)]@\($0.offset)" } ?? "\(input)[-1]@-1"
    }

    /// Input partitions some member gave away before the end (its log says so). The mock
    /// broker refuses every offset commit while the group rebalances, so a handover can
    /// repeat what the old owner finished but could not commit.
    private func movedPartitions(logs: [String]) -> Set<Int32> {
        let lines = logs.flatMap { $0.split(separator: "\n").filter { $0.contains("partitions revoked") || $0.contains("partitions lost") } }
        return Set((0..<options.partitions).filter { partition in lines.contains { $0.contains("\(input)[\(partition)]") } })
    }
}
