import SluiceHarness
import Testing

/// Every message of a run accounted for from Kafka alone: the input as the independent
/// reader saw it (where each id sits), the outputs it read back, and the group's committed
/// offsets read from the broker at each fault. Nothing sluiced logs, counts or writes in
/// its own headers is taken as evidence.
struct KafkaAccounting {
    /// Where each id was written in the input: partition, offset and key.
    let inputs: [String: TestCluster.InputPosition]
    /// The outputs by id, in the order they were read (per partition, by offset).
    let outputs: [String: [OutputMessage]]
    let unidentified: Int

    /// Reads the input and the outputs of `cluster` to their end offsets.
    init(reading cluster: TestCluster) throws {
        inputs = try cluster.inputPositions()
        let read = try cluster.reader.read(cluster.outputs.map { ($0, TestCluster.outputPartitions) })
        outputs = Dictionary(grouping: read.filter { $0.id != nil }, by: { $0.id! })
        unidentified = read.count { $0.id == nil }
    }

    /// Every message of `sent` came out, and only in the topic its route names.
    func expectNoneMissing(_ sent: [TestMessage], cluster: TestCluster, sourceLocation: SourceLocation = #_sourceLocation) {
        let topics = ["success": cluster.success, "transient": cluster.transient, "permanent": cluster.permanent]
        let missing = sent.filter { outputs[$0.id] == nil }.map(\.id)
        #expect(missing.isEmpty, "\(missing.count) missing: \(missing.prefix(20))", sourceLocation: sourceLocation)
        let misrouted = sent.filter { message in outputs[message.id]?.contains { $0.topic != topics[message.route] } == true }.map(\.id)
        #expect(misrouted.isEmpty, "in the wrong topic: \(misrouted.prefix(20))", sourceLocation: sourceLocation)
        #expect(unidentified == 0, "\(unidentified) outputs without an id", sourceLocation: sourceLocation)
    }

    /// Repeats only where a fault allows them: a message may come out again only if its
    /// input offset was at or above its partition's committed offset at a fault, and at
    /// most once more per such fault. `committedAtFaults` holds, per fault, the group's
    /// committed offset of each input partition read from the broker after the fault.
    func expectRepeatsBounded(by committedAtFaults: [[Int64]], sourceLocation: SourceLocation = #_sourceLocation) {
        var unexcused: [String] = []
        for (id, copies) in outputs where copies.count > 1 {
            guard let input = inputs[id] else {
                unexcused.append(id)
                continue
            }
            let excusing = committedAtFaults.count { committed in input.offset >= committed[Int(input.partition)] }
            if copies.count > 1 + excusing { unexcused.append("\(id) x\(copies.count)") }
        }
        #expect(unexcused.isEmpty, "repeated beyond what the commits allow: \(unexcused.sorted().prefix(20))", sourceLocation: sourceLocation)
    }

    /// Per key, the first copies in each output partition come in the order their inputs
    /// were written to their input partition.
    func expectKeyOrder(sourceLocation: SourceLocation = #_sourceLocation) {
        let outOfOrder = keyOrderViolations(outputs.values.joined()) { id in
            guard let input = inputs[id], let key = input.key else { return nil }
            return (key + Array(":\(input.partition)".utf8), input.offset)
        }
        #expect(outOfOrder.isEmpty, "key order broken: \(outOfOrder.prefix(20))", sourceLocation: sourceLocation)
    }
}
