import Supervisor

extension ChaosScenario {
    /// Every scenario `make chaos` runs, in order. Faults start once part of the messages
    /// were written, so some are done, some in flight and some still to come.
    static var catalog: [ChaosScenario] {
        [
            ChaosScenario(name: "broker down and up, leaders moved") { run in
                try run.waitUntilFed(0.3)
                try run.brokerOutage(2, seconds: 4)
            },
            ChaosScenario(name: "produce requests fail, retriable errors") { run in
                try run.waitUntilFed(0.3)
                try run.failRequests(.produce, [.notLeaderForPartition, .requestTimedOut], times: 10)
                try run.waitUntilFed(0.6)
                try run.failRequests(.produce, [.notEnoughReplicas, .notEnoughReplicasAfterAppend], times: 10)
            },
            ChaosScenario(name: "produce requests fail, non-retriable errors", deadLetters: true, reorders: true) { run in
                try run.waitUntilFed(0.3)
                try run.failRequests(.produce, [.policyViolation], times: 5)
                try run.waitUntilFed(0.6)
                try run.failRequests(.produce, [.topicAuthorizationFailed], times: 3)
            },
            ChaosScenario(name: "offset commits fail") { run in
                // sluiced commits once a second, and only while offsets move: the errors go
                // in one batch, early enough for each to meet a commit before the input ends.
                try run.waitUntilFed(0.2)
                try run.failRequests(
                    .offsetCommit,
                    [.coordinatorNotAvailable, .notCoordinator, .requestTimedOut, .offsetMetadataTooLarge, .groupAuthorizationFailed],
                    times: 1)
            },
            ChaosScenario(name: "group coordinator moved") { run in
                try run.waitUntilFed(0.3)
                try run.moveCoordinator(to: 2)
                try run.waitUntilFed(0.6)
                try run.moveCoordinator(to: 3)
            },
            ChaosScenario(name: "latency spikes") { run in
                try run.waitUntilFed(0.3)
                try run.latencySpike(milliseconds: 400, seconds: 3)
                try run.waitUntilFed(0.6)
                try run.latencySpike(milliseconds: 1500, seconds: 2)
            },
            ChaosScenario(name: "sluiced killed and restarted") { run in
                // Half-way between two of its once-a-second commits, so some work is exposed.
                try run.waitUntilFed(0.45)
                try run.killMember(0)
                run.pause(1)
                try run.restartMember(0)
            },
            ChaosScenario(name: "two sluiced, one killed and restarted", members: 2) { run in
                try run.waitUntilFed(0.3)
                try run.killMember(0)
                run.pause(2)
                try run.restartMember(0)
            },
            ChaosScenario(name: "three sluiced, one killed, one stopped, both restarted", members: 3) { run in
                try run.waitUntilFed(0.25)
                try run.killMember(0)
                try run.waitUntilFed(0.45)
                try run.stopMember(1)
                try run.waitUntilFed(0.6)
                try run.restartMember(0)
                try run.restartMember(1)
            },
            ChaosScenario(name: "plugin workers killed", workers: 3, deadLetters: true, expectedLog: ["worker exited: signal 9"]) { run in
                try run.waitUntilFed(0.2)
                try run.killWorkers(count: 10, interval: 0.3)
            },
            ChaosScenario(
                name: "plugin workers hung past the message timeout", arguments: ["--message-timeout", "2"], deadLetters: true,
                expectedLog: ["gave no answer within 2"]
            ) { run in
                try run.waitUntilFed(0.3)
                try run.freezeWorkers(seconds: 5)
            },
            ChaosScenario(
                name: "plugin workers stalled beyond max.poll.interval.ms",
                arguments: ["-X", "max.poll.interval.ms=6000", "--drain-timeout", "5", "--message-timeout", "60", "--max-buffered", "500"],
                expectedLog: ["pausing fetching, staying in the group"],
                forbiddenLog: ["partitions lost", "partitions revoked", "maximum poll interval"]
            ) { run in
                try run.waitUntilFed(0.3)
                try run.freezeWorkers(seconds: 10)
            },
        ]
    }
}
