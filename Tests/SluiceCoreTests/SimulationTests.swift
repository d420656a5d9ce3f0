import Testing

@testable import SluiceSimulation

/// The bounded part of `make sim` that `make unit` runs: fixed seeds through the flow's
/// core, every invariant checked at every step; and a seed replays exactly.
@Suite struct SimulationTests {
    @Test func fixedSeedsKeepEveryInvariant() throws {
        var steps = 0
        var polled = 0
        for seed in UInt64(1)...100 {
            var simulation = Simulation(seed: seed)
            let outcome = try simulation.run(steps: 1000)
            steps += outcome.steps
            polled += outcome.polled
        }
        #expect(steps >= 100_000)
        #expect(polled > 1000, "the schedules moved messages")
    }

    @Test func aSeedReplaysExactly() throws {
        var first = Simulation(seed: 42)
        var second = Simulation(seed: 42)
        var firstTrace: [String] = []
        var secondTrace: [String] = []
        first.trace = { firstTrace.append($0) }
        second.trace = { secondTrace.append($0) }
        let a = try first.run(steps: 500)
        let b = try second.run(steps: 500)
        #expect(a.polled == b.polled && a.finished == b.finished && a.released == b.released && a.steps == b.steps)
        #expect(firstTrace == secondTrace && firstTrace.count > 500)
    }
}
