import SluiceHarness

/// Per-key order, judged from the outputs: in each output partition, the first copy of
/// each message comes after the first copies of every earlier message of its key. `place`
/// gives a message's key (scope: only messages of one scope are compared) and its rank in
/// the input, or nil to leave it out. Returns one line per message out of place.
func keyOrderViolations(_ outputs: some Sequence<OutputMessage>, place: (String) -> (scope: [UInt8], rank: Int64)?) -> [String] {
    let byPartition = Dictionary(grouping: outputs.filter { $0.id != nil }) { "\($0.topic)[\($0.partition)]" }
    var violations: [String] = []
    for (partition, written) in byPartition {
        var seen = Set<String>()
        var lastOfScope: [[UInt8]: (rank: Int64, id: String, offset: Int64)] = [:]
        for output in written.sorted(by: { $0.offset < $1.offset }) {
            guard let id = output.id, seen.insert(id).inserted, let (scope, rank) = place(id) else { continue }
            if let last = lastOfScope[scope], last.rank > rank {
                violations.append("\(id) (input \(rank), out at \(output.offset)) after \(last.id) (input \(last.rank), out at \(last.offset)) in \(partition)")
            }
            lastOfScope[scope] = (rank, id, output.offset)
        }
    }
    return violations
}
