extension MessageFlow {
    /// A reason to hold fetching back (`FetchGate.Reason`).
    package typealias FetchHold = FetchGate<TopicPartition>.Reason

    /// Partitions of one consumer to pause or resume, for `FlowAction.fetch`.
    package struct FetchChange: Equatable {
        /// The retrier's consumer; else the input's.
        package let isRetry: Bool
        package let action: FetchGate<TopicPartition>.Action
    }

    /// How long the input may go unpolled while the flow is full before fetching is
    /// paused, far below `max.poll.interval.ms`.
    package static let longestUnpolled = Duration.seconds(5)

    /// The change a `FlowAction.fetch` asks for.
    package mutating func nextFetchChange() -> FetchChange {
        fetchChanges.removeFirst()
    }

    /// Whether `reason` holds the input's fetching back, or the retrier's.
    package func holds(_ reason: FetchHold, isRetry: Bool) -> Bool {
        isRetry ? retryGate.holds(reason) : inputGate.holds(reason)
    }

    /// Whether the input's partitions are paused now, or the retrier's.
    package func isFetchPaused(isRetry: Bool) -> Bool {
        isRetry ? retryGate.partitionsPaused : inputGate.partitionsPaused
    }

    /// Whether the input's fetching is held back for a reason an operator is shown
    /// (status, metrics, systemd): every reason but the stop.
    package var isInputHeldBack: Bool { inputGate.isHeldBack }

    /// Holds the fetching of the input, or the retrier's, back for `reason`: the first
    /// reason pauses the consumer's partitions.
    package mutating func hold(_ reason: FetchHold, isRetry: Bool) {
        changeGate(isRetry: isRetry) { $0.hold(reason) }
    }

    /// Ends `reason`: the last one resumes the consumer's partitions.
    package mutating func release(_ reason: FetchHold, isRetry: Bool) {
        changeGate(isRetry: isRetry) { $0.release(reason) }
    }

    /// Whether a worker can run (not all are fatal or stopped): while none can, the
    /// input's fetching is held back, and the operator is told either way.
    package mutating func workers(canRun: Bool) {
        guard inputGate.holds(.noWorkerCanRun) == canRun else { return }
        if canRun {
            release(.noWorkerCanRun, isRetry: false)
            say(.aWorkerCanRunAgain)
        } else {
            hold(.noWorkerCanRun, isRetry: false)
            say(.noWorkerCanRun)
        }
    }

    /// Whether to poll the input now, told whether its queue may hold something. While the
    /// flow is full it takes no more and lets librdkafka's bounded prefetch wait (cheap:
    /// nothing is thrown away). Only if that leaves the consumer unpolled for
    /// `longestUnpolled` (the plugins are stuck) does it pause the partitions, so the input
    /// can be polled again and stay in the group however long the plugins take.
    package mutating func pollsInput(hasEvents: Bool) -> Bool {
        if inputGate.isClosed || !isInputFull { return hasEvents }
        guard now - lastInputPoll >= Self.longestUnpolled else { return false }
        hold(.saturated, isRetry: false)
        say(.saturated(after: Self.longestUnpolled))
        return true
    }

    /// The input is polled now.
    package mutating func inputPolled() {
        lastInputPoll = now
    }

    /// Whether a poll of the input may take more now: while fetching is paused it takes
    /// what librdkafka fetched before, whatever the flow holds.
    package var inputTakesMore: Bool { inputGate.isClosed || !isInputFull }

    /// When the input must be polled again at the latest, while it is taken from: while the
    /// flow is full and fetching still runs, `longestUnpolled` after the last poll.
    package var nextForcedInputPoll: Moment? {
        guard !inputGate.isClosed && isInputFull else { return nil }
        return lastInputPoll + Self.longestUnpolled
    }

    /// A hold for being full ends once what its side holds is half its limit; the retrier
    /// is held back as soon as it is full. Checked as messages come and go: cheap while
    /// nothing is paused.
    mutating func settleSaturation() {
        if inputGate.partitionsPaused && isInputHalfEmpty && inputGate.holds(.saturated) {
            release(.saturated, isRetry: false)
        }
        if isRetrierFull {
            if !retryGate.holds(.saturated) { hold(.saturated, isRetry: true) }
        } else if retryGate.partitionsPaused && isRetrierHalfEmpty && retryGate.holds(.saturated) {
            release(.saturated, isRetry: true)
        }
    }

    /// Changes the input's gate, or the retrier's, and asks for the pause or resume it
    /// answers with.
    mutating func changeGate(isRetry: Bool, _ change: (inout FetchGate<TopicPartition>) -> FetchGate<TopicPartition>.Action?) {
        guard let action = isRetry ? change(&retryGate) : change(&inputGate) else { return }
        fetchChanges.append(FetchChange(isRetry: isRetry, action: action))
        emit(.fetch)
    }
}
