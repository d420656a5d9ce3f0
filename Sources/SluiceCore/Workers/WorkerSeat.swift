import DequeModule

/// What the flow knows of one worker of the pool: whether it takes requests, whether its
/// child has proved it can run, and the requests it holds. The process behind it is the
/// plugin supervisor's.
package struct WorkerSeat {
    /// Its child runs and reads requests (starting or running, stdin open, stdout open).
    package var isAccepting = false
    /// Its child stayed up for `startSeconds`: a suspect may run on it.
    package var hasProved = false
    /// Handling one suspect message alone; takes nothing else until it answers.
    package var isIsolating = false
    /// Unanswered requests: request id to message slot.
    package var inFlight: [UInt64: Int] = [:]
    /// Answers in request order (`lines`): the request ids in the order sent.
    package var answerOrder: Deque<UInt64> = []

    package init() {}
}
