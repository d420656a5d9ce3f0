import Testing

@testable import SluiceCore

/// `LeastBusyWorkers`: requests go to the worker with the fewest in flight (lowest slot on a
/// tie), none past the limit; checked against a scan of the whole pool.
@Suite struct LeastBusyWorkersTests {
    typealias Entry = LeastBusyWorkers.Entry

    /// Hands out `count` requests and returns the slot each went to.
    func handOut(_ count: Int, from workers: inout LeastBusyWorkers) -> [Int] {
        var slots: [Int] = []
        for _ in 0..<count {
            guard let slot = workers.leastBusy else { break }
            slots.append(slot)
            workers.addRequestToLeastBusy()
        }
        return slots
    }

    @Test func evenWorkersTakeRequestsInTurn() {
        var workers = LeastBusyWorkers((0..<3).map { Entry(inFlight: 0, index: $0) }, limit: 2)
        #expect(handOut(10, from: &workers) == [0, 1, 2, 0, 1, 2], "two each, then all are at the limit")
        #expect(workers.isEmpty && workers.leastBusy == nil)
    }

    @Test func theLeastBusyCatchUpFirst() {
        var workers = LeastBusyWorkers(
            [Entry(inFlight: 3, index: 0), Entry(inFlight: 0, index: 1), Entry(inFlight: 1, index: 2)], limit: 4)
        #expect(handOut(4, from: &workers) == [1, 1, 2, 1], "slot 1 to 2, then 2 and 1 at 2 each take turns")
    }

    @Test func workersAtTheLimitAreLeftOut() {
        var workers = LeastBusyWorkers([Entry(inFlight: 5, index: 0), Entry(inFlight: 4, index: 1)], limit: 5)
        #expect(handOut(3, from: &workers) == [1])
    }

    @Test func matchesAScanOverThePool() {
        var random = SystemRandomNumberGenerator()
        for _ in 0..<200 {
            let limit = Int.random(in: 1...6, using: &random)
            var loads = (0..<Int.random(in: 0...12, using: &random)).map { _ in Int.random(in: 0...limit, using: &random) }
            var workers = LeastBusyWorkers(loads.enumerated().map { Entry(inFlight: $1, index: $0) }, limit: limit)
            while true {
                // The scan WorkerPool did per message: the first with strictly fewer wins.
                var best: Int?
                for (index, load) in loads.enumerated() where load < limit {
                    if best == nil || load < loads[best!] { best = index }
                }
                #expect(workers.leastBusy == best, "loads \(loads), limit \(limit)")
                guard let best else { break }
                loads[best] += 1
                workers.addRequestToLeastBusy()
            }
        }
    }
}
