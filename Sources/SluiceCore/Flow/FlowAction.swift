import PluginProtocol

/// What the flow asks of the world after an event: plain values the interpreter carries
/// out in order. Frames, Kafka writes and log lines are made there, from the slots named.
/// No case holds a reference, so taking one out of the buffer retains nothing.
package enum FlowAction: Equatable {
    /// Encode the request for the message in `slot` into worker `worker`'s stdin, as
    /// request `requestID`. A frame that cannot be made comes back as `requestRefused`.
    case send(slot: Int, worker: Int, requestID: UInt64)
    /// Protocol exec: start a process for the message in `slot`.
    case startExec(slot: Int)
    /// Enqueue an output to the producer: for a message in stage `producing`, output
    /// `token.index` of its verdict; `republishing`, the message to its input topic;
    /// `handingBack`, the message to its own transient-failure partition. The outcome comes
    /// back as `enqueued` or `enqueueFailed`.
    case produce(DeliveryToken)
    /// The message in `slot` is gone from the flow: free what the interpreter keeps of it.
    case forget(slot: Int)
    /// Pause or resume partitions of a consumer, as `MessageFlow.nextFetchChange()` says.
    case fetch
    /// Count something.
    case count(FlowFigure)
    /// Say the next line of `MessageFlow.nextLogLine()`.
    case log
}

/// What the flow counts, for the figures.
package enum FlowFigure: Equatable {
    /// A worker answered `after` the request went.
    case answered(after: Duration)
    /// A message is done with `verdict` decided by `source`, `processing` after it was
    /// consumed.
    case delivered(Verdict, FailureSource, processing: Duration)
    /// A held failure is back in its input topic.
    case retried
    /// An enqueue or a delivery failed.
    case produceFailed
}

/// Where an input message came from, for a log line.
package struct InputPosition: Equatable, Sendable {
    package let topic: String
    package let partition: Int32
    package let offset: Int64
}

/// What the flow says, as values: the interpreter words them and logs them.
package enum FlowLog: Equatable {
    /// An enqueue or a delivery failed and is retried; `unlogged` like it since the last line.
    case produceFailed(InputPosition, topic: String, reason: String, retry: ProduceRetry, unlogged: Int)
    /// Outputs to `topic` are delivered again after `unlogged` failures not logged alone.
    case outputsGoThrough(topic: String, unlogged: Int)
    /// The broker acknowledged an output as a duplicate of an earlier write (no offset).
    case duplicateAcknowledged(InputPosition)
    /// A message hit the poison threshold and is dead-lettered.
    case poison(InputPosition, strikes: Int, reason: String)
    /// The broker refused an output for good: the original is dead-lettered.
    case outputRefused(InputPosition, which: String, topic: String, reason: String)
    /// The broker refused the dead letter as too large: it goes without its value.
    case deadLetterTooLarge(InputPosition, reason: String)
    /// A held failure has no input topic to go back to: dead-lettered.
    case noRetryHome(InputPosition, reason: String)
    /// The commit position of a partition stood still for `seconds` while it held messages.
    case partitionStalled(topic: String, partition: Int32, seconds: Int64, held: Int, position: Int64?)
    /// The commit position moves again after a reported stand-still.
    case partitionMovesAgain(topic: String, partition: Int32, seconds: Int64)
    /// The input was full and unpolled for `after`: fetching is paused, the member stays
    /// in the group.
    case saturated(after: Duration)
    /// Every worker is fatal or stopped: fetching is paused until one can run.
    case noWorkerCanRun
    /// A worker can run again: fetching resumes.
    case aWorkerCanRunAgain
    /// The stop began: `finishing` started messages have the drain to finish, `released`
    /// not yet started were let go.
    case stopping(finishing: Int, released: Int)
    /// The stop's drain ran out with `unfinished` messages held.
    case drainTimedOut(unfinished: Int)
    /// Messages left unfinished at the end of the stop, by partition.
    case leftUnfinished(count: Int, byPartition: String)

    /// What follows a failed write.
    package enum ProduceRetry: Equatable, Sendable {
        /// librdkafka did not take it: enqueued again every second.
        case enqueueAgain
        /// Its delivery failed: produced again every second.
        case produceAgain
        /// A dead letter that cannot be written either: again every 5 s, while its
        /// partition's commit position waits.
        case deadLetterAgain
    }
}

/// Why librdkafka did not take an output, or the broker did not store it.
package struct ProduceFailure: Equatable, Sendable {
    package enum Kind: Equatable, Sendable {
        /// The producer's queue is full: again as soon as delivery reports make room.
        case queueFull
        /// Anything that producing again may cure.
        case retriable
        /// Refused for good; `tooLarge` when for its size.
        case refused(tooLarge: Bool)
    }

    package let kind: Kind
    /// The error as a log line gives it.
    package let description: String
    /// The error's reason alone, for a header.
    package let reason: String

    package init(_ kind: Kind, description: String = "", reason: String = "") {
        self.kind = kind
        self.description = description
        self.reason = reason
    }
}
