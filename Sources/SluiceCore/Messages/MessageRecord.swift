import PluginProtocol

/// A consumed message the daemon is responsible for until its verdict is delivered: what
/// the core decides by. The message's bytes stay with the interpreter, under the same slot.
package struct MessageRecord {
    /// Where the message is in its journey.
    package enum Stage: Equatable {
        /// Waiting for a worker (or for its key).
        case queued
        /// Written to a worker at this time.
        case dispatched(at: Moment)
        /// Its verdict's outputs (`output`) enqueued to the producer; waiting for the
        /// delivery reports.
        case producing
        /// A transient failure held by the retrier until it is due.
        case waitingForRetry
        /// Published back to the input topic; waiting for the delivery report.
        case republishing
        /// A held failure not yet due, written again to the end of its transient-failure
        /// partition at a stop or revoke (so its offset can be committed and what follows
        /// it is not redone); waiting for the delivery report.
        case handingBack
    }

    package let progress: PartitionProgress
    package let offset: Int64
    package let keyHash: Int?
    package let attempt: Int
    /// When the consumer handed it over (for the processing latency).
    package let consumedAt: Moment
    /// The bytes of key and value the message keeps in memory (`BufferLimit`).
    package let bytes: Int
    package var stage: Stage = .queued
    /// What the verdict sends to Kafka, from when it is known (`produce(_:)`, stage
    /// `.producing`) until it is delivered. Kept beside the stage rather than as its
    /// payload: the pipeline reads and changes it in place several times per message, and
    /// every look into an enum's payload copied all of it (each string and array retained
    /// and released).
    package var output: VerdictOutput?
    /// How it fared with workers that failed while it was in flight.
    package var failures = WorkerFailures()
    /// Whether the next message with its key waits for it: from when it is consumed until
    /// its output is enqueued, so outputs with one key are enqueued in input order.
    package var holdsKey = false

    /// Produces `output` as the message's verdict (in place of any earlier one).
    package mutating func produce(_ output: VerdictOutput) {
        stage = .producing
        self.output = output
    }

    /// `output` in stage `.producing`, which `produce(_:)` always sets it for: read or
    /// changed in place, only in that stage.
    package var producingOutput: VerdictOutput {
        get { output! }
        _modify { yield &output! }
    }
}

/// What a verdict sends to Kafka, kept until delivered so a failed delivery can be retried.
package struct VerdictOutput {
    package var verdict: Verdict
    /// A replacement value (success only); nil sends the original bytes.
    package var payload: [UInt8]? = nil
    /// The single output's key (success only).
    package var key: ResponseFrame.Key = .input
    package var reason: String?
    /// Merged over the input's headers (a nil value removes one).
    package var headers: [ResponseFrame.Header] = []
    /// A fan-out's outputs (success only), in place of the single output.
    package var outputs: [ResponseFrame.Output]? = nil
    /// Who decided a failure.
    package var source: FailureSource = .plugin
    /// The worker that handled the message, for failure headers.
    package var worker: Int?
    /// How the worker's child ended, when a crash caused the failure.
    package var termination: String? = nil
    /// The last lines the worker's child wrote to stderr, when a crash caused the failure.
    package var stderrTail: String? = nil
    /// The plugin's requested retry delay, for a transient verdict.
    package var retryAfterMilliseconds: Int64? = nil
    /// A transient verdict's due time for the retry (milliseconds since the epoch).
    package var retryDue: Int64? = nil
    /// A dead letter the broker refused as too large: sent without the value, so the
    /// partition can go on (header `sluice.value.removed` says how many bytes it had).
    package var withoutValue = false
    /// Why the broker failed the output's first delivery, when it did: the output is
    /// produced again with header `sluice.delivery.failed`, and may come after newer
    /// outputs of its key.
    package var deliveryFailure: String? = nil
    /// How many of the outputs were enqueued: they are enqueued in order, and one the
    /// queue had no room for resumes the rest.
    package var enqueued = 0
    /// How many enqueued outputs are settled: delivered, or refused for good.
    package var settled = 0
    /// Why the broker refused one of the outputs for good: none after it is enqueued, and
    /// once those in flight are settled the input is dead-lettered instead.
    package var refusal: String? = nil

    package init(
        verdict: Verdict, payload: [UInt8]? = nil, key: ResponseFrame.Key = .input, reason: String? = nil,
        headers: [ResponseFrame.Header] = [], outputs: [ResponseFrame.Output]? = nil, source: FailureSource = .plugin,
        worker: Int? = nil, termination: String? = nil, stderrTail: String? = nil, retryAfterMilliseconds: Int64? = nil,
        withoutValue: Bool = false
    ) {
        self.verdict = verdict
        self.payload = payload
        self.key = key
        self.reason = reason
        self.headers = headers
        self.outputs = outputs
        self.source = source
        self.worker = worker
        self.termination = termination
        self.stderrTail = stderrTail
        self.retryAfterMilliseconds = retryAfterMilliseconds
        self.withoutValue = withoutValue
    }

    /// How many outputs the verdict writes.
    package var outputCount: Int { verdict == .drop ? 0 : outputs?.count ?? 1 }

    /// The output to enqueue next, in order; nil once all are enqueued, or after a refusal.
    package var nextToEnqueue: Int? { refusal == nil && enqueued < outputCount ? enqueued : nil }

    /// Whether every output that will be enqueued was, and is settled.
    package var isSettled: Bool { settled == enqueued && (refusal != nil || enqueued == outputCount) }
}
