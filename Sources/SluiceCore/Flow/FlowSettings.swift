/// What the flow decides by, from the daemon's settings (a reload may change it).
package struct FlowSettings: Sendable {
    /// How plugins take messages: the flow sends frames to workers (`json`, `lines`),
    /// starts a process per message (`exec`), or sends nothing (`kafkaNative`).
    package enum Delivery: Sendable {
        /// Answers name their request by id, in any order.
        case byID
        /// Answers come in request order (`lines`).
        case inOrder
        /// A process per message (`exec`).
        case processPerMessage
        /// The plugins consume and produce themselves (`kafka-native`).
        case none
    }

    package var delivery: Delivery
    /// Requests a worker may hold unanswered (`plugin.max_in_flight`).
    package var maxInFlight: Int
    /// How much the input, and apart from it the retrier, may hold.
    package var bufferLimit: BufferLimit
    /// Strikes that make a message poison (`plugin.poison_threshold`).
    package var poisonThreshold: Int
    /// How long a worker may leave a request unanswered (`plugin.message_timeout`).
    package var messageTimeout: Duration
    package var retry: RetryPolicy

    package init(
        delivery: Delivery, maxInFlight: Int, bufferLimit: BufferLimit, poisonThreshold: Int, messageTimeout: Duration,
        retry: RetryPolicy
    ) {
        self.delivery = delivery
        self.maxInFlight = maxInFlight
        self.bufferLimit = bufferLimit
        self.poisonThreshold = poisonThreshold
        self.messageTimeout = messageTimeout
        self.retry = retry
    }

    /// How long a partition's commit position may stand still while it holds messages
    /// before it is reported: well past what one message may take (`messageTimeout`).
    package var stallThreshold: Duration { max(messageTimeout * 2, .seconds(10)) }
}
