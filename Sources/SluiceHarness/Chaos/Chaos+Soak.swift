import Supervisor

extension Chaos {
    /// `make soak`: two sluiced in one group under a steady stream of `options.messages`
    /// at `options.rate` a second, hit by a fault at random every few seconds (every kind
    /// `make chaos` injects), then every message accounted for.
    public func soak(progress: @escaping (String) -> Void) -> ChaosReport {
        let minutes = (Double(options.messages) / Double(options.rate) / 60).formatted(.number.precision(.fractionLength(0...1)))
        let scenario = ChaosScenario(
            name: "soak, \(minutes) min, faults at random", members: 2, arguments: ["--message-timeout", "5"],
            deadLetters: true, reorders: true
        ) { run in
            while !run.feeder.isFinished {
                run.pause(Double.random(in: 2...6))
                guard !run.feeder.isFinished, let fault = Self.soakFaults.randomElement() else { break }
                try fault(run)
                progress("  \(run.faults.last ?? "")")
            }
        }
        progress("running: \(scenario.name), \(options.messages.formatted) messages")
        let figure = run(scenario, slug: "soak")
        progress("  \(ChaosReport.summary(figure))")
        var report = ChaosReport(command: "make soak", options: options)
        report.figures = [figure]
        report.seconds = figure.seconds
        return report
    }

    /// The faults a soak picks from; member faults pick a member at random.
    private static var soakFaults: [(ChaosRun) throws -> Void] {
        [
            // Not the input's broker: the feeder's writes in flight there could be stored
            // twice (the mock's limits), which fails the run.
            { try $0.brokerOutage(Int32.random(in: 2...3), seconds: 3) },
            { try $0.failRequests(.produce, [.notLeaderForPartition, .requestTimedOut], times: 5) },
            { try $0.failRequests(.produce, [.policyViolation], times: 2) },
            { try $0.failRequests(.offsetCommit, [.notCoordinator, .groupAuthorizationFailed], times: 2) },
            { try $0.moveCoordinator(to: Int32.random(in: 1...3)) },
            { try $0.latencySpike(milliseconds: 500, seconds: 3) },
            { run in
                let member = Int.random(in: 0..<run.members.count)
                try run.killMember(member)
                run.pause(2)
                try run.restartMember(member)
            },
            { run in
                let member = Int.random(in: 0..<run.members.count)
                try run.stopMember(member)
                run.pause(2)
                try run.restartMember(member)
            },
            { try $0.killWorkers(count: 3, interval: 0.5) },
            { try $0.freezeWorkers(seconds: 7) },  // hung: past the 5 s message timeout
            { try $0.freezeWorkers(seconds: 3) },  // slow
        ]
    }
}
