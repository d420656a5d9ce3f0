import DequeModule

/// Outputs librdkafka did not take, waiting to be produced again: those refused with its
/// queue full, in the order they were refused (tried again as soon as delivery reports
/// make room, before anything newer), and those to try again at a time (another refusal,
/// a failed delivery). Pure: output ids and instants.
struct PendingOutputs {
    private var waitingForRoom: Deque<OutputID> = []
    private var retries: [(output: OutputID, due: ContinuousClock.Instant)] = []

    /// Whether an output waits for room in the producer's queue.
    var isWaitingForRoom: Bool { !waitingForRoom.isEmpty }

    /// The output was refused with the queue full: it goes again when there is room.
    mutating func waitForRoom(_ output: OutputID) {
        waitingForRoom.append(output)
    }

    /// The outputs waiting for room, oldest first, to be tried in turn. The first one
    /// refused again goes back (`waitForRoom`) and `putBack` returns the rest behind it.
    mutating func takeWaitingForRoom() -> Deque<OutputID> {
        defer { waitingForRoom.removeAll() }
        return waitingForRoom
    }

    /// The queue filled up again: `rest` keep their turn behind what went back.
    mutating func putBack(_ rest: Deque<OutputID>) {
        waitingForRoom.append(contentsOf: rest)
    }

    /// The output goes again at `due`.
    mutating func retry(_ output: OutputID, at due: ContinuousClock.Instant) {
        retries.append((output, due))
    }

    /// The outputs due at `now`, in the order they were scheduled; they are no longer pending.
    mutating func takeDueRetries(at now: ContinuousClock.Instant) -> [OutputID] {
        guard !retries.isEmpty else { return [] }
        let due = retries.filter { $0.due <= now }.map(\.output)
        retries.removeAll { $0.due <= now }
        return due
    }

    /// When the next retry is due, if one is pending.
    var nextRetry: ContinuousClock.Instant? {
        retries.map(\.due).min()
    }
}
