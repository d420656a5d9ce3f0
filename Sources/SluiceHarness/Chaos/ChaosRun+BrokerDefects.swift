import Supervisor
/// What the broker did to the messages itself, which sluiced cannot prevent: the judge
/// counts it apart from sluiced's own doing (librdkafka 2.0.2's mock stores an idempotent
/// retry again when a connection drops with requests in flight, and can acknowledge a
/// retried write it never stored as a duplicate; Kafka does neither).
extension ChaosRun {
    /// How many times the input topic holds each id (the mock can store a retried write
    /// twice, or acknowledge one it never stored), or nil when part of it could not be read.
    func copiesInInput(count: Int) throws -> [UInt8]? {
        var copies = [UInt8](repeating: 0, count: count)
        let unread = try cluster.readAll(topics: [input], partitions: options.partitions) { message in
            guard let id = OutputHeaders.integer(BenchCluster.idHeader, of: message).map(Int.init), copies.indices.contains(id) else {
                return
            }
            copies[id] = min(copies[id], 254) + 1
        }
        return unread == 0 ? copies : nil
    }

    /// The outputs every sluiced process was told were delivered (its `stopped` line), or
    /// nil when some process ended without one (killed): then the sum would fall short.
    func delivered(logs: [String]) -> Int? {
        let lines = logs.flatMap { $0.split(separator: "\n") }
        let started = lines.count { $0.contains("msg=\"sluiced started") }
        let stopped = lines.filter { $0.contains("msg=stopped ") }
        guard started == stopped.count else { return nil }
        return stopped.reduce(0) { total, line in
            total + ["success", "transient", "permanent"].reduce(0) { sum, name in
                guard let range = line.range(of: " \(name)=") else { return sum }
                return sum + (Int(line[range.upperBound...].prefix { $0.isNumber }) ?? 0)
            }
        }
    }
}
