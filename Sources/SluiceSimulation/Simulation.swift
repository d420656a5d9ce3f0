import PluginProtocol
import SluiceCore

/// One seeded schedule: the real `MessageFlow` driven through a random world that plays
/// librdkafka (polls, enqueues, delivery reports in any order, rebalances, lost
/// partitions), the plugins (answers in any order, late, garbage, twice, never; crashes,
/// hangs) and the operator (scale, restart, pause, reload, stop), with the invariants of
/// `docs/RELIABILITY.md` checked after every step. The same seed replays the same
/// schedule, step for step.
package struct Simulation {
    /// Why a schedule failed: the invariant broken, and at which step.
    package struct Violation: Error, CustomStringConvertible {
        package let seed: UInt64
        package let step: Int
        package let invariant: String

        package var description: String { "seed \(seed), step \(step): \(invariant)" }
    }

    /// What a schedule did, for the figures.
    package struct Outcome {
        package var steps = 0
        package var polled = 0
        package var finished = 0
        package var released = 0

        package init() {}
    }

    let seed: UInt64
    /// Told each step's event and each action, when a replay is traced.
    package var trace: ((String) -> Void)?
    var random: SplitMix64
    var flow: MessageFlow
    var step = 0
    var outcome = Outcome()

    // The world.
    var partitions: [SimulatedPartition.ID: SimulatedPartition] = [:]
    var inputPartitions: [SimulatedPartition.ID] = []
    var retryPartitions: [SimulatedPartition.ID] = []
    var workers: [SimulatedWorker] = []
    var instances: [SimulatedInstance] = []
    /// The instance each slot of the flow holds now.
    var slotOwner: [Int: Int] = [:]
    /// Writes librdkafka holds, until their delivery report.
    var inFlightWrites: [SimulatedWrite] = []
    /// How many writes librdkafka's queue holds at most.
    var queueCapacity: Int
    var now = Moment.origin
    var wallMilliseconds: Int64 = 1_700_000_000_000
    var nextMessageID = 0
    /// While set, the output topics cannot be written (a topic deleted and created again, a
    /// broker down): every enqueue and delivery fails until then.
    var outputOutageUntil: Moment?
    /// Partitions letting started work finish before they go, until a deadline.
    var revoking: [(ids: [SimulatedPartition.ID], progress: [PartitionProgress], isRetry: Bool, deadline: Moment)] = []
    /// While set, a reload has made the plugin's command one whose children crash before
    /// they prove themselves.
    var pluginBroken = false
    /// How many messages the stop leaves unfinished, counted as its drain ends.
    var stopLeaves = 0
    /// When the plugins' part of the stop began (after the drain); nil before.
    var pluginsStopBegan: Moment?
    /// Set once the world has calmed down to check that everything held finishes.
    var isCalm = false
    /// `sluicectl restart`'s queue: worker indices, drained one at a time.
    var rollingRestart = RollingRestart()
    /// Protocol exec: the slots whose process runs, and how many may run at once (the
    /// pool's size).
    var execRuns: [Int] = []
    var execTarget: Int
    /// When the stop was asked for; nil before.
    var stopAskedAt: Moment?
    /// The most the input may hold: the limit, or what it held when a reload lowered it.
    var inputAllowance: Int
    static let topics = ["in", "retry"]
    static let drainTimeout = Duration.seconds(2)

    package init(seed: UInt64) {
        self.seed = seed
        var random = SplitMix64(seed: seed)
        let delivery: FlowSettings.Delivery = [.byID, .byID, .inOrder, .processPerMessage][Int.random(in: 0..<4, using: &random)]
        var retry = RetryPolicy()
        retry.base = .milliseconds(100)
        retry.maximum = .seconds(2)
        retry.maxAttempts = Int.random(in: 2...4, using: &random)
        let settings = FlowSettings(
            delivery: delivery, maxInFlight: Int.random(in: 1...3, using: &random),
            bufferLimit: BufferLimit(messages: Int.random(in: 4...24, using: &random), bytes: Int.random(in: 400...4000, using: &random)),
            poisonThreshold: Int.random(in: 2...3, using: &random), messageTimeout: .seconds(5), retry: retry)
        flow = MessageFlow(settings: settings, seed: random.next())
        queueCapacity = Int.random(in: 2...16, using: &random)
        inputAllowance = settings.bufferLimit.messages
        let inputCount = Int32.random(in: 1...3, using: &random)
        let retryCount = Int32.random(in: 1...2, using: &random)
        for partition in 0..<inputCount {
            let id = SimulatedPartition.ID(topic: 0, partition: partition)
            partitions[id] = SimulatedPartition(id: id)
            inputPartitions.append(id)
        }
        for partition in 0..<retryCount {
            let id = SimulatedPartition.ID(topic: 1, partition: partition)
            partitions[id] = SimulatedPartition(id: id)
            retryPartitions.append(id)
        }
        execTarget = Int.random(in: 1...4, using: &random)
        if delivery != .processPerMessage {
            for _ in 0..<execTarget { workers.append(SimulatedWorker()) }
        }
        self.random = random
    }

    /// Runs `steps` random steps, in half the schedules lets the world calm down until
    /// everything held is finished, then stops the flow, whatever it is doing, and checks
    /// that every message came to an end.
    package mutating func run(steps: Int) throws(Violation) -> Outcome {
        flow.advance(to: now, wallMilliseconds: wallMilliseconds)
        for index in inputPartitions.indices { assign(inputPartitions[index]) }
        for index in retryPartitions.indices { assign(retryPartitions[index]) }
        for index in workers.indices { start(index) }
        while step < steps {
            step += 1
            try takeStep()
        }
        // Half the schedules check that everything finishes once the world calms down; the
        // other half stop with whatever is in flight.
        if random.next() & 1 == 0 { try calmDown() }
        try beginStop()
        while try !advanceStop() {
            step += 1
            try takeStep(settling: true)
        }
        try checkQuiescence()
        outcome.steps = step
        return outcome
    }

    mutating func pick(_ count: Int) -> Int {
        Int.random(in: 0..<count, using: &random)
    }

    func violation(_ text: String) -> Violation {
        Violation(seed: seed, step: step, invariant: text)
    }
}

extension Simulation {
    /// Whether an event of probability `probability` happens now.
    mutating func roll(_ probability: Double) -> Bool {
        Double(random.next() >> 11) / Double(1 << 53) < probability
    }
}
