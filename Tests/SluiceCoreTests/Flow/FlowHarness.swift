import PluginProtocol

@testable import SluiceCore

/// A `MessageFlow` under test with no processes and no Kafka: the test plays both, event by
/// event, and reads the actions the flow asks for.
struct FlowHarness {
    var flow: MessageFlow
    /// The lines the flow said, in order.
    var said: [FlowLog] = []
    static let input = TopicPartition(topic: "in", partition: 0)
    static let retries = TopicPartition(topic: "retry", partition: 0)

    init(delivery: FlowSettings.Delivery = .byID, maxInFlight: Int = 1, workers: Int = 1, poisonThreshold: Int = 2, bufferMessages: Int = 100) {
        var retry = RetryPolicy()
        retry.maxAttempts = 3
        flow = MessageFlow(
            settings: FlowSettings(
                delivery: delivery, maxInFlight: maxInFlight, bufferLimit: BufferLimit(messages: bufferMessages, bytes: 1 << 20),
                poisonThreshold: poisonThreshold, messageTimeout: .seconds(5), retry: retry),
            seed: 1)
        flow.assigned([Self.input], isRetry: false)
        flow.assigned([Self.retries], isRetry: true)
        for worker in 0..<workers { flow.worker(worker, isAccepting: true, hasProved: true) }
    }

    /// Polls a message of the input partition at `offset`; returns its slot.
    @discardableResult
    mutating func poll(_ offset: Int64, key: Int? = nil) -> Int {
        flow.polled(MessageFlow.Consumed(partition: Self.input, offset: offset, keyHash: key, bytes: 10, attempt: 1))!
    }

    /// Takes every action the flow asked for.
    mutating func actions() -> [FlowAction] {
        var taken: [FlowAction] = []
        while let action = flow.nextAction() {
            if action == .log { said.append(flow.nextLogLine()) }
            taken.append(action)
        }
        return taken
    }

    /// The sends the flow asked for, as (slot, worker, request id).
    mutating func dispatch() -> [(slot: Int, worker: Int, request: UInt64)] {
        flow.dispatch()
        return actions().compactMap {
            guard case .send(let slot, let worker, let request) = $0 else { return nil }
            return (slot, worker, request)
        }
    }

    /// The produce actions among `actions`.
    static func produced(_ actions: [FlowAction]) -> [DeliveryToken] {
        actions.compactMap {
            guard case .produce(let token) = $0 else { return nil }
            return token
        }
    }

    /// Answers request `request` of `worker` with `verdict` and enqueues every output the
    /// flow then asks for; returns the tokens enqueued.
    mutating func answer(_ request: UInt64, worker: Int = 0, _ output: VerdictOutput = VerdictOutput(verdict: .success)) -> [DeliveryToken] {
        precondition(flow.answered(worker: worker, .id(request), output))
        return enqueueAll()
    }

    /// Enqueues every output the flow asks for, one by one as librdkafka would take them.
    mutating func enqueueAll() -> [DeliveryToken] {
        var enqueued: [DeliveryToken] = []
        while true {
            let tokens = Self.produced(actions())
            guard !tokens.isEmpty else { return enqueued }
            for token in tokens {
                flow.enqueued(token)
                enqueued.append(token)
            }
        }
    }

    /// The positions the flow would store now, for the input.
    mutating func storedInput() -> [Int64] {
        movedPositions().input.map(\.next)
    }

    /// The positions the flow would store now.
    mutating func movedPositions() -> AssignedPartitions.MovedPositions {
        var moved = AssignedPartitions.MovedPositions()
        flow.takeMovedPositions(into: &moved)
        return moved
    }
}
